"""Double-random inspections: the registers, drawing a plan (and redrawing with a reason), recording and
publishing results. Every write is here; refusals are InspectionError (a DomainError)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.credit.selectors import credit_grades
from enforcement.credit.services import record_inspection_result
from enforcement.inspections import algorithm, hooks
from enforcement.models import (
    Draw,
    InspectionOutcome,
    InspectionPhoto,
    InspectionPlan,
    InspectionTask,
    Inspector,
    InspectorConflict,
    PlanStatus,
    TaskStatus,
)
from township.calendar.schedule import add_working_days
from township.casework.clock import start_clock, stop_clock
from township.casework.models import LimitUnit
from township.entities.models import LicenceStatus, MarketEntity
from township.errors import Conflict, DomainError
from township.org.roles import Role, has_role
from township.org.scope import in_scope


class InspectionError(DomainError):
    pass


class DrawConflict(Conflict):
    pass


def publish_working_days() -> int:
    """Results are published within this many working days of the check (a local rule; 20 in Hebei)."""
    return int(getattr(settings, "INSPECTION_PUBLISH_WORKING_DAYS", 20))


# --- registers --------------------------------------------------------------------------------------


def declare_conflict(*, inspector: Inspector, entity: MarketEntity, reason: str) -> InspectorConflict:
    reason = (reason or "").strip()
    if not reason or "\x00" in reason:
        raise InspectionError(_("State the conflict of interest."), field_errors={"reason": [_("Required.")]})
    if entity.township_id != inspector.township_id:
        raise InspectionError(_("The entity and the inspector are in different townships."))
    conflict, _created = InspectorConflict.objects.get_or_create(
        inspector=inspector, entity=entity, defaults={"reason": reason}
    )
    return conflict


# --- the snapshot -----------------------------------------------------------------------------------


def _prefixes(text: str) -> list[str]:
    return [p.strip().upper() for p in (text or "").replace("，", ",").split(",") if p.strip()]


def population(plan: InspectionPlan):
    """The entities the plan may draw from: in business, in the township, meeting its filters."""
    entities = MarketEntity.objects.filter(township_id=plan.township_id, licence_status=LicenceStatus.ACTIVE)
    prefixes = _prefixes(plan.industry_codes)
    if not prefixes:
        for matter in plan.matters.all():
            prefixes += _prefixes(matter.industry_codes)
    if prefixes:
        condition = Q()
        for prefix in prefixes:
            condition |= Q(industry_code__startswith=prefix)
        entities = entities.filter(condition)
    grid_ids = list(plan.grids.values_list("pk", flat=True))
    if grid_ids:
        entities = entities.filter(grid_id__in=grid_ids)
    if plan.risk_levels:
        entities = entities.filter(risk_level__in=plan.risk_levels)
    return entities


def eligible_inspectors(plan: InspectionPlan):
    departments = {plan.lead_department_id, *plan.matters.values_list("department_id", flat=True)}
    return Inspector.objects.filter(
        township_id=plan.township_id, department_id__in=departments, is_active=True
    )


def build_snapshot(plan: InspectionPlan) -> dict:
    """The candidate lists, canonical: strata of sorted credit codes, sorted certificate numbers, the
    declared conflicts between them, and the team size (algorithm module docstring)."""
    strata = list(plan.strata.order_by("order", "pk"))
    if not strata:
        raise InspectionError(_("Give the plan at least one stratum with its ratio."))
    rows = list(population(plan).values_list("pk", "credit_code", "risk_level"))
    grades = credit_grades([pk for pk, _code, _risk in rows]) if any(s.credit_grades for s in strata) else {}
    members: list[list[str]] = [[] for _ in strata]
    codes_by_pk = {}
    for pk, code, risk in rows:
        codes_by_pk[pk] = code
        for index, stratum in enumerate(strata):
            if stratum.risk_level and stratum.risk_level != risk:
                continue
            if stratum.credit_grades and grades.get(pk, "") not in stratum.credit_grades.upper():
                continue
            members[index].append(code)
            break
    eligible = list(eligible_inspectors(plan))
    inspectors = {i.pk: i.code for i in eligible}
    conflicts = sorted(
        [codes_by_pk[entity_id], inspectors[inspector_id]]
        for inspector_id, entity_id in InspectorConflict.objects.filter(
            inspector_id__in=list(inspectors), entity_id__in=list(codes_by_pk)
        ).values_list("inspector_id", "entity_id")
    )
    return {
        "plan": plan.code,
        "matters": sorted(plan.matters.values_list("code", flat=True)),
        "team_size": plan.team_size,
        "strata": [
            {"name": stratum.name, "ratio": f"{stratum.ratio_percent:.2f}", "entities": sorted(codes)}
            for stratum, codes in zip(strata, members, strict=True)
        ],
        "inspectors": sorted(inspectors.values()),
        "conflicts": conflicts,
        "leaders": sorted(i.code for i in eligible if i.is_leader),
        "experts": sorted(i.code for i in eligible if i.is_expert),
        "require_leader": plan.requires_leader,
        "require_expert": plan.requires_expert,
    }


def record_hash(draw: Draw) -> str:
    """Seals a draw's record: any change to a stored field changes it."""
    return algorithm.sha256(
        {
            "plan": draw.plan.code,
            "number": draw.number,
            "replaces": draw.replaces.number if draw.replaces_id else None,
            "reason": draw.reason,
            "algorithm": draw.algorithm,
            "seed": draw.seed,
            "seed_recorded_at": draw.seed_recorded_at.isoformat(),
            "snapshot_hash": draw.snapshot_hash,
            "result_hash": draw.result_hash,
            "drawn_by": draw.drawn_by_id,
            "drawn_at": draw.drawn_at.isoformat() if draw.drawn_at else None,
        }
    )


# --- drawing ----------------------------------------------------------------------------------------


def current_draw(plan: InspectionPlan) -> Draw | None:
    return plan.draws.filter(replaced_by__isnull=True).order_by("-number").first()


def may_draw(user, plan: InspectionPlan) -> bool:
    return (
        has_role(user, Role.DEPARTMENT_HEAD, Role.ENFORCEMENT_OFFICER, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN)
        or user.is_superuser
    ) and in_scope(plan, user)


def prepare_draw(*, plan: InspectionPlan, by, reason: str = "", seed: str | None = None) -> Draw:
    """Store the snapshot and the seed (a fresh CSPRNG seed unless one from a public source is given)
    before anything is drawn. A plan that has a draw is redrawn only with a reason."""
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise InspectionError(_("Null characters are not allowed."))
    if seed is not None and (not 16 <= len(seed) <= 128 or not seed.isprintable()):
        raise InspectionError(
            _("Please correct the marked fields."),
            field_errors={"seed": [_("A seed is 16 to 128 printable characters.")]},
        )
    with transaction.atomic():
        plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
        if not may_draw(by, plan):
            raise InspectionError(_("You may not draw this plan."))
        previous = current_draw(plan)
        if previous is not None and previous.result is None:
            raise DrawConflict(_("A draw of this plan is prepared and waiting; perform it first."))
        if previous is not None and not reason:
            raise InspectionError(
                _("This plan has been drawn. A redraw needs a reason, and the first draw is kept."),
                field_errors={"reason": [_("State why the plan is drawn again.")]},
            )
        snapshot = build_snapshot(plan)
        number = (plan.draws.aggregate(n=Max("number"))["n"] or 0) + 1
        return Draw.objects.create(
            township_id=plan.township_id,
            plan=plan,
            number=number,
            replaces=previous,
            reason=reason,
            algorithm=algorithm.ALGORITHM,
            seed=seed or algorithm.new_seed(),
            seed_recorded_at=timezone.now(),
            snapshot=snapshot,
            snapshot_hash=algorithm.sha256(snapshot),
            drawn_by=by,
        )


def perform_draw(*, draw: Draw, by) -> Draw:
    """Run the algorithm on the stored snapshot and seed, seal the record, and create the tasks (the
    tasks of a replaced draw are cancelled, the replaced draw itself stays as it was)."""
    with transaction.atomic():
        draw = Draw.objects.select_for_update(of=("self",)).select_related("plan", "replaces").get(pk=draw.pk)
        if draw.result is not None:
            return draw  # a retried step does not draw twice
        if not may_draw(by, draw.plan):
            raise InspectionError(_("You may not draw this plan."))
        if algorithm.sha256(draw.snapshot) != draw.snapshot_hash:
            raise InspectionError(_("The stored snapshot does not match its hash; the draw is refused."))
        try:
            result = algorithm.draw(draw.snapshot, draw.seed, draw.algorithm)
        except algorithm.DrawImpossible as impossible:
            if impossible.role:
                raise InspectionError(
                    _(
                        "Entity %(code)s has no eligible inspector who may lead a team (or no expert) "
                        "without a conflict; the plan requires one. Mark one in the inspector register."
                    )
                    % {"code": impossible.code}
                ) from None
            raise InspectionError(
                _(
                    "Entity %(code)s has only %(eligible)d inspectors without a conflict; a team needs "
                    "%(needed)d. Add inspectors to the register or lower the team size."
                )
                % {"code": impossible.code, "eligible": impossible.eligible, "needed": impossible.needed}
            ) from None
        draw.result = result
        draw.result_hash = algorithm.sha256(result)
        draw.drawn_at = timezone.now()
        draw.record_hash = record_hash(draw)
        Draw.objects.filter(pk=draw.pk).update(
            result=draw.result,
            result_hash=draw.result_hash,
            drawn_at=draw.drawn_at,
            record_hash=draw.record_hash,
        )
        if draw.replaces_id:
            InspectionTask.objects.filter(draw_id=draw.replaces_id, status=TaskStatus.OPEN).update(
                status=TaskStatus.CANCELLED
            )
        _create_tasks(draw)
        InspectionPlan.objects.filter(pk=draw.plan_id).update(status=PlanStatus.DRAWN)
    return draw


def _create_tasks(draw: Draw) -> None:
    codes = [row["code"] for row in draw.result["entities"]]
    entities = dict(
        MarketEntity.objects.filter(township_id=draw.township_id, credit_code__in=codes).values_list(
            "credit_code", "pk"
        )
    )
    inspectors = dict(Inspector.objects.filter(township_id=draw.township_id).values_list("code", "pk"))
    tasks = InspectionTask.objects.bulk_create(
        [
            InspectionTask(
                township_id=draw.township_id,
                draw=draw,
                entity_id=entities[row["code"]],
                stratum=row["stratum"],
            )
            for row in draw.result["entities"]
        ]
    )
    Team = InspectionTask.inspectors.through
    Team.objects.bulk_create(
        [
            Team(inspectiontask_id=task.pk, inspector_id=inspectors[code])
            for task, row in zip(tasks, draw.result["entities"], strict=True)
            for code in row["team"]
        ]
    )


def draw_plan(*, plan: InspectionPlan, by, reason: str = "", seed: str | None = None) -> Draw:
    """Prepare (seed and snapshot stored first) and perform a draw."""
    with transaction.atomic():
        draw = prepare_draw(plan=plan, by=by, reason=reason, seed=seed)
        return perform_draw(draw=draw, by=by)


def verify_draw(draw: Draw) -> list[str]:
    """Every way the stored record disagrees with itself; empty when the draw verifies."""
    problems = []
    if draw.algorithm not in algorithm.ALGORITHMS:
        problems.append(_("Unknown algorithm %(name)s.") % {"name": draw.algorithm})
        return problems
    if algorithm.sha256(draw.snapshot) != draw.snapshot_hash:
        problems.append(_("The snapshot does not match its stored hash."))
    if draw.result is None:
        problems.append(_("The draw has not been performed."))
        return problems
    if algorithm.sha256(draw.result) != draw.result_hash:
        problems.append(_("The result does not match its stored hash."))
    try:
        again = algorithm.draw(draw.snapshot, draw.seed, draw.algorithm)
    except algorithm.DrawImpossible:
        again = None
    if again != draw.result:
        problems.append(_("Re-running the algorithm on the snapshot and seed gives a different result."))
    if record_hash(draw) != draw.record_hash:
        problems.append(_("The record's seal does not match: a stored field was changed."))
    stored = {
        (task.entity.credit_code, tuple(sorted(i.code for i in task.inspectors.all())))
        for task in draw.tasks.select_related("entity").prefetch_related("inspectors")
    }
    expected = {(row["code"], tuple(sorted(row["team"]))) for row in draw.result["entities"]}
    if stored != expected:
        problems.append(_("The inspection tasks do not match the drawn entities and teams."))
    return problems


# --- results ----------------------------------------------------------------------------------------


def is_on_team(user, task: InspectionTask) -> bool:
    return task.inspectors.filter(user=user, is_active=True).exists()


def record_result(
    *,
    task: InspectionTask,
    by,
    outcome: str,
    findings: str = "",
    inspected_on: date | None = None,
    correct_by: date | None = None,
    photos=(),
) -> InspectionTask:
    findings = (findings or "").strip()
    errors: dict[str, list] = {}
    if outcome not in InspectionOutcome.values:
        errors["outcome"] = [_("Choose the result of the inspection.")]
    if "\x00" in findings:
        errors["findings"] = [_("Null characters are not allowed.")]
    today = timezone.localdate()
    inspected_on = inspected_on or today
    if inspected_on > today:
        errors["inspected_on"] = [_("The inspection date cannot be in the future.")]
    if outcome == InspectionOutcome.ORDERED and (correct_by is None or correct_by <= inspected_on):
        errors["correct_by"] = [_("Give the deadline for the correction, after the inspection day.")]
    if (
        outcome in (InspectionOutcome.CORRECTED, InspectionOutcome.ORDERED, InspectionOutcome.TRANSFERRED)
        and not findings
    ):
        errors["findings"] = [_("Describe the problems found.")]
    if errors:
        raise InspectionError(_("Please correct the marked fields."), field_errors=errors)
    with transaction.atomic():
        task = (
            InspectionTask.objects.select_for_update().select_related("draw__plan", "entity").get(pk=task.pk)
        )
        if task.status != TaskStatus.OPEN:
            raise Conflict(
                _("This task's result is already recorded, or the task was cancelled by a redraw.")
            )
        if inspected_on < task.draw.plan.starts_on:
            raise InspectionError(
                _("Please correct the marked fields."),
                field_errors={"inspected_on": [_("The inspection date is before the plan's period.")]},
            )
        if not is_on_team(by, task):
            raise InspectionError(_("Only the drawn team records this inspection's result."))
        task.outcome = outcome
        task.findings = findings
        task.inspected_on = inspected_on
        task.correct_by = correct_by if outcome == InspectionOutcome.ORDERED else None
        task.recorded_by = by
        task.recorded_at = timezone.now()
        task.publish_by = add_working_days(inspected_on, publish_working_days())
        # the publication limit counts from the inspection day: the clock starts at its noon, or now when
        # that noon is still ahead (a result recorded in the morning, and published at once, is not
        # published "before the clock started")
        start_clock(
            task,
            at=min(timezone.make_aware(datetime.combine(inspected_on, time(12))), task.recorded_at),
            limit_value=publish_working_days(),
            limit_unit=LimitUnit.WORKING_DAYS,
        )
        task.status = TaskStatus.RECORDED
        for upload in photos:
            content = upload.read()
            upload.seek(0)
            InspectionPhoto.objects.create(
                task=task, image=upload, sha256=hashlib.sha256(content).hexdigest(), taken_by=by
            )
        if outcome == InspectionOutcome.TRANSFERRED:
            task.clue_reference = hooks.hand_off_clue(task, by=by)
        task.save()
    return task


def hand_off_waiting_clues(*, by) -> int:
    """Hand off transferred findings recorded before a clue handler was registered."""
    handed = 0
    for task in InspectionTask.objects.filter(outcome=InspectionOutcome.TRANSFERRED, clue_reference=""):
        with transaction.atomic():
            reference = hooks.hand_off_clue(task, by=by)
            if reference:
                InspectionTask.objects.filter(pk=task.pk, clue_reference="").update(clue_reference=reference)
                handed += 1
    return handed


def publish_result(*, task: InspectionTask, by) -> InspectionTask:
    """Publish a recorded result (on the public results page, and into the entity's credit record)."""
    with transaction.atomic():
        task = (
            InspectionTask.objects.select_for_update().select_related("draw__plan", "entity").get(pk=task.pk)
        )
        if task.status == TaskStatus.PUBLISHED:
            return task
        if task.status != TaskStatus.RECORDED:
            raise Conflict(_("Only a recorded result can be published."))
        if not in_scope(task, by) or not has_role(
            by, Role.DEPARTMENT_HEAD, Role.ENFORCEMENT_OFFICER, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN
        ):
            raise InspectionError(_("You may not publish this result."))
        task.published_at = timezone.now()
        task.status = TaskStatus.PUBLISHED
        stop_clock(task, at=task.published_at)
        task.save(
            update_fields=[
                "published_at",
                "status",
                "clock_stopped_at",
                "warning_level",
                "warning_changed_at",
            ]
        )
        record_inspection_result(task=task, by=by)
    return task
