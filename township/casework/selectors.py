"""Reads of the case kernel that pages, admin and API share, scoped to the user."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from township.casework.registry import registered_case_types
from township.org.scope import ScopeKind, data_scope, visible_to


def attached_to_visible_cases(queryset: QuerySet, user, *, also: Q | None = None) -> QuerySet:
    """Rows that point at a case by (content_type, object_id) — timeline entries, deadlines, urgings,
    issued documents — limited to the cases of every registered type that `user` may see.
    `also` admits further rows (e.g. documents without a case, in the user's township)."""
    if data_scope(user).kind == ScopeKind.ALL:
        return queryset
    condition = Q(pk__in=[])
    for case_type in registered_case_types(with_clock=False):
        model = case_type.model
        visible = visible_to(model._base_manager.all(), user)
        if not visible.query.is_empty():
            condition |= Q(
                content_type=ContentType.objects.get_for_model(model), object_id__in=visible.values("pk")
            )
    if also is not None:
        condition |= also
    return queryset.filter(condition)
