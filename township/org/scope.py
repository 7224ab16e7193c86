"""Data scopes: which rows of a township-owned model a user may see. The one place that answers it, used
by every selector, page, API and ModelAdmin (RuoYi's data scopes are the model: all, county, township,
department and its children, self, grid).

    visible_to(Application.objects.all(), request.user)

A model says where its township, department and owner are with `scope_paths` (defaults: a `township`
field, no department, no owner):

    class Application(TownshipOwned, CaseClock):
        scope_paths = {"township": "township", "department": "department", "owner": "resident"}

Superusers see all; county admins their county; township-wide roles (window clerks, command centre,
township admins, grid staff) their township; department roles (approvers, chief representatives, heads,
enforcement officers, legal reviewers) the rows of their department and its sub-departments where the
model has a department, else their township; residents (no staff profile) only their own rows, where the
model has an owner; grid heads and members (without a wider township role) the rows of their grids
where the model declares a grid (`scope_paths["grid"]`, a path to a grid.Grid foreign key), else their
township; everyone else nothing. Object-level exceptions (a step in another department) are
django-guardian permissions that selectors add on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone

from township.org.roles import Role, roles_of


class ScopeKind(StrEnum):
    ALL = "all"
    COUNTY = "county"
    TOWNSHIP = "township"
    DEPARTMENT = "department"
    SELF = "self"
    GRID = "grid"
    NONE = "none"


TOWNSHIP_ROLES = frozenset(
    {Role.WINDOW_CLERK, Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN, Role.GRID_HEAD, Role.GRID_MEMBER}
)
GRID_ROLES = frozenset({Role.GRID_HEAD, Role.GRID_MEMBER})
# Township-wide roles that see the whole township even when the holder also works a grid.
WIDE_TOWNSHIP_ROLES = TOWNSHIP_ROLES - GRID_ROLES
DEPARTMENT_ROLES = frozenset(
    {
        Role.APPROVER,
        Role.CHIEF_REPRESENTATIVE,
        Role.DEPARTMENT_HEAD,
        Role.ENFORCEMENT_OFFICER,
        Role.LEGAL_REVIEWER,
    }
)


@dataclass(frozen=True)
class DataScope:
    kind: ScopeKind
    county_id: int | None = None
    township_id: int | None = None
    department_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None
    # ScopeKind.GRID: the user's grids (their GridStaff posts, each with its micro-grids below it)
    grid_ids: frozenset[int] = field(default_factory=frozenset)


def _department_and_children(department_id: int) -> frozenset[int]:
    from township.org.models import Department  # noqa: PLC0415 - cycle: the org models import this module for their querysets

    found, frontier = {department_id}, {department_id}
    while frontier:
        frontier = set(Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return frozenset(found)


def _grids_of(user, township_id: int) -> frozenset[int]:
    """The grids a grid head or member works: the grids of their current posts (GridStaff) in their
    township, and every micro-grid below those."""
    from grid.models import Grid, GridStaff  # noqa: PLC0415 - cycle: grid models import the org models

    today = timezone.localdate()
    found = set(
        GridStaff.objects.filter(user_id=user.pk, grid__township_id=township_id)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .values_list("grid_id", flat=True)
    )
    frontier = set(found)
    while frontier:
        frontier = set(Grid.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return frozenset(found)


def data_scope(user) -> DataScope:
    """The user's data scope, computed once per user object (a request's user)."""
    cached = getattr(user, "_data_scope", None)
    if cached is not None:
        return cached
    scope = _compute(user)
    if getattr(user, "is_authenticated", False):
        user._data_scope = scope
    return scope


def _compute(user) -> DataScope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return DataScope(ScopeKind.NONE)
    if user.is_superuser:
        return DataScope(ScopeKind.ALL)
    profile = getattr(user, "staff_profile", None) if hasattr(user, "staff_profile") else None
    if profile is None:
        return DataScope(ScopeKind.SELF, user_id=user.pk)
    if not profile.is_active:
        return DataScope(ScopeKind.NONE)
    roles = roles_of(user)
    if Role.COUNTY_ADMIN in roles:
        return DataScope(ScopeKind.COUNTY, county_id=profile.county_id)
    if profile.township_id is None:
        return DataScope(ScopeKind.NONE)
    if roles & GRID_ROLES and not roles & WIDE_TOWNSHIP_ROLES:
        return DataScope(
            ScopeKind.GRID,
            county_id=profile.county_id,
            township_id=profile.township_id,
            user_id=user.pk,
            grid_ids=_grids_of(user, profile.township_id),
        )
    if roles & TOWNSHIP_ROLES or not roles & DEPARTMENT_ROLES or profile.department_id is None:
        return DataScope(ScopeKind.TOWNSHIP, county_id=profile.county_id, township_id=profile.township_id)
    return DataScope(
        ScopeKind.DEPARTMENT,
        county_id=profile.county_id,
        township_id=profile.township_id,
        department_ids=_department_and_children(profile.department_id),
        user_id=user.pk,
    )


def scope_paths(model) -> dict[str, str | None]:
    declared = getattr(model, "scope_paths", None) or {}
    names = {f.name for f in model._meta.get_fields()}
    return {
        "township": declared.get("township", "township" if "township" in names else None),
        "department": declared.get("department"),
        "owner": declared.get("owner"),
        "grid": declared.get("grid"),
    }


def scope_filter(model, user, *, paths: dict | None = None) -> Q | None:
    """The Q that limits `model` to the user's scope; None means everything, Q(pk__in=[]) nothing."""
    paths = paths or scope_paths(model)
    scope = data_scope(user)
    township, department, owner = paths["township"], paths["department"], paths["owner"]
    grid = paths.get("grid")
    nothing = Q(pk__in=[])
    if scope.kind == ScopeKind.ALL:
        return None
    if scope.kind == ScopeKind.SELF:
        return Q(**{owner: scope.user_id}) if owner else nothing
    if scope.kind == ScopeKind.NONE or township is None:
        return nothing
    if scope.kind == ScopeKind.COUNTY:
        return Q(**{f"{township}__county_id": scope.county_id})
    in_township = Q(**{f"{township}_id": scope.township_id})
    if scope.kind == ScopeKind.GRID and grid:
        key = "pk__in" if grid in ("pk", "id") else f"{grid}_id__in"
        return in_township & Q(**{key: sorted(scope.grid_ids)})
    if scope.kind == ScopeKind.DEPARTMENT and department:
        return in_township & Q(**{f"{department}_id__in": sorted(scope.department_ids)})
    return in_township


def visible_to(queryset: QuerySet, user, *, paths: dict | None = None) -> QuerySet:
    """`queryset` limited to what `user` may see."""
    condition = scope_filter(queryset.model, user, paths=paths)
    if condition is None:
        return queryset
    if condition == Q(pk__in=[]):
        return queryset.none()
    return queryset.filter(condition)


def in_scope(obj, user) -> bool:
    """Whether one object is in the user's scope (one indexed query)."""
    return visible_to(type(obj)._default_manager.filter(pk=obj.pk), user).exists()
