"""Evaluation rules through the services, on applications and tickets made with the ORM: every level, what
can be rated, one rating even when two arrive at once, the rectification's steps and refusals, the SMS
invitation and its signed link, the ratings figures on a known data set, and who sees which rectification."""

import itertools
import threading
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.utils import timezone, translation

from services.models import (
    Application,
    Evaluation,
    FollowUp,
    Level,
    QueueTicket,
    Rectification,
    RectificationStatus,
)
from services.selectors.evaluations import ratings, rectifications_visible_to
from services.services.evaluations import (
    LINK_SALT,
    EvaluationError,
    application_for_token,
    classify_rectification,
    evaluation_link,
    evaluation_token,
    record_follow_up,
    record_rectification,
    send_evaluation_invitation,
    submit_evaluation,
)
from tests.factories import DepartmentFactory, TownshipFactory, WindowFactory, make_resident, make_staff
from tests.services.factories import make_item
from township.calendar.schedule import add_working_days
from township.casework.timeline import entries_for
from township.notify.models import OutboxMessage
from township.org.roles import Role

pytestmark = pytest.mark.django_db

_serials = itertools.count(1)


def make_application(township, *, status="completed", department=None, number=True, **fields):
    """An application row as the front desk leaves it, without going through intake."""
    department = department or DepartmentFactory(township=township)
    item = make_item(township=township, department=department)
    fields.setdefault("applicant_phone", "13900000001")
    return Application.objects.create(
        township=township,
        number=f"TT-SL-2026-{next(_serials):06d}" if number else None,
        status=status,
        channel="window",
        item=item,
        item_version=item.current_version,
        department=department,
        **fields,
    )


def make_ticket(township, *, clerk=None, window=None, status="done", phone="", finished_at=None):
    seq = next(_serials)
    now = timezone.now()
    return QueueTicket.objects.create(
        township=township,
        service_date=timezone.localdate(),
        seq=seq,
        number=f"A{seq:03d}"[-8:],
        issued_at=now,
        status=status,
        window=window,
        clerk=clerk,
        phone=phone,
        finished_at=finished_at or (now if status == "done" else None),
    )


def rectification_of(township, **fields):
    application = make_application(township, **fields)
    return submit_evaluation(
        application=application, level=1, comment="态度差", channel="online"
    ).rectification


@pytest.fixture
def township():
    return TownshipFactory()


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_each_of_the_five_levels_is_recorded(township, level):
    application = make_application(township)
    evaluation = submit_evaluation(application=application, level=str(level), comment="说明", channel="sms")
    assert evaluation.level == level and evaluation.get_level_display() == Level(level).label
    assert evaluation.is_bad == (level <= 2)
    assert Rectification.objects.filter(evaluation=evaluation).exists() == (level <= 2)


@pytest.mark.parametrize("level", [0, 6, "", None, "five"])
def test_anything_but_the_five_levels_is_refused(township, level):
    with translation.override("en"), pytest.raises(EvaluationError, match="five levels"):
        submit_evaluation(application=make_application(township), level=level, channel="online")


def test_a_rating_copies_window_clerk_department_and_township_from_the_application(township):
    clerk, window = make_staff(Role.WINDOW_CLERK, township=township), WindowFactory(township=township)
    application = make_application(township, clerk=clerk, window=window)
    evaluation = submit_evaluation(application=application, level=4, channel="online")
    assert (evaluation.township, evaluation.window, evaluation.clerk) == (township, window, clerk)
    assert evaluation.department == application.department
    assert evaluation.reviewer_phone == "13900000001" and evaluation.is_named


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_an_application_not_yet_dealt_with_cannot_be_rated(township, status):
    with translation.override("en"), pytest.raises(EvaluationError, match="cannot be rated yet"):
        submit_evaluation(application=make_application(township, status=status), level=5, channel="online")


@pytest.mark.parametrize("status", ["accepted", "in_review", "not_accepted", "delivered", "withdrawn"])
def test_an_application_can_be_rated_once_accepted_or_finished(township, status):
    application = make_application(township, status=status)
    assert submit_evaluation(application=application, level=5, channel="online").pk


def test_rate_either_an_application_or_a_visit(township):
    application, ticket = make_application(township), make_ticket(township)
    with translation.override("en"):
        for both_or_none in ({"application": application, "ticket": ticket}, {}):
            with pytest.raises(EvaluationError, match="one application or one visit"):
                submit_evaluation(level=5, channel="online", **both_or_none)
        with pytest.raises(EvaluationError, match="channel"):
            submit_evaluation(application=application, level=5, channel="fax")


def test_a_visit_is_rated_once_and_only_when_done(township):
    clerk, window = make_staff(Role.WINDOW_CLERK, township=township), WindowFactory(township=township)
    with pytest.raises(EvaluationError):
        submit_evaluation(ticket=make_ticket(township, status="serving"), level=5, channel="window")
    ticket = make_ticket(township, clerk=clerk, window=window, phone="13900000002")
    evaluation = submit_evaluation(ticket=ticket, level=3, channel="window")
    assert (evaluation.clerk, evaluation.window, evaluation.department) == (clerk, window, None)
    assert evaluation.reviewer_phone == "13900000002" and evaluation.is_named
    with translation.override("en"), pytest.raises(EvaluationError, match="already been rated"):
        submit_evaluation(ticket=ticket, level=1, comment="再评一次", channel="window")
    assert Evaluation.objects.count() == 1


def test_a_walk_in_without_phone_or_account_is_an_anonymous_review(township):
    evaluation = submit_evaluation(ticket=make_ticket(township), level=1, comment="慢", channel="window")
    assert not evaluation.is_named and evaluation.rectification.status == RectificationStatus.OPEN


@pytest.mark.django_db(transaction=True)
def test_two_ratings_arriving_at_once_make_one():
    application = make_application(TownshipFactory())
    barrier, outcomes = threading.Barrier(2), []

    def rate(level):
        try:
            barrier.wait(timeout=10)
            submit_evaluation(application=application, level=level, comment="同时", channel="sms")
            outcomes.append("saved")
        except EvaluationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=(level,)) for level in (1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    assert Evaluation.objects.count() == 1
    # a bad review that lost the race leaves no orphan rectification behind
    assert Rectification.objects.count() == (1 if Evaluation.objects.get().is_bad else 0)


def test_a_bad_review_opens_a_rectification_for_the_department_with_a_timeline_entry(township):
    at = timezone.now()
    application = make_application(township)
    evaluation = submit_evaluation(
        application=application, level=2, comment="材料被退回三次", channel="sms", at=at
    )
    rectification = evaluation.rectification
    assert rectification.department == application.department and rectification.township == township
    assert rectification.due_date == add_working_days(timezone.localdate(at), 15)
    entry = entries_for(rectification, include_internal=True).get()
    assert entry.action == "open" and entry.to_state == "open" and "材料被退回三次" in entry.note


def test_the_limit_is_a_setting(township, settings):
    settings.RECTIFICATION_LIMIT_WORKING_DAYS = 5
    rectification = rectification_of(township)
    assert rectification.due_date == add_working_days(timezone.localdate(rectification.clock_started_at), 5)


def test_a_bad_review_without_a_comment_is_refused_and_leaves_nothing(township):
    application = make_application(township)
    with translation.override("en"), pytest.raises(EvaluationError, match="what went wrong"):
        submit_evaluation(application=application, level=1, comment="   ", channel="online")
    assert not Evaluation.objects.exists() and not Rectification.objects.exists()


def test_each_rectification_step_is_recorded_and_stops_or_restarts_the_clock(township):
    head = make_staff(Role.DEPARTMENT_HEAD, township=township)
    rectification = rectification_of(township)
    classify_rectification(rectification=rectification, by=head, category="ledger", verification="属实")
    rectified_at = timezone.now()
    record_rectification(rectification=rectification, by=head, measures="建立台账", at=rectified_at)
    rectification.refresh_from_db()
    assert rectification.status == "rectified" and rectification.clock_stopped_at == rectified_at
    assert rectification.handled_by == head and rectification.category == "ledger"
    contacted = rectified_at + timedelta(hours=1)
    follow_up = record_follow_up(
        rectification=rectification, by=head, is_satisfied=False, note="仍未解决", contacted_at=contacted
    )
    assert isinstance(follow_up, FollowUp) and not follow_up.is_satisfied
    rectification.refresh_from_db()
    assert rectification.status == "open" and rectification.clock_stopped_at is None
    assert rectification.due_date == add_working_days(timezone.localdate(contacted), 15)
    actions = [e.action for e in entries_for(rectification, include_internal=True)]
    assert actions == ["open", "classify", "rectify", "reopen"]


def test_refused_rectification_steps(township):
    head = make_staff(Role.DEPARTMENT_HEAD, township=township)
    rectification = rectification_of(township)
    with translation.override("en"):
        with pytest.raises(EvaluationError, match="how the review is to be handled"):
            classify_rectification(rectification=rectification, by=head, category="ignore", verification="x")
        with pytest.raises(EvaluationError, match="verification found"):
            classify_rectification(rectification=rectification, by=head, category="explain", verification=" ")
        with pytest.raises(EvaluationError, match="after the rectification is recorded"):
            record_follow_up(rectification=rectification, by=head, is_satisfied=True)
        classify_rectification(
            rectification=rectification, by=head, category="explain", verification="无依据"
        )
        with pytest.raises(EvaluationError, match="Describe what was done"):
            record_rectification(rectification=rectification, by=head, measures="")
        record_rectification(rectification=rectification, by=head, measures="已向评价人解释")
        with pytest.raises(EvaluationError, match="Only an open rectification"):
            classify_rectification(rectification=rectification, by=head, category="appeal", verification="x")
        with pytest.raises(EvaluationError, match="cannot become"):
            record_rectification(rectification=rectification, by=head, measures="再次整改")
        record_follow_up(rectification=rectification, by=head, is_satisfied=True, note="满意")
        with pytest.raises(EvaluationError, match="cannot become"):
            record_rectification(rectification=rectification, by=head, measures="关闭后整改")
    rectification.refresh_from_db()
    assert rectification.status == "closed" and rectification.follow_ups.count() == 1


def test_the_invitation_is_one_sms_with_a_signed_link(township):
    application = make_application(township)
    send_evaluation_invitation(application=application)
    send_evaluation_invitation(application=application)
    message = OutboxMessage.objects.get()
    # the link is signed with a timestamp, so compare what it opens rather than its text (a second may pass)
    sent_link = message.body[message.body.index("http") :].split()[0]
    assert message.recipient == "13900000001" and application.number in message.body
    assert sent_link.rsplit("/", 2)[0] == evaluation_link(application).rsplit("/", 2)[0]
    assert application_for_token(sent_link.rstrip("/").rsplit("/", 1)[-1]) == application


def test_no_invitation_without_phone_before_it_can_be_rated_or_once_rated(township):
    send_evaluation_invitation(application=make_application(township, applicant_phone=""))
    send_evaluation_invitation(application=make_application(township, status="submitted"))
    rated = make_application(township)
    submit_evaluation(application=rated, level=5, channel="online")
    send_evaluation_invitation(application=rated)
    assert not OutboxMessage.objects.exists()


def test_a_phone_the_sms_gateway_refuses_does_not_break_finishing_the_application(township):
    application = make_application(township, applicant_phone="0512-5555")
    send_evaluation_invitation(application=application)
    assert not OutboxMessage.objects.exists()


def test_a_link_is_refused_when_tampered_with_signed_for_something_else_or_older_than_30_days(township):
    application = make_application(township)
    token = evaluation_token(application)
    assert application_for_token(token) == application
    assert application_for_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert application_for_token(signing.dumps({"a": application.pk}, salt="other.salt")) is None
    assert application_for_token("") is None

    class MonthOld(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 31 * 24 * 3600)

    old = MonthOld(salt=LINK_SALT).sign_object({"a": application.pk}, compress=True)
    assert application_for_token(old) is None


def test_ratings_on_a_known_data_set(township):
    """Window 1 / clerk A / department X: 5, 4, 1; window 2 / clerk B / department Y: 3, 2; one visit
    at window 2 by clerk B rated 5. Plus noise that must not count: another township, another period."""
    window1, window2 = WindowFactory(township=township, number=1), WindowFactory(township=township, number=2)
    clerk_a = make_staff(Role.WINDOW_CLERK, township=township, username="clerk-a")
    clerk_b = make_staff(Role.WINDOW_CLERK, township=township, username="clerk-b")
    x = DepartmentFactory(township=township, name="民政办")
    y = DepartmentFactory(township=township, name="社保所")
    for department, window, clerk, levels in (
        (x, window1, clerk_a, (5, 4, 1)),
        (y, window2, clerk_b, (3, 2)),
    ):
        for level in levels:
            application = make_application(township, department=department, window=window, clerk=clerk)
            submit_evaluation(application=application, level=level, comment="意见", channel="online")
    submit_evaluation(ticket=make_ticket(township, clerk=clerk_b, window=window2), level=5, channel="window")
    submit_evaluation(application=make_application(TownshipFactory()), level=1, comment="别处", channel="sms")
    old = submit_evaluation(application=make_application(township, department=x), level=5, channel="sms")
    Evaluation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=90))

    today = timezone.localdate()
    figures = ratings(township, today - timedelta(days=29), today)
    totals = figures["totals"]
    assert (totals["total"], totals["good"], totals["bad"]) == (6, 4, 2)
    assert totals["satisfaction"] == 66.7 and totals["average"] == 3.33
    assert totals["open_rectifications"] == 2
    windows = {row["window__number"]: row for row in figures["per_window"]}
    assert [windows[1][k] for k in ("total", "very_satisfied", "satisfied", "very_dissatisfied")] == [
        3,
        1,
        1,
        1,
    ]
    assert windows[1]["satisfaction"] == 66.7 and windows[1]["open_rectifications"] == 1
    assert [windows[2][k] for k in ("total", "very_satisfied", "basically", "dissatisfied")] == [3, 1, 1, 1]
    clerks = {row["clerk__username"]: row for row in figures["per_clerk"]}
    assert clerks["clerk-a"]["total"] == 3 and clerks["clerk-b"]["bad"] == 1
    departments = {row["department__name"]: row for row in figures["per_department"]}
    assert departments["民政办"]["total"] == 3 and departments["社保所"]["total"] == 2
    assert departments["社保所"]["satisfaction"] == 50.0
    # the visit has no department, and the 90-day-old rating falls outside the period
    assert sum(row["total"] for row in figures["per_department"]) == 5
    assert ratings(township, today - timedelta(days=100), today)["totals"]["total"] == 7
    empty = ratings(township, today - timedelta(days=400), today - timedelta(days=200))["totals"]
    assert empty["total"] == 0 and empty["satisfaction"] is None


def test_a_rectified_one_still_counts_as_open_until_the_follow_up_closes_it(township):
    head = make_staff(Role.DEPARTMENT_HEAD, township=township)
    rectification = rectification_of(township)
    classify_rectification(rectification=rectification, by=head, category="fix_now", verification="属实")
    record_rectification(rectification=rectification, by=head, measures="已整改")
    today = timezone.localdate()
    assert ratings(township, today, today)["totals"]["open_rectifications"] == 1
    record_follow_up(rectification=rectification, by=head, is_satisfied=True)
    assert ratings(township, today, today)["totals"]["open_rectifications"] == 0


def test_who_sees_which_rectification(township):
    x, y = DepartmentFactory(township=township), DepartmentFactory(township=township)
    in_x, in_y = rectification_of(township, department=x), rectification_of(township, department=y)
    visit = submit_evaluation(ticket=make_ticket(township), level=1, comment="慢", channel="window")
    elsewhere = rectification_of(TownshipFactory())

    def seen(user):
        return set(rectifications_visible_to(user))

    assert seen(make_staff(Role.TOWNSHIP_ADMIN, township=township)) == {in_x, in_y, visit.rectification}
    assert seen(make_staff(Role.COMMAND_CENTRE, township=township)) == {in_x, in_y, visit.rectification}
    assert seen(make_staff(Role.DEPARTMENT_HEAD, township=township, department=x)) == {in_x}
    assert seen(make_staff(Role.DEPARTMENT_HEAD, township=township)) == set()
    assert elsewhere not in seen(make_staff(Role.COUNTY_ADMIN, township=township))
    assert seen(make_resident(phone="13800000077", id_number=None)) == set()


def test_open_and_overdue_rectifications_come_first(township):
    head = make_staff(Role.TOWNSHIP_ADMIN, township=township)
    closed, fresh, overdue = (rectification_of(township) for _ in range(3))
    classify_rectification(rectification=closed, by=head, category="fix_now", verification="属实")
    record_rectification(rectification=closed, by=head, measures="已整改")
    record_follow_up(rectification=closed, by=head, is_satisfied=True)
    Rectification.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(days=3))
    assert list(rectifications_visible_to(head)) == [overdue, fresh, closed]
