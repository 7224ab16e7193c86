"""The statutory clocks, hand-computed against the 2026 State Council schedule (National Day: 1–7 October
off, Saturday 10 October a working day; Mid-Autumn: Friday 25 September off, Sunday 20 September worked)
and into 2027 (New Year's Day, Friday 1 January, off). Working days vs calendar days as the reference's
table: 5 and 7-day limits are working days, 15, 30 and 90-day limits calendar days that end on the next
working day when they fall on a rest day."""

from datetime import date
from decimal import Decimal

import pytest

from enforcement.cases import clocks

pytestmark = pytest.mark.django_db


def test_working_day_limits_skip_national_day_and_count_the_adjusted_saturday():
    # hearing request, 5 working days from a notice served Wed 30 Sep: 8, 9, 10 (Sat, worked), 12, 13 Oct
    assert clocks.working_due(date(2026, 9, 30), 5) == date(2026, 10, 13)
    # hearing notice, 7 working days from Tue 13 Oct: 14, 15, 16, 19, 20, 21, 22
    assert clocks.working_due(date(2026, 10, 13), 7) == date(2026, 10, 22)
    # clue check, 15 working days from Mon 21 Sep (25 Sep and 1–7 Oct off, 10 Oct worked)
    assert clocks.working_due(date(2026, 9, 21), 15) == date(2026, 10, 19)
    # preservation, 7 working days from Mon 28 Sep: 29, 30 Sep, 8, 9, 10, 12, 13 Oct
    assert clocks.working_due(date(2026, 9, 28), 7) == date(2026, 10, 13)
    # withdrawal, 3 working days from Wed 30 Sep: 8, 9, 10 Oct — a Saturday that is worked
    assert clocks.working_due(date(2026, 9, 30), 3) == date(2026, 10, 10)
    # service, 7 working days from Mon 28 Dec 2026: 29, 30, 31 Dec, (1 Jan off) 4, 5, 6, 7 Jan 2027
    assert clocks.working_due(date(2026, 12, 28), 7) == date(2027, 1, 7)


def test_calendar_day_limits_end_on_the_next_working_day_after_a_holiday():
    # decision: registered Wed 3 June, 90 days -> Tue 1 Sep (a working day, no roll)
    assert clocks.calendar_due(date(2026, 6, 3), 90) == date(2026, 9, 1)
    # +30 days' extension -> Thu 1 Oct (National Day) -> Thu 8 Oct
    assert clocks.calendar_due(date(2026, 6, 3), 120) == date(2026, 10, 8)
    # registered Fri 3 July: day 90 is 1 Oct -> 8 Oct
    assert clocks.calendar_due(date(2026, 7, 3), 90) == date(2026, 10, 8)
    # payment: served Mon 21 Sep, 15 days -> Tue 6 Oct (holiday) -> Thu 8 Oct
    assert clocks.payment_due_date(date(2026, 9, 21)) == date(2026, 10, 8)
    # payment: served Thu 17 Dec 2026, 15 days -> Fri 1 Jan 2027 (New Year) -> Mon 4 Jan 2027
    assert clocks.payment_due_date(date(2026, 12, 17)) == date(2027, 1, 4)
    # public-notice service: published Tue 1 Sep, 30 days -> 1 Oct -> 8 Oct
    assert clocks.calendar_due(date(2026, 9, 1), 30) == date(2026, 10, 8)
    # sealing: from Tue 8 Sep, 30 days -> Thu 8 Oct; with +30 -> Sat 7 Nov -> Mon 9 Nov
    assert clocks.calendar_due(date(2026, 9, 8), 30) == date(2026, 10, 8)
    assert clocks.calendar_due(date(2026, 9, 8), 60) == date(2026, 11, 9)
    # an adjusted working Sunday is a working day: 20 Sep 2026 ends a period that falls on it
    assert clocks.calendar_due(date(2026, 9, 5), 15) == date(2026, 9, 20)


class _Case:
    def __init__(self, act, safety=False, harm=False):
        self.act_ended_on, self.concerns_safety, self.caused_harm = act, safety, harm


def test_limitation_is_two_years_or_five_with_safety_and_harm():
    assert clocks.limitation_last_day(_Case(date(2024, 10, 8))) == date(2026, 10, 8)
    # five only with BOTH safety (or finance) AND harm
    assert clocks.limitation_last_day(_Case(date(2021, 10, 9), safety=True, harm=True)) == date(2026, 10, 9)
    assert clocks.limitation_last_day(_Case(date(2021, 10, 9), safety=True)) == date(2023, 10, 9)
    # a last day on National Day moves to the first working day after it
    assert clocks.limitation_last_day(_Case(date(2024, 10, 1))) == date(2026, 10, 8)
    # 29 February: the 28th in a common year
    assert clocks.add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)


def test_late_fee_is_three_percent_a_day_capped_and_not_counted_during_review():
    fine = Decimal("1000")
    # due 8 Oct, paid 20 Oct: 12 days x 30 yuan
    assert clocks.late_fee(fine=fine, pay_by=date(2026, 10, 8), on=date(2026, 10, 20)) == Decimal("360.00")
    # review filed 10 Oct, concluded 15 Oct: the 5 days (10, 15] are not counted -> 7 days
    review = [(date(2026, 10, 10), date(2026, 10, 15))]
    assert clocks.late_fee(
        fine=fine, pay_by=date(2026, 10, 8), on=date(2026, 10, 20), excluded=review
    ) == Decimal("210.00")
    # a review still open counts nothing from its start: 2 days (9, 10 Oct)
    assert clocks.late_fee(
        fine=fine, pay_by=date(2026, 10, 8), on=date(2026, 10, 20), excluded=[(date(2026, 10, 10), None)]
    ) == Decimal("60.00")
    # capped at the fine (into 2027: 104 days would be 3,120 yuan)
    assert clocks.late_fee(fine=fine, pay_by=date(2026, 10, 8), on=date(2027, 1, 20)) == Decimal("1000")
    # nothing on the last day of the period
    assert clocks.late_fee(fine=fine, pay_by=date(2026, 10, 8), on=date(2026, 10, 8)) == Decimal("0.00")


def test_court_application_window_follows_the_review_and_litigation_periods():
    # served Mon 5 Jan 2026: litigation to 5 Jul (Sun) -> Mon 6 Jul; review to 6 Mar; then 3 months
    start, end = clocks.court_application_window(date(2026, 1, 5))
    assert (start, end) == (date(2026, 7, 7), date(2026, 10, 8))
