"""Keys for the portal's machine APIs (the city hotline platform, Open311 clients, cameras, data feeds).

    client, key = issue_api_key(township=t, name="City 12345 platform", purpose=ApiClient.Purpose.HOTLINE_PLATFORM)

The key is `<prefix>.<secret>`; only the prefix and a SHA-256 of the whole key are stored, so the key is
shown once. `ApiKeyAuthentication` (DRF) reads it from the `X-Api-Key` header or, for Open311, the
`api_key` parameter, and sets `request.auth` to the ApiClient; `HasApiKey.for_purpose(...)` requires a
usable key of that purpose. Each client is rate-limited per minute in the shared cache (Redis).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions

from township.errors import DomainError
from township.org.models import ApiClient

PREFIX_LENGTH = 8


class ApiKeyError(DomainError):
    pass


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_api_key(
    *, township, name: str, purpose: str, by=None, rate_per_minute: int = 120
) -> tuple[ApiClient, str]:
    """A new client and its key (returned once, never stored)."""
    if purpose not in ApiClient.Purpose.values:
        raise ApiKeyError(_("Unknown API purpose."), code="purpose")
    name = (name or "").strip()
    if not name:
        raise ApiKeyError(
            _("Give the API client a name."), code="name", field_errors={"name": [_("Required.")]}
        )
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(
        township=township,
        name=name[:80],
        purpose=purpose,
        key_prefix=prefix,
        key_hash=_hash(key),
        rate_per_minute=rate_per_minute,
        created_by=by if getattr(by, "pk", None) else None,
    )
    return client, key


def revoke_api_key(*, client: ApiClient, at=None) -> ApiClient:
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is None:
            client.revoked_at = at or timezone.now()
            client.is_active = False
            client.save(update_fields=["revoked_at", "is_active"])
    return client


def client_for_key(key: str) -> ApiClient | None:
    """The usable client a key belongs to, else None (unknown, malformed, revoked)."""
    if not key or len(key) > 200 or "." not in key or "\x00" in key:
        return None
    prefix = key.split(".", 1)[0]
    client = ApiClient.objects.select_related("township").filter(key_prefix=prefix).first()
    if client is None or not hmac.compare_digest(client.key_hash, _hash(key)) or not client.is_usable:
        return None
    return client


def within_rate(client: ApiClient, *, now=None) -> bool:
    """Count one request in this minute's window; False once the client's limit is passed."""
    now = now or timezone.now()
    window = f"apikey-rate:{client.pk}:{now:%Y%m%d%H%M}"
    cache.add(window, 0, timeout=120)
    try:
        count = cache.incr(window)
    except ValueError:  # the key expired between add and incr
        cache.set(window, 1, timeout=120)
        count = 1
    return count <= client.rate_per_minute


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`X-Api-Key: <key>` (or `api_key=` in the query or form, as Open311 clients send it)."""

    keyword_header = "HTTP_X_API_KEY"

    def authenticate(self, request):
        key = request.META.get(self.keyword_header) or request.query_params.get("api_key")
        if not key and request.method in ("POST", "PUT", "PATCH"):
            try:
                key = request.POST.get("api_key")
            except Exception:  # noqa: BLE001 - an unparseable body is the parser's error to report later
                key = None
        if not key:
            return None
        client = client_for_key(str(key).strip())
        if client is None:
            raise exceptions.AuthenticationFailed(_("The API key is unknown or has been revoked."))
        if not within_rate(client):
            raise exceptions.Throttled(detail=_("Too many requests for this API key; try again in a minute."))
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return AnonymousUser(), client

    def authenticate_header(self, request):
        return "X-Api-Key"


class HasApiKey(permissions.BasePermission):
    """A usable key of the view's `api_key_purpose` (an attribute on the view)."""

    message = _("This API needs an API key.")

    def has_permission(self, request, view):
        client = request.auth
        return isinstance(client, ApiClient) and client.purpose == getattr(view, "api_key_purpose", None)
