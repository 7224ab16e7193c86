"""Deadline clocks: start, pause and resume across holidays, warning instants, units, bad input."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from tests.casework_app.models import Permit
from township.casework.clock import (
    ClockError,
    current_level,
    extend_clock,
    pause_clock,
    remaining,
    resume_clock,
    start_clock,
    stop_clock,
)
from township.casework.models import CaseClock, LimitUnit, WarningLevel
from township.casework.registry import register_case_type

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    # the messages are asserted in their English source text; the UI default is Chinese
    with translation.override("en"):
        yield


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def permit(**clock):
    case = Permit(title="road occupation")
    start_clock(case, **clock)
    return case


def twenty_working_days_from_21_september():
    # 22-24 Sep, 28-30 Sep, 8-10 Oct (10 Oct is a worked Saturday), 12-16, 19-23, 26 Oct
    return permit(at=local(2026, 9, 21, 10, 0), limit_value=20, limit_unit=LimitUnit.WORKING_DAYS)


def test_a_working_day_limit_is_due_at_midnight_after_the_due_date():
    case = twenty_working_days_from_21_september()
    assert case.due_date == date(2026, 10, 26)
    assert case.due_at == local(2026, 10, 27, 0, 0)
    # default threshold: yellow when two working days remain (26 Oct and 23 Oct)
    assert case.yellow_at == local(2026, 10, 23, 0, 0)
    assert case.warning_level == WarningLevel.NORMAL


def test_a_pause_across_national_day_moves_the_due_date_by_the_working_days_paused():
    case = twenty_working_days_from_21_september()
    pause_clock(case, at=local(2026, 9, 29, 15, 0))
    resume_clock(case, at=local(2026, 10, 9, 9, 30))
    # paused working days in (29 Sep, 9 Oct]: 30 Sep, 8 Oct, 9 Oct
    assert case.due_date == date(2026, 10, 29)
    assert case.yellow_at == local(2026, 10, 28, 0, 0)
    assert case.clock_paused_at is None and case.paused_count == 1


def test_two_pauses_add_up():
    case = twenty_working_days_from_21_september()
    pause_clock(case, at=local(2026, 9, 29, 15, 0))
    resume_clock(case, at=local(2026, 10, 9, 9, 30))
    pause_clock(case, at=local(2026, 10, 12, 11, 0))
    resume_clock(case, at=local(2026, 10, 14, 16, 0))  # 13 and 14 Oct
    assert case.due_date == date(2026, 11, 2)
    assert case.paused_count == 2


def test_a_pause_over_holidays_only_costs_nothing():
    case = twenty_working_days_from_21_september()
    pause_clock(case, at=local(2026, 10, 1, 10, 0))
    resume_clock(case, at=local(2026, 10, 7, 18, 0))
    assert case.due_date == date(2026, 10, 26)


def test_pausing_a_paused_clock_is_refused():
    case = twenty_working_days_from_21_september()
    pause_clock(case, at=local(2026, 9, 29, 15, 0))
    with pytest.raises(ClockError, match="already paused"):
        pause_clock(case, at=local(2026, 9, 30, 15, 0))


def test_resuming_a_running_clock_is_refused():
    case = twenty_working_days_from_21_september()
    with pytest.raises(ClockError, match="not paused"):
        resume_clock(case, at=local(2026, 9, 30, 15, 0))


def test_a_clock_that_never_started_cannot_pause_or_resume():
    case = Permit(title="x")
    with pytest.raises(ClockError, match="not been started"):
        pause_clock(case, at=local(2026, 9, 30, 15, 0))
    with pytest.raises(ClockError, match="not been started"):
        resume_clock(case, at=local(2026, 9, 30, 15, 0))


def test_resuming_before_the_pause_is_refused():
    case = twenty_working_days_from_21_september()
    pause_clock(case, at=local(2026, 9, 29, 15, 0))
    with pytest.raises(ClockError, match="before it was paused"):
        resume_clock(case, at=local(2026, 9, 28, 15, 0))


def test_warning_levels_change_at_the_precomputed_instants():
    case = twenty_working_days_from_21_september()
    tick = timedelta(microseconds=1)
    assert current_level(case, case.yellow_at - tick) == WarningLevel.NORMAL
    assert current_level(case, case.yellow_at) == WarningLevel.YELLOW
    assert current_level(case, case.due_at - tick) == WarningLevel.YELLOW
    assert current_level(case, case.due_at) == WarningLevel.RED


def test_the_level_stands_still_while_paused():
    case = twenty_working_days_from_21_september()
    pause_clock(case, at=local(2026, 10, 22, 12, 0))
    assert current_level(case, local(2026, 12, 1, 12, 0)) == WarningLevel.NORMAL
    assert remaining(case, local(2026, 12, 1, 12, 0)).is_paused


def test_calendar_days_count_holidays_and_working_days_do_not():
    calendar = permit(at=local(2026, 9, 28, 10, 0), limit_value=15, limit_unit=LimitUnit.CALENDAR_DAYS)
    working = permit(at=local(2026, 9, 28, 10, 0), limit_value=15, limit_unit=LimitUnit.WORKING_DAYS)
    assert calendar.due_date == date(2026, 10, 13)
    assert calendar.yellow_at == local(2026, 10, 11, 0, 0)  # three days left: 11, 12, 13 Oct
    assert working.due_date == date(2026, 10, 23)


def test_a_calendar_day_pause_moves_the_due_date_by_calendar_days():
    case = permit(at=local(2026, 9, 28, 10, 0), limit_value=15, limit_unit=LimitUnit.CALENDAR_DAYS)
    pause_clock(case, at=local(2026, 10, 1, 10, 0))
    resume_clock(case, at=local(2026, 10, 5, 9, 0))
    assert case.due_date == date(2026, 10, 17)


def test_working_hours_run_in_office_hours_and_pause_exactly():
    case = permit(at=local(2026, 4, 3, 16, 0), limit_value=4, limit_unit=LimitUnit.WORKING_HOURS)
    assert case.due_at == local(2026, 4, 7, 11, 30)
    assert case.yellow_at == local(2026, 4, 7, 10, 30)
    assert case.due_date == date(2026, 4, 7)
    pause_clock(case, at=local(2026, 4, 7, 9, 30))
    assert remaining(case, local(2026, 4, 7, 15, 0)).amount == 2.0
    resume_clock(case, at=local(2026, 4, 7, 14, 0))  # 2.5 h in the morning + 0.5 h after lunch
    assert case.due_at == local(2026, 4, 7, 16, 0)
    assert remaining(case, local(2026, 4, 7, 14, 0)).amount == 2.0


def test_a_working_hours_yellow_counts_back_across_the_night():
    case = permit(at=local(2026, 3, 10, 16, 0), limit_value=2, limit_unit=LimitUnit.WORKING_HOURS)
    assert case.due_at == local(2026, 3, 11, 9, 30)
    assert case.yellow_at == local(2026, 3, 10, 17, 0)


def test_clock_hours_run_through_the_night_and_holidays():
    # an emergency hotline order signed for at 23:30 on National Day: 2 hours, round the clock
    case = permit(at=local(2026, 10, 1, 23, 30), limit_value=2, limit_unit=LimitUnit.CLOCK_HOURS)
    assert case.due_at == local(2026, 10, 2, 1, 30)
    assert case.yellow_at == local(2026, 10, 2, 0, 30)  # one hour before, by default
    assert str(remaining(case, local(2026, 10, 2, 0, 0))) == "1.5 hours left"
    pause_clock(case, at=local(2026, 10, 2, 0, 0))
    resume_clock(case, at=local(2026, 10, 2, 0, 45))
    assert case.due_at == local(2026, 10, 2, 2, 15)
    extend_clock(case, by=3)
    assert case.due_at == local(2026, 10, 2, 5, 15)
    assert str(remaining(case, local(2026, 10, 2, 6, 15))) == "overdue by 1 hour"


def test_an_explicit_threshold_wins_and_a_short_limit_is_yellow_at_once():
    case = permit(
        at=local(2026, 9, 21, 10, 0), limit_value=20, limit_unit=LimitUnit.WORKING_DAYS, yellow_threshold=5
    )
    assert case.yellow_at == local(2026, 10, 20, 0, 0)  # 20-23 and 26 Oct left
    short = permit(at=local(2026, 9, 21, 10, 0), limit_value=1, limit_unit=LimitUnit.WORKING_DAYS)
    assert short.yellow_at == short.clock_started_at
    assert current_level(short, local(2026, 9, 21, 10, 0)) == WarningLevel.YELLOW


def test_a_zero_threshold_means_no_yellow_before_red():
    case = permit(
        at=local(2026, 9, 21, 10, 0), limit_value=2, limit_unit=LimitUnit.WORKING_DAYS, yellow_threshold=0
    )
    assert case.yellow_at == case.due_at


def test_remaining_counts_the_days_after_today_and_goes_negative_when_overdue():
    case = twenty_working_days_from_21_september()  # due Mon 26 Oct
    assert remaining(case, local(2026, 9, 21, 12, 0)).amount == 20  # the 20 working days after today
    assert remaining(case, local(2026, 10, 23, 9, 0)).amount == 1  # Friday: Monday is left
    assert remaining(case, local(2026, 10, 26, 17, 0)).amount == 0
    late = remaining(case, local(2026, 10, 28, 9, 0))
    assert late.is_overdue and late.amount == -2
    with translation.override("en"):
        assert str(remaining(case, local(2026, 10, 23, 9, 0))) == "1 working day left"
        assert str(remaining(case, local(2026, 10, 26, 17, 0))) == "due today"
        assert str(late) == "overdue by 2 working days"
    assert remaining(Permit(title="x"), local(2026, 10, 28, 9, 0)) is None


def test_remaining_in_working_hours_and_calendar_days_reads_well():
    hours = permit(at=local(2026, 4, 3, 16, 0), limit_value=4, limit_unit=LimitUnit.WORKING_HOURS)
    days = permit(at=local(2026, 9, 28, 10, 0), limit_value=15, limit_unit=LimitUnit.CALENDAR_DAYS)
    with translation.override("en"):
        assert str(remaining(hours, local(2026, 4, 3, 16, 0))) == "4 working hours left"
        assert str(remaining(hours, local(2026, 4, 7, 12, 0))) == "overdue by 0.5 working hours"
        assert str(remaining(days, local(2026, 10, 12, 10, 0))) == "1 day left"
        assert str(remaining(days, local(2026, 10, 13, 10, 0))) == "due today"


def test_an_extension_adds_working_days_to_the_due_date():
    case = twenty_working_days_from_21_september()
    extend_clock(case, by=10)
    assert case.limit_value == 30
    assert case.due_date == date(2026, 11, 9)


def test_stopping_freezes_the_final_level():
    case = twenty_working_days_from_21_september()
    stop_clock(case, at=local(2026, 10, 28, 9, 0))
    assert case.warning_level == WarningLevel.RED  # finished late
    assert current_level(case, local(2027, 1, 1, 9, 0)) == WarningLevel.RED
    with pytest.raises(ClockError, match="stopped"):
        pause_clock(case, at=local(2026, 10, 29, 9, 0))


def test_a_running_clock_cannot_be_started_again_but_a_stopped_one_can():
    case = twenty_working_days_from_21_september()
    with pytest.raises(ClockError, match="already running"):
        start_clock(case, at=local(2026, 9, 22, 10, 0), limit_value=5, limit_unit=LimitUnit.WORKING_DAYS)
    stop_clock(case, at=local(2026, 10, 28, 9, 0))
    start_clock(case, at=local(2026, 10, 28, 9, 0), limit_value=5, limit_unit=LimitUnit.WORKING_DAYS)
    assert case.due_date == date(2026, 11, 4)
    assert case.warning_level == WarningLevel.NORMAL and case.clock_stopped_at is None


def test_the_clock_saves_and_loads_with_the_case():
    case = twenty_working_days_from_21_september()
    case.save()
    loaded = Permit.objects.get(pk=case.pk)
    assert loaded.due_date == date(2026, 10, 26)
    assert loaded.is_clock_running


@pytest.mark.parametrize(
    ("clock", "message"),
    [
        ({"limit_value": 5, "limit_unit": "fortnights"}, "Unknown time-limit unit"),
        ({"limit_value": -1, "limit_unit": LimitUnit.WORKING_DAYS}, "whole number"),
        ({"limit_value": 2.5, "limit_unit": LimitUnit.WORKING_DAYS}, "whole number"),
        ({"limit_value": 5, "limit_unit": LimitUnit.WORKING_DAYS, "yellow_threshold": -2}, "whole number"),
    ],
)
def test_bad_clock_settings_are_refused_clearly(clock, message):
    with translation.override("en"), pytest.raises(ClockError, match=message):
        start_clock(Permit(title="x"), at=local(2026, 9, 21, 10, 0), **clock)


def test_a_naive_time_is_refused():
    with translation.override("en"), pytest.raises(ClockError, match="timezone-aware"):
        start_clock(
            Permit(title="x"), at=datetime(2026, 9, 21, 10), limit_value=5, limit_unit=LimitUnit.WORKING_DAYS
        )


def test_clock_errors_are_translated():
    with translation.override("zh-hans"), pytest.raises(ClockError) as refused:
        resume_clock(twenty_working_days_from_21_september(), at=local(2026, 9, 30, 15, 0))
    assert refused.value.message == str(refused.value)
    assert refused.value.message != "The clock of this case is not paused, so it cannot be resumed."


def test_only_concrete_case_models_can_be_registered():
    with pytest.raises(ImproperlyConfigured):
        register_case_type(CaseClock)
    with pytest.raises(ImproperlyConfigured):
        register_case_type(date)


def test_the_index_check_is_quiet_for_models_that_have_the_index():
    assert [m for m in checks.run_checks(tags=[checks.Tags.models]) if m.id == "casework.W001"] == []


def test_a_window_that_is_not_a_clock_ends_as_a_clock_would():
    """limit_ends: one working day from the afternoon of Wednesday 30 September 2026, the eve of National
    Day (1–7 October off), runs to the end of Thursday 8 October; a calendar day to the end of 1 October."""
    from township.casework.clock import limit_ends

    shanghai = ZoneInfo("Asia/Shanghai")
    eve = datetime(2026, 9, 30, 16, 0, tzinfo=shanghai)
    assert limit_ends(eve, 1, LimitUnit.WORKING_DAYS) == datetime(2026, 10, 9, 0, 0, tzinfo=shanghai)
    assert limit_ends(eve, 1, LimitUnit.CALENDAR_DAYS) == datetime(2026, 10, 2, 0, 0, tzinfo=shanghai)
    assert limit_ends(eve, 2, LimitUnit.CLOCK_HOURS) == datetime(2026, 9, 30, 18, 0, tzinfo=shanghai)
