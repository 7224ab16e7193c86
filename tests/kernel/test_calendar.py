"""Working-day calendar: the real 2025/2026 schedules, estimated 2027, admin overrides, office hours."""

import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from township.calendar import schedule
from township.calendar.models import CalendarOverride
from township.calendar.schedule import (
    add_working_days,
    add_working_hours,
    is_working_day,
    missing_schedule_warnings,
    schedule_source,
    subtract_working_days,
    subtract_working_hours,
    working_days_between,
    working_hours_between,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "day",
    ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23", "2026-02-21"],
)
def test_2026_spring_festival_days_are_off(day):
    assert not is_working_day(date.fromisoformat(day))


@pytest.mark.parametrize("day", ["2026-02-14", "2026-02-28", "2026-01-04", "2026-05-09"])
def test_2026_adjusted_weekends_are_working_days(day):
    assert date.fromisoformat(day).weekday() >= 5
    assert is_working_day(date.fromisoformat(day))


@pytest.mark.parametrize(
    "day",
    ["2026-09-25", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07", "2026-01-02"],
)
def test_2026_national_day_and_mid_autumn_are_off(day):
    assert not is_working_day(date.fromisoformat(day))


@pytest.mark.parametrize("day", ["2026-09-20", "2026-10-10"])
def test_2026_national_day_adjusted_weekends_are_working_days(day):
    assert is_working_day(date.fromisoformat(day))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-01-26", True),  # Sunday before the Spring Festival
        ("2025-01-28", False),
        ("2025-02-04", False),
        ("2025-02-08", True),  # Saturday after it
        ("2025-09-28", True),  # Sunday before National Day
        ("2025-10-08", False),
        ("2025-10-11", True),  # Saturday after it
        ("2025-10-09", True),
    ],
)
def test_2025_schedule(day, working):
    assert is_working_day(date.fromisoformat(day)) is working


def test_ordinary_weekdays_work_and_weekends_rest():
    assert is_working_day(date(2026, 3, 10))
    assert not is_working_day(date(2026, 3, 14))
    assert not is_working_day(date(2026, 3, 15))


def test_add_working_days_skips_national_day_and_counts_the_adjusted_saturday():
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # a Saturday, worked
    assert add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)
    assert add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)  # a Sunday, worked


def test_adding_zero_working_days_gives_the_day_itself_even_on_a_holiday():
    assert add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 1)


def test_subtract_working_days_mirrors_add():
    assert subtract_working_days(date(2026, 10, 8), 1) == date(2026, 9, 30)
    assert subtract_working_days(date(2026, 10, 12), 4) == date(2026, 9, 30)


def test_working_days_between_counts_the_end_not_the_start():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert working_days_between(date(2026, 10, 12), date(2026, 9, 30)) == -4
    assert working_days_between(date(2026, 10, 1), date(2026, 10, 1)) == 0


def test_a_deadline_crossing_into_an_unknown_year_uses_the_statutory_holidays():
    assert schedule_source(2027) == schedule.ESTIMATED
    assert not is_working_day(date(2027, 1, 1))  # New Year, rule-based
    # Dec 2026: 16-18, 21-25, 28-31 (12 days); Jan 2027: 4-8, 11-13
    assert add_working_days(date(2026, 12, 15), 20) == date(2027, 1, 13)


def test_overrides_for_2027_change_the_deadline():
    CalendarOverride.objects.create(date=date(2027, 1, 4), is_working_day=False, name="New Year")
    CalendarOverride.objects.create(date=date(2027, 1, 5), is_working_day=False, name="New Year")
    CalendarOverride.objects.create(date=date(2027, 1, 10), is_working_day=True, name="New Year")
    assert schedule_source(2027) == schedule.OVERRIDE
    assert is_working_day(date(2027, 1, 10))  # a Sunday
    assert not is_working_day(date(2027, 1, 4))
    # Dec 2026: 12 days; Jan 2027: 6-8, 10, 11-14
    assert add_working_days(date(2026, 12, 15), 20) == date(2027, 1, 14)


def test_an_override_wins_over_the_official_schedule_and_deleting_it_restores_it():
    override = CalendarOverride.objects.create(date=date(2026, 10, 8), is_working_day=False, name="typhoon")
    assert not is_working_day(date(2026, 10, 8))
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 9)
    override.delete()
    assert is_working_day(date(2026, 10, 8))


def test_overrides_written_without_signals_show_after_invalidate_cache():
    assert is_working_day(date(2026, 3, 10))
    CalendarOverride.objects.bulk_create([CalendarOverride(date=date(2026, 3, 10), is_working_day=False)])
    assert is_working_day(date(2026, 3, 10))  # still the process's built year
    schedule.invalidate_cache()
    assert not is_working_day(date(2026, 3, 10))


def test_another_process_publishing_a_change_makes_this_one_rebuild():
    assert is_working_day(date(2026, 3, 11))
    CalendarOverride.objects.bulk_create([CalendarOverride(date=date(2026, 3, 11), is_working_day=False)])
    cache.set("workcalendar:version", "changed-by-another-process", timeout=None)
    assert not is_working_day(date(2026, 3, 11))


def test_a_long_deadline_costs_at_most_one_query(django_assert_max_num_queries):
    schedule.forget_local_cache()
    with django_assert_max_num_queries(1):
        assert add_working_days(date(2026, 1, 5), 500) > date(2027, 12, 1)
    with django_assert_max_num_queries(0):
        add_working_days(date(2026, 1, 5), 500)


def test_warning_for_next_year_from_november_until_its_schedule_is_entered():
    warnings = missing_schedule_warnings(today=date(2026, 11, 23))
    assert len(warnings) == 1
    assert "2027" in warnings[0] and "2,027" not in warnings[0]
    assert missing_schedule_warnings(today=date(2026, 6, 1)) == []
    assert len(missing_schedule_warnings(today=date(2027, 3, 1))) == 1  # the current year, estimated

    CalendarOverride.objects.create(date=date(2027, 2, 6), is_working_day=True, name="Spring Festival")
    assert missing_schedule_warnings(today=date(2026, 11, 23)) == []
    assert missing_schedule_warnings(today=date(2027, 3, 1)) == []


def test_the_warning_is_translated(settings):
    from django.utils import translation

    with translation.override("en"):
        english = missing_schedule_warnings(today=date(2026, 12, 1))[0]
    assert english.startswith("The official holiday schedule for 2027 has not been entered")


def test_an_estimated_year_is_logged_once(caplog, monkeypatch):
    monkeypatch.setattr(schedule, "_warned_estimated", set())
    schedule.forget_local_cache()
    with caplog.at_level(logging.WARNING, logger="township.calendar.schedule"):
        is_working_day(date(2031, 5, 1))
        schedule.forget_local_cache()
        is_working_day(date(2031, 5, 2))
    assert [r.getMessage() for r in caplog.records].count(
        "calendar: no official holiday schedule for 2031; counting statutory holidays and weekends only "
        "(enter the State Council schedule as calendar overrides)"
    ) == 1


@pytest.mark.parametrize("day", [date(2200, 1, 1), date(2999, 12, 20), date(1990, 10, 1)])
def test_any_date_gets_an_answer(day):
    assert isinstance(is_working_day(day), bool)
    assert add_working_days(day, 10) > day


# --- working hours --------------------------------------------------------------------------------


def test_four_working_hours_from_friday_afternoon_before_a_holiday_land_on_the_next_working_day():
    # Monday 6 April 2026 is Tomb-sweeping Day: 1.5 h on Friday, 2.5 h on Tuesday morning.
    assert add_working_hours(local(2026, 4, 3, 16, 0), 4) == local(2026, 4, 7, 11, 30)


def test_working_hours_run_on_an_adjusted_working_saturday():
    assert add_working_hours(local(2026, 2, 13, 16, 0), 4) == local(2026, 2, 14, 11, 30)


def test_working_hours_skip_lunch_and_the_night():
    assert add_working_hours(local(2026, 3, 10, 11, 0), 2) == local(2026, 3, 10, 14, 30)
    assert add_working_hours(local(2026, 3, 10, 20, 0), Decimal("0.5")) == local(2026, 3, 11, 9, 30)
    assert add_working_hours(local(2026, 3, 14, 10, 0), 1) == local(2026, 3, 16, 10, 0)  # from a Saturday


def test_hours_ending_with_a_period_give_its_end():
    assert add_working_hours(local(2026, 3, 10, 16, 30), 1) == local(2026, 3, 10, 17, 30)


def test_zero_hours_give_the_instant_back():
    assert add_working_hours(local(2026, 3, 14, 10, 0), 0) == local(2026, 3, 14, 10, 0)


def test_instants_in_any_zone_give_local_results():
    result = add_working_hours(datetime(2026, 4, 3, 8, 0, tzinfo=UTC), 4)  # 16:00 in Shanghai
    assert result == local(2026, 4, 7, 11, 30)
    assert result.utcoffset() == timedelta(hours=8)


def test_working_hours_between_counts_office_time_only():
    assert working_hours_between(local(2026, 4, 3, 16, 0), local(2026, 4, 7, 11, 30)) == 4.0
    assert working_hours_between(local(2026, 4, 7, 11, 30), local(2026, 4, 3, 16, 0)) == -4.0
    assert working_hours_between(local(2026, 10, 1, 9), local(2026, 10, 7, 18)) == 0.0


def test_subtracting_hours_gives_the_earliest_instant_with_that_much_left():
    # one working hour before 10:00 on Tuesday: the office closes on Friday with one hour left
    assert subtract_working_hours(local(2026, 4, 7, 10, 0), 1) == local(2026, 4, 3, 17, 30)
    assert subtract_working_hours(local(2026, 4, 7, 11, 30), 4) == local(2026, 4, 3, 16, 0)


def test_office_hours_come_from_settings(settings):
    settings.WORKING_HOURS = ["08:00-12:00"]
    assert add_working_hours(local(2026, 3, 10, 11, 0), 2) == local(2026, 3, 11, 9, 0)


@pytest.mark.parametrize("value", [[], ["9-12"], ["13:00-12:00"], ["09:00-12:00", "11:00-13:00"]])
def test_bad_office_hours_are_a_configuration_error(settings, value):
    settings.WORKING_HOURS = value
    with pytest.raises(ImproperlyConfigured, match="WORKING_HOURS"):
        add_working_hours(local(2026, 3, 10, 11, 0), 1)


# --- bad input ------------------------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_hours(datetime(2026, 3, 10, 9, 0), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        working_hours_between(datetime(2026, 3, 10, 9, 0), local(2026, 3, 10, 10, 0))


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(date(2026, 3, 10), -1)
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_hours(local(2026, 3, 10, 9, 0), -0.5)


def test_wrong_types_are_refused():
    with pytest.raises(ValueError, match="datetime.date"):
        is_working_day(local(2026, 3, 10, 9, 0))
    with pytest.raises(ValueError, match="whole number"):
        add_working_days(date(2026, 3, 10), 1.5)
    with pytest.raises(ValueError, match="whole number"):
        add_working_days(date(2026, 3, 10), True)
    with pytest.raises(ValueError, match="number"):
        add_working_hours(local(2026, 3, 10, 9, 0), "2")
    with pytest.raises(ValueError, match="year"):
        schedule_source("2027")


# --- admin ----------------------------------------------------------------------------------------


def test_admin_lists_overrides_filtered_by_year(admin_client):
    CalendarOverride.objects.create(date=date(2027, 2, 6), is_working_day=True, name="Spring Festival")
    CalendarOverride.objects.create(date=date(2026, 12, 31), is_working_day=False, name="Local")
    response = admin_client.get("/admin/workcalendar/calendaroverride/", {"year": "2027"})
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [CalendarOverride.objects.get(date=date(2027, 2, 6))]
    assert response.context["calendar_warnings"] == []  # 2027 has an override now
