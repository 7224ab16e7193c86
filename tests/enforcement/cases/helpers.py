"""Walk a case to a stage through the services (each step as a user would take it)."""

from datetime import date, timedelta

from enforcement.cases import services
from enforcement.models.cases import CaseSource, HeadChoice

from .conftest import PERSON_ID, local


def clue(world, *, at=None, discovered_on=None, act_ended_on=None, **facts):
    at = at or local(2026, 6, 1, 9, 0)
    return services.create_clue(
        township=world.township,
        department=world.squad,
        source=CaseSource.PATROL,
        summary="人民路1号门前擅自设置户外广告牌约6平方米",
        place="青山镇人民路1号",
        discovered_on=discovered_on or at.date(),
        act_ended_on=act_ended_on or at.date() - timedelta(days=3),
        by=world.officer,
        at=at,
        **facts,
    )


def registered(world, *, at=None, person=False, **facts):
    at = at or local(2026, 6, 3, 10, 0)
    case = clue(world, at=at - timedelta(hours=1), **facts)
    services.assign_officer(case=case, officer=world.officer, by=world.officer, is_lead=True, at=at)
    services.assign_officer(case=case, officer=world.officer2, by=world.officer, at=at)
    if person:
        services.set_party(
            case=case,
            by=world.officer,
            person_name_="王小明",
            id_number=PERSON_ID,
            phone="13800000001",
            address="青山镇幸福村3组",
            at=at,
        )
    else:
        services.set_party(case=case, by=world.officer, entity=world.entity, at=at)
    services.request_registration(
        case=case,
        by=world.officer,
        power_version=world.version,
        cause="擅自设置户外广告",
        opinion="建议立案",
        prima_facie=True,
        penalty_due=True,
        in_jurisdiction=True,
        at=at,
    )
    return services.approve_registration(case=case, by=world.head, at=at)


def proposed(world, *, at=None, fine="3000", band="general", **kwargs):
    case = registered(world, **({"at": at} if at else {}))
    services.propose_penalty(
        case=case,
        by=world.officer,
        band=world.bands[band],
        fine=fine,
        facts="经查，当事人未经批准设置户外广告牌6平方米。",
        at=(at or local(2026, 6, 3, 10, 0)) + timedelta(days=10),
        **kwargs,
    )
    services.conclude_investigation(
        case=case,
        by=world.head,
        choice=HeadChoice.PENALTY,
        report="事实清楚，证据确凿，建议处罚。",
        at=(at or local(2026, 6, 3, 10, 0)) + timedelta(days=11),
    )
    case.refresh_from_db()
    return case


def notified(world, *, served_at, **kwargs):
    case = proposed(world, **kwargs)
    return services.serve_advance_notice(case=case, by=world.officer, served_at=served_at, at=served_at)


def passed_review(world, case, at):
    findings = {
        key: {"ok": True}
        for key in ("body", "facts", "basis", "procedure", "powers", "documents", "judiciary")
    }
    return services.record_legal_review(
        case=case, by=world.reviewer, findings=findings, outcome="passed", opinion="同意", at=at
    )


def day(y, m, d):
    return date(y, m, d)
