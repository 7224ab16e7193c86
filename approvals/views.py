"""Approvals: pages. E-supervision (overdue list, time against the promised limit per item and approver,
public timelines), the staff inbox, and the resident's "supplement handed in" step."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from approvals import selectors
from approvals.services import ApprovalError, supply_supplement
from services.selectors.applications import public_timeline, resident_applications
from services.views.hall import resident_required
from township.fields import ReportDateField
from township.notify.models import InboxItem
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
        {"application": application, "timeline": public_timeline(application)},
    )


@login_required
@require_GET
def inbox(request):
    items = InboxItem.objects.filter(user=request.user).order_by("read_at", "-created_at")[:200]
    return render(request, "approvals/inbox.html", {"items": items})


@login_required
@require_POST
def inbox_read(request, pk):
    item = get_object_or_404(InboxItem, pk=pk, user=request.user)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    return redirect(item.url or "approvals-inbox")


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


urlpatterns = [
    path("supervision/", supervision, name="approvals-supervision"),
    path("supervision/applications/<int:pk>/", supervised_timeline, name="approvals-supervised-timeline"),
    path("inbox/", inbox, name="approvals-inbox"),
    path("inbox/<int:pk>/read/", inbox_read, name="approvals-inbox-read"),
    path(
        "applications/<int:pk>/supplement-supplied/",
        supplement_supplied,
        name="approvals-supplement-supplied",
    ),
]
