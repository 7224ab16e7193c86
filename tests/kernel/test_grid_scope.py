"""Kernel: the GRID data scope (township.org.scope): a grid member sees their grids' rows of models that declare a
grid path, and their township's rows of models that do not."""

import pytest
from django.contrib.auth.models import Group

from grid.models import Grid, GridRole, Person
from tests.grid.base.helpers import build_world, id_number, post
from township.entities.models import MarketEntity
from township.org.models import Department, scope_for
from township.org.roles import Role
from township.org.scope import ScopeKind, data_scope, in_scope, visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """A township with four grids, a member in 001, another in 002, a head over both, an admin; a second
    township with its own member."""
    return build_world()


def person(grid, n):
    return Person.objects.create(township=grid.township, grid=grid, name=f"人{n}", id_number=id_number(n))


def fresh(user):
    for attribute in ("_data_scope", "_portal_roles"):
        user.__dict__.pop(attribute, None)
    return user


def test_a_member_sees_only_their_grid(world):
    mine, theirs = person(world.grids["001"], 1), person(world.grids["002"], 2)
    scope = data_scope(world.member)
    assert scope.kind == ScopeKind.GRID and scope.grid_ids == {world.grids["001"].pk}
    assert list(visible_to(Person.objects.all(), world.member)) == [mine]
    assert in_scope(mine, world.member) and not in_scope(theirs, world.member)
    assert list(visible_to(Grid.objects.all(), world.member)) == [world.grids["001"]]


def test_a_head_sees_the_grids_they_head(world):
    rows = {person(world.grids[c], n) for n, c in enumerate(["001", "002", "003"], start=1)}
    seen = set(visible_to(Person.objects.all(), world.head))
    assert seen == {p for p in rows if p.grid.code[-3:] in ("001", "002")}


def test_micro_grids_below_a_grid_are_in_scope(world):
    grid = world.grids["001"]
    micro = Grid.objects.create(
        township=world.township, village=grid.village, parent=grid, code=grid.code + "01", name="微网格"
    )
    row = person(micro, 5)
    assert micro.pk in data_scope(fresh(world.member)).grid_ids
    assert in_scope(row, world.member)
    assert not in_scope(row, world.other_member)


def test_models_without_a_grid_path_stay_township_scoped(world):
    entity = MarketEntity.objects.create(township=world.township, credit_code="91320999MA1XXXXX0Y", name="店")
    assert in_scope(entity, world.member)
    far = MarketEntity.objects.create(township=world.elsewhere, credit_code="91320999MA1XXXXX0Y", name="店")
    assert not in_scope(far, world.member)
    assert (
        visible_to(Department.objects.all(), world.member).count()
        == Department.objects.filter(township=world.township).count()
    )
    assert scope_for(world.member) == ("township", world.township.pk)


def test_a_member_without_a_post_sees_no_grid_rows(world):
    person(world.grids["001"], 1)
    from tests.factories import make_staff

    idle = make_staff(Role.GRID_MEMBER, township=world.township)
    assert data_scope(idle).grid_ids == frozenset()
    assert not visible_to(Person.objects.all(), idle).exists()


def test_an_ended_post_no_longer_counts(world):
    import datetime

    row = person(world.grids["003"], 3)
    staff = post(world.member, world.grids["003"], GridRole.PART_TIME)
    assert in_scope(row, fresh(world.member))
    staff.until = datetime.date(2020, 1, 1)
    staff.save()
    assert not in_scope(row, fresh(world.member))


def test_a_wider_township_role_wins_over_a_grid_post(world):
    rows = [person(world.grids[c], n) for n, c in enumerate(["001", "002", "003"], start=1)]
    world.member.groups.add(Group.objects.get(name=str(Role.COMMAND_CENTRE)))
    fresh(world.member)
    assert data_scope(world.member).kind == ScopeKind.TOWNSHIP
    assert set(visible_to(Person.objects.all(), world.member)) == set(rows)


def test_another_townships_member_sees_nothing_here(world):
    person(world.grids["001"], 1)
    assert not visible_to(Person.objects.all(), world.far_member).exists()
    # a post in a grid of another township does not count
    post(world.far_member, world.grids["001"])
    assert not visible_to(Person.objects.all(), fresh(world.far_member)).exists()


def test_admin_sees_the_township(world):
    rows = [person(world.grids[c], n) for n, c in enumerate(["001", "004"], start=1)]
    assert set(visible_to(Person.objects.all(), world.admin)) == set(rows)
