"""Base-data pages for grid members at phone width: my grids, lists (masked), entry forms, import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from grid.base import selectors
from grid.base.forms import FORMS, ImportForm
from grid.base.imports import import_base_data, read_table
from grid.base.services import save_record
from grid.errors import ImportRejected
from township.errors import DomainError, add_to_form
from township.fields import parse_pk
from township.org.roles import Role, roles_of

GRID_PAGE_ROLES = {Role.GRID_MEMBER, Role.GRID_HEAD, Role.TOWNSHIP_ADMIN, Role.COMMAND_CENTRE}
IMPORT_ROLES = {Role.GRID_MEMBER, Role.GRID_HEAD, Role.TOWNSHIP_ADMIN}
KIND_LABELS = {
    "persons": gettext_lazy("Persons"),
    "households": gettext_lazy("Households"),
    "houses": gettext_lazy("Houses and buildings"),
    "places": gettext_lazy("Places and businesses"),
    "organisations": gettext_lazy("Organisations"),
}


def require_grid_role(request, roles=GRID_PAGE_ROLES):
    if not request.user.is_superuser and not roles_of(request.user) & roles:
        raise PermissionDenied(_("These pages are for grid staff."))


def count_list(counts: dict) -> list[tuple[str, str, int]]:
    return [(key, label, counts.get(key, 0)) for key, label in KIND_LABELS.items()]


def _kind(kind: str) -> str:
    if kind not in selectors.KINDS:
        raise Http404
    return kind


@login_required
@require_GET
def base_home(request):
    require_grid_role(request)
    grids = list(selectors.grids_for(request.user)[:300])
    counts = selectors.base_counts(request.user, [g.pk for g in grids])
    rows = [{"grid": g, "counts": count_list(counts.get(g.pk, {}))} for g in grids]
    return render(request, "grid/base/home.html", {"rows": rows, "kinds": KIND_LABELS})


@login_required
@require_GET
def base_list(request, kind):
    require_grid_role(request)
    kind = _kind(kind)
    grid_id = parse_pk(request.GET.get("grid"))
    search = (request.GET.get("q") or "").replace("\x00", "").strip()
    rows = selectors.base_rows(kind, request.user, grid_id=grid_id or None, search=search)
    page = Paginator(rows, 50).get_page(parse_pk(request.GET.get("page"), 1))
    return render(
        request,
        "grid/base/list.html",
        {
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "page": page,
            "q": search,
            "grid_id": grid_id,
            "kinds": KIND_LABELS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def base_edit(request, kind, pk=None):
    require_grid_role(request, {Role.GRID_MEMBER, Role.GRID_HEAD, Role.TOWNSHIP_ADMIN})
    kind = _kind(kind)
    instance = None
    if pk is not None:
        instance = selectors.base_rows(kind, request.user).filter(pk=pk).first()
        if instance is None:
            raise Http404
    form_class = FORMS[kind]
    initial = {}
    if instance is None and parse_pk(request.GET.get("grid")):
        initial["grid"] = parse_pk(request.GET.get("grid"))
    form = form_class(request.POST or None, instance=instance, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            obj = save_record(form.instance, by=request.user, request=request, changed=form.changed_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Saved: %(name)s") % {"name": obj})
            return redirect(f"{reverse('grid-base-list', args=[kind])}?grid={obj.grid_id}")
    return render(
        request,
        "grid/base/form.html",
        {"form": form, "kind": kind, "kind_label": KIND_LABELS[kind], "instance": instance},
    )


@login_required
@require_http_methods(["GET", "POST"])
def base_import(request):
    require_grid_role(request, IMPORT_ROLES)
    profile = getattr(request.user, "staff_profile", None)
    if profile is None or profile.township is None:
        raise PermissionDenied(_("Imports are made by the staff of one township."))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = row_errors = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 20 * 1024 * 1024:
                raise ImportRejected(_("The file is larger than 20 MB."), [])
            table = read_table(upload, upload.name)
            report = import_base_data(
                kind=form.cleaned_data["kind"],
                township=profile.township,
                table=table,
                by=request.user,
                request=request,
            )
        except ImportRejected as error:
            add_to_form(form, error)
            row_errors = error.row_errors[:500]
    return render(
        request, "grid/base/import.html", {"form": form, "report": report, "row_errors": row_errors}
    )
