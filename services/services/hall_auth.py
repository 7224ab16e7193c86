"""Services: residents sign up and sign in to the online hall with a one-time SMS code."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from services.models import SmsCode, SmsCodePurpose
from township.identifiers import normalise, validate_id_number, validate_mobile_phone
from township.notify.services import send_sms
from township.org.models import ResidentAccount

CODE_VALID = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
PER_PHONE_PER_DAY = 10
PER_IP_PER_HOUR = 20
MAX_ATTEMPTS = 5


class SignInError(Exception):
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


def request_sms_code(*, phone: str, ip: str | None = None, at=None) -> SmsCode:
    """Send a six-digit code, within the limits per phone and per address (checked in the database)."""
    at = at or timezone.now()
    phone = clean_phone(phone)
    with transaction.atomic():
        recent = SmsCode.objects.select_for_update().filter(phone=phone, purpose=SmsCodePurpose.SIGN_IN)
        last = recent.order_by("-created_at").first()
        if last is not None and at - last.created_at < RESEND_AFTER:
            wait = int((RESEND_AFTER - (at - last.created_at)).total_seconds()) + 1
            raise CodeRecentlySent(
                _("A code was just sent; you can ask for another in %(seconds)s seconds.") % {"seconds": wait}
            )
        if recent.filter(created_at__gte=at - timedelta(days=1)).count() >= PER_PHONE_PER_DAY:
            raise SignInError(_("Too many codes for this number today; please try again tomorrow."))
        if (
            ip
            and SmsCode.objects.filter(requested_ip=ip, created_at__gte=at - timedelta(hours=1)).count()
            >= PER_IP_PER_HOUR
        ):
            raise SignInError(_("Too many codes from this device; please try again in an hour."))
        code = f"{secrets.randbelow(10**6):06d}"
        record = SmsCode.objects.create(
            phone=phone,
            purpose=SmsCodePurpose.SIGN_IN,
            code_hash=_hash(phone, code),
            created_at=at,
            expires_at=at + CODE_VALID,
            requested_ip=ip or None,
        )
        with translation.override(translation.get_language() or settings.LANGUAGE_CODE):
            body = _(
                "Your sign-in code for the online service hall is %(code)s, valid for 5 minutes. Do not share it."
            ) % {"code": code}
        send_sms(to=phone, body=body, key=f"sms-code:{record.pk}")
    return record


def sign_in_with_code(*, phone: str, code: str, at=None):
    """The resident's user for a right code (creating the account on first sign-in); a code works once,
    and a wrong code counts against it even though the step fails."""
    at = at or timezone.now()
    phone = clean_phone(phone)
    code = (code or "").strip()
    wrong_left = None
    with transaction.atomic():
        record = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=SmsCodePurpose.SIGN_IN, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if record is None or record.expires_at <= at:
            raise SignInError(_("The code has expired or was never sent; please ask for a new one."))
        if record.attempts >= MAX_ATTEMPTS:
            raise SignInError(_("Too many wrong codes; please ask for a new one."))
        if not (code.isdigit() and hmac.compare_digest(record.code_hash, _hash(phone, code))):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            wrong_left = MAX_ATTEMPTS - record.attempts
        else:
            record.used_at = at
            record.save(update_fields=["used_at"])
            user = _resident_user(phone)
    if wrong_left is not None:
        raise SignInError(_("The code is not right; %(left)s attempts left.") % {"left": wrong_left})
    return user


def _resident_user(phone: str):
    User = get_user_model()
    account = ResidentAccount.objects.select_related("user").filter(phone=phone).first()
    if account is not None:
        if hasattr(account.user, "staff_profile"):
            raise SignInError(_("Staff sign in on the staff sign-in page."))
        return account.user
    if User.objects.filter(username=f"r{phone}").exists():
        raise SignInError(_("Staff sign in on the staff sign-in page."))
    user = User(username=f"r{phone}")
    user.set_unusable_password()
    user.save()
    ResidentAccount.objects.create(user=user, phone=phone)
    return user


def update_resident_profile(*, user, real_name: str, id_number: str) -> ResidentAccount:
    """Bind the resident's real name and identity number (checked, and unique across accounts)."""
    real_name = (real_name or "").strip()
    id_number = normalise(id_number or "")
    errors = {}
    if not real_name:
        errors["real_name"] = [_("Enter your real name as on your identity card.")]
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
        account.real_name, account.id_number = real_name[:60], id_number
        account.save(update_fields=["real_name", "id_number"])
        if not user.first_name:
            user.first_name = account.real_name
            user.save(update_fields=["first_name"])
    return account
