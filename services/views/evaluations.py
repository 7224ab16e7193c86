"""Services: rating pages (online hall, SMS link, the tablet at the window), the ratings of windows, clerks
and departments, and the rectification of bad reviews."""

from datetime import timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from services.models import Level, QueueTicket, RectificationCategory, RectificationStatus, TicketStatus
from services.selectors.applications import resident_applications
from services.selectors.evaluations import ratings, rectifications_visible_to
from services.services.evaluations import (
    EvaluationError,
    application_for_token,
    classify_rectification,
    is_rateable,
    record_follow_up,
    record_rectification,
    submit_evaluation,
)
from services.views.hall import resident_required
from township.audit.services import record_personal_data_view
from township.casework.clock import current_level, remaining
from township.casework.display import Audience, timeline_rows
from township.devices import lock_session_to
from township.fields import ReportDateField, parse_pk
from township.identifiers import mask_phone
from township.org.models import Township, scope_for
from township.org.roles import Role, roles_of

OVERSEERS = {Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN, Role.COMMAND_CENTRE, Role.DEPARTMENT_HEAD}
HANDLERS = {Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN, Role.DEPARTMENT_HEAD}


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(label=gettext_lazy("Your rating"), choices=Level.choices, coerce=int)
    comment = forms.CharField(label=gettext_lazy("What should we know?"), max_length=2000, required=False)


def _rate(request, *, application=None, ticket=None, channel, template, extra=None, reviewer=None):
    form = RatingForm(request.POST if request.method == "POST" else None)
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            submit_evaluation(
                application=application,
                ticket=ticket,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                channel=channel,
                reviewer=reviewer,
            )
        except EvaluationError as error:
            form.add_error(None, str(error))
        else:
            done = True
    already = (application is not None and hasattr(application, "evaluation")) or (
        ticket is not None and hasattr(ticket, "evaluation")
    )
    context = {
        "form": form,
        "levels": Level.choices,
        "application": application,
        "ticket": ticket,
        "done": done or (already and request.method == "GET"),
        "rateable": ticket is not None or is_rateable(application),
        **(extra or {}),
    }
    return render(request, template, context, status=400 if form.errors else 200)


@resident_required
@require_http_methods(["GET", "POST"])
def evaluate_application(request, pk):
    application = get_object_or_404(resident_applications(request.user), pk=pk)
    return _rate(
        request,
        application=application,
        channel="online",
        template="services/evaluations/rate.html",
        reviewer=request.user,
    )


@require_http_methods(["GET", "POST"])
def evaluate_token(request, token):
    application = application_for_token(token)
    if application is None:
        return render(request, "services/evaluations/bad_link.html", status=400)
    return _rate(request, application=application, channel="sms", template="services/evaluations/rate.html")


@login_required
@require_http_methods(["GET", "POST"])
def evaluate_window(request):
    """The tablet facing the applicant at the window: rates the clerk's last finished visit."""
    if Role.WINDOW_CLERK not in roles_of(request.user):
        raise PermissionDenied(_("The rating tablet belongs to a window clerk's session."))
    if request.method == "POST" and request.POST.get("tablet") == "lock":
        # From here on this session is the tablet: every other page leads back here until the clerk's password.
        lock_session_to(request, "services-evaluate-window")
        return redirect("services-evaluate-window")
    window = getattr(getattr(request.user, "staff_profile", None), "window", None)
    ticket = None
    if window is not None:
        ticket = (
            QueueTicket.objects.filter(
                window=window,
                clerk=request.user,
                status=TicketStatus.DONE,
                service_date=timezone.localdate(),
                evaluation__isnull=True,
            )
            .order_by("-finished_at")
            .first()
        )
        if request.method == "POST":
            raw = request.POST.get("ticket", "")
            ticket = QueueTicket.objects.filter(pk=parse_pk(raw), window=window, clerk=request.user).first()
    if ticket is None:
        return render(request, "services/evaluations/window.html", {"ticket": None, "window": window})
    return _rate(
        request,
        ticket=ticket,
        channel="window",
        template="services/evaluations/window.html",
        extra={"window": window},
    )


def overseer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # County admins have no township of their own: they see the townships of their county.
        if not roles_of(request.user) & OVERSEERS or scope_for(request.user)[0] == "none":
            raise PermissionDenied(_("Ratings and rectifications are for the township's managers."))
        return view(request, *args, **kwargs)

    return wrapper


class PeriodForm(forms.Form):
    township = forms.ModelChoiceField(
        label=gettext_lazy("Township"), queryset=Township.objects.none(), required=False, empty_label=None
    )
    date_from = ReportDateField(label=gettext_lazy("From"), required=False)
    date_to = ReportDateField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["township"].queryset = Township.objects.visible_to(user).order_by("code")
        self.is_multi_township = scope_for(user)[0] != "township"

    def clean(self):
        data = super().clean()
        if not data.get("township") and "township" not in self.errors:
            profile = getattr(self.user, "staff_profile", None)
            own = getattr(profile, "township", None)
            data["township"] = own or self.fields["township"].queryset.first()
            if data["township"] is None:
                raise forms.ValidationError(_("There is no township to show."))
        data["date_to"] = data.get("date_to") or timezone.localdate()
        data["date_from"] = data.get("date_from") or data["date_to"] - timedelta(days=29)
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


@overseer_required
@require_GET
def ratings_page(request):
    form = PeriodForm(request.GET, user=request.user)
    figures = None
    if form.is_valid():
        figures = ratings(
            form.cleaned_data["township"], form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        )
    return render(
        request,
        "services/evaluations/ratings.html",
        {"form": form, "figures": figures, "township": (form.cleaned_data or {}).get("township")},
        status=200 if figures else 400,
    )


@overseer_required
@require_GET
def rectification_list(request):
    now = timezone.now()
    items = list(rectifications_visible_to(request.user)[:200])
    for item in items:
        item.left, item.level = _deadline(item, now)
    return render(request, "services/evaluations/rectifications.html", {"rectifications": items})


class ClassifyForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("How to handle it"), choices=RectificationCategory.choices
    )
    verification = forms.CharField(
        label=gettext_lazy("What the verification found"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MeasuresForm(forms.Form):
    measures = forms.CharField(label=gettext_lazy("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(forms.Form):
    is_satisfied = forms.TypedChoiceField(
        label=gettext_lazy("Is the reviewer satisfied now?"),
        choices=[("1", gettext_lazy("Yes")), ("0", gettext_lazy("No"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=gettext_lazy("What they said"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@overseer_required
@require_GET
def rectification_detail(request, pk):
    return _detail(request, get_object_or_404(rectifications_visible_to(request.user), pk=pk))


def _deadline(rectification, now):
    """What is left and the warning level, only while the rectification is open (its clock runs)."""
    if rectification.status != RectificationStatus.OPEN:
        return None, None
    return remaining(rectification, now), current_level(rectification, now)


def _next_step(rectification) -> str | None:
    if rectification.status == RectificationStatus.OPEN:
        return "measures" if rectification.category else "classify"
    return "follow_up" if rectification.status == RectificationStatus.RECTIFIED else None


def _detail(request, rectification, forms_=None):
    may_handle = bool(roles_of(request.user) & HANDLERS)
    now = timezone.now()
    left, level = _deadline(rectification, now)
    timeline = timeline_rows(rectification, audience=Audience.STAFF)
    phone = rectification.evaluation.reviewer_phone if rectification.evaluation.is_named else ""
    if phone and may_handle:
        record_personal_data_view(request=request, obj=rectification, field="reviewer_phone")
    forms_ = forms_ or {}
    step = _next_step(rectification) if may_handle else None
    # A refused step whose form is not the one on show (the case moved on meanwhile): say why at the top.
    refusals = [
        error
        for name, form in forms_.items()
        if name != step
        for errors in form.errors.values()
        for error in errors
    ]
    return render(
        request,
        "services/evaluations/rectification.html",
        {
            "r": rectification,
            "left": left,
            "level": level,
            # The handler calls the reviewer back (回访); everyone else sees the number masked.
            "reviewer_phone": phone if may_handle else mask_phone(phone),
            "timeline": timeline,
            "follow_ups": rectification.follow_ups.select_related("by"),
            "may_handle": may_handle,
            "step": step,
            "refusals": refusals,
            "classify": forms_.get("classify") or ClassifyForm(),
            "measures": forms_.get("measures") or MeasuresForm(),
            "follow_up": forms_.get("follow_up") or FollowUpForm(),
        },
        status=400 if forms_ else 200,
    )


@overseer_required
@require_POST
def rectification_action(request, pk, action):
    rectification = get_object_or_404(rectifications_visible_to(request.user), pk=pk)
    if not roles_of(request.user) & HANDLERS:
        raise PermissionDenied(_("Only the township admin or the department head handles rectifications."))
    form_class = {"classify": ClassifyForm, "measures": MeasuresForm, "follow-up": FollowUpForm}.get(action)
    if form_class is None:
        return redirect("services-rectification", pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            if action == "classify":
                classify_rectification(rectification=rectification, by=request.user, **form.cleaned_data)
            elif action == "measures":
                record_rectification(rectification=rectification, by=request.user, **form.cleaned_data)
            else:
                record_follow_up(rectification=rectification, by=request.user, **form.cleaned_data)
        except EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("services-rectification", pk=pk)
    return _detail(request, rectification, forms_={action.replace("-", "_"): form})
