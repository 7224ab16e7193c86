"""Reading credit records: what the public sees, staff views, and the derived township score."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from enforcement.credit import rules
from enforcement.models import CreditRecord, CreditSource
from township.entities.models import MarketEntity
from township.org.scope import visible_to


def publicly_shown(records: QuerySet[CreditRecord], today: date | None = None) -> QuerySet[CreditRecord]:
    """Published, begun, not repaired and not past the maximum (which ends publication by itself)."""
    today = today or timezone.localdate()
    return records.filter(published=True, repaired_at__isnull=True, publish_from__lte=today).filter(
        Q(publish_until__isnull=True) | Q(publish_until__gte=today)
    )


def public_records(entity, today: date | None = None) -> QuerySet[CreditRecord]:
    return publicly_shown(CreditRecord.objects.filter(entity=entity), today).order_by("-decided_on", "-pk")


def records_visible_to(user) -> QuerySet[CreditRecord]:
    return visible_to(CreditRecord.objects.select_related("entity", "department", "township"), user)


def effective(records: QuerySet[CreditRecord], today: date | None = None) -> QuerySet[CreditRecord]:
    """Records that count towards the score: not repaired and not past their maximum."""
    today = today or timezone.localdate()
    return records.filter(repaired_at__isnull=True).filter(
        Q(publish_until__isnull=True) | Q(publish_until__gte=today)
    )


def scores(entity_ids, today: date | None = None) -> dict[int, int]:
    """The township score of each entity: base + the deltas of its effective records (derived, never stored)."""
    base = rules.score_rules()["base"]
    result = dict.fromkeys(entity_ids, base)
    rows = effective(CreditRecord.objects.filter(entity_id__in=list(entity_ids)), today).values_list(
        "entity_id", "score_delta"
    )
    for entity_id, delta in rows:
        result[entity_id] += delta
    return result


def credit_grades(entity_ids, today: date | None = None) -> dict[int, str]:
    return {pk: rules.grade(score) for pk, score in scores(entity_ids, today).items()}


def credit_summary(entity, today: date | None = None) -> dict:
    """For the back office (e.g. when the entity applies for a licence): score, grade, effective records."""
    score = scores([entity.pk], today)[entity.pk]
    records = list(effective(CreditRecord.objects.filter(entity=entity), today).order_by("-decided_on"))
    return {
        "score": score,
        "grade": rules.grade(score),
        "records": records,
        "penalties": sum(1 for r in records if r.source == CreditSource.PENALTY),
    }


def credit_summary_by_code(township_id: int, credit_code: str, today: date | None = None) -> dict | None:
    """The back office's panel when an enterprise applies for a licence: the entity of that credit code
    in the township with its score, grade and effective records; None when it is not in the register."""
    if not credit_code:
        return None
    entity = MarketEntity.objects.filter(township_id=township_id, credit_code=credit_code).first()
    if entity is None:
        return None
    return {"entity": entity, **credit_summary(entity, today)}
