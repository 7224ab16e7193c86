"""Pages of the market-entity register: the lookup the window workbench (and any staff form) uses."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from township.entities import selectors
from township.identifiers import mask_phone


@login_required
@require_GET
def lookup(request):
    """An htmx fragment: the entities of the caller's own township matching `q` (an exact credit code,
    or part of a name), each offering to fill the form's enterprise name, code and legal representative."""
    profile = getattr(request.user, "staff_profile", None)
    if (
        profile is None
        or profile.township_id is None
        or not request.user.has_perm("entities.view_marketentity")
    ):
        raise PermissionDenied(_("Only staff of a township look up market entities."))
    text = request.GET.get("q") or request.GET.get("credit_code") or request.GET.get("enterprise_name") or ""
    found = selectors.lookup(request.user, text, township=profile.township)
    rows = [{"entity": entity, "phone": mask_phone(entity.phone)} for entity in found]
    return render(request, "entities/_lookup.html", {"rows": rows, "text": text.strip()})
