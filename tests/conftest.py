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


def _flushes_the_database(item) -> bool:
    """Whether the test ran with a real transaction, after which pytest-django flushes every table."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back the rows the data migrations seed (the default rating scheme, the legal configuration)
    once a transactional test has flushed them. The suite runs file by file on two workers
    (`--dist loadfile`), so a file's ordinary tests can follow another file's transactional ones and
    would otherwise find the defaults gone."""
    yield
    if nextitem is None or not _flushes_the_database(item):
        return  # after the last test the test database is already gone
    from pytest_django.plugin import blocking_manager_key  # noqa: PLC0415 - pytest-django's own blocker

    from tests.seeds import restore_seeded_rows  # noqa: PLC0415 - Django is set up only after collection

    with item.config.stash[blocking_manager_key].unblock():
        restore_seeded_rows()
