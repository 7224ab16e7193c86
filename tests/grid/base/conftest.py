"""The grid tests' world (helpers.build_world): a township with four grids (helpers.two_by_two), a member
in grid 001, another in 002, a head over both, and a township admin; plus a second township."""

import pytest

from tests.grid.base.helpers import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the source language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
