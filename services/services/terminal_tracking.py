"""Services: tracking by identity number at a self-service terminal (身份证号 + 短信验证码).

The resident types their identity number; a six-digit code goes by SMS to the phone given on their
newest application in the terminal's township; with the code the terminal lists their applications,
each with its number and query code, so the usual tracking and printing take over.

Nothing here tells a stranger whether an identity number has applications: the request always writes
the same row (with the phone found, or none) and hands the same task to the workers, which sends an
SMS only when there is a phone and then forgets it, the answer is the same sentence, and every failed check of a code (wrong, expired, used, too
many attempts, never sent) gets one and the same message after the same work. Codes are limited per
identity number (one a minute, five a day) and per terminal (thirty an hour); a code works at the
terminal it was asked for, once, for five minutes, and dies after five wrong tries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.errors import TerminalTrackingError
from services.models import Application, ApplicationStatus, SelfServiceTerminal, TerminalTrackingCode
from township.casework.workflow import advisory_lock
from township.identifiers import is_ascii_digits, normalise, validate_id_number
from township.notify.services import send_sms

CODE_VALID = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
PER_ID_PER_DAY = 5
PER_TERMINAL_PER_HOUR = 30
MAX_ATTEMPTS = 5
LIST_LIMIT = 20
_LOCK = "terminal-track:id"
# what a check compares against when there is nothing to compare: the same work, never a match
_NOTHING = "0" * 64


def _mac(*parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def clean_id_number(id_number: str) -> str:
    id_number = normalise(id_number or "").upper()
    try:
        validate_id_number(id_number)
    except ValidationError as error:
        raise TerminalTrackingError(error.messages[0]) from None
    return id_number


def id_hash(id_number: str) -> str:
    return _mac("terminal-track", id_number)


def _code_hash(record_id: int, code: str) -> str:
    return _mac("terminal-track-code", str(record_id), code)


def _applications_of(terminal: SelfServiceTerminal, id_number: str):
    return Application.objects.filter(
        township_id=terminal.township_id, applicant_id_number=id_number, number__isnull=False
    ).exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])


def request_tracking_code(*, terminal: SelfServiceTerminal, id_number: str, at=None) -> TerminalTrackingCode:
    """Ask for a code for this identity number at this terminal. The same row and the same task whether
    or not applications exist; the task sends the SMS (township.notify) when there is a phone."""
    from services.tasks import send_terminal_tracking_code  # noqa: PLC0415 - tasks import the services

    at = at or timezone.now()
    id_number = clean_id_number(id_number)
    digest = id_hash(id_number)
    with transaction.atomic():
        advisory_lock(_LOCK, digest)
        last = (
            TerminalTrackingCode.objects.filter(id_hash=digest)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last is not None and at - last < RESEND_AFTER:
            seconds = int((RESEND_AFTER - (at - last)).total_seconds()) + 1
            raise TerminalTrackingError(
                _("A code was just sent; you can ask for another in %(seconds)s seconds.")
                % {"seconds": seconds}
            )
        if (
            TerminalTrackingCode.objects.filter(id_hash=digest, created_at__gt=at - timedelta(days=1)).count()
            >= PER_ID_PER_DAY
        ):
            raise TerminalTrackingError(
                _("Too many codes for this identity number today; please try again tomorrow.")
            )
        if (
            TerminalTrackingCode.objects.filter(
                terminal=terminal, created_at__gt=at - timedelta(hours=1)
            ).count()
            >= PER_TERMINAL_PER_HOUR
        ):
            raise TerminalTrackingError(
                _("This terminal has sent too many codes in the last hour; please ask at a window.")
            )
        phone = (
            _applications_of(terminal, id_number)
            .exclude(applicant_phone="")
            .order_by("-submitted_at", "-pk")
            .values_list("applicant_phone", flat=True)
            .first()
        )
        record = TerminalTrackingCode.objects.create(
            terminal=terminal, id_hash=digest, phone=phone or "", created_at=at, expires_at=at + CODE_VALID
        )
        transaction.on_commit(lambda: send_terminal_tracking_code.delay(record.pk))
    return record


def send_tracking_code(record_id: int) -> bool:
    """The worker's half: send a new code to the phone the request found, then forget the phone. Sends
    once (a retried task finds the code set); nothing when no application gave a phone."""
    with transaction.atomic():
        record = (
            TerminalTrackingCode.objects.select_for_update()
            .select_related("terminal__township", "terminal__point")
            .filter(pk=record_id)
            .first()
        )
        if record is None or record.code_hash or not record.phone or record.expires_at <= timezone.now():
            return False
        code = f"{secrets.randbelow(10**6):06d}"
        phone, record.phone = record.phone, ""
        record.code_hash = _code_hash(record.pk, code)
        record.save(update_fields=["code_hash", "phone"])
        send_sms(
            to=phone,
            body=_(
                "Your code for looking up your applications at the self-service terminal of %(point)s is "
                "%(code)s, valid for 5 minutes. If you did not ask for it, ignore this message."
            )
            % {"point": record.terminal.point.name, "code": code},
            key=f"terminal-track-code:{record.pk}",
            township=record.terminal.township,
        )
    return True


def applications_for_code(
    *, terminal: SelfServiceTerminal, id_number: str, code: str, at=None
) -> list[Application]:
    """The identity number's applications in the terminal's township, for the right code. Every failure
    has the same message and does the same work (one row locked and counted)."""
    at = at or timezone.now()
    id_number = clean_id_number(id_number)
    code = normalise(code or "")
    digest = id_hash(id_number)
    ok = False
    with transaction.atomic():
        advisory_lock(_LOCK, digest)
        record = (
            TerminalTrackingCode.objects.select_for_update()
            .filter(terminal=terminal, id_hash=digest)
            .order_by("-created_at", "-pk")
            .first()
        )
        expected = record.code_hash if record is not None and record.code_hash else _NOTHING
        given = _code_hash(record.pk if record is not None else 0, code)
        matches = hmac.compare_digest(expected, given) and is_ascii_digits(code)
        if record is not None:
            live = record.used_at is None and record.expires_at > at and record.attempts < MAX_ATTEMPTS
            ok = matches and live and bool(record.code_hash)
            if ok:
                record.used_at = at
                record.save(update_fields=["used_at"])
            else:
                record.attempts += 1
                record.save(update_fields=["attempts"])
    # raised after the transaction, so that the failed attempt stays counted
    if not ok:
        raise TerminalTrackingError(
            _(
                "The identity number and code do not match, or the code is no longer valid. Ask for a new code."
            )
        )
    return list(
        _applications_of(terminal, id_number)
        .select_related("item_version", "item__current_version", "bundle", "result")
        .order_by("-submitted_at", "-pk")[:LIST_LIMIT]
    )


__all__ = [
    "applications_for_code",
    "clean_id_number",
    "id_hash",
    "request_tracking_code",
    "send_tracking_code",
]
