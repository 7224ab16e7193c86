"""Every step of a 12345 work order: one function each, inside a transaction, writing the timeline.

order, created = receive_order(township=t, incoming=IncomingOrder(...), source=HotlineSource.API)
dispatch_order(order=order, department=unit, by=centre_staff)
sign_for_order(order=order, by=unit_staff)            # the reply clock starts here
send_back_order(order=order, by=unit_staff, reason=..., explanation=...)   # within 1 working day
force_assign_order(order=order, department=unit, by=centre_staff, note=...)
request_extension(order=order, by=unit_staff, amount=3, reason=...)       # before the deadline
decide_extension(extension=ext, by=centre_staff, approve=True)
reply_to_caller(order=order, by=unit_staff, reply=...)   # SMS to the caller, message to the platform
record_follow_up(order=order, by=centre_staff, result=..., unit_at_fault=...)  # close or redo
pass_on_order(order=order, by=..., target=grid_event)   # what it became, linked both ways
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grid.hotline import limits
from grid.hotline.errors import HotlineError
from grid.models.hotline import (
    ExtensionDecision,
    FollowUpResult,
    HotlineExtension,
    HotlineKind,
    HotlineOrder,
    HotlineSendBack,
    HotlineSource,
    HotlineStatus,
    HotlineUrgency,
    ReturnReason,
)
from township.casework.clock import extend_clock, start_clock, stop_clock
from township.casework.deadlines import close_deadline, open_deadline
from township.casework.escalation import tell_role
from township.casework.numbers import next_number
from township.casework.timeline import append_entry
from township.casework.workflow import lock, transition
from township.identifiers import is_ascii_digits, normalise, validate_mobile_phone
from township.notify.services import send_sms, send_to_platform
from township.org.models import Department
from township.org.roles import Role, roles_of
from township.org.scope import data_scope

S = HotlineStatus
SERIES = "RX"
TEXT_LIMITS = {"title": 200, "content": 4000, "caller_name": 60, "address": 200, "category": 80}


# --- receiving ------------------------------------------------------------------------------------


@dataclass
class IncomingOrder:
    """What the platform sends for one order (the API's JSON and an import row share it)."""

    platform_order_id: str
    hotline_number: str
    urgency: str
    kind: str
    title: str
    content: str
    received_at: datetime | None
    category: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    wants_anonymity: bool = False
    address: str = ""
    lng: object = None
    lat: object = None
    errors: dict = field(default_factory=dict)


def _coordinate(value, low: float, high: float, name: str, errors: dict):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(name, []).append(_("Enter a number in degrees, e.g. 120.2846."))
        return None
    if not number.is_finite() or not (Decimal(low) <= number <= Decimal(high)):
        errors.setdefault(name, []).append(
            _("A coordinate in China lies between %(low)s and %(high)s.") % {"low": low, "high": high}
        )
        return None
    return number.quantize(Decimal("0.0000001"))


def clean_incoming(incoming: IncomingOrder) -> dict:
    """The order's fields, checked; raises HotlineError with one message per faulty field."""
    errors: dict[str, list[str]] = {}
    values: dict = {}
    for name in ("platform_order_id", "hotline_number"):
        text = str(getattr(incoming, name) or "").strip()
        if not text:
            errors.setdefault(name, []).append(_("Required."))
        elif len(text) > 64 or not text.isascii() or not all(ch.isalnum() or ch in "-_./" for ch in text):
            errors.setdefault(name, []).append(
                _("Use at most 64 letters, digits and - _ . / (no spaces or other characters).")
            )
        values[name] = text
    if incoming.urgency not in HotlineUrgency.values:
        errors.setdefault("urgency", []).append(
            _("Unknown urgency; use one of: %(values)s.") % {"values": ", ".join(HotlineUrgency.values)}
        )
    values["urgency"] = incoming.urgency
    if incoming.kind not in HotlineKind.values:
        errors.setdefault("kind", []).append(
            _("Unknown kind of request; use one of: %(values)s.") % {"values": ", ".join(HotlineKind.values)}
        )
    values["kind"] = incoming.kind
    for name, size in TEXT_LIMITS.items():
        text = str(getattr(incoming, name) or "").strip()
        if "\x00" in text:
            errors.setdefault(name, []).append(_("The text contains a NUL character."))
        elif len(text) > size:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": size})
        values[name] = text
    for name in ("title", "content"):
        if not values[name] and name not in errors:
            errors.setdefault(name, []).append(_("Required."))
    phone = normalise(incoming.caller_phone or "").removeprefix("+86")
    if phone:
        if not is_ascii_digits(phone):
            errors.setdefault("caller_phone", []).append(_("A phone number has digits only."))
        elif len(phone) == 11:
            try:
                validate_mobile_phone(phone)
            except Exception:  # noqa: BLE001 - its message is ours to show
                errors.setdefault("caller_phone", []).append(_("This is not a valid mobile number."))
        elif not 7 <= len(phone) <= 12:
            errors.setdefault("caller_phone", []).append(_("This is not a valid phone number."))
    values["caller_phone"] = phone
    values["wants_anonymity"] = bool(incoming.wants_anonymity)
    values["lng"] = _coordinate(incoming.lng, 73, 136, "lng", errors)
    values["lat"] = _coordinate(incoming.lat, 3, 54, "lat", errors)
    received = incoming.received_at
    if not isinstance(received, datetime) or timezone.is_naive(received):
        errors.setdefault("received_at", []).append(
            _("Give the time with its time zone, e.g. 2026-12-01T09:30:00+08:00.")
        )
    elif received > timezone.now() + timedelta(minutes=5):
        errors.setdefault("received_at", []).append(_("The time lies in the future."))
    values["received_at"] = received
    if errors:
        raise HotlineError(
            _("The work order has faults; nothing was saved."), code="invalid", field_errors=errors
        )
    return values


def receive_order(
    *, township, incoming: IncomingOrder, source: str, actor=None, at=None
) -> tuple[HotlineOrder, bool]:
    """Take in one order; the same platform order id again returns the order already received (the
    platform retries), never a second one."""
    if source not in HotlineSource.values:
        raise HotlineError(_("Unknown source of the order."))
    values = clean_incoming(incoming)
    existing = HotlineOrder.objects.filter(
        township=township, platform_order_id=values["platform_order_id"]
    ).first()
    if existing is not None:
        return existing, False
    at = at or timezone.now()
    order = HotlineOrder(township=township, source=source, status=S.RECEIVED, **values)
    try:
        with transaction.atomic():
            order.number = next_number(township=township, series=SERIES, at=at)
            order.save()
            append_entry(
                order,
                action="receive",
                actor=actor,
                to_state=S.RECEIVED,
                at=at,
                note=order.hotline_number,
                actor_label=None if actor else _("12345 platform"),
            )
            value, unit = limits.limit(order.urgency, "dispatch")
            open_deadline(
                order,
                kind="dispatch",
                label=_("Dispatch to a unit"),
                limit_value=value,
                limit_unit=unit,
                at=at,
            )
    except IntegrityError:
        # the same order arrived twice at the same moment: the first one counts
        existing = HotlineOrder.objects.filter(
            township=township, platform_order_id=values["platform_order_id"]
        ).first()
        if existing is None:
            raise
        return existing, False
    return order, True


# --- who may do what --------------------------------------------------------------------------------


def _require_visible(order: HotlineOrder, user) -> None:
    if not HotlineOrder.objects.visible_to(user).filter(pk=order.pk).exists():
        raise HotlineError(_("This work order is not in your area."), code="scope")


CENTRE_ROLES = frozenset({Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN})


def is_centre(user) -> bool:
    return user.is_superuser or bool(roles_of(user) & CENTRE_ROLES)


def is_unit_member(user, order: HotlineOrder) -> bool:
    """Staff of the unit the order is with (or of one of its sub-units)."""
    profile = getattr(user, "staff_profile", None)
    departments = set(data_scope(user).department_ids) | ({profile.department_id} if profile else set())
    return order.department_id is not None and order.department_id in departments


def _require_centre(order: HotlineOrder, user) -> None:
    if not is_centre(user):
        raise HotlineError(_("Only the command centre dispatches and decides on work orders."), code="role")
    _require_visible(order, user)


def _require_unit(order: HotlineOrder, user) -> None:
    if not is_unit_member(user, order):
        raise HotlineError(_("This work order is with another unit."), code="unit")
    _require_visible(order, user)


def _require_department(order: HotlineOrder, department: Department) -> None:
    if department is None or department.township_id != order.township_id or not department.is_active:
        raise HotlineError(
            _("Choose an active unit of this township."), field_errors={"department": [_("Choose a unit.")]}
        )


def _assign(order: HotlineOrder, department: Department, *, by, at, action: str, note: str) -> None:
    _require_department(order, department)
    transition(order, to=S.ASSIGNED, actor=by, action=action, at=at, note=note or department.name)
    order.department, order.assigned_at, order.handler = department, at, None
    close_deadline(order, kind="dispatch", at=at, actor=by)
    value, unit = limits.limit(order.urgency, "sign")
    open_deadline(
        order, kind="sign", label=_("Sign for the order"), limit_value=value, limit_unit=unit, at=at, actor=by
    )
    order.save()
    tell_role(
        Role.DEPARTMENT_HEAD,
        key=f"hotline-assigned:{order.pk}:{order.return_count}:{order.redo_count}",
        title=_("New 12345 work order %(number)s: %(title)s")
        % {"number": order.hotline_number, "title": order.title},
        department_id=department.pk,
    )


def dispatch_order(
    *, order: HotlineOrder, department: Department, by, at=None, note: str = ""
) -> HotlineOrder:
    at = at or timezone.now()
    with transaction.atomic():
        order = lock(order)
        _require_centre(order, by)
        if order.status == S.ASSIGNED and order.department_id == getattr(department, "pk", None):
            return order  # retried request
        _assign(order, department, by=by, at=at, action="dispatch", note=note)
    return order


def force_assign_order(
    *, order: HotlineOrder, department: Department, by, note: str, at=None
) -> HotlineOrder:
    """The centre rejects a send-back after review and assigns the order for good (no further send-back)."""
    at = at or timezone.now()
    note = (note or "").strip()
    if not note:
        raise HotlineError(_("Say why the unit must handle it."), field_errors={"note": [_("Required.")]})
    with transaction.atomic():
        order = lock(order)
        _require_centre(order, by)
        order.is_forced = True
        _assign(
            order, department, by=by, at=at, action="force-assign", note=f"{department.name}: {note}"[:500]
        )
    return order


def sign_for_order(*, order: HotlineOrder, by, at=None) -> HotlineOrder:
    """签收: the unit takes the order; its reply limit starts now."""
    at = at or timezone.now()
    with transaction.atomic():
        order = lock(order)
        _require_unit(order, by)
        if order.status == S.SIGNED and order.handler_id == by.pk:
            return order
        transition(order, to=S.SIGNED, actor=by, action="sign", at=at)
        order.signed_at, order.handler = at, by
        close_deadline(order, kind="sign", at=at, actor=by)
        value, unit = limits.limit(order.urgency, "reply")
        start_clock(order, at=at, limit_value=value, limit_unit=unit)
        order.save()
    return order


def send_back_order(
    *, order: HotlineOrder, by, reason: str, explanation: str, suggested_department=None, at=None
) -> HotlineOrder:
    """退单: the unit returns an order outside its remit, with the reason and legal basis, within one
    working day of dispatch; never an order the centre forced, and at most HOTLINE_MAX_SEND_BACKS times."""
    at = at or timezone.now()
    explanation = (explanation or "").strip()
    errors = {}
    if reason not in ReturnReason.values:
        errors["reason"] = [_("Choose the reason.")]
    if not explanation:
        errors["explanation"] = [_("Give the reason and its basis.")]
    if errors:
        raise HotlineError(_("A send-back needs a reason and its basis."), field_errors=errors)
    with transaction.atomic():
        order = lock(order)
        _require_unit(order, by)
        if order.is_forced:
            raise HotlineError(
                _("The centre assigned this order after review; it cannot be sent back."), code="forced"
            )
        if order.return_count >= limits.max_send_backs():
            raise HotlineError(
                _("This order was sent back %(n)d times already; ask the centre to decide.")
                % {"n": order.return_count},
                code="too_many",
            )
        ends = limits.send_back_window_ends(order.assigned_at)
        if at > ends:
            raise HotlineError(
                _(
                    "A send-back is possible within one working day of dispatch (until %(time)s); handle the order or ask the centre."
                )
                % {"time": date_format(timezone.localtime(ends), "DATETIME_FORMAT")},
                code="late",
            )
        transition(
            order,
            to=S.RETURNED,
            actor=by,
            action="send-back",
            at=at,
            note=f"{ReturnReason(reason).label}: {explanation}"[:500],
        )
        HotlineSendBack.objects.create(
            order=order,
            department=order.department,
            reason=reason,
            explanation=explanation,
            suggested_department=suggested_department,
            by=by,
            at=at,
        )
        close_deadline(order, kind="sign", at=at, actor=by)
        if order.is_clock_running:
            stop_clock(order, at=at)
        order.return_count += 1
        order.handler = None
        order.save()
        value, unit = limits.limit(order.urgency, "dispatch")
        open_deadline(
            order,
            kind="dispatch",
            label=_("Dispatch to a unit"),
            limit_value=value,
            limit_unit=unit,
            at=at,
            actor=by,
        )
        tell_role(
            Role.COMMAND_CENTRE,
            key=f"hotline-sent-back:{order.pk}:{order.return_count}",
            title=_("Work order %(number)s was sent back by %(unit)s")
            % {"number": order.hotline_number, "unit": order.department},
            township_id=order.township_id,
        )
    return order


# --- extension ---------------------------------------------------------------------------------------


def request_extension(*, order: HotlineOrder, by, amount, reason: str, at=None) -> HotlineExtension:
    at = at or timezone.now()
    reason = (reason or "").strip()
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= 60:
        raise HotlineError(
            _("Ask for 1 to 60 more units of the limit."),
            field_errors={"amount": [_("Enter a whole number from 1 to 60.")]},
        )
    if not reason:
        raise HotlineError(
            _("Give the reason and its legal basis."), field_errors={"reason": [_("Required.")]}
        )
    with transaction.atomic():
        order = lock(order)
        _require_unit(order, by)
        if order.status != S.SIGNED or not order.is_clock_running:
            raise HotlineError(_("Only an order being handled can be extended."), code="state")
        if at >= order.due_at:
            raise HotlineError(
                _("An extension must be asked for before the deadline; this order is already overdue."),
                code="late",
            )
        if order.extensions.filter(decision=ExtensionDecision.PENDING).exists():
            raise HotlineError(
                _("An extension request of this order is already waiting for the centre."), code="pending"
            )
        extension = HotlineExtension.objects.create(
            order=order, by=by, requested_at=at, amount=amount, reason=reason
        )
        append_entry(
            order,
            action="extension-request",
            actor=by,
            at=at,
            note=f"+{amount} · {reason}"[:500],
            is_internal=True,
        )
        tell_role(
            Role.COMMAND_CENTRE,
            key=f"hotline-extension:{extension.pk}",
            title=_("Extension asked for work order %(number)s") % {"number": order.hotline_number},
            township_id=order.township_id,
        )
    return extension


def decide_extension(
    *, extension: HotlineExtension, by, approve: bool, note: str = "", at=None
) -> HotlineExtension:
    at = at or timezone.now()
    with transaction.atomic():
        order = lock(extension.order)
        _require_centre(order, by)
        extension = HotlineExtension.objects.select_for_update().get(pk=extension.pk)
        if extension.decision != ExtensionDecision.PENDING:
            raise HotlineError(_("This extension request was decided already."), code="decided")
        extension.decision = ExtensionDecision.APPROVED if approve else ExtensionDecision.REFUSED
        extension.decided_by, extension.decided_at = by, at
        extension.save()
        if approve and order.is_clock_running:
            extend_clock(order, by=extension.amount)
            order.save()
        append_entry(
            order,
            action="extension-approve" if approve else "extension-refuse",
            actor=by,
            at=at,
            note=(note or "")[:500],
            is_internal=not approve,
        )
        if approve and order.caller_phone and not order.wants_anonymity:
            with translation.override(settings.LANGUAGE_CODE):
                body = _(
                    "Your 12345 request %(number)s needs more time; the reply is now due by %(due)s."
                ) % {
                    "number": order.hotline_number,
                    "due": date_format(timezone.localtime(order.due_at), "DATETIME_FORMAT"),
                }
            _sms(order, f"hotline-extension-sms:{extension.pk}", body)
    return extension


# --- reply and follow-up --------------------------------------------------------------------------------


def _sms(order: HotlineOrder, key: str, body: str) -> None:
    try:
        validate_mobile_phone(order.caller_phone)
    except Exception:  # noqa: BLE001 - a landline cannot take an SMS; the platform calls back instead
        return
    send_sms(to=order.caller_phone, body=body, key=key, township=order.township)


def reply_to_caller(*, order: HotlineOrder, by, reply: str, at=None) -> HotlineOrder:
    """办结反馈: the unit's answer goes to the caller (SMS) and to the platform (with our idempotency key,
    so a retry is not a second reply)."""
    at = at or timezone.now()
    reply = (reply or "").strip()
    if not reply or "\x00" in reply or len(reply) > 2000:
        raise HotlineError(
            _("Write the reply to the caller (at most 2,000 characters)."),
            field_errors={"reply": [_("Required.")]},
        )
    with transaction.atomic():
        order = lock(order)
        _require_unit(order, by)
        if order.status == S.REPLIED and order.reply == reply:
            return order
        transition(order, to=S.REPLIED, actor=by, action="reply", at=at, note=reply[:500])
        stop_clock(order, at=at)
        order.reply, order.replied_at = reply, at
        order.save()
        send_to_platform(
            platform=settings.HOTLINE_PLATFORM,
            payload={
                "order_id": order.platform_order_id,
                "hotline_number": order.hotline_number,
                "event": "replied",
                "unit": order.department.name,
                "reply": reply,
                "replied_at": at,
                "on_time": order.warning_level != 2,
            },
            key=f"hotline-reply:{order.pk}:{order.redo_count}",
            township=order.township,
        )
        if order.caller_phone and not order.wants_anonymity:
            with translation.override(settings.LANGUAGE_CODE):
                body = _("Reply to your 12345 request %(number)s from %(unit)s: %(reply)s") % {
                    "number": order.hotline_number,
                    "unit": order.department.name,
                    "reply": reply[:300],
                }
            _sms(order, f"hotline-reply-sms:{order.pk}:{order.redo_count}", body)
    return order


def record_follow_up(
    *,
    order: HotlineOrder,
    by,
    result: str,
    unit_at_fault: bool | None = None,
    note: str = "",
    platform=None,
    at=None,
) -> HotlineOrder:
    """回访: satisfied or basically satisfied closes the order; dissatisfied for the unit's fault sends it
    back to the same unit to be handled again (重新办理) with a fresh reply limit; dissatisfied for other
    reasons closes it with the result kept."""
    at = at or timezone.now()
    if result not in FollowUpResult.values:
        raise HotlineError(
            _("Choose the result of the follow-up call."), field_errors={"result": [_("Required.")]}
        )
    if result == FollowUpResult.DISSATISFIED and unit_at_fault is None:
        raise HotlineError(
            _("Say whether the unit is at fault."), field_errors={"unit_at_fault": [_("Required.")]}
        )
    with transaction.atomic():
        order = lock(order)
        if platform is None:
            _require_centre(order, by)
        elif platform.township_id != order.township_id:
            raise HotlineError(_("This work order is not in your area."), code="scope")
        label = _("12345 platform") if platform is not None else None
        order.follow_up_result, order.followed_up_at = result, at
        order.follow_up_unit_at_fault = unit_at_fault if result == FollowUpResult.DISSATISFIED else None
        append_entry(
            order,
            action="follow-up",
            actor=by,
            actor_label=label,
            at=at,
            note=(f"{FollowUpResult(result).label} {note}").strip()[:500],
        )
        if result == FollowUpResult.DISSATISFIED and unit_at_fault:
            transition(order, to=S.SIGNED, actor=by, action="redo", at=at, note=note[:500], actor_label=label)
            order.redo_count += 1
            value, unit = limits.limit(order.urgency, "reply")
            start_clock(order, at=at, limit_value=value, limit_unit=unit)
        else:
            transition(order, to=S.CLOSED, actor=by, action="close", at=at, actor_label=label)
            order.closed_at = at
        order.save()
    return order


def pass_on_order(*, order: HotlineOrder, by, target, at=None) -> HotlineOrder:
    """The order became something else (a grid event, an application enquiry, an enforcement clue): keep
    the link both ways. `target` carries the hotline number itself (its creator sets it)."""
    at = at or timezone.now()
    with transaction.atomic():
        order = lock(order)
        _require_visible(order, by)
        order.passed_to_type = ContentType.objects.get_for_model(target)
        order.passed_to_id = target.pk
        order.save(update_fields=["passed_to_type", "passed_to_id"])
        append_entry(
            order, action="convert", actor=by, at=at, note=str(getattr(target, "number", target))[:500]
        )
    return order
