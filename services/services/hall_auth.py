"""Services: residents sign up and sign in to the online hall with a one-time SMS code."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from services.models import SmsCode, SmsCodePurpose
from township.casework.workflow import advisory_lock
from township.errors import DomainError
from township.identifiers import normalise, validate_id_number, validate_mobile_phone
from township.notify.services import send_sms
from township.org.models import ResidentAccount, StaffProfile

CODE_VALID = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
PER_PHONE_PER_DAY = 10
PER_IP_PER_HOUR = 20
MAX_ATTEMPTS = 5

# Namespaces of the two-key advisory locks taken here (other modules use other numbers).
_PHONE_LOCK = "sign-in-code:phone"
_IP_LOCK = "sign-in-code:address"


class SignInError(DomainError):
    """A sign-in step that cannot be done; the message is for the resident."""


class CodeRecentlySent(SignInError):
    """A code went out less than a minute ago: use that one."""


def _hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def clean_phone(phone: str) -> str:
    phone = normalise(phone or "").removeprefix("+86")
    try:
        validate_mobile_phone(phone)
    except ValidationError as error:
        raise SignInError(error.messages[0]) from None
    return phone


def seconds_until_resend(*, phone: str, at=None) -> int:
    """How long the resident waits before another code can be sent to this phone (0: now)."""
    at = at or timezone.now()
    last = (
        SmsCode.objects.filter(phone=phone, purpose=SmsCodePurpose.SIGN_IN)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None or at - last >= RESEND_AFTER:
        return 0
    return int((RESEND_AFTER - (at - last)).total_seconds()) + 1


def request_sms_code(*, phone: str, ip: str | None = None, at=None) -> SmsCode:
    """Send a six-digit code, within the limits per phone and per address (checked in the database)."""
    at = at or timezone.now()
    phone = clean_phone(phone)
    ip = ip or None
    with transaction.atomic():
        advisory_lock(_PHONE_LOCK, phone)
        if ip:
            advisory_lock(_IP_LOCK, ip)
        wait = seconds_until_resend(phone=phone, at=at)
        if wait:
            raise CodeRecentlySent(
                _("A code was just sent; you can ask for another in %(seconds)s seconds.") % {"seconds": wait}
            )
        sent_today = SmsCode.objects.filter(
            phone=phone, purpose=SmsCodePurpose.SIGN_IN, created_at__gt=at - timedelta(days=1)
        )
        if sent_today.count() >= PER_PHONE_PER_DAY:
            raise SignInError(_("Too many codes for this number today; please try again tomorrow."))
        if ip and SmsCode.objects.filter(requested_ip=ip, created_at__gt=at - timedelta(hours=1)).count() >= (
            PER_IP_PER_HOUR
        ):
            raise SignInError(_("Too many codes from this device; please try again in an hour."))
        code = f"{secrets.randbelow(10**6):06d}"
        record = SmsCode.objects.create(
            phone=phone,
            purpose=SmsCodePurpose.SIGN_IN,
            code_hash=_hash(phone, code),
            created_at=at,
            expires_at=at + CODE_VALID,
            requested_ip=ip,
        )
        # in the language the resident is using the site in
        body = _(
            "Your sign-in code for the online service hall is %(code)s, valid for 5 minutes. Do not share it."
        ) % {"code": code}
        send_sms(to=phone, body=body, key=f"sms-code:{record.pk}")
    return record


def sign_in_with_code(*, phone: str, code: str, at=None):
    """The resident's user for a right code, creating the account on first sign-in (sign-up).

    Only the newest code sent to the phone counts, and it works once; a wrong code counts against
    it even though the step fails, and after five wrong codes it is dead.
    """
    at = at or timezone.now()
    phone = clean_phone(phone)
    code = normalise(code or "")
    wrong_left = None
    with transaction.atomic():
        advisory_lock(_PHONE_LOCK, phone)
        record = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=SmsCodePurpose.SIGN_IN)
            .order_by("-created_at", "-pk")
            .first()
        )
        if record is None or record.expires_at <= at:
            raise SignInError(_("The code has expired or was never sent; please ask for a new one."))
        if record.used_at is not None:
            raise SignInError(_("This code has already been used; please ask for a new one."))
        if record.attempts >= MAX_ATTEMPTS:
            raise SignInError(_("Too many wrong codes; please ask for a new one."))
        if not (code.isdigit() and hmac.compare_digest(record.code_hash, _hash(phone, code))):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            wrong_left = MAX_ATTEMPTS - record.attempts
        else:
            user = _resident_user(phone)
            record.used_at = at
            record.save(update_fields=["used_at"])
    # raised after the transaction so that the failed attempt stays counted
    if wrong_left == 0:
        raise SignInError(
            _("The code is not right, and that was the last attempt; please ask for a new one.")
        )
    if wrong_left is not None:
        raise SignInError(
            ngettext(
                "The code is not right; %(left)s attempt left.",
                "The code is not right; %(left)s attempts left.",
                wrong_left,
            )
            % {"left": wrong_left}
        )
    return user


def _resident_user(phone: str):
    """The resident's user for the phone; a new account on first sign-in. Staff never come in here."""
    staff_door = _("This number belongs to a staff account; staff sign in on the staff sign-in page.")
    User = get_user_model()
    account = ResidentAccount.objects.select_related("user").filter(phone=phone).first()
    if account is not None:
        if StaffProfile.objects.filter(user_id=account.user_id).exists() or account.user.is_staff:
            raise SignInError(staff_door)
        if not account.user.is_active:
            raise SignInError(_("This account is disabled; please contact the service hall."))
        return account.user
    if (
        StaffProfile.objects.filter(phone=phone).exists()
        or User.objects.filter(username=f"r{phone}").exists()
    ):
        raise SignInError(staff_door)
    user = User(username=f"r{phone}")
    user.set_unusable_password()
    user.save()
    ResidentAccount.objects.create(user=user, phone=phone)
    return user


def update_resident_profile(*, user, real_name: str, id_number: str) -> ResidentAccount:
    """Bind the resident's real name and identity number (checked, and unique across accounts)."""
    real_name = " ".join((real_name or "").split())
    id_number = normalise(id_number or "")
    errors = {}
    if not real_name:
        errors["real_name"] = [_("Enter your real name as on your identity card.")]
    elif len(real_name) > 60:
        errors["real_name"] = [_("A real name has at most 60 characters.")]
    try:
        validate_id_number(id_number)
    except ValidationError as error:
        errors["id_number"] = error.messages
    with transaction.atomic():
        account = ResidentAccount.objects.select_for_update().get(user=user)
        if (
            "id_number" not in errors
            and ResidentAccount.objects.filter(id_number=id_number).exclude(pk=account.pk).exists()
        ):
            errors["id_number"] = [_("This identity number is already bound to another account.")]
        if errors:
            raise ValidationError(errors)
        account.real_name, account.id_number = real_name, id_number
        try:
            with transaction.atomic():
                account.save(update_fields=["real_name", "id_number"])
        except IntegrityError:
            # another account bound the same number a moment ago (the unique constraint caught it)
            raise ValidationError(
                {"id_number": [_("This identity number is already bound to another account.")]}
            ) from None
        if user.first_name != real_name:
            user.first_name = real_name
            user.save(update_fields=["first_name"])
    return account
