"""Paying a fine in instalments (分期缴纳, art. 66): approved by the head within the payment period, on
rising dates adding up to the fine; each instalment is paid with its own receipt, its late fee (art. 72)
runs only after its own day and not during a review (art. 73); the last one settles the fine."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from enforcement.cases import services
from enforcement.cases.services import CaseError
from enforcement.models.cases import CaseStatus, ServiceMethod
from township.casework.deadlines import open_deadlines
from township.casework.models import TimelineEntry

from .conftest import local
from .helpers import day, notified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PLAN = [(day(2026, 10, 8), "1000"), (day(2026, 11, 9), "1000"), (day(2026, 12, 9), "1000")]


def served(world):
    """A 3,000-yuan fine served on Mon 21 Sep 2026: payable by Thu 8 Oct (15 days end in National Day)."""
    case = notified(world, served_at=local(2026, 9, 1, 9, 0), fine="3000", at=local(2026, 8, 3, 10, 0))
    services.record_waiver(case=case, by=world.officer, at=local(2026, 9, 2, 9, 0))
    services.decide_penalty(case=case, by=world.head, at=local(2026, 9, 3, 9, 0))
    services.serve_decision(
        case=case,
        by=world.officer,
        method=ServiceMethod.DIRECT,
        recipient="张伟",
        served_at=local(2026, 9, 21, 9, 0),
        at=local(2026, 9, 21, 9, 0),
    )
    case.refresh_from_db()
    assert case.pay_by == day(2026, 10, 8)
    return case


def payment_due(case):
    return open_deadlines(case).get(kind="payment").due_date


def approve(world, case, schedule=PLAN, *, by=None, at=None):
    return services.approve_instalments(
        case=case,
        by=by or world.head,
        schedule=schedule,
        reason="经营困难，申请分期",
        at=at or local(2026, 9, 28, 9, 0),
    )


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (PLAN[:1], "at least two"),
        ([PLAN[0], (day(2026, 11, 9), "500")], "add up to 1,500.00 yuan, not the fine of 3,000.00"),
        ([PLAN[1], PLAN[0], PLAN[2]], "rising dates"),
        ([(day(2026, 9, 27), "1000"), PLAN[1], PLAN[2]], "rising dates"),
        ([PLAN[0], (day(2026, 11, 9), "0"), (day(2026, 12, 9), "2000")], "more than zero"),
        ([PLAN[0], ("next month", "2000")], "a date and an amount"),
    ],
)
def test_a_schedule_that_does_not_fit_the_fine_is_refused(world, schedule, message):
    case = served(world)
    with pytest.raises(CaseError, match=message):
        approve(world, case, schedule)
    assert not case.instalments.exists()


def test_only_the_head_approves_and_only_within_the_payment_period(world):
    case = served(world)
    with pytest.raises(CaseError, match="Only the head"):
        approve(world, case, by=world.officer)
    with pytest.raises(CaseError, match="already run out"):
        approve(world, case, at=local(2026, 10, 9, 9, 0))
    assert not case.instalments.exists()


def test_approved_instalments_move_the_payment_limit_and_are_approved_once(world):
    case = served(world)
    approve(world, case)
    approve(world, case)  # a retry changes nothing
    case.refresh_from_db()
    assert case.instalments.count() == 3 and case.pay_by == day(2026, 12, 9)
    assert payment_due(case) == day(2026, 10, 8)  # the first instalment's day
    entries = TimelineEntry.objects.filter(content_type__model="enforcementcase", object_id=case.pk)
    assert entries.filter(action="instalments").count() == 1
    with pytest.raises(CaseError, match="already been approved"):
        approve(world, case, [(day(2026, 10, 8), "1500"), (day(2026, 11, 9), "1500")])
    with pytest.raises(CaseError, match="cannot also be deferred"):
        services.approve_deferral(
            case=case, by=world.head, until=day(2026, 12, 31), reason="x", at=local(2026, 9, 29, 9, 0)
        )


def test_each_instalment_is_paid_with_its_own_late_fee_and_the_last_settles_the_fine(world):
    case = served(world)
    approve(world, case)
    services.record_payment(
        case=case, by=world.officer, paid_on=day(2026, 10, 8), amount="1000", at=local(2026, 10, 8, 15, 0)
    )
    case.refresh_from_db()
    assert case.paid_on is None and payment_due(case) == day(2026, 11, 9)
    # the second is paid two days late: 1,000 x 3% x 2 on that instalment only
    assert services.late_fee_on(case, day(2026, 11, 11)) == Decimal("60.00")
    with pytest.raises(CaseError, match="instalment 2 comes to 1,060.00 yuan"):
        services.record_payment(
            case=case,
            by=world.officer,
            paid_on=day(2026, 11, 11),
            amount="1000",
            at=local(2026, 11, 11, 9, 0),
        )
    services.record_payment(
        case=case, by=world.officer, paid_on=day(2026, 11, 11), amount="1060", at=local(2026, 11, 11, 9, 0)
    )
    assert payment_due(case) == day(2026, 12, 9)
    # the third is paid five days late, two of which the party spent in administrative review
    services.suspend(
        case=case, by=world.officer, kind="review", started_on=day(2026, 12, 10), at=local(2026, 12, 10, 9, 0)
    )
    services.end_suspension(
        case=case, by=world.officer, kind="review", ended_on=day(2026, 12, 12), at=local(2026, 12, 12, 9, 0)
    )
    assert services.late_fee_on(case, day(2026, 12, 14)) == Decimal("90.00")  # 1,000 x 3% x 3
    services.record_payment(
        case=case, by=world.officer, paid_on=day(2026, 12, 14), amount="1090", at=local(2026, 12, 14, 9, 0)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SERVED and case.paid_on == day(2026, 12, 14)
    assert case.paid_amount == Decimal("3150.00") and case.late_fee_paid == Decimal("150.00")
    assert not open_deadlines(case).filter(kind="payment").exists()
    # a retried receipt after the fine is settled changes nothing
    services.record_payment(
        case=case, by=world.officer, paid_on=day(2026, 12, 14), amount="1090", at=local(2026, 12, 14, 9, 5)
    )
    assert list(case.instalments.values_list("late_fee_paid", flat=True)) == [
        Decimal("0.00"),
        Decimal("60.00"),
        Decimal("90.00"),
    ]


def test_the_heads_page_step_shows_a_bad_schedule_or_a_refusal_without_writing(world):
    case = served(world)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.head)
    url = reverse("enforcement-case-step", args=[case.pk, "instalments"])
    bad = client.post(
        url, {"instalments-schedule": "2026-10-08 1000\nsoon 2000", "instalments-reason": "困难"}
    )
    assert bad.status_code == 400 and "Line 2: write a date" in bad.content.decode()
    # today (the test's real date) is after 8 Oct 2026: the period has run out
    late = client.post(
        url, {"instalments-schedule": "2027-01-08 1000\n2027-02-08 2000", "instalments-reason": "困难"}
    )
    assert late.status_code == 400 and "already run out" in late.content.decode()
    assert not case.instalments.exists()
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.post(url, {"instalments-schedule": "x", "instalments-reason": "y"}).status_code == 404


def test_the_api_approves_instalments_for_the_head_only_and_lists_them(world, monkeypatch):
    """POST /api/enforcement/cases/{id}/instalments/: the head's approval through the same service (the
    request made on 28 September, inside the payment period); an officer is refused, an officer of another
    squad does not find the case, a malformed schedule is a 400 naming the field, nothing written."""
    import enforcement.cases.services as case_services  # noqa: PLC0415

    case = served(world)
    monkeypatch.setattr(case_services.timezone, "now", lambda: local(2026, 9, 28, 9, 0))
    url = f"/api/enforcement/cases/{case.pk}/instalments/"
    body = {
        "reason": "经营困难，申请分期",
        "instalments": [{"due_on": d.isoformat(), "amount": a} for d, a in PLAN],
    }

    def post(user, data):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client.post(url, data, content_type="application/json")

    assert post(world.officer, body).status_code == 403
    assert post(world.outsider, body).status_code in (403, 404)
    bad = post(world.head, {**body, "instalments": [{"due_on": "下个月", "amount": "3000"}]})
    assert bad.status_code == 400 and "instalments" in bad.json()
    short = post(world.head, {**body, "instalments": body["instalments"][:1]})
    assert short.status_code == 400 and "at least two" in short.json()["detail"]
    assert not case.instalments.exists()
    done = post(world.head, body)
    assert done.status_code == 200
    assert [(row["due_on"], row["amount"]) for row in done.json()["instalments"]] == [
        (d.isoformat(), f"{Decimal(a):.2f}") for d, a in PLAN
    ]
    assert post(world.head, body).status_code == 200  # a retry changes nothing
    assert case.instalments.count() == 3
