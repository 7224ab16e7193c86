"""Patrols: start (a retry returns the one under way), track points, end; daily statistics."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from grid.errors import GridError
from grid.patrols.selectors import daily_stats
from grid.patrols.services import add_points, end_patrol, start_patrol, track_length
from township.errors import Conflict

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return timezone.make_aware(datetime(2026, 11, day, hour, minute))


def test_a_patrol_from_start_to_end(world):
    grid = world.grids["001"]
    patrol = start_patrol(grid=grid, by=world.member, at=at(2, 9))
    assert start_patrol(grid=grid, by=world.member, at=at(2, 9, 5)).pk == patrol.pk
    # 0.01° of latitude is about 1112 m
    add_points(patrol, by=world.member, points=[[120.005, 31.011], [120.005, 31.021]])
    with pytest.raises(GridError):
        add_points(patrol, by=world.other_member, points=[[120.0, 31.0]])
    with pytest.raises(GridError):
        add_points(patrol, by=world.member, points=[[31.0, 120.0]])
    with pytest.raises(GridError):
        add_points(patrol, by=world.member, points=[["x", 31.0]])
    ended = end_patrol(patrol, by=world.member, findings="井盖缺失", issues_found=2, at=at(2, 10, 30))
    assert 1100 <= ended.distance_m <= 1125 and ended.duration_minutes == 90
    with pytest.raises(Conflict):
        end_patrol(patrol, by=world.member, at=at(2, 11))


def test_only_my_grids_and_sane_ends(world):
    with pytest.raises(GridError):
        start_patrol(grid=world.grids["002"], by=world.member)
    patrol = start_patrol(grid=world.grids["001"], by=world.member, at=at(2, 9))
    with pytest.raises(GridError):
        end_patrol(patrol, by=world.member, at=at(2, 8))
    with pytest.raises(GridError):
        end_patrol(patrol, by=world.member, issues_found=-1, at=at(2, 10))


def test_daily_statistics_per_member_and_grid(world):
    for day, start, minutes, issues in [(2, 9, 60, 1), (2, 14, 30, 0), (3, 9, 45, 3)]:
        patrol = start_patrol(grid=world.grids["001"], by=world.member, at=at(day, start))
        end_patrol(
            patrol, by=world.member, issues_found=issues, at=at(day, start) + timedelta(minutes=minutes)
        )
    patrol = start_patrol(grid=world.grids["002"], by=world.other_member, at=at(2, 9))
    end_patrol(patrol, by=world.other_member, at=at(2, 10))
    start_patrol(grid=world.grids["001"], by=world.head, at=at(3, 9))  # under way: not counted

    rows = daily_stats(world.head, first=at(1, 0).date(), last=at(3, 0).date())
    summary = {(r["day"].day, r["member__username"]): (r["patrols"], r["minutes"], r["issues"]) for r in rows}
    assert summary == {(3, "member1"): (1, 45, 3), (2, "member1"): (2, 90, 1), (2, "member2"): (1, 60, 0)}
    grids = daily_stats(world.head, first=at(2, 0).date(), last=at(2, 0).date(), by="grid")
    assert {(r["grid__code"][-3:], r["patrols"]) for r in grids} == {("001", 2), ("002", 1)}
    # a member sees only their grid's patrols
    mine = daily_stats(world.member, first=at(1, 0).date(), last=at(3, 0).date())
    assert {r["member__username"] for r in mine} == {"member1"}


def test_track_length_of_nothing():
    assert track_length([]) == 0 and track_length([[120.0, 31.0, ""]]) == 0
