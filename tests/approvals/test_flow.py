"""The review flow: start, assignment, opinions and decisions, supplements, extensions, excluded
periods, reassignment; every refused transition changes nothing."""

import io
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import translation
from pypdf import PdfReader

from approvals.models import Absence, ExtensionRequest, ReviewStep, ReviewTask, StepKind, TaskStatus
from approvals.services import (
    ApprovalError,
    approve_application,
    complete_task,
    decide_extension,
    end_excluded_period,
    next_chief_representative,
    reassign_task,
    reject_application,
    request_extension,
    request_supplement,
    start_excluded_period,
    start_review,
    supply_supplement,
)
from services.errors import ApplicationNotPossible as InvalidTransition
from services.models import Application, ApplicationStatus
from services.models.catalog import ItemType
from services.services.intake import withdraw_application
from services.services.materials import attach_material
from tests.approvals.helpers import Office, assignee_of, bundle_in_review
from tests.factories import DepartmentFactory, make_resident, make_staff
from tests.services.intake_helpers import pdf_upload
from township.casework.timeline import entries_for
from township.org.roles import Role

pytestmark = pytest.mark.django_db
S = ApplicationStatus
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def pdf_text(document) -> str:
    document.pdf.open("rb")
    try:
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.pdf.read())).pages).replace(
            "\n", ""
        )
    finally:
        document.pdf.close()


@pytest.fixture
def office():
    return Office(chiefs=2)


def test_review_starts_once_with_the_first_stage_assigned(office):
    application = office.in_review()
    assert application.status == S.IN_REVIEW
    task = application.review_tasks.get()
    assert task.status == TaskStatus.ACTIVE and task.assignee in office.chiefs
    start_review(application_id=application.pk)  # a second message changes nothing
    assert application.review_tasks.count() == 1
    assert task.assignee.has_perm("services.view_application", application)


def test_approval_issues_a_verifiable_decision_and_texts_the_applicant(office):
    from township.notify.models import OutboxMessage

    licensing = office.item(name="食品经营许可", item_type=ItemType.LICENSING)
    application = office.in_review(item=licensing)
    approve_application(application=application, by=assignee_of(application), opinion="符合条件")
    application.refresh_from_db()
    assert application.status == S.APPROVED and application.clock_stopped_at is not None
    assert application.number in pdf_text(application.result)
    assert application.result.number.split("-")[1] == "XK"
    assert OutboxMessage.objects.filter(recipient="13900000001", body__contains="准予").exists()


def test_rejection_needs_reasons_and_states_the_right_of_appeal(office):
    application = office.in_review()
    chief = assignee_of(application)
    with pytest.raises(ApprovalError):
        reject_application(application=application, by=chief, reasons=" ")
    reject_application(application=application, by=chief, reasons="家庭人均收入高于当地低保标准")
    application.refresh_from_db()
    text = pdf_text(application.result)
    assert application.status == S.DENIED and "高于当地低保标准" in text and "行政复议" in text


def test_someone_without_the_step_cannot_decide(office):
    application = office.in_review()
    other_chief = next(c for c in office.chiefs if c != assignee_of(application))
    stranger = Office().chiefs[0]
    for user in (other_chief, stranger, office.clerk):
        with pytest.raises(ApprovalError):
            approve_application(application=application, by=user)
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    # the department head may act on the department's steps
    approve_application(application=application, by=office.head)


def test_a_decided_application_refuses_every_further_step(office):
    application = office.in_review()
    chief = assignee_of(application)
    approve_application(application=application, by=chief)
    for attempt in (
        lambda: approve_application(application=application, by=chief),
        lambda: reject_application(application=application, by=chief, reasons="x"),
        lambda: request_supplement(application=application, by=chief, items=["x"]),
        lambda: request_extension(application=application, by=chief, days=5, reason="x"),
    ):
        with pytest.raises(ApprovalError):
            attempt()
    with pytest.raises(InvalidTransition):
        withdraw_application(application=application, by=chief)
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_supplement_pauses_the_clock_and_the_resident_resumes_it(office):
    resident = make_resident(phone="13800000061", id_number="11010519491231002X")
    application = office.in_review()
    assert application.resident == resident
    chief = assignee_of(application)
    request_supplement(application=application, by=chief, items=["户口簿复印件", "收入证明"], note="请补齐")
    application.refresh_from_db()
    assert application.status == S.SUPPLEMENT and application.clock_paused_at is not None
    with pytest.raises(ApprovalError):
        approve_application(application=application, by=chief)
    with pytest.raises(ApprovalError):
        supply_supplement(application=application, by=make_resident(phone="13800000062", id_number=None))
    for name in ("户口簿复印件", "收入证明"):
        attach_material(
            application=application,
            requirement_id="",
            upload=pdf_upload(f"{name}.pdf"),
            by=resident,
            supplement_item=name,
        )
    supply_supplement(application=application, by=resident)
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and application.clock_paused_at is None
    approve_application(application=application, by=chief)


def test_a_supplement_across_national_day_moves_the_due_date_by_the_working_days_paused():
    office = Office(chiefs=1)
    item = office.item(promised_limit_days=3)
    application = office.in_review(item=item, at=at(2026, 9, 28, 10))
    # Mon 28 Sep + 3 working days: 29, 30 Sep and (after the 1-7 October holiday) Thu 8 Oct
    assert application.due_date == date(2026, 10, 8)
    chief = assignee_of(application)
    request_supplement(application=application, by=chief, items=["收入证明"], at=at(2026, 9, 29, 10))
    application.refresh_from_db()
    supply_supplement(application=application, by=office.clerk, received=["收入证明"], at=at(2026, 10, 9, 10))
    application.refresh_from_db()
    # paused over 30 Sep, 8 Oct and 9 Oct (three working days): the due date moves past 9 Oct, the
    # adjusted working Saturday 10 Oct, and lands on Mon 12 Oct
    assert application.due_date == date(2026, 10, 12)


def test_an_extension_needs_the_head_and_works_once(office):
    application = office.in_review()
    chief = assignee_of(application)
    due_before = application.due_date
    with pytest.raises(ApprovalError):
        request_extension(application=application, by=chief, days=11, reason="复杂")
    extension = request_extension(application=application, by=chief, days=10, reason="需要实地核查")
    with pytest.raises(ApprovalError):
        request_extension(application=application, by=chief, days=5, reason="again")
    with pytest.raises(ApprovalError):
        decide_extension(extension=extension, head=chief, approve=True)
    with pytest.raises(ApprovalError):
        decide_extension(extension=extension, head=Office().head, approve=True)
    decide_extension(extension=extension, head=office.head, approve=True)
    application.refresh_from_db()
    from township.calendar.schedule import add_working_days

    assert application.due_date == add_working_days(due_before, 10)
    with pytest.raises(ApprovalError):
        decide_extension(extension=extension, head=office.head, approve=True)
    with pytest.raises(ApprovalError):
        request_extension(application=application, by=chief, days=3, reason="once more")
    assert ExtensionRequest.objects.filter(application=application).count() == 1


def test_a_refused_extension_leaves_the_due_date(office):
    application = office.in_review()
    extension = request_extension(application=application, by=assignee_of(application), days=5, reason="x")
    decide_extension(extension=extension, head=office.head, approve=False)
    application.refresh_from_db()
    assert application.limit_value == application.item_version.promised_limit_days


def test_an_excluded_period_pauses_the_clock_and_blocks_the_decision(office):
    application = office.in_review()
    chief = assignee_of(application)
    with pytest.raises(ApprovalError):
        start_excluded_period(application=application, by=chief, kind="holiday")
    start_excluded_period(application=application, by=chief, kind="public_notice", note="公示7天")
    application.refresh_from_db()
    assert application.clock_paused_at is not None
    with pytest.raises(ApprovalError):
        approve_application(application=application, by=chief)
    end_excluded_period(application=application, by=chief)
    application.refresh_from_db()
    assert application.clock_paused_at is None
    approve_application(application=application, by=chief)


def test_the_head_reassigns_with_a_reason(office):
    application = office.in_review()
    task = application.review_tasks.get()
    other = next(c for c in office.chiefs if c != task.assignee)
    with pytest.raises(ApprovalError):
        reassign_task(task=task, head=office.head, to_user=other, reason="")
    with pytest.raises(ApprovalError):
        reassign_task(task=task, head=task.assignee, to_user=other, reason="请假")
    with pytest.raises(ApprovalError):
        reassign_task(task=task, head=office.head, to_user=Office().chiefs[0], reason="请假")
    reassign_task(task=task, head=office.head, to_user=other, reason="请假")
    task.refresh_from_db()
    assert task.assignee == other
    assert "请假" in entries_for(application, include_internal=True).last().note


def test_withdrawal_before_a_decision_stops_the_clock(office):
    application = office.in_review()
    withdraw_application(application=application, by=office.clerk, reason="不办了")
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN and application.clock_stopped_at is not None


def test_round_robin_over_100_assignments_is_fair_within_one_and_skips_the_absent():
    office = Office(chiefs=3)
    counts = {c.pk: 0 for c in office.chiefs}
    for _ in range(100):
        counts[next_chief_representative(office.department, day=date(2026, 11, 24)).pk] += 1
    assert max(counts.values()) - min(counts.values()) <= 1 and sum(counts.values()) == 100
    Absence.objects.create(user=office.chiefs[1], date=date(2026, 11, 25), reason="培训")
    chosen = {next_chief_representative(office.department, day=date(2026, 11, 25)).pk for _ in range(30)}
    assert chosen == {office.chiefs[0].pk, office.chiefs[2].pk}


def test_nobody_on_duty_leaves_the_step_for_the_head():
    office = Office(chiefs=1)
    Absence.objects.create(user=office.chiefs[0], date=date(2026, 11, 20))
    application = office.in_review(at=at(2026, 11, 20, 10))
    task = application.review_tasks.get()
    assert task.assignee is None
    approve_application(application=application, by=office.head)


def test_parallel_opinions_all_come_before_the_decision():
    office = Office(chiefs=1)
    other = DepartmentFactory(township=office.township)
    other_chief = make_staff(Role.CHIEF_REPRESENTATIVE, department=other)
    item = office.item()
    ReviewStep.objects.create(
        item=item, stage=1, name="审核", kind=StepKind.REVIEW, department=office.department
    )
    ReviewStep.objects.create(item=item, stage=1, name="会签", kind=StepKind.REVIEW, department=other)
    ReviewStep.objects.create(
        item=item, stage=2, name="决定", kind=StepKind.DECISION, department=office.department
    )
    application = office.in_review(item=item)
    assert application.review_tasks.filter(status=TaskStatus.ACTIVE).count() == 2
    complete_task(application=application, by=office.chiefs[0], opinion="同意", favourable=True)
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert application.review_tasks.get(stage=2).status == TaskStatus.WAITING
    complete_task(application=application, by=other_chief, opinion="同意", favourable=True)
    decision = application.review_tasks.get(stage=2)
    assert decision.status == TaskStatus.ACTIVE
    approve_application(application=application, by=decision.assignee)
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_a_bundle_is_decided_only_when_every_part_is():
    parent = bundle_in_review()
    first, last = parent.children.order_by("department_id")
    approve_application(application=first, by=assignee_of(first))
    parent.refresh_from_db()
    assert parent.status == S.IN_REVIEW
    reject_application(application=last, by=assignee_of(last), reasons="材料不实")
    parent.refresh_from_db()
    assert parent.status == S.DENIED


@pytest.mark.django_db(transaction=True)
def test_two_approvers_deciding_at_once_produce_one_decision():
    office = Office(chiefs=1)
    application = office.in_review()
    deciders = [assignee_of(application), office.head]
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user):
        try:
            barrier.wait()
            outcomes.append(
                approve_application(application=Application.objects.get(pk=application.pk), by=user)
            )
        except ApprovalError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(u,)) for u in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(o, ApprovalError) for o in outcomes) == 1
    assert entries_for(application, include_internal=True).filter(action="approve").count() == 1
    from township.documents.models import IssuedDocument

    assert IssuedDocument.objects.filter(doc_type__in=["licence", "approval"]).count() == 1


def test_refusals_speak_the_users_language(office):
    application = office.in_review()
    with translation.override("en"), pytest.raises(ApprovalError, match="no open step"):
        approve_application(application=application, by=office.clerk)
    assert ReviewTask.objects.filter(application=application, status=TaskStatus.ACTIVE).count() == 1


def test_a_benefit_item_is_decided_by_a_notice_not_a_licensing_decision(office):
    application = office.in_review()  # minimum living allowance: an administrative payment
    approve_application(application=application, by=assignee_of(application), opinion="符合条件")
    application.refresh_from_db()
    assert application.result.number.split("-")[1] == "ZY"
    text = pdf_text(application.result)
    assert "许可" not in text and application.number in text
