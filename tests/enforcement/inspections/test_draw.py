"""The draw: reproducible from snapshot and seed, ratios per stratum, conflicts, teams, redraws, tampering."""

import math
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from enforcement.inspections import algorithm
from enforcement.inspections.services import (
    InspectionError,
    declare_conflict,
    draw_plan,
    prepare_draw,
    verify_draw,
)
from enforcement.models import Draw, InspectionTask, TaskStatus
from tests.enforcement.inspections.helpers import Bureau
from township.entities.models import LicenceStatus
from township.errors import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau():
    return Bureau()


def test_the_same_snapshot_and_seed_give_the_same_draw_and_another_seed_another(bureau):
    draw = draw_plan(plan=bureau.plan(), by=bureau.head)
    again = algorithm.draw(draw.snapshot, draw.seed)
    assert again == draw.result
    assert algorithm.draw(draw.snapshot, "0" * 64) != draw.result
    # the documented recipe, written out independently of the module's helpers
    import hashlib
    import hmac

    high = draw.snapshot["strata"][0]
    ranked = sorted(
        high["entities"],
        key=lambda c: hmac.new(draw.seed.encode(), f"entity:{c}".encode(), hashlib.sha256).hexdigest(),
    )
    assert [e["code"] for e in draw.result["entities"] if e["stratum"] == "高风险"] == ranked[:5]
    assert hashlib.sha256(algorithm.canonical(draw.snapshot)).hexdigest() == draw.snapshot_hash


def test_a_given_public_seed_reproduces_across_plans_with_the_same_lists(bureau):
    seed = "2026-03-15 福彩3D 第2026068期 开奖号 3 7 1"
    first = draw_plan(plan=bureau.plan(code="A"), by=bureau.head, seed=seed)
    second = draw_plan(plan=bureau.plan(code="B"), by=bureau.head, seed=seed)
    assert first.result == second.result


def test_ratios_per_stratum_are_met_and_only_active_entities_of_the_matter_are_candidates(bureau):
    closed = bureau.entities[0]
    closed.licence_status = LicenceStatus.DEREGISTERED
    closed.save()
    other_industry = bureau.entities[1]
    other_industry.industry_code = "F5212"
    other_industry.save()
    draw = draw_plan(plan=bureau.plan(), by=bureau.head)
    high, rest = draw.snapshot["strata"]
    assert len(high["entities"]) == 8  # 10 high-risk, one closed, one in another industry
    assert len(rest["entities"]) == 50
    counts = {"高风险": 0, "其他": 0}
    for row in draw.result["entities"]:
        counts[row["stratum"]] += 1
    assert counts == {"高风险": math.ceil(8 * 0.5), "其他": math.ceil(50 * 0.1)}
    assert closed.credit_code not in str(draw.snapshot) and other_industry.credit_code not in str(
        draw.snapshot
    )
    assert InspectionTask.objects.filter(draw=draw).count() == 9


def test_every_team_has_two_inspectors_and_none_with_a_declared_conflict(bureau):
    plan = bureau.plan(strata=(("全部", "", 100),))
    # five of six inspectors declare a conflict with the first entity: the team is the remaining... too few
    target = bureau.entities[0]
    for inspector in bureau.inspectors[:4]:
        declare_conflict(inspector=inspector, entity=target, reason="近亲属任该企业股东")
    draw = draw_plan(plan=plan, by=bureau.head)
    conflicted = {i.code for i in bureau.inspectors[:4]}
    for task in InspectionTask.objects.filter(draw=draw).prefetch_related("inspectors"):
        team = {i.code for i in task.inspectors.all()}
        assert len(team) == 2
        if task.entity_id == target.pk:
            assert team == {i.code for i in bureau.inspectors[4:]}
            assert not team & conflicted
    assert [target.credit_code, bureau.inspectors[0].code] in draw.snapshot["conflicts"]


def test_a_draw_without_enough_unconflicted_inspectors_is_refused_and_writes_nothing(bureau):
    plan = bureau.plan(strata=(("全部", "", 100),))
    for inspector in bureau.inspectors[:5]:
        declare_conflict(inspector=inspector, entity=bureau.entities[3], reason="曾处理该企业案件")
    with pytest.raises(InspectionError) as refused:
        draw_plan(plan=plan, by=bureau.head)
    assert "only 1 inspectors without a conflict" in refused.value.message
    assert not Draw.objects.exists() and not InspectionTask.objects.exists()


def test_a_team_size_below_two_is_refused_by_the_model(bureau):
    from django.core.exceptions import ValidationError

    plan = bureau.plan()
    plan.team_size = 1
    with pytest.raises(ValidationError):
        plan.full_clean()


def test_a_redraw_needs_a_reason_and_keeps_the_first_draw(bureau):
    plan = bureau.plan()
    first = draw_plan(plan=plan, by=bureau.head)
    first_result = first.result
    with pytest.raises(InspectionError) as refused:
        draw_plan(plan=plan, by=bureau.head)
    assert "reason" in refused.value.field_errors
    second = draw_plan(plan=plan, by=bureau.head, reason="抽中企业名单录入错误，经局务会同意重新抽取")
    first.refresh_from_db()
    assert first.result == first_result and first.is_superseded
    assert second.replaces == first and second.number == 2 and "局务会" in second.reason
    assert not InspectionTask.objects.filter(draw=first, status=TaskStatus.OPEN).exists()
    assert InspectionTask.objects.filter(draw=second, status=TaskStatus.OPEN).count() == len(
        second.result["entities"]
    )
    assert verify_draw(first) == [] and verify_draw(second) == []


def test_draws_cannot_be_changed_or_deleted_through_the_orm(bureau):
    draw = draw_plan(plan=bureau.plan(), by=bureau.head)
    draw.seed = "f" * 64
    with pytest.raises(ValueError, match="append-only"):
        draw.save()
    with pytest.raises(ValueError, match="never deleted"):
        draw.delete()


def test_the_seed_and_snapshot_are_stored_before_the_result(bureau):
    plan = bureau.plan()
    prepared = prepare_draw(plan=plan, by=bureau.head)
    assert prepared.result is None and len(prepared.seed) == 64 and prepared.snapshot_hash
    with pytest.raises(Conflict):
        prepare_draw(plan=plan, by=bureau.head, reason="再抽")
    from enforcement.inspections.services import perform_draw

    done = perform_draw(draw=prepared, by=bureau.head)
    assert done.seed == prepared.seed and done.seed_recorded_at <= done.drawn_at
    assert perform_draw(draw=prepared, by=bureau.head).result == done.result  # a retry draws nothing new
    assert InspectionTask.objects.count() == len(done.result["entities"])


def test_someone_outside_the_department_cannot_draw(bureau):
    other = Bureau()
    with pytest.raises(InspectionError):
        draw_plan(plan=bureau.plan(), by=other.head)


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE enforcement_draw SET seed = %s WHERE id = %s",
        "UPDATE enforcement_draw SET result = jsonb_set(result::jsonb, '{entities,0,code}', to_jsonb(%s::text)) WHERE id = %s",
        "UPDATE enforcement_draw SET snapshot = jsonb_set(snapshot::jsonb, '{team_size}', to_jsonb(length(%s))) WHERE id = %s",
        "UPDATE enforcement_draw SET reason = %s WHERE id = %s",
    ],
)
def test_the_command_verifies_a_draw_and_detects_tampering(bureau, sql):
    draw = draw_plan(plan=bureau.plan(), by=bureau.head)
    out = StringIO()
    call_command("verify_draw", draw.pk, stdout=out)
    assert f"draw {draw.pk}" in out.getvalue() and "OK" in out.getvalue()
    _tamper(sql, ["abc", draw.pk])
    out = StringIO()
    with pytest.raises(CommandError, match="failed verification"):
        call_command("verify_draw", draw.pk, stdout=out)
    assert "FAILED" in out.getvalue()


def test_swapping_a_team_member_in_the_tasks_is_detected(bureau):
    draw = draw_plan(plan=bureau.plan(), by=bureau.head)
    task = InspectionTask.objects.filter(draw=draw).first()
    outsider = next(i for i in bureau.inspectors if i not in task.inspectors.all())
    task.inspectors.remove(task.inspectors.first())
    task.inspectors.add(outsider)
    assert any("tasks do not match" in p for p in verify_draw(Draw.objects.get(pk=draw.pk)))


def test_a_draw_made_with_version_1_still_verifies_and_new_draws_use_version_2(bureau, monkeypatch):
    monkeypatch.setattr(algorithm, "ALGORITHM", algorithm.ALGORITHM_V1)
    old = draw_plan(plan=bureau.plan(code="OLD"), by=bureau.head)
    monkeypatch.undo()
    assert old.algorithm == "hmac-sha256-rank/1" and verify_draw(old) == []
    new = draw_plan(plan=bureau.plan(code="NEW"), by=bureau.head)
    assert new.algorithm == "hmac-sha256-rank/2" and verify_draw(new) == []


def test_a_plan_requiring_a_leader_gets_one_on_every_team(bureau):
    leader = bureau.inspectors[4]
    leader.is_leader = True
    leader.save()
    plan = bureau.plan(requires_leader=True)
    draw = draw_plan(plan=plan, by=bureau.head)
    assert draw.snapshot["leaders"] == [leader.code] and draw.snapshot["require_leader"] is True
    assert all(row["team"][0] == leader.code for row in draw.result["entities"])
    assert verify_draw(draw) == []
    declare_conflict(inspector=leader, entity=bureau.entities[0], reason="配偶经营")
    with pytest.raises(InspectionError, match="lead a team"):
        draw_plan(
            plan=bureau.plan(code="C", requires_leader=True, strata=(("全部", "", 100),)), by=bureau.head
        )
