"""Shared fixtures: the demo organisation and users per role, built through the real models."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the portal's default language. LocaleMiddleware activates the language of a
    request in the thread and leaves it there, so a page fetched in English would otherwise leak English
    into the next test that runs in the same worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english(client):
    """For tests that read English messages: the code's language and the test client's pages in English
    (the portal itself defaults to Chinese). Use with `pytestmark = pytest.mark.usefixtures("english")`."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
