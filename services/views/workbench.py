"""Services: the window clerk's workbench (one screen, keyboard-friendly) and the pre-review queue."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from services.errors import IntakeError
from services.forms import (
    ApplicantFields,
    OutcomeFields,
    WindowIntakeForm,
    checklist_from_post,
)
from services.models import Application, ApplicationStatus, Bundle, Reception, ResidentMaterial, ServiceItem
from services.selectors.applications import (
    applications_visible_to,
    find_for_intake,
    handled_today,
    prereview_queue,
    results_to_hand_over,
)
from services.selectors.catalog import active_bundles
from services.selectors.search import search_items
from services.services.checklist import checklist_lines
from services.services.delivery import deliver_result, mark_result_ready
from services.services.forwarding import forward_application
from services.services.intake import (
    accept_application,
    complete_immediately,
    issue_one_time_notice,
    receive_at_window,
    refuse_application,
)
from services.services.pickup import PICKUP_DOCUMENTS
from services.services.points import point_of, record_reception
from township.errors import add_to_form
from township.fields import parse_pk
from township.org.models import ResidentAccount
from township.org.roles import Role, roles_of

INTAKE_STATES = {ApplicationStatus.SUBMITTED, ApplicationStatus.NOTIFIED}


def clerk_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profile = getattr(request.user, "staff_profile", None)
        if Role.WINDOW_CLERK not in roles_of(request.user) or profile is None or profile.township_id is None:
            raise PermissionDenied(_("Only window clerks use the workbench."))
        return view(request, *args, **kwargs)

    return wrapper


def _township(request):
    return request.user.staff_profile.township


def _window(request):
    return request.user.staff_profile.window


def _target(request, data):
    """The item or bundle chosen, only from the clerk's own township."""
    township = _township(request)
    item = bundle = None
    if data.get("item"):
        item = (
            ServiceItem.objects.select_related("current_version", "department")
            .filter(pk=parse_pk(data["item"]), township=township, current_version__isnull=False)
            .first()
        )
        if item is None:
            raise Http404("no such item here")
    elif data.get("bundle"):
        bundle = Bundle.objects.filter(pk=parse_pk(data["bundle"]), township=township, is_active=True).first()
        if bundle is None:
            raise Http404("no such bundle here")
    return item, bundle


def _preview(item, bundle) -> Application:
    """An unsaved application, only to list the checklist lines of an item or bundle."""
    return Application(item=item, item_version=item.current_version if item else None, bundle=bundle)


def _outcome(application, *, request, form, lines):
    """Run the chosen outcome on a received application."""
    clerk, window = request.user, _window(request)
    checklist = checklist_from_post(request.POST, lines)
    outcome = form.cleaned_data["outcome"]
    if outcome == "forward":
        return forward_application(application=application, clerk=clerk, checklist=checklist)
    if outcome == "accept":
        return accept_application(application=application, clerk=clerk, checklist=checklist, window=window)
    if outcome == "complete":
        return complete_immediately(
            application=application,
            clerk=clerk,
            checklist=checklist,
            result=form.cleaned_data.get("result", ""),
            window=window,
        )
    if outcome == "notice":
        return issue_one_time_notice(
            application=application, clerk=clerk, checklist=checklist, note=form.cleaned_data.get("note", "")
        )
    return refuse_application(
        application=application, clerk=clerk, reason=form.cleaned_data.get("reason", "")
    )


@clerk_required
@require_http_methods(["GET", "POST"])
def workbench(request):
    form = WindowIntakeForm(request.POST or None)
    item = bundle = None
    lines = []
    point = point_of(request.user)
    if request.method == "POST":
        item, bundle = _target(request, request.POST)
        if item or bundle:
            lines = checklist_lines(
                _preview(item, bundle),
                checklist_from_post(request.POST, checklist_lines(_preview(item, bundle), {})),
            )
        if form.is_valid():
            try:
                with transaction.atomic():
                    application = receive_at_window(
                        township=_township(request),
                        clerk=request.user,
                        window=_window(request),
                        item=item,
                        bundle=bundle,
                        applicant=form.applicant(),
                        agent=form.agent(),
                        delivery=form.delivery(),
                    )
                    application = _outcome(application, request=request, form=form, lines=lines)
                    if point is not None:
                        record_reception(application=application, point=point, by=request.user)
            except IntakeError as error:
                add_to_form(form, error)
            else:
                return redirect("services-workbench-done", pk=application.pk)
    return render(
        request,
        "services/workbench/workbench.html",
        {
            "form": form,
            "point": point,
            "item": item,
            "bundle": bundle,
            "lines": lines,
            "window": _window(request),
            "prereview_count": prereview_queue(request.user).count(),
            "handled": handled_today(request.user)[:8],
        },
        status=400 if request.method == "POST" else 200,
    )


@clerk_required
@require_GET
def item_search(request):
    """Items and bundles matching what the clerk typed (name, code, keyword or pinyin initials)."""
    query = request.GET.get("q", "")[:100]
    township = _township(request)
    items = search_items(township=township, query=query, limit=12)
    bundles = [b for b in active_bundles(township) if query and query.lower() in (b.name + b.code).lower()]
    return render(
        request, "services/workbench/_item_results.html", {"items": items, "bundles": bundles, "query": query}
    )


@clerk_required
@require_GET
def checklist(request):
    item, bundle = _target(request, request.GET)
    if item is None and bundle is None:
        return render(request, "services/workbench/_checklist.html", {})
    return render(
        request,
        "services/workbench/_checklist.html",
        {"item": item, "bundle": bundle, "lines": checklist_lines(_preview(item, bundle), {})},
    )


@clerk_required
@require_GET
def applicant_lookup(request):
    """Check the identity number as it is typed and offer what a resident account already holds."""
    form = ApplicantFields(request.GET)
    form.is_valid()
    known = None
    if "applicant_id_number" not in form.errors and form.cleaned_data.get("applicant_id_number"):
        # Only residents of the clerk's township (home township, or who applied here), shown masked.
        township = _township(request)
        known = (
            ResidentAccount.objects.filter(id_number=form.cleaned_data["applicant_id_number"])
            .filter(Q(home_township=township) | Q(user__applications__township=township))
            .distinct()
            .first()
        )
    library = (
        ResidentMaterial.objects.filter(resident_id=known.user_id).select_related("material_type")
        if known
        else []
    )
    return render(
        request, "services/workbench/_known.html", {"form": form, "known": known, "library": library}
    )


@clerk_required
@require_GET
def done(request, pk):
    application = get_object_or_404(applications_visible_to(request.user), pk=pk, parent__isnull=True)
    return render(
        request,
        "services/workbench/done.html",
        {
            "application": application,
            "children": application.children.select_related("department", "item_version"),
            "lines": checklist_lines(application),
            "reception": Reception.objects.filter(application=application).select_related("point").first(),
        },
    )


@clerk_required
@require_GET
def prereview(request):
    return render(
        request,
        "services/workbench/prereview.html",
        {"applications": prereview_queue(request.user)[:200]},
    )


@clerk_required
@require_GET
def find(request):
    application = find_for_intake(request.user, request.GET.get("number", ""))
    if application is None:
        messages.error(request, _("No application with this number in your township."))
        return redirect("services-workbench")
    if application.status in INTAKE_STATES:
        return redirect("services-workbench-intake", pk=application.pk)
    return redirect("services-workbench-done", pk=application.pk)


@clerk_required
@require_http_methods(["GET", "POST"])
def intake(request, pk):
    """Take up a received application: an online submission in pre-review, or a returning walk-in."""
    application = get_object_or_404(applications_visible_to(request.user), pk=pk, parent__isnull=True)
    if application.status not in INTAKE_STATES:
        return redirect("services-workbench-done", pk=application.pk)
    form = WindowIntakeForm(
        request.POST or None,
        initial={"item": application.item_id, "bundle": application.bundle_id},
    )
    # The applicant's data are already on the application; only the outcome is read from the form.
    lines = checklist_lines(application)
    if request.method == "POST":
        lines = checklist_lines(application, checklist_from_post(request.POST, lines))
        outcome_form = OutcomeFields(request.POST)
        if outcome_form.is_valid():
            try:
                application = _outcome(application, request=request, form=outcome_form, lines=lines)
            except IntakeError as error:
                add_to_form(outcome_form, error)
            else:
                return redirect("services-workbench-done", pk=application.pk)
        form = outcome_form
    materials = {}
    for material in application.materials.all():
        materials.setdefault(str(material.requirement_id), []).append(material)
    for line in lines:
        line.files = materials.get(line.key, [])
    return render(
        request,
        "services/workbench/intake.html",
        {"application": application, "form": form, "lines": lines},
        status=400 if request.method == "POST" else 200,
    )


@clerk_required
@require_http_methods(["GET", "POST"])
def delivery(request):
    """Results to hand over: at the window (the applicant signs for it) or by post with a tracking number."""
    errors = {}
    if request.method == "POST":
        raw = request.POST.get("application", "")
        application = get_object_or_404(results_to_hand_over(request.user), pk=parse_pk(raw))
        try:
            if request.POST.get("step") == "ready":
                mark_result_ready(application=application, by=request.user)
            else:
                deliver_result(
                    application=application,
                    by=request.user,
                    postal_tracking_number=request.POST.get("postal_tracking_number", ""),
                    identity_document=request.POST.get("identity_document", ""),
                    identity_number=request.POST.get("identity_number", "")[:40],
                )
        except IntakeError as error:
            errors[application.pk] = error.message
        else:
            messages.success(request, _("%(number)s: done.") % {"number": application.number})
            return redirect("services-delivery")
    applications = list(results_to_hand_over(request.user)[:200])
    for application in applications:
        application.error = errors.get(application.pk)
    return render(
        request,
        "services/workbench/delivery.html",
        {"applications": applications, "pickup_documents": PICKUP_DOCUMENTS.items()},
        status=400 if errors else 200,
    )
