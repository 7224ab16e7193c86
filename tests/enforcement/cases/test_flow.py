"""Every transition of an enforcement case through the services, and every refusal the issue lists."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from enforcement.cases import services
from enforcement.cases.services import CaseError
from enforcement.models.cases import (
    CaseNotPossible,
    CaseStatus,
    EnforcementCase,
    HeadChoice,
    Publication,
    RecordKind,
    ServiceMethod,
    SuspensionKind,
)
from township.casework.deadlines import deadlines_for, open_deadlines
from township.casework.models import TimelineEntry

from .conftest import local
from .helpers import clue, day, notified, passed_review, proposed, registered

pytestmark = pytest.mark.django_db
S = CaseStatus


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def deadline(case, kind):
    return deadlines_for(case).filter(kind=kind).order_by("-pk").first()


def test_a_clue_starts_the_fifteen_working_day_check(world):
    case = clue(world, at=local(2026, 9, 21, 9, 0))
    assert case.status == S.CLUE and case.number.startswith("QS-ZF-2026-")
    assert deadline(case, "clue-check").due_date == day(2026, 10, 19)
    services.extend_clue_check(case=case, by=world.head, reason="需检测", at=local(2026, 10, 9, 9, 0))
    # +15 working days from 19 Oct: 20..23, 26..30 Oct, 2..6 Nov, 9 Nov
    assert deadline(case, "clue-check").due_date == day(2026, 11, 9)
    with pytest.raises(CaseError, match="already been extended"):
        services.extend_clue_check(case=case, by=world.head, reason="again", at=local(2026, 10, 9, 10, 0))


def test_a_clue_from_any_source_record_is_one_case_linked_both_ways(world):
    source_record = world.entity  # any row: a grid event or a hotline order calls the same service
    first = services.create_clue_from_source(
        source_record=source_record,
        source="grid_event",
        department=world.squad,
        by=world.officer,
        summary="网格员上报",
        place="人民路",
        at=local(2026, 6, 1, 9, 0),
    )
    again = services.create_clue_from_source(
        source_record=source_record,
        source="grid_event",
        department=world.squad,
        by=world.officer,
        summary="网格员上报",
        place="人民路",
        at=local(2026, 6, 1, 9, 5),
    )
    assert first.pk == again.pk and EnforcementCase.objects.count() == 1
    assert services.case_for_source(source_record) == first


def test_registration_needs_two_qualified_officers(world):
    case = clue(world)
    services.assign_officer(case=case, officer=world.officer, by=world.officer, at=local(2026, 6, 1, 10, 0))
    services.set_party(case=case, by=world.officer, entity=world.entity, at=local(2026, 6, 1, 10, 0))
    with pytest.raises(CaseError, match="At least two officers") as refused:
        services.request_registration(
            case=case,
            by=world.officer,
            power_version=world.version,
            cause="c",
            opinion="o",
            prima_facie=True,
            penalty_due=True,
            in_jurisdiction=True,
            at=local(2026, 6, 1, 10, 0),
        )
    assert refused.value.code == "two_officers"
    case.refresh_from_db()
    assert case.status == S.CLUE
    # an officer whose enforcement ID has expired does not count, and cannot even be assigned
    world.officer2.enforcement_credentials.update(valid_until=day(2026, 5, 31))
    with pytest.raises(CaseError, match="no valid enforcement ID"):
        services.assign_officer(
            case=case, officer=world.officer2, by=world.officer, at=local(2026, 6, 1, 10, 0)
        )
    # an officer of another squad cannot be put on the case
    with pytest.raises(CaseError, match="does not work in this case's squad"):
        services.assign_officer(
            case=case, officer=world.outsider, by=world.officer, at=local(2026, 6, 1, 10, 0)
        )
    services.assign_officer(case=case, officer=world.officer3, by=world.officer, at=local(2026, 6, 1, 10, 0))
    services.request_registration(
        case=case,
        by=world.officer,
        power_version=world.version,
        cause="c",
        opinion="o",
        prima_facie=True,
        penalty_due=True,
        in_jurisdiction=True,
        at=local(2026, 6, 1, 10, 0),
    )
    # a granted recusal takes an officer off: the head can no longer register with one officer left
    recusal = services.apply_recusal(
        case=case,
        officer=world.officer3,
        applied_by="当事人",
        reason="亲属关系",
        by=world.officer,
        at=local(2026, 6, 1, 11, 0),
    )
    services.decide_recusal(recusal=recusal, by=world.head, grant=True, at=local(2026, 6, 1, 12, 0))
    with pytest.raises(CaseError, match="At least two officers"):
        services.approve_registration(case=case, by=world.head, at=local(2026, 6, 2, 9, 0))


def test_registration_is_refused_once_the_limitation_has_run(world):
    two_years = clue(
        world, at=local(2026, 10, 9, 9, 0), discovered_on=day(2026, 10, 9), act_ended_on=day(2024, 10, 8)
    )
    with pytest.raises(CaseError, match="limitation period has run") as refused:
        services.check_limitation(two_years)
    assert "2 years" in refused.value.message and "Oct. 8, 2026" in refused.value.message
    in_time = clue(
        world, at=local(2026, 10, 8, 9, 0), discovered_on=day(2026, 10, 8), act_ended_on=day(2024, 10, 8)
    )
    assert services.check_limitation(in_time) == day(2026, 10, 8)
    five = clue(
        world,
        at=local(2026, 10, 9, 9, 0),
        discovered_on=day(2026, 10, 9),
        act_ended_on=day(2021, 10, 9),
        concerns_safety=True,
        caused_harm=True,
    )
    assert services.check_limitation(five) == day(2026, 10, 9)
    late_five = clue(
        world,
        at=local(2026, 10, 12, 9, 0),
        discovered_on=day(2026, 10, 12),
        act_ended_on=day(2021, 10, 9),
        concerns_safety=True,
        caused_harm=True,
    )
    with pytest.raises(CaseError, match="5 years"):
        services.check_limitation(late_five)
    # the full request is refused too, and leaves the clue as it was
    for officer in (world.officer, world.officer2):
        services.assign_officer(
            case=two_years, officer=officer, by=world.officer, at=local(2026, 10, 9, 10, 0)
        )
    services.set_party(case=two_years, by=world.officer, entity=world.entity, at=local(2026, 10, 9, 10, 0))
    with pytest.raises(CaseError, match="limitation"):
        services.request_registration(
            case=two_years,
            by=world.officer,
            power_version=world.version,
            cause="c",
            opinion="o",
            prima_facie=True,
            penalty_due=True,
            in_jurisdiction=True,
            at=local(2026, 10, 9, 10, 0),
        )
    two_years.refresh_from_db()
    assert two_years.status == S.CLUE


def test_not_registering_needs_reasons_and_the_head(world):
    case = clue(world)
    with pytest.raises(CaseError, match="Only the head"):
        services.refuse_registration(
            case=case, by=world.officer, reason="情节轻微", at=local(2026, 6, 2, 9, 0)
        )
    with pytest.raises(CaseError, match="reasons"):
        services.refuse_registration(case=case, by=world.head, reason="  ", at=local(2026, 6, 2, 9, 0))
    services.refuse_registration(
        case=case, by=world.head, reason="不属于本机关管辖", at=local(2026, 6, 2, 9, 0)
    )
    case.refresh_from_db()
    assert case.status == S.NOT_REGISTERED and not open_deadlines(case).exists()


def test_registration_starts_the_ninety_day_limit_and_issues_the_approval_form(world):
    case = registered(world, at=local(2026, 6, 3, 10, 0))
    assert case.status == S.INVESTIGATING
    assert deadline(case, "decision").due_date == day(2026, 9, 1)
    assert deadline(case, "clue-check").clock_stopped_at is not None
    assert case.next_due_label.startswith("Decide the case")


def test_records_need_two_officers_of_the_case_and_keep_photos_with_their_hash(world):
    case = registered(world)
    photo = SimpleUploadedFile("site.jpg", b"\xff\xd8\xff fake jpeg bytes", content_type="image/jpeg")
    with pytest.raises(CaseError, match="At least two officers"):
        services.record_investigation(
            case=case,
            by=world.officer,
            kind=RecordKind.SITE_INSPECTION,
            officers=[world.officer],
            started_at=local(2026, 6, 4, 9, 0),
            ended_at=local(2026, 6, 4, 9, 30),
            place="人民路1号",
            content="现场有广告牌",
            at=local(2026, 6, 4, 10, 0),
        )
    with pytest.raises(CaseError, match="Every officer named"):
        services.record_investigation(
            case=case,
            by=world.officer,
            kind=RecordKind.SITE_INSPECTION,
            officers=[world.officer, world.officer3],
            started_at=local(2026, 6, 4, 9, 0),
            ended_at=local(2026, 6, 4, 9, 30),
            place="人民路1号",
            content="现场有广告牌",
            at=local(2026, 6, 4, 10, 0),
        )
    record = services.record_investigation(
        case=case,
        by=world.officer,
        kind=RecordKind.SITE_INSPECTION,
        officers=[world.officer, world.officer2],
        started_at=local(2026, 6, 4, 9, 0),
        ended_at=local(2026, 6, 4, 9, 30),
        place="人民路1号",
        content="现场有广告牌约6平方米",
        weather="晴",
        photos=[photo],
        at=local(2026, 6, 4, 10, 0),
    )
    item = record.evidence.get()
    assert item.sha256 == hashlib.sha256(b"\xff\xd8\xff fake jpeg bytes").hexdigest()
    assert item.file.read() == b"\xff\xd8\xff fake jpeg bytes"
    assert record.document.doc_type == "enf_inspection"
    # the same file again is the same evidence item, not a second one
    again = services.add_evidence(
        case=case,
        by=world.officer,
        kind="audiovisual",
        title="again",
        file=SimpleUploadedFile("x.jpg", b"\xff\xd8\xff fake jpeg bytes"),
        at=local(2026, 6, 4, 11, 0),
    )
    assert again.pk == item.pk and case.evidence.count() == 1
    # an interviewee's ID number is validated
    with pytest.raises(CaseError, match="identity"):
        services.record_investigation(
            case=case,
            by=world.officer,
            kind=RecordKind.INTERVIEW,
            officers=[world.officer, world.officer2],
            started_at=local(2026, 6, 4, 9, 0),
            ended_at=local(2026, 6, 4, 9, 30),
            place="队部",
            content="问：……",
            subject_name="张伟",
            subject_id_number="110105194912310021",
            at=local(2026, 6, 4, 10, 0),
        )
    # a second officer's case: an officer of another squad cannot record on it
    with pytest.raises(CaseError, match="not in your area"):
        services.add_evidence(
            case=case, by=world.outsider, kind="documentary", title="x", at=local(2026, 6, 4, 11, 0)
        )


def test_preservation_is_decided_within_seven_working_days_and_sealing_extends_once(world):
    case = registered(world)
    measure = services.request_measure(
        case=case,
        by=world.officer,
        kind="preservation",
        items="广告牌1块",
        storage_place="中队仓库",
        reason="防止灭失",
        at=local(2026, 9, 28, 9, 0),
    )
    with pytest.raises(CaseError, match="Only the head"):
        services.approve_measure(measure=measure, by=world.officer, at=local(2026, 9, 28, 10, 0))
    services.approve_measure(measure=measure, by=world.head, at=local(2026, 9, 28, 10, 0))
    assert deadline(case, measure.deadline_kind).due_date == day(2026, 10, 13)
    with pytest.raises(CaseError, match="cannot be extended"):
        services.extend_measure(measure=measure, by=world.head, at=local(2026, 9, 29, 9, 0))
    sealing = services.request_measure(
        case=case,
        by=world.officer,
        kind="sealing",
        items="设备",
        storage_place="原地",
        reason="r",
        at=local(2026, 9, 8, 9, 0),
    )
    services.approve_measure(measure=sealing, by=world.head, at=local(2026, 9, 8, 10, 0))
    assert deadline(case, sealing.deadline_kind).due_date == day(2026, 10, 8)
    services.extend_measure(measure=sealing, by=world.head, at=local(2026, 10, 1, 9, 0))
    assert deadline(case, sealing.deadline_kind).due_date == day(2026, 11, 9)


def test_a_fine_outside_the_band_needs_reason_review_and_discussion(world):
    case = registered(world)
    with pytest.raises(CaseError, match="outside the band") as refused:
        services.propose_penalty(
            case=case,
            by=world.officer,
            band=world.bands["general"],
            fine="8000",
            facts="f",
            at=local(2026, 6, 10, 9, 0),
        )
    assert refused.value.code == "outside_band" and "deviation_reason" in refused.value.field_errors
    assert case.proposals.count() == 0
    proposal = services.propose_penalty(
        case=case,
        by=world.officer,
        band=world.bands["general"],
        fine="8000",
        facts="f",
        deviation_reason="拒不改正，影响恶劣",
        at=local(2026, 6, 10, 9, 0),
    )
    assert proposal.outside_band
    services.conclude_investigation(
        case=case, by=world.head, choice=HeadChoice.PENALTY, report="r", at=local(2026, 6, 10, 10, 0)
    )
    services.serve_advance_notice(
        case=case, by=world.officer, served_at=local(2026, 6, 11, 9, 0), at=local(2026, 6, 11, 9, 0)
    )
    at = local(2026, 6, 22, 9, 0)
    with pytest.raises(CaseError, match="passed legal review") as refused:
        services.decide_penalty(case=case, by=world.head, at=at)
    assert refused.value.code == "legal_review" and "outside the discretion band" in refused.value.message
    passed_review(world, case, at)
    with pytest.raises(CaseError, match="collective discussion"):
        services.decide_penalty(case=case, by=world.head, at=at)
    services.record_collective_discussion(
        case=case,
        by=world.head,
        held_at=at,
        place="局会议室",
        heads_present="局长、副局长",
        presenter="李建国",
        opinions="同意",
        conclusion="同意从重处罚8000元",
        at=at,
    )
    services.decide_penalty(case=case, by=world.head, at=at)
    case.refresh_from_db()
    assert case.status == S.DECIDED and case.fine_amount == Decimal("8000.00")
    assert case.decision_number == "青综执罚〔2026〕1号"


def test_a_reduced_fine_below_the_band_needs_a_legal_ground(world):
    case = registered(world)
    with pytest.raises(CaseError, match="legal ground"):
        services.propose_penalty(
            case=case,
            by=world.officer,
            band=world.bands["general"],
            fine="500",
            facts="f",
            deviation_reason="主动消除",
            at=local(2026, 6, 10, 9, 0),
        )


def test_a_decision_needs_a_required_legal_review(world):
    # the version in force is immutable; this test sets the flag underneath it
    type(world.version).objects.filter(pk=world.version.pk).update(legal_review_required=True)
    world.version.refresh_from_db()
    case = notified(world, served_at=local(2026, 6, 15, 9, 0))
    with pytest.raises(CaseError, match="power list requires it"):
        services.decide_penalty(case=case, by=world.head, at=local(2026, 6, 23, 9, 0))
    # a returned review does not open the decision, and a review must find every point
    findings = {
        k: {"ok": True} for k in ("body", "facts", "basis", "procedure", "powers", "documents", "judiciary")
    }
    services.record_legal_review(
        case=case,
        by=world.reviewer,
        findings={**findings, "facts": {"ok": False, "note": "证据不足"}},
        outcome="returned",
        opinion="补充证据",
        at=local(2026, 6, 23, 9, 0),
    )
    with pytest.raises(CaseError, match="legal review"):
        services.decide_penalty(case=case, by=world.head, at=local(2026, 6, 23, 10, 0))
    with pytest.raises(CaseError, match="every point"):
        services.record_legal_review(
            case=case,
            by=world.reviewer,
            findings={**findings, "facts": {"ok": False}},
            outcome="passed",
            opinion="o",
            at=local(2026, 6, 23, 11, 0),
        )
    with pytest.raises(CaseError, match="every review point"):
        services.record_legal_review(
            case=case,
            by=world.reviewer,
            findings={"body": {"ok": True}},
            outcome="passed",
            opinion="o",
            at=local(2026, 6, 23, 11, 0),
        )
    # an officer of the case cannot review it
    with pytest.raises(CaseError, match="Only a legal reviewer"):
        services.record_legal_review(
            case=case,
            by=world.officer,
            findings=findings,
            outcome="passed",
            opinion="o",
            at=local(2026, 6, 23, 11, 0),
        )
    passed_review(world, case, local(2026, 6, 23, 12, 0))
    services.decide_penalty(case=case, by=world.head, at=local(2026, 6, 23, 13, 0))
    case.refresh_from_db()
    assert case.status == S.DECIDED


def test_a_first_time_reviewer_needs_the_legal_qualification(world):
    world.reviewer.enforcement_credentials.update(legal_qualification="")
    case = proposed(world)
    findings = {
        k: {"ok": True} for k in ("body", "facts", "basis", "procedure", "powers", "documents", "judiciary")
    }
    with pytest.raises(CaseError, match="national legal professional qualification"):
        services.record_legal_review(
            case=case,
            by=world.reviewer,
            findings=findings,
            outcome="passed",
            opinion="o",
            at=local(2026, 6, 20, 9, 0),
        )


def test_a_heavier_penalty_than_notified_is_refused_until_a_new_notice(world):
    case = notified(world, served_at=local(2026, 6, 15, 9, 0), fine="3000")
    services.propose_penalty(
        case=case,
        by=world.officer,
        band=world.bands["general"],
        fine="4500",
        facts="f",
        at=local(2026, 6, 23, 9, 0),
    )
    case.refresh_from_db()
    assert case.status == S.PROPOSED
    with pytest.raises(CaseError, match="heavier than the one in the advance notice") as refused:
        services.decide_penalty(case=case, by=world.head, at=local(2026, 6, 23, 10, 0))
    assert refused.value.code == "heavier"
    blockers = dict(services.decision_blockers(case, local(2026, 6, 23, 10, 0)))
    assert "heavier" in blockers
    assert case.decision_document_id is None
    # the new notice of the heavier penalty makes it decidable
    services.propose_penalty(
        case=case,
        by=world.officer,
        band=world.bands["general"],
        fine="4500",
        facts="f",
        at=local(2026, 6, 24, 9, 0),
    )
    services.serve_advance_notice(
        case=case, by=world.officer, served_at=local(2026, 6, 24, 10, 0), at=local(2026, 6, 24, 10, 0)
    )
    services.decide_penalty(case=case, by=world.head, at=local(2026, 6, 25, 9, 0))
    case.refresh_from_db()
    assert case.decided_proposal.fine == Decimal("4500.00")


def test_a_hearing_request_on_the_sixth_working_day_is_refused(world):
    case = notified(
        world,
        served_at=local(2026, 9, 30, 15, 0),
        fine="15000",
        band="severe",
        at=local(2026, 9, 1, 10, 0),
        other_penalties="责令停产停业三日",
    )
    assert deadline(case, "hearing-request").due_date == day(2026, 10, 13)
    with pytest.raises(CaseError, match="by Oct. 13, 2026") as refused:
        services.request_hearing(
            case=case, by=world.officer, requested_at=local(2026, 10, 14, 9, 0), at=local(2026, 10, 14, 9, 0)
        )
    assert refused.value.code == "hearing_request_late"
    # the decision waits while the party may still ask
    with pytest.raises(CaseError, match="may still request a hearing"):
        services.decide_penalty(case=case, by=world.head, at=local(2026, 10, 12, 9, 0))
    hearing = services.request_hearing(
        case=case, by=world.officer, requested_at=local(2026, 10, 13, 16, 0), at=local(2026, 10, 13, 16, 0)
    )
    assert hearing.pk and case.suspensions.get().kind == SuspensionKind.HEARING
    # notice 7 working days ahead, by a presider who did not investigate
    with pytest.raises(CaseError, match="Oct. 22, 2026 at the earliest"):
        services.notify_hearing(
            case=case,
            by=world.officer,
            scheduled_at=local(2026, 10, 21, 9, 0),
            place="局听证室",
            presider=world.officer3,
            notified_at=local(2026, 10, 13, 17, 0),
            at=local(2026, 10, 13, 17, 0),
        )
    with pytest.raises(CaseError, match="presider"):
        services.notify_hearing(
            case=case,
            by=world.officer,
            scheduled_at=local(2026, 10, 22, 9, 0),
            place="局听证室",
            presider=world.officer2,
            notified_at=local(2026, 10, 13, 17, 0),
            at=local(2026, 10, 13, 17, 0),
        )
    services.notify_hearing(
        case=case,
        by=world.officer,
        scheduled_at=local(2026, 10, 22, 9, 0),
        place="局听证室",
        presider=world.officer3,
        notified_at=local(2026, 10, 13, 17, 0),
        at=local(2026, 10, 13, 17, 0),
    )
    services.hold_hearing(
        case=case,
        by=world.officer,
        held_at=local(2026, 10, 22, 9, 0),
        record="当事人陈述……",
        at=local(2026, 10, 22, 12, 0),
    )
    case.refresh_from_db()
    assert case.status == S.HEARD
    # registered 1 Sep: 90 days -> 30 Nov; the hearing (13 -> 22 Oct) is not counted: + 9 days -> 9 Dec
    assert deadline(case, "decision").due_date == day(2026, 12, 9)
    # a decision after a hearing needs a legal review (and the fine is large anyway)
    with pytest.raises(CaseError, match="a hearing was held"):
        services.decide_penalty(case=case, by=world.head, at=local(2026, 10, 23, 9, 0))


def test_a_penalty_without_a_hearing_right_cannot_ask_for_one(world):
    case = notified(world, served_at=local(2026, 6, 15, 9, 0), fine="3000")
    with pytest.raises(CaseError, match="right to a hearing"):
        services.request_hearing(case=case, by=world.officer, at=local(2026, 6, 16, 9, 0))


def test_a_decision_on_day_91_without_an_extension_is_refused(world):
    case = notified(world, served_at=local(2026, 6, 15, 9, 0), fine="3000", at=local(2026, 6, 3, 10, 0))
    assert deadline(case, "decision").due_date == day(2026, 9, 1)
    with pytest.raises(CaseError, match="by Sept. 1, 2026") as refused:
        services.decide_penalty(case=case, by=world.head, at=local(2026, 9, 2, 9, 0))
    assert refused.value.code == "decision_limit"
    with pytest.raises(CaseError, match="can no longer be extended"):
        services.extend_decision_limit(
            case=case, by=world.head, days=30, reason="r", at=local(2026, 9, 2, 9, 0)
        )


def test_the_decision_limit_extends_by_thirty_days_then_only_by_collective_discussion(world):
    case = notified(world, served_at=local(2026, 6, 15, 9, 0), fine="3000", at=local(2026, 6, 3, 10, 0))
    services.extend_decision_limit(
        case=case, by=world.head, days=30, reason="案情复杂", at=local(2026, 8, 31, 9, 0)
    )
    # 120 days from 3 June: 1 Oct, National Day -> 8 Oct
    assert deadline(case, "decision").due_date == day(2026, 10, 8)
    with pytest.raises(CaseError, match="collective discussion") as refused:
        services.extend_decision_limit(
            case=case, by=world.head, days=10, reason="r", at=local(2026, 9, 30, 9, 0)
        )
    assert refused.value.code == "extension_limit"
    services.record_collective_discussion(
        case=case,
        by=world.head,
        held_at=local(2026, 9, 30, 9, 0),
        place="会议室",
        heads_present="局长",
        presenter="李",
        opinions="o",
        conclusion="延长30日",
        extension_days=30,
        at=local(2026, 9, 30, 9, 0),
    )
    services.extend_decision_limit(
        case=case, by=world.head, days=30, reason="集体讨论决定", at=local(2026, 9, 30, 10, 0)
    )
    # 150 days from 3 June: 31 Oct (Sat) -> 2 Nov
    assert deadline(case, "decision").due_date == day(2026, 11, 2)
    services.decide_penalty(case=case, by=world.head, at=local(2026, 10, 30, 9, 0))


def test_testing_time_is_not_counted_towards_the_decision(world):
    case = registered(world, at=local(2026, 6, 3, 10, 0))
    services.suspend(
        case=case, by=world.officer, kind="testing", started_on=day(2026, 6, 10), at=local(2026, 6, 10, 9, 0)
    )
    assert deadline(case, "decision").clock_paused_at is not None
    services.end_suspension(
        case=case, by=world.officer, kind="testing", ended_on=day(2026, 6, 20), at=local(2026, 6, 20, 9, 0)
    )
    # 90 + 10 days from 3 June: 11 Sep (Fri)
    assert deadline(case, "decision").due_date == day(2026, 9, 11)


def full_path(world):
    case = notified(world, served_at=local(2026, 9, 1, 9, 0), fine="3000", at=local(2026, 8, 3, 10, 0))
    services.record_waiver(case=case, by=world.officer, at=local(2026, 9, 2, 9, 0))
    services.decide_penalty(case=case, by=world.head, at=local(2026, 9, 3, 9, 0))
    case.refresh_from_db()
    return case


def test_service_starts_payment_and_late_fees_skip_a_review_period(world):
    case = full_path(world)
    assert deadline(case, "service").due_date == day(2026, 9, 14)  # 7 working days from Thu 3 Sep
    with pytest.raises(CaseError, match="witnesses"):
        services.serve_decision(
            case=case,
            by=world.officer,
            method=ServiceMethod.LEFT,
            recipient="张伟",
            served_at=local(2026, 9, 21, 9, 0),
            at=local(2026, 9, 21, 9, 0),
        )
    record = services.serve_decision(
        case=case,
        by=world.officer,
        method=ServiceMethod.DIRECT,
        recipient="张伟",
        served_at=local(2026, 9, 21, 9, 0),
        place="公司",
        at=local(2026, 9, 21, 9, 0),
    )
    assert record.proof.doc_type == "enf_service"
    case.refresh_from_db()
    assert case.status == S.SERVED and case.pay_by == day(2026, 10, 8)
    assert deadline(case, "payment").due_date == day(2026, 10, 8)
    services.suspend(
        case=case, by=world.officer, kind="review", started_on=day(2026, 10, 10), at=local(2026, 10, 10, 9, 0)
    )
    services.end_suspension(
        case=case, by=world.officer, kind="review", ended_on=day(2026, 10, 15), at=local(2026, 10, 15, 9, 0)
    )
    assert services.late_fee_on(case, day(2026, 10, 20)) == Decimal("630.00")  # 3000 x 3% x 7
    with pytest.raises(CaseError, match="owes 3,630.00 yuan"):
        services.record_payment(
            case=case,
            by=world.officer,
            paid_on=day(2026, 10, 20),
            amount="3000",
            at=local(2026, 10, 20, 9, 0),
        )
    services.record_payment(
        case=case, by=world.officer, paid_on=day(2026, 10, 20), amount="3630", at=local(2026, 10, 20, 9, 0)
    )
    services.publish_decision(case=case, by=world.officer, at=local(2026, 10, 20, 10, 0))
    services.request_closing(case=case, by=world.officer, reason="罚款已缴清", at=local(2026, 10, 21, 9, 0))
    services.approve_closing(case=case, by=world.head, at=local(2026, 10, 21, 10, 0))
    services.archive_case(case=case, by=world.officer, at=local(2026, 10, 22, 9, 0))
    case.refresh_from_db()
    assert case.status == S.ARCHIVED and not open_deadlines(case).exists()
    actions = list(
        TimelineEntry.objects.filter(object_id=case.pk, content_type__model="enforcementcase")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    for expected in (
        "clue",
        "register",
        "propose",
        "notify",
        "waive",
        "decide",
        "serve",
        "payment",
        "publish",
        "close",
        "archive",
    ):
        assert expected in actions


def test_public_notice_service_counts_thirty_days_after_publication(world):
    case = full_path(world)
    services.serve_decision(
        case=case,
        by=world.officer,
        method=ServiceMethod.PUBLIC_NOTICE,
        recipient="张伟",
        published_on=day(2026, 9, 4),
        at=local(2026, 9, 4, 9, 0),
    )
    case.refresh_from_db()
    # 4 Sep + 30 days = 4 Oct (holiday) -> 8 Oct; payment 15 days -> 23 Oct
    assert case.served_at.astimezone(local(2026, 1, 1).tzinfo).date() == day(2026, 10, 8)
    assert case.pay_by == day(2026, 10, 23)


def test_closing_refused_while_the_fine_is_unpaid_and_the_court_route(world):
    case = full_path(world)
    services.serve_decision(
        case=case,
        by=world.officer,
        method=ServiceMethod.DIRECT,
        recipient="张伟",
        served_at=local(2026, 1, 5, 9, 0) + timedelta(days=240),
        at=local(2026, 9, 21, 9, 0),
    )
    with pytest.raises(CaseError, match="not been paid"):
        services.request_closing(case=case, by=world.officer, reason="r", at=local(2026, 9, 22, 9, 0))
    with pytest.raises(CaseError, match="reminder first"):
        services.apply_to_court(
            case=case, by=world.head, applied_on=day(2027, 4, 1), at=local(2027, 4, 1, 9, 0)
        )


def test_revoking_a_published_decision_opens_the_three_day_withdrawal(world):
    case = full_path(world)
    services.publish_decision(case=case, by=world.officer, at=local(2026, 9, 29, 9, 0))
    services.revoke_decision(case=case, by=world.head, reason="复议决定撤销", at=local(2026, 9, 30, 9, 0))
    case.refresh_from_db()
    assert case.status == S.REVOKED and case.decision_document.is_revoked
    assert deadline(case, "withdrawal").due_date == day(2026, 10, 10)
    services.withdraw_publication(
        case=case, by=world.head, reason="复议决定撤销", at=local(2026, 10, 9, 9, 0)
    )
    publication = Publication.objects.get(case=case)
    assert publication.withdrawn_at and publication.withdrawal_reason == "复议决定撤销"


def test_no_penalty_for_a_first_offence_needs_education_and_refuses_repeat_offenders(world):
    first = full_path(world)  # a decided penalty against the entity for this matter
    case = registered(world)
    services.propose_penalty(
        case=case,
        by=world.officer,
        band=world.bands["minor"],
        fine="100",
        facts="f",
        at=local(2026, 6, 10, 9, 0),
    )
    case.refresh_from_db()
    assert case.is_repeat_offence or services._is_repeat(case)
    with pytest.raises(CaseError, match="not a first offence"):
        services.conclude_investigation(
            case=case,
            by=world.head,
            choice=HeadChoice.NO_PENALTY_MINOR,
            report="r",
            education_record="e",
            at=local(2026, 6, 11, 9, 0),
        )
    assert first.status == S.DECIDED


def test_no_penalty_decision_for_a_person(world):
    case = registered(world, person=True)
    with pytest.raises(CaseError, match="educated"):
        services.conclude_investigation(
            case=case,
            by=world.head,
            choice=HeadChoice.NO_PENALTY_MINOR,
            report="首次违法，及时改正",
            at=local(2026, 6, 11, 9, 0),
        )
    services.conclude_investigation(
        case=case,
        by=world.head,
        choice=HeadChoice.NO_PENALTY_MINOR,
        report="首次违法，及时改正",
        education_record="当场宣讲法规，当事人签字",
        at=local(2026, 6, 11, 9, 0),
    )
    case.refresh_from_db()
    assert case.status == S.DECIDED and case.decision_document.doc_type == "enf_no_penalty"
    assert case.decision_number == "青综执不罚〔2026〕1号"


def test_facts_not_established_and_transfer_go_to_closing(world):
    case = registered(world)
    services.conclude_investigation(
        case=case,
        by=world.head,
        choice=HeadChoice.NOT_ESTABLISHED,
        report="证据不足",
        at=local(2026, 6, 11, 9, 0),
    )
    case.refresh_from_db()
    assert case.status == S.CLOSING
    other = registered(world)
    services.conclude_investigation(
        case=other, by=world.head, choice=HeadChoice.TRANSFER, report="涉嫌犯罪", at=local(2026, 6, 11, 9, 0)
    )
    other.refresh_from_db()
    assert other.status == S.TRANSFERRED


def test_a_refused_move_says_both_states(world):
    case = clue(world)
    with pytest.raises(CaseNotPossible, match="cannot become"):
        services.request_closing(case=case, by=world.officer, reason="r", at=local(2026, 6, 2, 9, 0))


def test_a_lighter_change_after_the_defence_needs_no_new_notice(world):
    case = notified(world, served_at=local(2026, 6, 15, 9, 0), fine="3000")
    services.propose_penalty(
        case=case,
        by=world.officer,
        band=world.bands["general"],
        fine="2000",
        facts="当事人申辩后从轻",
        at=local(2026, 6, 23, 9, 0),
    )
    case.refresh_from_db()
    assert case.status == S.NOTIFIED
    services.decide_penalty(case=case, by=world.head, at=local(2026, 6, 23, 10, 0))
    case.refresh_from_db()
    assert case.decided_proposal.fine == Decimal("2000.00")


def test_on_the_spot_decision_within_the_summary_limits(world):
    kwargs = {
        "department": world.squad,
        "by": world.officer,
        "power_version": world.version,
        "band": world.bands["minor"],
        "facts": "乱张贴",
        "place": "人民路",
        "at": local(2026, 6, 5, 9, 0),
    }
    with pytest.raises(CaseError, match="at most 200 yuan") as refused:
        services.decide_on_the_spot(
            form_number="No.0001",
            fine="201",
            person_name_="王小明",
            id_number="11010519491231002X",
            **{**kwargs, "band": world.bands["general"]},
        )
    assert refused.value.code == "summary_limit"
    assert not EnforcementCase.objects.exists()
    case = services.decide_on_the_spot(
        form_number="No.0001", fine="200", person_name_="王小明", id_number="11010519491231002X", **kwargs
    )
    assert case.status == S.SERVED and case.decision_document.doc_type == "enf_on_the_spot"
    assert deadline(case, "filing").due_date == day(2026, 6, 9)
    with pytest.raises(CaseError, match="already been used"):
        services.decide_on_the_spot(
            form_number="No.0001", fine="50", person_name_="王小明", id_number="11010519491231002X", **kwargs
        )
    services.file_on_the_spot(case=case, by=world.head, at=local(2026, 6, 8, 9, 0))
    case.refresh_from_db()
    assert case.filed_at is not None


def test_an_organisation_may_be_fined_up_to_3000_on_the_spot(world):
    band = world.bands["general"]
    case = services.decide_on_the_spot(
        department=world.squad,
        by=world.officer,
        power_version=world.version,
        band=band,
        facts="f",
        place="p",
        form_number="No.0002",
        fine="3000",
        entity=world.entity,
        at=local(2026, 6, 5, 9, 0),
    )
    assert case.fine_amount == Decimal("3000.00")


def test_a_deferral_moves_the_payment_date_and_the_late_fee_starts_after_it(world):
    case = full_path(world)
    services.serve_decision(
        case=case,
        by=world.officer,
        method=ServiceMethod.DIRECT,
        recipient="张伟",
        served_at=local(2026, 9, 21, 9, 0),
        at=local(2026, 9, 21, 9, 0),
    )
    with pytest.raises(CaseError, match="must come after"):
        services.approve_deferral(
            case=case, by=world.head, until=day(2026, 10, 1), reason="经营困难", at=local(2026, 9, 28, 9, 0)
        )
    with pytest.raises(CaseError, match="Only the head"):
        services.approve_deferral(
            case=case,
            by=world.officer,
            until=day(2026, 11, 9),
            reason="经营困难",
            at=local(2026, 9, 28, 9, 0),
        )
    services.approve_deferral(
        case=case, by=world.head, until=day(2026, 11, 9), reason="经营困难", at=local(2026, 9, 28, 9, 0)
    )
    case.refresh_from_db()
    assert case.pay_by == day(2026, 11, 9) and deadline(case, "payment").due_date == day(2026, 11, 9)
    assert services.late_fee_on(case, day(2026, 11, 9)) == Decimal("0.00")
    assert services.late_fee_on(case, day(2026, 11, 11)) == Decimal("180.00")  # 2 days x 90 yuan


def test_an_overdue_deadline_warns_the_officers_through_the_kernel_sweep(world):
    from township.casework.sweep import sweep_warning_levels  # noqa: PLC0415 - only this test sweeps
    from township.notify.models import InboxItem  # noqa: PLC0415 - same

    case = clue(world, at=local(2026, 9, 21, 9, 0))
    sweep_warning_levels(now=local(2026, 10, 20, 9, 0))  # the clue check ended on 19 Oct
    assert deadline(case, "clue-check").warning_level == 2
    assert InboxItem.objects.filter(user=world.officer).exists()
