"""Writing the audit log. Every function here is cheap (one INSERT) and never raises into the caller:
an audit write that fails is logged, the user's action is not undone."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone

from township.audit.models import AuditEvent, AuditKind, AuditOutcome, retention_days

logger = logging.getLogger(__name__)


def client_address(request) -> str | None:
    """The client's address as the rate limits see it (the trusted proxy's header when configured)."""
    if request is None:
        return None
    getter = getattr(request, "client_ip", None)
    if callable(getter):
        return getter()
    return request.META.get("REMOTE_ADDR") or None


def _township_id(user):
    profile = getattr(user, "staff_profile", None) if user is not None else None
    if profile is not None:
        return profile.township_id
    resident = getattr(user, "resident", None) if user is not None else None
    return getattr(resident, "home_township_id", None)


def record(
    *,
    kind: str,
    user=None,
    username: str = "",
    request=None,
    action: str = "",
    obj=None,
    object_type: str = "",
    object_id="",
    outcome: str = AuditOutcome.OK,
    status_code: int | None = None,
    detail: str = "",
    township_id=None,
) -> AuditEvent | None:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        township_id = township_id or getattr(obj, "township_id", None)
    event = AuditEvent(
        at=timezone.now(),
        kind=kind,
        user_id_at_event=user.pk if authenticated else None,
        username=(user.get_username() if authenticated else username)[:150],
        township_id=township_id or (_township_id(user) if authenticated else None),
        action=action[:120],
        object_type=object_type[:80],
        object_id=str(object_id or "")[:40],
        outcome=outcome,
        status_code=status_code,
        address=client_address(request),
        detail=detail[:300],
    )
    try:
        # its own savepoint: a failed audit write must not break the caller's transaction
        with transaction.atomic():
            event.save()
    except DatabaseError:
        logger.exception("audit: could not record %s %s", kind, action)
        return None
    return event


def record_personal_data_view(*, request, obj, field: str) -> AuditEvent | None:
    """Someone was shown a full identity number or phone number (PIPL: record who saw it)."""
    return record(kind=AuditKind.PERSONAL_DATA, user=request.user, request=request, action=field, obj=obj)


def purge_expired(now=None) -> int:
    """Delete events older than the retention period (never less than six months). Idempotent."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    deleted, _by_model = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
