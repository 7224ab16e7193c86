"""Base-data reads, always through the user's data scope (a grid member: their grids only)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from grid.models import Grid, House, Household, Organisation, Person, Place
from township.org.scope import visible_to

KINDS = {
    "persons": Person,
    "households": Household,
    "houses": House,
    "places": Place,
    "organisations": Organisation,
}
RELATED = {
    "persons": ["grid", "household"],
    "households": ["grid", "house"],
    "houses": ["grid"],
    "places": ["grid", "market_entity"],
    "organisations": ["grid"],
}


def grids_for(user) -> QuerySet[Grid]:
    """The grids the user may see (a grid member: their own and their micro-grids)."""
    return visible_to(Grid.objects.filter(is_active=True).select_related("village", "parent"), user)


def base_rows(kind: str, user, *, grid_id: int | None = None, search: str = "") -> QuerySet:
    model = KINDS[kind]
    rows = visible_to(model.objects.select_related(*RELATED[kind]), user)
    if grid_id:
        rows = rows.filter(grid_id=grid_id)
    if search:
        search = search[:60]
        if kind == "persons":
            rows = rows.filter(Q(name__icontains=search) | Q(id_number=search.upper()))
        elif kind == "households":
            rows = rows.filter(Q(number__icontains=search) | Q(head_name__icontains=search))
        elif kind == "houses":
            rows = rows.filter(Q(code__icontains=search) | Q(address__icontains=search))
        else:
            rows = rows.filter(Q(name__icontains=search) | Q(credit_code=search.upper()))
    return rows


def grid_overview(user) -> QuerySet[Grid]:
    """The user's grids with their staff and base-data counts (one query)."""
    return grids_for(user).annotate(
        staff_count=Count("staff", distinct=True),
        patrol_count=Count("patrols", distinct=True),
    )


def base_counts(user, grid_ids) -> dict[int, dict[str, int]]:
    """{grid id: {kind: rows}} for the grids given, one query per kind."""
    counts: dict[int, dict[str, int]] = {pk: {} for pk in grid_ids}
    for kind, model in KINDS.items():
        for grid_id, n in (
            visible_to(model.objects.filter(grid_id__in=list(grid_ids)), user)
            .values_list("grid_id")
            .annotate(n=Count("pk"))
            .values_list("grid_id", "n")
        ):
            counts[grid_id][kind] = n
    return counts
