"""Shortcuts for browser tests that are about a page, not about signing in: log a user in by cookie."""

from django.conf import settings
from django.test import Client


def log_in(page, user, live_server) -> None:
    """Give the page's browser context a session for `user`, as if they had signed in."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
