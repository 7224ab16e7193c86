"""The client's address for rate limits and lockouts, read through the trusted proxies when configured."""

from django.conf import settings
from django.http import HttpRequest
from ipware.ip import get_client_ip


def client_address(request: HttpRequest) -> str:
    """The address of whoever sent the request: every rate limit (tracking, SMS codes, kiosk tickets)
    and the login lockout (AXES_CLIENT_IP_CALLABLE) count by this, never by REMOTE_ADDR alone.

    Behind TRUSTED_PROXY_COUNT proxies, the client is the address the outermost trusted proxy wrote
    into X-Forwarded-For, the TRUSTED_PROXY_COUNT-th from the right; entries further left were written
    by the client and are ignored, so a forged header cannot pick someone else's bucket. With no
    proxy configured, or a header too short to hold our proxies' entries, it is the last hop."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not settings.TRUSTED_PROXY_COUNT:
        return remote
    address, _routable = get_client_ip(
        request,
        proxy_order=settings.AXES_IPWARE_PROXY_ORDER,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        proxy_trusted_ips=settings.AXES_IPWARE_PROXY_TRUSTED_IPS,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
        strict=False,
    )
    return address or remote
