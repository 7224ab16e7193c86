"""Visits (grid members) and the medical-expense import (township admins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grid.base.forms import CareListForm, ExpenseImportForm, VisitForm
from grid.base.views import require_grid_role
from grid.care.services import add_to_care_list, import_expenses, read_expense_csv, record_visit
from grid.errors import ImportRejected
from grid.models import CareHousehold, ExpenseSource, VisitStatus, VisitTask
from grid.permissions import may_import_expenses
from township.casework.models import Deadline
from township.errors import DomainError, add_to_form
from township.org.roles import Role
from township.org.scope import visible_to


def visible_tasks(user):
    return visible_to(
        VisitTask.objects.select_related("care_household__household", "grid", "warning__expense", "assignee"),
        user,
    )


def _due(tasks):
    """{task id: open visit deadline} in one query."""
    from django.contrib.contenttypes.models import ContentType  # noqa: PLC0415 - only here

    found = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(VisitTask),
        object_id__in=[t.pk for t in tasks],
        kind="visit",
    )
    return {d.object_id: d for d in found}


@login_required
@require_GET
def visits(request):
    require_grid_role(request)
    tasks = list(visible_tasks(request.user).filter(status=VisitStatus.OPEN)[:200])
    due = _due(tasks)
    rows = sorted(
        ({"task": t, "deadline": due.get(t.pk)} for t in tasks),
        key=lambda r: (r["deadline"] is None, r["deadline"] and r["deadline"].due_at),
    )
    return render(request, "grid/base/visits.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def visit(request, pk):
    require_grid_role(request, {Role.GRID_MEMBER, Role.GRID_HEAD})
    task = visible_tasks(request.user).filter(pk=pk).first()
    if task is None:
        raise Http404
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_visit(task, by=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("grid-visits")
    deadline = _due([task]).get(task.pk)
    return render(request, "grid/base/visit.html", {"task": task, "form": form, "deadline": deadline})


@login_required
@require_http_methods(["GET", "POST"])
def expense_import(request):
    if not may_import_expenses(request.user):
        raise PermissionDenied(_("Medical-expense records are imported by the township's administrators."))
    profile = getattr(request.user, "staff_profile", None)
    if profile is None or profile.township is None:
        raise PermissionDenied(_("Imports are made by the staff of one township."))
    form = ExpenseImportForm(request.POST or None, request.FILES or None)
    report = row_errors = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 10 * 1024 * 1024:
                raise ImportRejected(_("The file is larger than 10 MB."), [])
            records = read_expense_csv(upload.read())
            report = import_expenses(
                township=profile.township,
                records=records,
                source=ExpenseSource.CSV,
                by=request.user,
                request=request,
            )
        except ImportRejected as error:
            add_to_form(form, error)
            row_errors = error.row_errors[:500]
    return render(
        request, "grid/base/expense_import.html", {"form": form, "report": report, "row_errors": row_errors}
    )


@login_required
@require_http_methods(["GET", "POST"])
def care_list(request):
    """The care list of my grids; grid heads and township admins add a household or change its schedule."""
    require_grid_role(request)
    may_edit = request.user.has_perm("grid.add_carehousehold")
    form = CareListForm(request.POST or None, user=request.user) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Grid heads and township admins keep the care list."))
        if form.is_valid():
            try:
                add_to_care_list(request=request, by=request.user, **form.cleaned_data)
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Care list updated."))
                return redirect("grid-care-list")
    rows = visible_to(
        CareHousehold.objects.filter(is_active=True).select_related("household", "grid"), request.user
    ).order_by("grid__code", "household__number")[:500]
    return render(request, "grid/base/care_list.html", {"rows": rows, "form": form})
