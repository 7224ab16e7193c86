"""A township with four grids (tests.grid.base.helpers.two_by_two), a member in grid 001, another in 002,
a head over both, and a township admin; plus a second township."""

from types import SimpleNamespace

import pytest

from grid.models import GridRole
from tests.factories import TownshipFactory, make_staff
from tests.grid.base.helpers import make_grids, post
from township.org.roles import Role


@pytest.fixture
def world(db):
    township = TownshipFactory(code="320999101")
    grids = make_grids(township)
    member = make_staff(Role.GRID_MEMBER, township=township, username="member1")
    other_member = make_staff(Role.GRID_MEMBER, township=township, username="member2")
    head = make_staff(Role.GRID_HEAD, township=township, username="head1")
    admin = make_staff(Role.TOWNSHIP_ADMIN, township=township, username="admin1")
    post(member, grids["001"])
    post(other_member, grids["002"])
    post(head, grids["001"], GridRole.HEAD)
    post(head, grids["002"], GridRole.HEAD)
    elsewhere = TownshipFactory(code="320999102")
    far_grids = make_grids(elsewhere)
    far_member = make_staff(Role.GRID_MEMBER, township=elsewhere, username="member9")
    post(far_member, far_grids["001"])
    return SimpleNamespace(
        township=township,
        grids=grids,
        member=member,
        other_member=other_member,
        head=head,
        admin=admin,
        elsewhere=elsewhere,
        far_grids=far_grids,
        far_member=far_member,
    )


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the source language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
