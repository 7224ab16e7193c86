"""Approvals: pages. E-supervision (overdue list, time against the promised limit per item and approver,
public timelines), and the resident's "supplement handed in" step."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals import selectors
from approvals.services import ApprovalError, supply_supplement
from services.selectors.applications import (
    applications_visible_to,
    public_timeline,
    resident_applications,
    supplement_progress,
)
from services.views.hall import resident_required
from township.casework.models import UrgingLevel
from township.casework.urging import urge_case, urgings_for
from township.errors import DomainError
from township.fields import ReportDateField
from township.org.roles import Role, roles_of

SUPERVISORS = {Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN, Role.DEPARTMENT_HEAD}


class PeriodForm(forms.Form):
    date_from = ReportDateField(label=gettext_lazy("From"), required=False)
    date_to = ReportDateField(label=gettext_lazy("To"), required=False)

    def clean(self):
        data = super().clean()
        data["date_to"] = data.get("date_to") or timezone.localdate()
        data["date_from"] = data.get("date_from") or data["date_to"] - timedelta(days=89)
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def _supervisor(request):
    if not request.user.is_superuser and not roles_of(request.user) & SUPERVISORS:
        raise PermissionDenied(
            _("E-supervision is for the command centre, the township and department heads.")
        )


@login_required
@require_GET
def supervision(request):
    _supervisor(request)
    form = PeriodForm(request.GET)
    context = {"form": form, "overdue": selectors.overdue_applications(request.user)[:200]}
    if form.is_valid():
        period = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        context["per_item"] = selectors.time_against_limit_per_item(request.user, *period)
        context["per_approver"] = selectors.time_per_approver(request.user, *period)
    return render(request, "approvals/supervision.html", context, status=200 if form.is_valid() else 400)


@login_required
@require_GET
def supervised_timeline(request, pk):
    _supervisor(request)
    application = selectors.supervised_application(request.user, pk)
    if application is None:
        raise Http404("not in your scope")
    return render(
        request,
        "approvals/timeline.html",
        {
            "application": application,
            "timeline": public_timeline(application),
            "urge_form": UrgeForm(),
            "urgings": urgings_for(application)[:20],
        },
    )


class UrgeForm(forms.Form):
    level = forms.ChoiceField(
        label=gettext_lazy("Level"), choices=UrgingLevel.choices, initial=UrgingLevel.URGE
    )
    note = forms.CharField(
        label=gettext_lazy("What you expect of the handler"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
@require_POST
def urge(request, pk):
    """Urge (催办) or supervise (督办) the approvers of an application from e-supervision."""
    _supervisor(request)
    application = selectors.supervised_application(request.user, pk)
    if application is None:
        raise Http404("not in your scope")
    form = UrgeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            urge_case(
                case=application,
                by=request.user,
                note=form.cleaned_data["note"],
                level=form.cleaned_data["level"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The handler has been told."))
    return redirect("approvals-supervised-timeline", pk=pk)


@resident_required
@require_POST
def supplement_supplied(request, pk):
    application = get_object_or_404(resident_applications(request.user), pk=pk)
    try:
        supply_supplement(application=application, by=request.user)
    except ApprovalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you: the review goes on."))
    return redirect("services-hall-application", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def supplement_at_window(request, pk):
    """A window clerk records the supplementary materials handed in on paper; the review goes on once
    every requested material is in (online or at the window)."""
    if Role.WINDOW_CLERK not in roles_of(request.user):
        raise PermissionDenied(_("Only window clerks receive materials at the window."))
    application = get_object_or_404(applications_visible_to(request.user), pk=pk)
    if request.method == "POST":
        try:
            supply_supplement(
                application=application, by=request.user, received=request.POST.getlist("received")
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Everything asked for is in: the review goes on."))
            return redirect("services-workbench-done", pk=application.parent_id or application.pk)
        return redirect("approvals-supplement-window", pk=pk)
    return render(
        request,
        "approvals/supplement_window.html",
        {"application": application, "progress": supplement_progress(application)},
    )
