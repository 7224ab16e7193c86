"""The demo inspections and credit data: registers of the right size, a past joint draw that verifies,
results on time and late, credit records in each band with one repaired; idempotent."""

from collections import Counter

import pytest
from django.core.management import call_command

from enforcement.credit.selectors import public_records
from enforcement.inspections.services import verify_draw
from enforcement.models import (
    CreditRecord,
    Draw,
    InspectionMatter,
    InspectionPlan,
    InspectionTask,
    Inspector,
    InspectorConflict,
    RepairStatus,
    TaskStatus,
)
from township.org.models import Township

pytestmark = pytest.mark.django_db
QS = "320999101"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("load_demo_entities", "--township", QS, "--count", "600", verbosity=0)
    call_command("load_demo_inspections", "--township", QS, verbosity=0)
    return Township.objects.get(code=QS)


def test_registers_have_about_30_inspectors_from_several_departments_and_40_matters(demo):
    inspectors = Inspector.objects.filter(township=demo)
    assert 28 <= inspectors.count() <= 32
    assert set(inspectors.values_list("department__code", flat=True)) == {"ZHZF", "SCJG", "ZRZY", "SHSY"}
    assert inspectors.filter(is_leader=True).exists() and inspectors.filter(is_expert=True).exists()
    assert not inspectors.filter(user__username="zflegal").exists()  # the legal reviewer does not inspect
    matters = InspectionMatter.objects.filter(township=demo)
    assert matters.count() == 40
    assert all(m.legal_basis for m in matters)


def test_the_past_joint_plan_is_drawn_verifiably_and_its_results_published_on_time_or_flagged(demo):
    plan = InspectionPlan.objects.get(township=demo, code__contains="联抽")
    assert set(plan.matters.values_list("department__code", flat=True)) == {"ZHZF", "SCJG"}
    draw = Draw.objects.get(plan=plan)
    assert verify_draw(draw) == []
    tasks = list(InspectionTask.objects.filter(draw=draw).prefetch_related("inspectors"))
    assert len(tasks) >= 6
    conflicts = set(InspectorConflict.objects.values_list("inspector_id", "entity_id"))
    assert conflicts and all((i.pk, t.entity_id) not in conflicts for t in tasks for i in t.inspectors.all())
    statuses = Counter(t.status for t in tasks)
    assert statuses[TaskStatus.RECORDED] == 2 and statuses[TaskStatus.PUBLISHED] == len(tasks) - 2
    on_time = Counter(t.published_on_time for t in tasks if t.status == TaskStatus.PUBLISHED)
    assert on_time[True] >= 3 and on_time[False] == 1
    assert InspectionPlan.objects.filter(township=demo, status="draft").count() == 1


def test_credit_records_in_each_band_one_repaired_one_past_its_maximum(demo):
    records = CreditRecord.objects.filter(township=demo, source="penalty")
    assert Counter(records.values_list("band", flat=True)) == {"minor": 2, "general": 3, "serious": 3}
    repaired = records.get(repaired_at__isnull=False)
    assert repaired.repairs.get().status == RepairStatus.REPAIRED
    shown = [r for r in records if list(public_records(r.entity))]
    bands = Counter(r.band for r in shown)
    assert bands == {"general": 2, "serious": 2}  # minor unpublished, one repaired, one past 3 years
    assert CreditRecord.objects.filter(township=demo, source="integrity").count() == 1


def test_loading_twice_changes_nothing(demo, settings):
    counts = (Inspector.objects.count(), InspectionTask.objects.count(), CreditRecord.objects.count())
    call_command("load_demo_inspections", verbosity=0)  # every township: the other one is new
    call_command("load_demo_inspections", verbosity=0)
    assert InspectionTask.objects.filter(township=demo).count() == counts[1]
    assert Inspector.objects.filter(township=demo).count() == counts[0]
    assert Draw.objects.filter(township=demo).count() == 1
