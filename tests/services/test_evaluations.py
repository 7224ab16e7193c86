"""Evaluations: five levels, one per application or visit, bad reviews opening a rectification case that
is sorted, rectified and followed up; ratings counted by the database; who may see and do what."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from services.models import Application, ApplicationStatus, Evaluation, Rectification, RectificationStatus
from services.services.evaluations import (
    EvaluationError,
    classify_rectification,
    evaluation_link,
    record_follow_up,
    record_rectification,
    submit_evaluation,
)
from services.services.intake import complete_immediately, receive_at_window
from services.services.queue import call_next_ticket, finish_ticket, issue_walk_in_ticket
from tests.factories import DepartmentFactory, TownshipFactory, make_resident, make_staff
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item
from township.calendar.schedule import add_working_days
from township.notify.models import OutboxMessage
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def township():
    return TownshipFactory()


@pytest.fixture
def completed(township):
    """An immediate item completed at the window for resident A."""
    resident = make_resident(phone="13800000041", id_number="11010519491231002X")
    department = DepartmentFactory(township=township)
    item = intake_item(township=township, department=department, is_immediate=True, promised_limit_days=0)
    clerk, window = clerk_at_window(township)
    application = receive_at_window(
        township=township, clerk=clerk, window=window, item=item, applicant=applicant()
    )
    application = complete_immediately(
        application=application, clerk=clerk, checklist=full_checklist(application), result="当场出证"
    )
    assert application.resident == resident
    return application


@pytest.mark.parametrize("level", [5, 4, 3])
def test_a_good_rating_opens_nothing(completed, level):
    evaluation = submit_evaluation(application=completed, level=level, channel="online")
    assert evaluation.clerk == completed.clerk and evaluation.window == completed.window
    assert evaluation.department == completed.department
    assert not Rectification.objects.exists()


def test_a_bad_review_needs_a_comment_and_opens_a_rectification_due_in_15_working_days(completed):
    with pytest.raises(EvaluationError):
        submit_evaluation(application=completed, level=1, channel="sms")
    evaluation = submit_evaluation(application=completed, level=2, comment="等了一个小时", channel="sms")
    rectification = evaluation.rectification
    assert rectification.status == RectificationStatus.OPEN
    assert rectification.due_date == add_working_days(timezone.localdate(rectification.clock_started_at), 15)


def test_an_application_is_rated_once(completed):
    submit_evaluation(application=completed, level=5, channel="online")
    with pytest.raises(EvaluationError):
        submit_evaluation(application=completed, level=1, comment="改主意了", channel="sms")
    assert Evaluation.objects.count() == 1


def test_an_application_still_in_pre_review_cannot_be_rated(completed):
    Application.objects.filter(pk=completed.pk).update(status=ApplicationStatus.SUBMITTED)
    completed.refresh_from_db()
    with pytest.raises(EvaluationError):
        submit_evaluation(application=completed, level=5, channel="online")


def test_a_rectification_is_sorted_rectified_and_followed_up(completed, township):
    head = make_staff(Role.DEPARTMENT_HEAD, township=township, department=completed.department)
    rectification = submit_evaluation(
        application=completed, level=1, comment="态度差", channel="online"
    ).rectification
    with pytest.raises(EvaluationError):
        record_rectification(rectification=rectification, by=head, measures="谈话提醒")
    classify_rectification(rectification=rectification, by=head, category="fix_now", verification="情况属实")
    record_rectification(rectification=rectification, by=head, measures="已对窗口人员谈话提醒")
    record_follow_up(rectification=rectification, by=head, is_satisfied=False, note="仍不满意")
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN and rectification.due_at > timezone.now()
    record_rectification(rectification=rectification, by=head, measures="调整窗口排班")
    record_follow_up(rectification=rectification, by=head, is_satisfied=True)
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CLOSED
    assert rectification.follow_ups.count() == 2
    with pytest.raises(EvaluationError):
        record_follow_up(rectification=rectification, by=head, is_satisfied=True)


def test_completion_texts_a_rating_link_that_works_without_signing_in(completed, client):
    message = OutboxMessage.objects.get(idempotency_key=f"evaluation-invite:{completed.pk}")
    assert evaluation_link(completed).split("/r/")[0] in message.body
    link = message.body.split("http://testserver")[-1].strip()
    assert client.get(link).status_code == 200
    response = client.post(link, {"level": 5})
    assert response.status_code == 200 and Evaluation.objects.get().channel == "sms"
    tampered = client.get(link[:-3] + "abc/")
    assert tampered.status_code == 400


def test_a_visit_is_rated_on_the_window_tablet(township, client):
    clerk, _ = clerk_at_window(township)
    issue_walk_in_ticket(township=township)
    ticket = call_next_ticket(clerk=clerk)
    finish_ticket(ticket_id=ticket.pk, clerk=clerk)
    client.force_login(clerk)
    page = client.get(reverse("services-evaluate-window")).content.decode()
    assert ticket.number in page
    client.post(reverse("services-evaluate-window"), {"ticket": ticket.pk, "level": 4})
    evaluation = Evaluation.objects.get()
    assert evaluation.ticket == ticket and evaluation.channel == "window" and evaluation.clerk == clerk


def test_resident_b_cannot_rate_resident_as_application(completed, client):
    client.force_login(make_resident(phone="13800000042", id_number=None))
    for guess in (completed.pk, completed.pk + 1):
        assert client.get(reverse("services-evaluate-application", args=[guess])).status_code == 404
    client.force_login(completed.resident)
    assert client.get(reverse("services-evaluate-application", args=[completed.pk])).status_code == 200


def test_ratings_are_counted_per_window_clerk_and_department(
    completed, township, client, django_assert_max_num_queries
):
    submit_evaluation(application=completed, level=2, comment="慢", channel="online")
    clerk = completed.clerk
    for level in (5, 4, 1):
        issue_walk_in_ticket(township=township)
        ticket = call_next_ticket(clerk=clerk)
        finish_ticket(ticket_id=ticket.pk, clerk=clerk)
        submit_evaluation(ticket=ticket, level=level, comment="x", channel="window")
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("services-ratings"))
    figures = response.context["figures"]
    assert figures["totals"]["total"] == 4 and figures["totals"]["bad"] == 2
    assert figures["totals"]["satisfaction"] == 50.0
    assert figures["per_window"][0]["total"] == 4
    assert (
        figures["per_department"][0]["total"] == 1
        and figures["per_department"][0]["open_rectifications"] == 1
    )


def test_another_townships_managers_see_nothing(completed, client):
    rectification = submit_evaluation(
        application=completed, level=1, comment="差", channel="online"
    ).rectification
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=TownshipFactory()))
    assert client.get(reverse("services-rectification", args=[rectification.pk])).status_code == 404
    assert "窗口无人值守" not in client.get(reverse("services-rectifications")).content.decode()
    assert client.get(reverse("services-ratings")).context["figures"]["totals"]["total"] == 0


def test_clerks_and_grid_members_cannot_see_ratings(client, township):
    for role in (Role.WINDOW_CLERK, Role.GRID_MEMBER):
        client.force_login(make_staff(role, township=township))
        assert client.get(reverse("services-ratings")).status_code == 403
        assert client.get(reverse("services-rectifications")).status_code == 403


def test_rectification_pages_walk_the_steps(completed, township, client, django_assert_max_num_queries):
    rectification = submit_evaluation(
        application=completed, level=1, comment="态度差", channel="online"
    ).rectification
    admin = make_staff(Role.TOWNSHIP_ADMIN, township=township)
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("services-rectifications")).status_code == 200
    url = lambda action: reverse("services-rectification-action", args=[rectification.pk, action])  # noqa: E731
    assert client.post(url("classify"), {"category": "fix_now"}).status_code == 400
    assert client.post(url("classify"), {"category": "fix_now", "verification": "属实"}).status_code == 302
    assert client.post(url("measures"), {"measures": "已整改"}).status_code == 302
    assert client.post(url("follow-up"), {"is_satisfied": "1", "note": "满意"}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CLOSED


def test_a_level_outside_one_to_five_is_refused(completed):
    with translation.override("en"), pytest.raises(EvaluationError, match="five levels"):
        submit_evaluation(application=completed, level=6, channel="online")
    assert not Evaluation.objects.exists()


def test_the_head_of_the_unit_is_told_of_a_new_bad_review(completed):
    head = make_staff(Role.DEPARTMENT_HEAD, department=completed.department)
    other_head = make_staff(Role.DEPARTMENT_HEAD, department=DepartmentFactory(township=completed.township))
    from township.notify.models import InboxItem

    submit_evaluation(application=completed, level=1, comment="等了一个小时", channel="online")
    told = InboxItem.objects.filter(key__startswith="bad-review:")
    assert list(told.values_list("user_id", flat=True)) == [head.pk]
    assert "等了一个小时" in told.get().title and other_head.pk not in told.values_list("user_id", flat=True)
