"""An online application waits at most 5 working days for the front desk to say what is missing; the
clerks are warned, and after that it counts as accepted from the day it was received (Administrative
Licensing Law art. 32)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from services.errors import IntakeError
from services.services.intake import accept_application, issue_one_time_notice, submit_application
from tests.factories import make_resident, make_staff
from tests.services.intake_helpers import clerk_at_window, full_checklist, intake_item
from tests.services.test_hall import ready_draft
from township.casework.deadlines import deadlines_for
from township.casework.display import Audience, timeline_rows
from township.casework.models import WarningLevel
from township.casework.sweep import sweep_warning_levels
from township.notify.models import InboxItem
from township.org.roles import Role

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def submitted():
    item = intake_item(promised_limit_days=20)
    resident = make_resident(phone="13800000081", id_number="11010519491231002X")
    # Monday 2 November 2026: five working days run to the end of Monday 9 November
    application = submit_application(
        application=ready_draft(item, resident), by=resident, at=at(2026, 11, 2, 10)
    )
    clerk, window = clerk_at_window(application.township)
    return application, clerk


def test_an_online_submission_starts_a_five_working_day_pre_review_clock(submitted):
    application, clerk = submitted
    deadline = deadlines_for(application).get(kind="pre-review")
    assert deadline.due_date == date(2026, 11, 9)
    assert deadline.clock_stopped_at is None


def test_the_clerks_of_the_township_are_warned_before_and_after_the_five_days(
    submitted, django_capture_on_commit_callbacks
):
    application, clerk = submitted
    other_township_clerk = make_staff(Role.WINDOW_CLERK)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_warning_levels(now=at(2026, 11, 9, 9))  # the last day: due soon
    soon = InboxItem.objects.filter(title__contains="Pre-review") | InboxItem.objects.filter(
        title__contains="预审"
    )
    assert list(soon.values_list("user_id", flat=True)) == [clerk.pk]
    with django_capture_on_commit_callbacks(execute=True):
        sweep_warning_levels(now=at(2026, 11, 10, 9))  # overdue
    assert deadlines_for(application).get(kind="pre-review").warning_level == WarningLevel.RED
    assert InboxItem.objects.filter(user=clerk).count() == 2
    assert not InboxItem.objects.filter(user=other_township_clerk).exists()


def test_accepted_in_time_the_clock_starts_on_the_day_of_acceptance(submitted):
    application, clerk = submitted
    accepted = accept_application(
        application=application,
        clerk=clerk,
        checklist=full_checklist(application),
        with_receipt=False,
        at=at(2026, 11, 6, 10),
    )
    assert accepted.clock_started_at == at(2026, 11, 6, 10)
    assert deadlines_for(accepted).get(kind="pre-review").clock_stopped_at == at(2026, 11, 6, 10)


def test_accepted_after_five_working_days_it_counts_from_the_day_it_was_received(submitted):
    application, clerk = submitted
    accepted = accept_application(
        application=application,
        clerk=clerk,
        checklist=full_checklist(application),
        with_receipt=False,
        at=at(2026, 11, 12, 10),
    )
    assert accepted.clock_started_at == at(2026, 11, 2, 10)
    # 20 working days from Monday 2 November: Monday 30 November
    assert accepted.due_date == date(2026, 11, 30)
    rows = timeline_rows(accepted, audience=Audience.PUBLIC)
    # the note is written in the clerk's language (Chinese by default) and the applicant sees it
    assert any("第三十二条" in row.note for row in rows if row.action == "accept")


def test_a_one_time_notice_after_five_working_days_is_refused(submitted):
    application, clerk = submitted
    with translation.override("en"), pytest.raises(IntakeError, match="counts as accepted"):
        issue_one_time_notice(
            application=application,
            clerk=clerk,
            checklist=full_checklist(application, 低保申请书="missing"),
            at=at(2026, 11, 10, 10),
        )


def test_the_pre_review_queue_shows_the_last_day_and_flags_the_overdue(
    submitted, client, django_assert_max_num_queries
):
    application, clerk = submitted
    sweep_warning_levels(now=at(2026, 11, 10, 9))
    client.force_login(clerk)
    with django_assert_max_num_queries(15):
        page = client.get("/services/workbench/pre-review/", HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert application.number in body and "due-red" in body and "art. 32" in body
