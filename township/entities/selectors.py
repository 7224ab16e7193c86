"""Reading the market-entity register, always through the reader's data scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from township.entities.models import MarketEntity
from township.identifiers import is_valid_credit_code, normalise
from township.org.scope import visible_to

LOOKUP_LIMIT = 8


def entities_visible_to(user) -> QuerySet[MarketEntity]:
    return visible_to(MarketEntity.objects.select_related("township", "grid"), user)


def lookup(user, text: str, *, township=None, limit: int = LOOKUP_LIMIT) -> list[MarketEntity]:
    """Entities for a search box: an exact credit code, else names (and codes) containing the text."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        return []
    entities = entities_visible_to(user)
    if township is not None:
        entities = entities.filter(township=township)
    code = normalise(text)
    if is_valid_credit_code(code):
        return list(entities.filter(credit_code=code)[:1])
    if len(text) < 2:
        return []
    return list(
        entities.filter(Q(name__icontains=text) | Q(credit_code__startswith=code)).order_by("name", "pk")[
            :limit
        ]
    )


def by_credit_code(user, credit_code: str, *, township=None) -> MarketEntity | None:
    entities = entities_visible_to(user).filter(credit_code=normalise(credit_code or ""))
    if township is not None:
        entities = entities.filter(township=township)
    return entities.first()
