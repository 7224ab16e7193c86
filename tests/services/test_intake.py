"""Window intake: accept, complete on the spot, one-time notice, refusal; numbering, clocks, receipts."""

import io

import pytest
from django.db import transaction
from django.utils import timezone, translation
from pypdf import PdfReader

from services.errors import ApplicationNotPossible as InvalidTransition
from services.errors import IntakeError
from services.models import Application, ApplicationStatus
from services.services.intake import (
    MaterialsIncomplete,
    accept_application,
    complete_immediately,
    issue_one_time_notice,
    receive_at_window,
    refuse_application,
)
from tests.factories import TownshipFactory
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item
from township.calendar.schedule import add_working_days
from township.casework.timeline import entries_for
from township.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=False)


def pdf_text(document) -> str:
    document.pdf.open("rb")
    try:
        pages = PdfReader(io.BytesIO(document.pdf.read())).pages
        # Table cells wrap; what the applicant reads is the words, not the line breaks.
        return "".join(page.extract_text() for page in pages).replace("\n", "")
    finally:
        document.pdf.close()


@pytest.fixture
def township():
    return TownshipFactory()


@pytest.fixture
def walk_in(township):
    item = intake_item(township=township, promised_limit_days=10)
    clerk, window = clerk_at_window(township)
    application = receive_at_window(
        township=township, clerk=clerk, window=window, item=item, applicant=applicant()
    )
    return application, clerk, window


def test_accepting_numbers_the_application_starts_the_clock_and_prints_a_receipt(
    walk_in, township, django_capture_on_commit_callbacks
):
    application, clerk, window = walk_in
    with django_capture_on_commit_callbacks(execute=True):  # the receipt is drawn once the accept commits
        accepted = accept_application(
            application=application, clerk=clerk, checklist=full_checklist(application)
        )
    assert accepted.status == ApplicationStatus.ACCEPTED
    assert accepted.number.startswith(f"{township.short_code}-SQ-")
    assert len(accepted.query_code) == 6
    assert accepted.due_date == add_working_days(timezone.localdate(accepted.accepted_at), 10)
    text = pdf_text(accepted.receipt)
    # the extracted text may split a number where the font kerns (e.g. "TEF J"): compare without spaces
    compact = "".join(text.split())
    assert accepted.number in compact and accepted.query_code in compact
    assert "居民身份证" in text and "低保申请书" in text
    assert [e.action for e in entries_for(accepted, include_internal=True)] == ["receive", "accept"]


def test_acceptance_texts_the_applicant_once_even_when_retried(walk_in):
    application, clerk, _ = walk_in
    accept_application(application=application, clerk=clerk, checklist=full_checklist(application))
    accept_application(application=application, clerk=clerk, checklist=full_checklist(application))
    messages = OutboxMessage.objects.filter(recipient="13900000001")
    assert messages.count() == 1
    assert application.__class__.objects.get(pk=application.pk).number in messages.get().body


def test_missing_material_blocks_acceptance_and_changes_nothing(walk_in):
    application, clerk, _ = walk_in
    checklist = full_checklist(application, 低保申请书="missing")
    with translation.override("en"), pytest.raises(MaterialsIncomplete, match="低保申请书"):
        accept_application(application=application, clerk=clerk, checklist=checklist)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.receipt_id is None and application.due_at is None


def test_a_conditional_material_must_be_ticked_present_or_not_applicable(walk_in):
    application, clerk, _ = walk_in
    checklist = full_checklist(application, 残疾证="")
    with pytest.raises(MaterialsIncomplete, match="残疾证"):
        accept_application(application=application, clerk=clerk, checklist=checklist)


def test_one_time_notice_lists_every_missing_and_defective_material(walk_in):
    application, clerk, _ = walk_in
    checklist = full_checklist(application, 低保申请书="missing", 居民身份证="defective", 残疾证="missing")
    checklist[next(k for k, v in checklist.items() if v["state"] == "defective")]["note"] = "复印件不清晰"
    notified = issue_one_time_notice(application=application, clerk=clerk, checklist=checklist)
    assert notified.status == ApplicationStatus.NOTIFIED
    text = pdf_text(notified.notice)
    for name in ("低保申请书", "居民身份证", "残疾证", "复印件不清晰"):
        assert name in text


def test_a_notice_needs_something_missing(walk_in):
    application, clerk, _ = walk_in
    with pytest.raises(IntakeError):
        issue_one_time_notice(application=application, clerk=clerk, checklist=full_checklist(application))


def test_a_notified_walk_in_is_accepted_when_the_applicant_returns(walk_in):
    application, clerk, _ = walk_in
    issue_one_time_notice(
        application=application, clerk=clerk, checklist=full_checklist(application, 低保申请书="missing")
    )
    accepted = accept_application(application=application, clerk=clerk, checklist=full_checklist(application))
    assert accepted.status == ApplicationStatus.ACCEPTED


def test_refusal_states_the_reason_and_the_rights_of_appeal(walk_in):
    application, clerk, _ = walk_in
    refused = refuse_application(application=application, clerk=clerk, reason="申请事项不属于本机关职权范围")
    assert refused.status == ApplicationStatus.NOT_ACCEPTED
    text = pdf_text(refused.notice)
    assert "不属于本机关职权范围" in text and "行政复议" in text
    with pytest.raises(InvalidTransition):
        accept_application(application=refused, clerk=clerk, checklist=full_checklist(refused))


def test_refusal_without_a_reason_is_refused(walk_in):
    application, clerk, _ = walk_in
    with pytest.raises(IntakeError):
        refuse_application(application=application, clerk=clerk, reason="  ")


def test_immediate_item_is_completed_on_the_spot(township):
    item = intake_item(township=township, is_immediate=True, promised_limit_days=0)
    clerk, window = clerk_at_window(township)
    application = receive_at_window(
        township=township, clerk=clerk, window=window, item=item, applicant=applicant()
    )
    done = complete_immediately(
        application=application, clerk=clerk, checklist=full_checklist(application), result="当场出具证明"
    )
    assert done.status == ApplicationStatus.COMPLETED and done.result_summary == "当场出具证明"


def test_a_promised_item_cannot_be_completed_on_the_spot(walk_in):
    application, clerk, _ = walk_in
    with pytest.raises(IntakeError):
        complete_immediately(
            application=application, clerk=clerk, checklist=full_checklist(application), result="x"
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [("id_number", "110105194912310021"), ("phone", "12345"), ("id_number", "")],
)
def test_bad_applicant_data_is_refused_before_anything_is_written(township, field, value):
    item = intake_item(township=township)
    clerk, window = clerk_at_window(township)
    before = Application.objects.count()
    with pytest.raises(IntakeError) as refused, transaction.atomic():
        receive_at_window(
            township=township, clerk=clerk, window=window, item=item, applicant=applicant(**{field: value})
        )
    assert refused.value.field_errors
    assert Application.objects.count() == before


def test_an_enterprise_needs_a_valid_credit_code(township):
    item = intake_item(township=township)
    clerk, window = clerk_at_window(township)
    with pytest.raises(IntakeError) as refused:
        receive_at_window(
            township=township,
            clerk=clerk,
            window=window,
            item=item,
            applicant=applicant(
                kind="enterprise", enterprise_name="某某公司", credit_code="91350100M000100Y44"
            ),
        )
    assert "credit_code" in refused.value.field_errors


def test_a_clerk_cannot_take_another_townships_application(walk_in):
    application, _, _ = walk_in
    other_clerk, _ = clerk_at_window(TownshipFactory())
    with pytest.raises(IntakeError):
        accept_application(application=application, clerk=other_clerk, checklist=full_checklist(application))


def test_agent_application_records_the_agent_and_the_consent(township):
    from services.services.intake import Agent

    item = intake_item(township=township)
    clerk, window = clerk_at_window(township)
    with pytest.raises(IntakeError) as refused:
        receive_at_window(
            township=township,
            clerk=clerk,
            window=window,
            item=item,
            applicant=applicant(),
            agent=Agent(name="李网格", id_number="11010519491231002X"),
        )
    assert "consent_method" in refused.value.field_errors
    application = receive_at_window(
        township=township,
        clerk=clerk,
        window=window,
        item=item,
        applicant=applicant(),
        agent=Agent(
            name="李网格", id_number="11010519491231002X", relation="网格员", consent_method="signed"
        ),
    )
    assert application.agent_name == "李网格" and application.consent_method == "signed"
