"""Urging 催办 and supervision 督办 of any registered case: a record, the handler told once, the timeline.

    urge_case(case=application, by=command_staff, note="请今天内处理", level=UrgingLevel.URGE)

Without `to`, the case type's handlers (its `Escalation.handlers`) are urged. Each urged person gets one
inbox message and one SMS (keyed by the urging), the case's timeline records who urged whom, and the
person replies through `reply_to_urging`, which tells the one who urged.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from township.casework.models import Urging, UrgingLevel
from township.casework.registry import case_type_of
from township.casework.timeline import append_entry
from township.errors import DomainError
from township.notify.services import notify_inbox, send_sms
from township.org.models import person_name
from township.org.scope import visible_to

NOTE_MAX = 500
# A second identical urge by the same person within this time is the same urge (a double click, a retry).
REPEAT_WINDOW = timedelta(minutes=10)


class UrgingError(DomainError):
    pass


_name = person_name


def urge_case(*, case, by, note: str, level: str = UrgingLevel.URGE, to=None, at=None) -> list[Urging]:
    """Urge (or supervise) the people handling `case`; returns the urgings (one per person)."""
    at = at or timezone.now()
    note = (note or "").strip()
    if level not in UrgingLevel.values:
        raise UrgingError(gettext("Choose whether to urge or to supervise."), field_errors={"level": []})
    if not note:
        message = gettext("Say what you expect of the handler.")
        raise UrgingError(message, field_errors={"note": [message]})
    if len(note) > NOTE_MAX:
        message = gettext("The note is too long: at most %(max)s characters, you wrote %(length)s.") % {
            "max": NOTE_MAX,
            "length": len(note),
        }
        raise UrgingError(message, field_errors={"note": [message]})
    case_type = case_type_of(case)
    if not visible_to(type(case)._default_manager.filter(pk=case.pk), by).exists():
        raise UrgingError(gettext("You may not urge a case outside your area."))
    if to is not None:
        people = [to]
    else:
        handlers = case_type.escalation.handlers([case.pk]) if case_type.escalation else {}
        ids = sorted({user_id for user_id, _d in handlers.get(case.pk, ())})
        people = list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))
    people = [p for p in people if p.pk != by.pk]
    if not people:
        raise UrgingError(gettext("Nobody is handling this case at the moment, so there is nobody to urge."))
    content_type = ContentType.objects.get_for_model(case)
    urgings = []
    with transaction.atomic():
        for person in people:
            repeat = Urging.objects.filter(
                content_type=content_type,
                object_id=case.pk,
                urged_by=by,
                urged_user=person,
                level=level,
                note=note,
                created_at__gte=at - REPEAT_WINDOW,
            ).first()
            if repeat is not None:
                urgings.append(repeat)
                continue
            urging = Urging.objects.create(
                content_type=content_type,
                object_id=case.pk,
                township_id=case.township_id,
                level=level,
                urged_by=by,
                urged_user=person,
                note=note,
                created_at=at,
            )
            append_entry(
                case,
                action=level,
                actor=by,
                note=gettext("%(person)s: %(note)s") % {"person": _name(person), "note": note},
                at=at,
                is_internal=True,
            )
            title = (
                gettext("Supervised by %(by)s: %(case)s")
                if level == UrgingLevel.SUPERVISE
                else gettext("Urged by %(by)s: %(case)s")
            ) % {"by": _name(by), "case": case}
            key = f"urging:{urging.pk}"
            notify_inbox(
                user=person,
                title=title,
                body=note,
                key=key,
                url=case_type.url_for(case.pk),
                township=case.township,
            )
            phone = getattr(getattr(person, "staff_profile", None), "phone", "")
            if phone:
                send_sms(to=phone, body=f"{title}: {note}", key=key, township=case.township)
            urgings.append(urging)
    return urgings


def reply_to_urging(*, urging: Urging, by, reply: str, at=None) -> Urging:
    """The urged person answers; the one who urged is told."""
    at = at or timezone.now()
    reply = (reply or "").strip()
    if not reply:
        message = gettext("Write your reply.")
        raise UrgingError(message, field_errors={"reply": [message]})
    if len(reply) > NOTE_MAX:
        message = gettext("The reply is too long: at most %(max)s characters, you wrote %(length)s.") % {
            "max": NOTE_MAX,
            "length": len(reply),
        }
        raise UrgingError(message, field_errors={"reply": [message]})
    with transaction.atomic():
        urging = Urging.objects.select_for_update().get(pk=urging.pk)
        if urging.urged_user_id != by.pk:
            raise UrgingError(gettext("Only the person who was urged can reply."))
        if urging.replied_at is not None:
            if urging.reply == reply:
                return urging
            raise UrgingError(gettext("You have already replied to this urging."))
        urging.reply, urging.replied_at = reply, at
        urging.save(update_fields=["reply", "replied_at"])
        case = urging.case
        append_entry(case, action="urge-reply", actor=by, note=reply, at=at, is_internal=True)
        notify_inbox(
            user=urging.urged_by,
            title=gettext("%(person)s replied: %(case)s") % {"person": _name(by), "case": case},
            body=reply,
            key=f"urging-reply:{urging.pk}",
            url=case_type_of(case).url_for(case.pk),
            township=case.township,
        )
    return urging


def urgings_for(case):
    return (
        Urging.objects.filter(content_type=ContentType.objects.get_for_model(case), object_id=case.pk)
        .select_related("urged_by", "urged_user")
        .order_by("-created_at", "-id")
    )
