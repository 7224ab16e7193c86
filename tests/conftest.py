"""Shared fixtures: the demo organisation and users per role, built through the real models."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
