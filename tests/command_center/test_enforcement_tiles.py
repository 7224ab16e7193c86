"""Enforcement's, the inspections' and the credit records' tiles on the command centre's dashboard,
hand-computed on cases walked through the enforcement services: cases by stage, overdue, legal reviews
pending, registered; plans completed and results published on time; credit records and repairs. No
figure is a fine total."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from command_center import metrics as m
from command_center import selectors
from command_center.services import refresh_open_snapshot, refresh_rollups
from enforcement.models import CreditRecord, CreditRepair, InspectionPlan, InspectionTask
from enforcement.models.cases import EnforcementCase
from enforcement.models.inspections import Draw
from tests.enforcement.cases.conftest import build_world
from tests.enforcement.cases.helpers import clue, passed_review, proposed, registered
from tests.enforcement.inspections.helpers import Bureau
from township.casework.models import Deadline, WarningLevel

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
JUNE = (date(2026, 6, 1), date(2026, 6, 30))
LATER = date(2026, 12, 1)


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def figures(township_id):
    refresh_rollups(date(2026, 5, 1), date(2026, 8, 31))
    refresh_open_snapshot()
    return {f.key: f.value for f in selectors.figures([township_id], *JUNE, today=LATER)}


def test_enforcement_tiles_hand_computed():
    """c1 a clue; c2 registered 3 June (one of its time limits red); c3 and c4 proposed (c4 reviewed):
    clue 1 · investigation 1 · penalty 2 · overdue 1 · review pending 1 (c3) · registered in June 3."""
    world = build_world()
    clue(world, at=local(2026, 6, 1, 9))
    c2 = registered(world, at=local(2026, 6, 3, 10))
    c3 = proposed(world, at=local(2026, 6, 4, 10))
    c4 = proposed(world, at=local(2026, 6, 5, 10))
    passed_review(world, c4, local(2026, 6, 20, 10))
    content_type = ContentType.objects.get_for_model(EnforcementCase)
    assert Deadline.objects.filter(content_type=content_type, object_id=c2.pk, clock_stopped_at__isnull=True)
    Deadline.objects.filter(content_type=content_type, object_id=c2.pk, clock_stopped_at__isnull=True).update(
        warning_level=WarningLevel.RED
    )
    found = figures(world.township.pk)
    assert {k: found[k] for k in found if k.startswith("enforcement.")} == {
        "enforcement.stage.clue": 1,
        "enforcement.stage.investigation": 1,
        "enforcement.stage.penalty": 2,
        "enforcement.stage.execution": 0,
        "enforcement.stage.closing": 0,
        "enforcement.overdue": 1,
        "enforcement.review_pending": 1,
        "enforcement.registered": 3,
        "enforcement.closed": 0,
    }
    assert c3.status == "proposed"
    breakdown = selectors.department_breakdown([world.township.pk], *JUNE, today=LATER)
    assert breakdown["enforcement.stage.penalty"] == [{"department": world.squad.name, "value": 2}]
    assert not [t for t in m.tiles() if "fine" in t.key]


def _task(bureau, draw, entity, *, publish_by, published_at=None, status="recorded"):
    return InspectionTask.objects.create(
        township=bureau.township,
        draw=draw,
        entity=entity,
        stratum="全部",
        status=status,
        publish_by=publish_by,
        published_at=published_at,
    )


def test_inspection_and_credit_tiles_hand_computed():
    """Plans ending in June: p1 done, p2 drawn → 1 of 2 completed (p3 ends in July). Results due in June:
    t1 published the day before, t2 on the day, t3 late, t4 not yet, t5 cancelled (not counted)
    → 2 of 4 on time. Credit: two breaches decided in June and a commendation (not counted), one repaired
    in June, one repair application waiting."""
    bureau = Bureau(inspectors=2, entities=(("general", 6),))
    p1 = bureau.plan(code="P1", ends_on=date(2026, 6, 30), status="done")
    bureau.plan(code="P2", ends_on=date(2026, 6, 15), status="drawn")
    bureau.plan(code="P3", ends_on=date(2026, 7, 31), status="done")
    draw = Draw.objects.create(
        township=bureau.township,
        plan=p1,
        number=1,
        algorithm="test",
        seed="0",
        seed_recorded_at=local(2026, 6, 1, 9),
        snapshot={},
        snapshot_hash="0" * 64,
        drawn_by=bureau.head,
    )
    e = bureau.entities
    _task(
        bureau,
        draw,
        e[0],
        publish_by=date(2026, 6, 10),
        published_at=local(2026, 6, 9, 16),
        status="published",
    )
    _task(
        bureau,
        draw,
        e[1],
        publish_by=date(2026, 6, 10),
        published_at=local(2026, 6, 10, 23),
        status="published",
    )
    _task(
        bureau,
        draw,
        e[2],
        publish_by=date(2026, 6, 12),
        published_at=local(2026, 6, 13, 9),
        status="published",
    )
    _task(bureau, draw, e[3], publish_by=date(2026, 6, 20))
    _task(bureau, draw, e[4], publish_by=date(2026, 6, 20), status="cancelled")
    _task(bureau, draw, e[5], publish_by=date(2026, 7, 2))
    record = {"township": bureau.township, "department": bureau.department, "summary": "记录"}
    r1 = CreditRecord.objects.create(entity=e[0], source="penalty", decided_on=date(2026, 6, 2), **record)
    CreditRecord.objects.create(
        entity=e[1],
        source="inspection",
        decided_on=date(2026, 6, 8),
        repaired_at=local(2026, 6, 28, 10),
        **record,
    )
    CreditRecord.objects.create(entity=e[2], source="commendation", decided_on=date(2026, 6, 9), **record)
    CreditRepair.objects.create(
        township=bureau.township, record=r1, applied_on=date(2026, 6, 20), status="submitted"
    )
    assert InspectionPlan.objects.filter(township=bureau.township).count() == 3
    found = figures(bureau.township.pk)
    assert found["inspections.plans_completed"] == 50.0
    assert found["inspections.published_on_time"] == 50.0
    assert (found["credit.records"], found["credit.repaired"], found["credit.repairs_waiting"]) == (2, 1, 1)
    breakdown = selectors.department_breakdown([bureau.township.pk], *JUNE, today=LATER)
    assert breakdown["inspections.published_on_time"] == [
        {"department": bureau.department.name, "value": 50.0}
    ]
