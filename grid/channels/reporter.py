"""What a reporter from outside the grid staff can do with their report: follow it by number and query
code, rate the result, reopen it as "not fixed" within GRID_REOPEN_DAYS of closing, and answer the
"is it fixed?" question sent GRID_FOLLOW_UP_DAYS after closing. They get an SMS at each step."""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from grid.errors import GridEventError
from grid.events.inputs import clean_text
from grid.events.services import start_handling
from grid.models import EventStatus, GridEvent, Satisfaction
from grid.models.channels import EventIntake, FollowUpAnswer
from township.casework.timeline import append_entry
from township.casework.workflow import lock, transition
from township.clients import client_address
from township.notify.services import send_sms_many

S = EventStatus
MAX_FAILED_LOOKUPS = 10
LOOKUP_WINDOW = 15 * 60

# the SMS each step sends the reporter (and everyone who added theirs to the report)
STEP_TEXT = {
    S.REGISTERED: gettext_noop("Your report %(number)s has been verified and registered."),
    S.REJECTED: gettext_noop("Your report %(number)s was not taken up: %(note)s"),
    S.DISPATCHED: gettext_noop("Your report %(number)s has been passed to %(unit)s to handle."),
    S.IN_PROGRESS: gettext_noop("Your report %(number)s is being handled by %(unit)s."),
    S.CLOSED: gettext_noop(
        "Your report %(number)s has been dealt with and checked on site. Rate it or tell us if it is not "
        "fixed: %(url)s"
    ),
}


def lookup(request, number: str, code: str) -> tuple[GridEvent | None, str]:
    """The event for a number and query code; wrong codes are counted per client address (10 per 15
    minutes), and an unknown number and a wrong code answer the same."""
    key = f"grid-track-fail:{client_address(request)}"
    if (cache.get(key) or 0) >= MAX_FAILED_LOOKUPS:
        return None, _("Too many failed lookups; try again in 15 minutes.")
    number, code = (number or "").strip().upper()[:40], (code or "").strip()[:6]
    intake = (
        EventIntake.objects.select_related("event", "event__category", "event__department")
        .filter(event__number=number)
        .first()
    )
    expected = intake.query_code if intake is not None else "000000"
    if intake is None or not hmac.compare_digest(expected.encode(), code.encode()):
        cache.add(key, 0, LOOKUP_WINDOW)
        cache.incr(key)
        return None, _("No report matches this number and query code.")
    return intake.event, ""


def _notify_reporters(event: GridEvent, key: str, body: str) -> None:
    intake = getattr(event, "intake", None)
    phones = {intake.reporter_phone} if intake is not None and intake.reporter_phone else set()
    phones |= set(event.supporters.exclude(phone="").values_list("phone", flat=True))
    send_sms_many([(phone, body, f"{key}:{phone}", event.township_id) for phone in sorted(phones)])


def on_event_transition(sender, case, entry, source, **kwargs):
    """case_transitioned receiver: text the reporters of a channel event when it reaches a step they
    care about, once per step and phone (the key carries the timeline entry). The text is written after
    commit, from the saved event, so it names the unit the step assigned."""
    template = STEP_TEXT.get(case.status)
    if template is None:
        return
    event_id, step = case.pk, entry.pk if entry is not None else case.status
    note = (entry.note if entry is not None else "")[:200]
    transaction.on_commit(lambda: _text_step(event_id, step, template, note))


def _text_step(event_id: int, step, template: str, note: str) -> None:
    event = GridEvent.objects.select_related("intake", "department").filter(pk=event_id).first()
    intake = getattr(event, "intake", None) if event is not None else None
    if intake is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = _(template) % {
            "number": event.number,
            "unit": event.department.name if event.department_id else _("the responsible unit"),
            "note": note,
            "url": f"{settings.SITE_URL}{reverse('services-track')}?number={event.number}&code={intake.query_code}",
        }
    _notify_reporters(event, f"grid-step:{event.pk}:{step}", body)


def rate_report(*, event: GridEvent, satisfaction, note: str = "", at=None) -> GridEvent:
    """The reporter (holding the number and code) rates a closed report, once."""
    at = at or timezone.now()
    note = clean_text(note, field="note", required=False, max_length=500)
    try:
        satisfaction = Satisfaction(int(str(satisfaction).strip()))
    except (TypeError, ValueError):
        raise GridEventError(
            _("Choose how satisfied you are."), field_errors={"satisfaction": [_("Choose one.")]}
        ) from None
    with transaction.atomic():
        event = lock(event)
        if event.status != S.CLOSED:
            raise GridEventError(_("Only a closed report can be rated, once."), code="state")
        transition(
            event,
            to=S.EVALUATED,
            actor=None,
            actor_label=_("Reporter"),
            action="evaluate",
            note=" · ".join(filter(None, [str(satisfaction.label), note])),
            at=at,
        )
        event.satisfaction, event.evaluated_at = satisfaction, at
        event.save()
    return event


def reopen_report(*, event: GridEvent, reason: str, at=None) -> GridEvent:
    """Not fixed after all: back to the unit that handled it, with a fresh handling limit, if it closed
    within GRID_REOPEN_DAYS; later, the reporter reports it anew."""
    at = at or timezone.now()
    reason = clean_text(reason, field="reason", max_length=1000)
    with transaction.atomic():
        event = lock(event)
        if event.status not in (S.CLOSED, S.EVALUATED) or event.closed_at is None:
            raise GridEventError(_("Only a closed report can be reopened."), code="state")
        limit = timedelta(days=int(settings.GRID_REOPEN_DAYS))
        if at > event.closed_at + limit:
            raise GridEventError(
                _("A report can be reopened within %(days)d days of closing; please report the problem anew.")
                % {"days": limit.days},
                code="late",
            )
        if event.department_id is None:
            raise GridEventError(
                _("This report was closed without a handling unit; report it anew."), code="state"
            )
        transition(
            event,
            to=S.IN_PROGRESS,
            actor=None,
            actor_label=_("Reporter"),
            action="reopen",
            note=reason,
            at=at,
        )
        event.closed_at, event.closed_on_time, event.fed_back_at = None, None, None
        event.satisfaction, event.evaluated_at = None, None
        start_handling(event, at=at)
        event.save()
        EventIntake.objects.filter(event=event).update(reopened_count=F("reopened_count") + 1)
    return event


# --- the "is it fixed?" question, GRID_FOLLOW_UP_DAYS after closing ----------------------------------


def send_follow_up_questions(*, now=None, limit: int = 2000) -> int:
    """Set-based and idempotent: claim the reports closed GRID_FOLLOW_UP_DAYS ago that were not asked
    yet (one UPDATE with a token each), then queue one SMS per claimed report. Safe on two workers:
    the claim skips rows another worker holds."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=int(settings.GRID_FOLLOW_UP_DAYS))
    with transaction.atomic():
        ids = list(
            EventIntake.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                follow_up_sent_at__isnull=True,
                event__status__in=[S.CLOSED, S.EVALUATED],
                event__closed_at__lte=cutoff,
            )
            .exclude(reporter_phone="")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        # one UPDATE: each row gets its own unguessable token (PostgreSQL's gen_random_uuid is a CSPRNG)
        EventIntake.objects.filter(pk__in=ids, follow_up_sent_at__isnull=True).update(
            follow_up_sent_at=now,
            follow_up_token=RawSQL("replace(gen_random_uuid()::text, '-', '')", ()),
        )
        intakes = (
            EventIntake.objects.filter(pk__in=ids)
            .select_related("event")
            .only("reporter_phone", "follow_up_token", "event__number", "event__township_id")
        )
        with translation.override(settings.LANGUAGE_CODE):
            messages = [
                (
                    intake.reporter_phone,
                    _(
                        "Four weeks ago we closed your report %(number)s. Is the problem fixed? Answer here: %(url)s"
                    )
                    % {
                        "number": intake.event.number,
                        "url": f"{settings.SITE_URL}{reverse('grid-follow-up', args=[intake.follow_up_token])}",
                    },
                    f"grid-follow-up:{intake.pk}",
                    intake.event.township_id,
                )
                for intake in intakes
            ]
        send_sms_many(messages)
    return len(ids)


def answer_follow_up(*, token: str, fixed: bool, note: str = "", at=None) -> EventIntake:
    """The reporter's answer through the SMS link; the first answer counts. "Not fixed" reopens the report
    if it is still within the reopen period, else it is recorded for the command centre."""
    at = at or timezone.now()
    intake = EventIntake.objects.select_related("event").filter(follow_up_token=token or "-").first()
    if intake is None or not token:
        raise GridEventError(_("This link is not valid."), code="token")
    with transaction.atomic():
        updated = EventIntake.objects.filter(pk=intake.pk, follow_up_answer="").update(
            follow_up_answer=FollowUpAnswer.FIXED if fixed else FollowUpAnswer.NOT_FIXED,
            follow_up_answered_at=at,
        )
        if not updated:
            intake.refresh_from_db()
            return intake
        append_entry(
            intake.event,
            action="follow-up",
            actor=None,
            actor_label=_("Reporter"),
            note=(_("Fixed") if fixed else _("Not fixed")) + (f" · {note}" if note else ""),
            at=at,
        )
    intake.refresh_from_db()
    return intake


def open_reports_near(*, township, category, latitude: float, longitude: float):
    """Open reports of the same category within 250 m, for "this may already be reported"."""
    from grid.events.selectors import nearby_open_events  # noqa: PLC0415 - selectors import the services

    probe = GridEvent(township=township, category=category, latitude=latitude, longitude=longitude)
    return nearby_open_events(probe)
