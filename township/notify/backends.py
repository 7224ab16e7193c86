"""Delivery backends: a file backend for development, an HTTP SMS gateway and Django's e-mail."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.utils import timezone
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from township.notify.models import OutboxMessage


class DeliveryError(Exception):
    """The provider did not accept the message; the text says why and is kept as `last_error`."""


class NotifyBackend:
    """Sends one outbox message and returns the provider's id for it."""

    def send(self, message: OutboxMessage) -> str:
        raise NotImplementedError


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


def outbox_filename(key: str) -> str:
    """A file name for a key; keys with other characters get a hash suffix so two keys never share a file."""
    safe = _UNSAFE_FILENAME.sub("_", key)[:120]
    if safe != key:
        safe = f"{safe}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    return f"{safe}.txt"


class FileBackend(NotifyBackend):
    """Writes each message as a small mail-like text file to NOTIFY_OUTBOX_DIR/<channel>/<key>.txt."""

    def send(self, message: OutboxMessage) -> str:
        folder = Path(settings.NOTIFY_OUTBOX_DIR) / message.channel
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / outbox_filename(message.idempotency_key)
        headers = {
            "Channel": message.channel,
            "To": message.recipient,
            "Subject": message.subject,
            "Sign": settings.SMS_SIGN_NAME if message.channel == "sms" else "",
            "Key": message.idempotency_key,
            "Township": str(message.township) if message.township_id else "",
            "Written": timezone.localtime().isoformat(timespec="seconds"),
        }
        text = "".join(f"{name}: {value}\n" for name, value in headers.items() if value)
        text += f"\n{message.body}\n"
        # Write then rename, so a reader never sees half a file and a resend replaces it whole.
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp_name, path)
        return f"file:{message.channel}/{path.name}"


class HttpGatewayBackend(NotifyBackend):
    """POSTs {to, body, sign, key} as JSON to SMS_GATEWAY_URL; the key doubles as the Idempotency-Key."""

    def send(self, message: OutboxMessage) -> str:
        url = settings.SMS_GATEWAY_URL
        if not url.startswith(("http://", "https://")):
            raise DeliveryError(f"SMS_GATEWAY_URL must be an http(s) address, not {url!r}")
        timeout = settings.SMS_GATEWAY_TIMEOUT
        payload = {
            "to": message.recipient,
            "body": message.body,
            "sign": settings.SMS_SIGN_NAME,
            "key": message.idempotency_key,
        }
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                "Idempotency-Key": message.idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                raw = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip()
            raise DeliveryError(f"SMS gateway answered HTTP {exc.code} {exc.reason}: {detail}") from exc
        except TimeoutError as exc:
            raise DeliveryError(f"SMS gateway did not answer within {timeout:g} s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise DeliveryError(f"SMS gateway did not answer within {timeout:g} s") from exc
            raise DeliveryError(f"SMS gateway unreachable at {url}: {exc.reason}") from exc
        except OSError as exc:
            raise DeliveryError(f"SMS gateway connection failed: {exc}") from exc
        return self._provider_id(raw) or message.idempotency_key

    @staticmethod
    def _provider_id(raw: bytes) -> str:
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            return ""
        if not isinstance(data, dict):
            return ""
        return str(data.get("id") or data.get("message_id") or "")[:200]


class HttpPlatformBackend(NotifyBackend):
    """POSTs a platform message's JSON body to settings.NOTIFY_PLATFORMS[name]["url"] with its bearer token
    and the idempotency key as the Idempotency-Key header; the platform's id for it comes back as `id`."""

    def send(self, message: OutboxMessage) -> str:
        config = settings.NOTIFY_PLATFORMS.get(message.recipient) or {}
        url = config.get("url", "")
        if not url.startswith(("http://", "https://")):
            raise DeliveryError(f"platform {message.recipient!r} has no http(s) url configured")
        timeout = float(config.get("timeout", 10))
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url,
            data=message.body.encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {config.get('token', '')}",
                "Idempotency-Key": message.idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                raw = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip()
            raise DeliveryError(f"platform answered HTTP {exc.code} {exc.reason}: {detail}") from exc
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"platform {message.recipient!r} unreachable at {url}: {exc}") from exc
        return HttpGatewayBackend._provider_id(raw) or message.idempotency_key


class DjangoEmailBackend(NotifyBackend):
    """Sends e-mail through django.core.mail (EMAIL_URL), with the key as the Message-ID's local part."""

    def send(self, message: OutboxMessage) -> str:
        message_id = make_msgid(idstring=hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:16])
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": message_id},
        )
        try:
            email.send(fail_silently=False)
        except (OSError, ValueError) as exc:  # smtplib errors are OSErrors
            raise DeliveryError(f"mail server refused the message: {exc}") from exc
        return message_id


def get_backend(channel: str) -> NotifyBackend:
    try:
        path = settings.NOTIFY_BACKENDS[channel]
    except KeyError:
        raise ImproperlyConfigured(f"NOTIFY_BACKENDS has no backend for channel {channel!r}") from None
    return import_string(path)()
