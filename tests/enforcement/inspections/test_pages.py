"""Public draw and credit pages, and the team's result form."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enforcement.credit.services import record_penalty
from enforcement.inspections.services import draw_plan
from enforcement.models import InspectionTask, TaskStatus
from tests.enforcement.inspections.helpers import Bureau

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau():
    return Bureau(entities=(("high", 4), ("general", 8)))


def test_the_public_draw_page_shows_seed_hash_entities_and_the_redraw_chain(client, bureau):
    plan = bureau.plan()
    first = draw_plan(plan=plan, by=bureau.head)
    second = draw_plan(plan=plan, by=bureau.head, reason="原抽取范围遗漏新登记主体")
    page = client.get(reverse("enforcement-draw", args=[second.pk])).content.decode()
    assert second.seed in page and second.snapshot_hash in page and "原抽取范围遗漏新登记主体" in page
    drawn = InspectionTask.objects.filter(draw=second).select_related("entity")
    assert all(task.entity.name in page for task in drawn)
    assert bureau.entities[0].legal_representative not in page
    old = client.get(reverse("enforcement-draw", args=[first.pk])).content.decode()
    assert first.seed in old
    listing = client.get(reverse("enforcement-draws")).content.decode()
    assert plan.code in listing
    assert client.get(reverse("enforcement-draw", args=["x1"])).status_code == 404


def test_a_plan_that_does_not_publish_its_list_has_no_public_page(client, bureau):
    draw = draw_plan(plan=bureau.plan(publish_drawn_list=False), by=bureau.head)
    assert client.get(reverse("enforcement-draw", args=[draw.pk])).status_code == 404


def test_the_public_credit_page_shows_only_what_is_published(client, bureau):
    entity = bureau.entities[0]
    today = timezone.localdate()
    for band, number, decided in (
        ("general", "青综执罚〔2026〕12号", today - timedelta(days=20)),
        ("minor", "青综执罚〔2026〕13号", today - timedelta(days=5)),
        ("general", "青综执罚〔2024〕3号", date(2024, 1, 5)),
    ):
        record_penalty(
            entity=entity,
            department=bureau.department,
            band=band,
            decision_number=number,
            decided_on=decided,
            summary=f"处罚 {number}",
        )
    url = reverse("enforcement-credit-entity", args=[bureau.township.code, entity.credit_code])
    page = client.get(url).content.decode()
    assert "青综执罚〔2026〕12号" in page
    assert "青综执罚〔2026〕13号" not in page and "青综执罚〔2024〕3号" not in page
    assert entity.legal_representative not in page
    bad = reverse("enforcement-credit-entity", args=[bureau.township.code, "123"])
    assert client.get(bad).status_code == 404


def test_a_team_member_records_a_result_with_a_photo_others_get_404(client, bureau):
    draw = draw_plan(plan=bureau.plan(), by=bureau.head)
    task = InspectionTask.objects.filter(draw=draw).prefetch_related("inspectors").first()
    member = task.inspectors.first().user
    outsider = next(i for i in bureau.inspectors if i not in task.inspectors.all()).user
    url = reverse("enforcement-inspection-task", args=[task.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert task.entity.name not in client.get(reverse("enforcement-my-inspections")).content.decode()
    client.force_login(member)
    assert task.entity.name in client.get(reverse("enforcement-my-inspections")).content.decode()
    bad = client.post(
        url,
        {"outcome": "ordered", "inspected_on": timezone.localdate().isoformat(), "findings": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200 and "Give the deadline for the correction" in bad.content.decode()
    photo = SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, content_type="image/png")
    done = client.post(
        url,
        {"outcome": "no_problem", "inspected_on": timezone.localdate().isoformat(), "photos": [photo]},
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.RECORDED and task.photos.count() == 1
