"""Pages of the 12345 work orders: the list (the centre's whole township, a unit its own), one order with
the steps the signed-in person may take now, and the POST of each step."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from grid.channels.hotline import order_to_clue, order_to_enquiry, order_to_event
from grid.hotline import services as hotline
from grid.hotline.errors import HotlineError
from grid.hotline.importer import ImportRefused, import_orders
from grid.hotline.selectors import orders_for
from grid.models.hotline import (
    ExtensionDecision,
    FollowUpResult,
    HotlineOrder,
    HotlineStatus,
    ReturnReason,
)
from township.audit.services import record_personal_data_view
from township.casework.clock import current_level, remaining
from township.casework.display import Audience, timeline_rows
from township.errors import DomainError, add_to_form
from township.org.models import Department

S = HotlineStatus
PAGE_SIZE = 25


_is_centre = hotline.is_centre
_is_unit_member = hotline.is_unit_member


def staff_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not hasattr(request.user, "staff_profile") and not request.user.is_superuser:
            raise PermissionDenied(_("Work orders are for staff."))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


class UnitChoiceForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Department.objects.none())
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, township_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            township_id=township_id, is_active=True
        ).order_by("code")


class SendBackForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=ReturnReason.choices)
    explanation = forms.CharField(
        label=gettext_lazy("Explanation and legal basis"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExtensionForm(forms.Form):
    amount = forms.IntegerField(label=gettext_lazy("How much longer"), min_value=1, max_value=60)
    reason = forms.CharField(
        label=gettext_lazy("Reason and legal basis"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("1", gettext_lazy("Approve")), ("0", gettext_lazy("Refuse"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("Reply to the caller"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FollowUpForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("Result of the follow-up call"), choices=FollowUpResult.choices
    )
    unit_at_fault = forms.TypedChoiceField(
        label=gettext_lazy("If dissatisfied: is the unit at fault?"),
        choices=[("", "—"), ("1", gettext_lazy("Yes: redo")), ("0", gettext_lazy("No"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("What the caller said"), required=False, max_length=500)


def _steps(user, order) -> list[str]:
    """The steps the person may take on the order now, in the order they are shown."""
    steps = []
    centre, unit = _is_centre(user), _is_unit_member(user, order)
    if centre and order.status == S.RECEIVED:
        steps.append("dispatch")
    if centre and order.status == S.RETURNED:
        steps += ["dispatch", "force-assign"]
    if unit and order.status == S.ASSIGNED:
        steps += ["sign", "send-back"]
    if unit and order.status == S.SIGNED:
        steps += ["reply", "extension", "send-back"]
    if centre and order.status == S.REPLIED:
        steps.append("follow-up")
    if centre and order.extensions.filter(decision=ExtensionDecision.PENDING).exists():
        steps.append("decide-extension")
    if centre and order.passed_to_id is None and order.status != S.CLOSED:
        steps += ["to-event", "to-clue", "to-enquiry"]
    return steps


def _forms(order, bound=None):
    forms_ = {
        "dispatch": UnitChoiceForm(township_id=order.township_id, prefix="dispatch"),
        "force-assign": UnitChoiceForm(township_id=order.township_id, prefix="force"),
        "send-back": SendBackForm(prefix="back"),
        "extension": ExtensionForm(prefix="ext"),
        "decide-extension": DecisionForm(prefix="decide"),
        "reply": ReplyForm(prefix="reply"),
        "follow-up": FollowUpForm(prefix="follow"),
        "to-event": ToEventForm(township_id=order.township_id, prefix="event"),
        "to-clue": ToClueForm(prefix="clue"),
        "to-enquiry": ToEnquiryForm(prefix="enquiry"),
    }
    forms_.update(bound or {})
    return forms_


def _form_for(action, order, data):
    prefixes = {
        "dispatch": "dispatch",
        "force-assign": "force",
        "send-back": "back",
        "extension": "ext",
        "decide-extension": "decide",
        "reply": "reply",
        "follow-up": "follow",
        "to-clue": "clue",
        "to-enquiry": "enquiry",
    }
    if action in ("dispatch", "force-assign"):
        return UnitChoiceForm(data, township_id=order.township_id, prefix=prefixes[action])
    if action == "to-event":
        return ToEventForm(data, township_id=order.township_id, prefix="event")
    form_class = {
        "send-back": SendBackForm,
        "extension": ExtensionForm,
        "decide-extension": DecisionForm,
        "reply": ReplyForm,
        "follow-up": FollowUpForm,
        "to-clue": ToClueForm,
        "to-enquiry": ToEnquiryForm,
    }.get(action)
    return form_class(data, prefix=prefixes[action]) if form_class else None


@staff_required
@require_GET
def order_list(request):
    wanted = request.GET.get("status", "")
    status = wanted if wanted in S.values else None
    page = Paginator(orders_for(request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for order in page:
        order.left = remaining(order, now) if order.is_clock_running else None
        order.level = current_level(order, now) if order.is_clock_running else None
    return render(
        request,
        "grid/hotline/orders.html",
        {"page": page, "statuses": S.choices, "status": status or "", "is_centre": _is_centre(request.user)},
    )


STEP_TEXT = {
    "dispatch": (gettext_lazy("Dispatch to a unit"), gettext_lazy("Dispatch")),
    "force-assign": (gettext_lazy("Assign for good (the unit cannot send it back)"), gettext_lazy("Assign")),
    "send-back": (gettext_lazy("Send back to the centre"), gettext_lazy("Send back")),
    "extension": (gettext_lazy("Ask for more time"), gettext_lazy("Ask")),
    "decide-extension": (gettext_lazy("Decide the extension request"), gettext_lazy("Decide")),
    "reply": (gettext_lazy("Reply to the caller"), gettext_lazy("Send the reply")),
    "follow-up": (gettext_lazy("Record the follow-up call"), gettext_lazy("Save")),
    "to-event": (gettext_lazy("Pass to the grid as an event"), gettext_lazy("Make an event")),
    "to-clue": (gettext_lazy("Pass to enforcement as a clue"), gettext_lazy("Make a clue")),
    "to-enquiry": (
        gettext_lazy("Answer as an application enquiry (one window)"),
        gettext_lazy("Link the application"),
    ),
}


def _detail(request, order, bound=None):
    now = timezone.now()
    steps = _steps(request.user, order)
    forms_ = _forms(order, bound)
    step_forms = [
        {"action": step, "title": STEP_TEXT[step][0], "button": STEP_TEXT[step][1], "form": forms_[step]}
        for step in steps
        if step in STEP_TEXT
    ]
    show_phone = bool(order.caller_phone) and not order.wants_anonymity and "follow-up" in steps
    if show_phone:
        record_personal_data_view(request=request, obj=order, field="caller_phone")
    return render(
        request,
        "grid/hotline/order.html",
        {
            "o": order,
            "left": remaining(order, now) if order.is_clock_running else None,
            "level": current_level(order, now) if order.is_clock_running else None,
            "caller_phone": order.caller_phone if show_phone else order.masked_caller_phone,
            "steps": steps,
            "step_forms": step_forms,
            "pending_extension": order.extensions.filter(decision=ExtensionDecision.PENDING).first(),
            "send_backs": order.send_backs.select_related("department", "by"),
            "timeline": timeline_rows(order, audience=Audience.STAFF),
        },
        status=400 if bound else 200,
    )


@staff_required
@require_GET
def order_detail(request, pk):
    order = get_object_or_404(HotlineOrder.objects.visible_to(request.user), pk=pk)
    return _detail(request, order)


@staff_required
@require_POST
def order_action(request, pk, action):
    order = get_object_or_404(HotlineOrder.objects.visible_to(request.user), pk=pk)
    if action not in _steps(request.user, order):
        if action == "sign" and order.status == S.SIGNED and order.handler_id == request.user.pk:
            return redirect("grid-hotline-order", pk=order.pk)  # a double click
        messages.error(request, _("This step is not open to you on this work order now."))
        return redirect("grid-hotline-order", pk=order.pk)
    form = None
    try:
        if action == "sign":
            hotline.sign_for_order(order=order, by=request.user)
        else:
            form = _form_for(action, order, request.POST)
            if not form.is_valid():
                return _detail(request, order, {action: form})
            values = form.cleaned_data
            if action == "dispatch":
                hotline.dispatch_order(
                    order=order, department=values["department"], by=request.user, note=values["note"]
                )
            elif action == "force-assign":
                hotline.force_assign_order(
                    order=order, department=values["department"], by=request.user, note=values["note"]
                )
            elif action == "send-back":
                hotline.send_back_order(order=order, by=request.user, **values)
            elif action == "extension":
                hotline.request_extension(order=order, by=request.user, **values)
            elif action == "decide-extension":
                extension = order.extensions.get(decision=ExtensionDecision.PENDING)
                hotline.decide_extension(extension=extension, by=request.user, **values)
            elif action == "reply":
                hotline.reply_to_caller(order=order, by=request.user, **values)
            elif action == "follow-up":
                hotline.record_follow_up(order=order, by=request.user, **values)
            elif action == "to-event":
                order_to_event(order=order, by=request.user, **values)
            elif action == "to-clue":
                order_to_clue(order=order, by=request.user, **values)
            elif action == "to-enquiry":
                order_to_enquiry(order=order, by=request.user, **values)
    except DomainError as error:  # the hotline's, the grid's or the enforcement hook's refusal
        if form is None:
            messages.error(request, error.message)
            return redirect("grid-hotline-order", pk=order.pk)
        add_to_form(form, error)
        return _detail(request, order, {action: form})
    messages.success(request, _("Saved."))
    return redirect("grid-hotline-order", pk=order.pk)


class ToEventForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Event category"), choices=())
    latitude = forms.CharField(
        label=gettext_lazy("Latitude (if the order has none)"), required=False, max_length=20
    )
    longitude = forms.CharField(
        label=gettext_lazy("Longitude (if the order has none)"), required=False, max_length=20
    )

    def __init__(self, *args, township_id, **kwargs):
        super().__init__(*args, **kwargs)
        from grid.events.selectors import categories_for  # noqa: PLC0415 - selectors import the services

        self.fields["category"].choices = [("", "—")] + [
            (c.pk, f"{c.major_name} · {c.minor_name}") for c in categories_for(township_id)
        ]


class ToClueForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note for the enforcement bureau"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ToEnquiryForm(forms.Form):
    application_number = forms.CharField(
        label=gettext_lazy("Number of the application the caller asks about"), max_length=30
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file of work orders (.xlsx)"))


@staff_required
def import_orders_page(request):
    """The centre takes in a spreadsheet of orders from the platform: all rows or none."""
    if not _is_centre(request.user):
        raise PermissionDenied(_("Only the command centre imports work orders."))
    profile = getattr(request.user, "staff_profile", None)
    if profile is None or profile.township_id is None:
        raise PermissionDenied(_("Import work orders as staff of a township."))
    report, form = None, ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = import_orders(
                    township=profile.township, upload=form.cleaned_data["file"], by=request.user
                )
            except ImportRefused as refused:
                report = refused.report
                form.add_error(None, refused.message)
            except HotlineError as error:
                # a fault of the file itself is said once, next to the file field
                add_to_form(form, error, summary=not error.field_errors)
    status = 400 if form.errors else 200
    return render(request, "grid/hotline/import.html", {"form": form, "report": report}, status=status)
