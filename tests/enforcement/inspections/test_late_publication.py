"""Late publication: a recorded result's clock runs for the configured working days from the inspection
day; the kernel's sweep turns an unpublished one red, tells the team, the heads and the command centre
once, and the command centre's warning board lists it; publishing in time stops the clock green."""

from datetime import date

import pytest
from django.utils import timezone

from command_center.selectors import warning_board
from enforcement.inspections.services import draw_plan, publish_result, record_result
from enforcement.models import InspectionTask
from tests.enforcement.inspections.helpers import Bureau
from tests.factories import make_staff
from township.casework.models import WarningLevel
from township.casework.sweep import sweep_warning_levels
from township.notify.models import InboxItem
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau():
    return Bureau(entities=(("high", 4), ("general", 4)))


def _task(bureau):
    draw = draw_plan(plan=bureau.plan(strata=(("全部", "", 25),), starts_on=date(2026, 1, 1)), by=bureau.head)
    return InspectionTask.objects.filter(draw=draw).prefetch_related("inspectors__user").first()


def test_an_unpublished_result_past_the_limit_goes_red_on_the_board_and_people_are_told_once(bureau):
    command = make_staff(Role.COMMAND_CENTRE, township=bureau.township)
    other_command = make_staff(Role.COMMAND_CENTRE)  # another township's centre sees nothing
    task = _task(bureau)
    team = [i.user for i in task.inspectors.all()]
    recorded = record_result(task=task, by=team[0], outcome="no_problem", inspected_on=date(2026, 9, 1))
    assert recorded.due_date == recorded.publish_by  # the kernel's clock and the stored limit agree
    sweep_warning_levels()
    sweep_warning_levels()  # a second sweep tells nobody again
    task.refresh_from_db()
    assert task.warning_level == WarningLevel.RED
    told = set(InboxItem.objects.values_list("user_id", flat=True))
    assert {u.pk for u in team} | {bureau.head.pk, command.pk} <= told
    assert other_command.pk not in told
    assert InboxItem.objects.filter(user=command).count() == 1
    assert task.entity.name in InboxItem.objects.get(user=command).title
    _page, rows = warning_board(command)
    assert [(r["case_id"], r["is_red"]) for r in rows] == [(task.pk, True)]
    _page, rows = warning_board(other_command)
    assert rows == []
    # publishing late stops the clock and keeps it red (published late)
    publish_result(task=task, by=bureau.head)
    task.refresh_from_db()
    assert task.clock_stopped_at is not None and task.warning_level == WarningLevel.RED
    assert task.published_on_time is False
    _page, rows = warning_board(command)
    assert rows == []


def test_a_result_published_in_time_stays_green(bureau):
    task = _task(bureau)
    record_result(
        task=task, by=task.inspectors.all()[0].user, outcome="no_problem", inspected_on=timezone.localdate()
    )
    sweep_warning_levels()
    publish_result(task=task, by=bureau.head)
    task.refresh_from_db()
    assert task.warning_level == WarningLevel.NORMAL and task.published_on_time is True
    assert not InboxItem.objects.exists()
