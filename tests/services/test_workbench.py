"""The window workbench through the browser's eyes (Django test client): walk-in outcomes, lookups, rights."""

import pytest
from django.urls import reverse
from django.utils import translation

from services.models import Application, ApplicationStatus, Bundle, BundleItem
from services.services.catalog import publish_version, revise_item
from services.services.intake import accept_application, receive_at_window
from tests.factories import DepartmentFactory, TownshipFactory, make_resident, make_staff
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item
from township.documents.models import IssuedDocument
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def township():
    return TownshipFactory()


@pytest.fixture
def clerk(township):
    return clerk_at_window(township)[0]


def walk_in_post(item, outcome="accept", **states):
    preview = Application(item=item, item_version=item.current_version)
    data = {
        "item": item.pk,
        "applicant_kind": "person",
        "applicant_id_number": "11010519491231002X",
        "applicant_name": "张三",
        "applicant_phone": "13900000001",
        "delivery_method": "window",
        "outcome": outcome,
    }
    for key, entry in full_checklist(preview, **states).items():
        data[f"check-{key}"] = entry["state"]
    return data


def test_walk_in_accepted_at_the_workbench_gets_a_number_and_a_receipt(client, clerk, township):
    item = intake_item(township=township)
    client.force_login(clerk)
    response = client.post(reverse("services-workbench"), walk_in_post(item))
    assert response.status_code == 302
    application = Application.objects.get()
    assert (
        application.status == ApplicationStatus.ACCEPTED and application.window == clerk.staff_profile.window
    )
    done = client.get(response["Location"]).content.decode()
    assert application.number in done and application.query_code in done
    receipt = client.get(reverse("services-application-document", args=[application.pk, "receipt"]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"


def test_incomplete_walk_in_gets_a_notice_and_a_failed_accept_writes_nothing(client, clerk, township):
    item = intake_item(township=township)
    client.force_login(clerk)
    refused = client.post(reverse("services-workbench"), walk_in_post(item, 低保申请书="missing"))
    assert refused.status_code == 400
    assert "低保申请书" in refused.content.decode()
    assert not Application.objects.exists() and not IssuedDocument.objects.exists()
    noticed = client.post(reverse("services-workbench"), walk_in_post(item, "notice", 低保申请书="missing"))
    assert noticed.status_code == 302
    application = Application.objects.get()
    assert application.status == ApplicationStatus.NOTIFIED and application.notice_id


def test_bad_identity_number_is_shown_next_to_the_field(client, clerk, township):
    item = intake_item(township=township)
    client.force_login(clerk)
    data = walk_in_post(item) | {"applicant_id_number": "110105194912310021"}
    with translation.override("en"):
        response = client.post(reverse("services-workbench"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert not Application.objects.exists()
    assert 'class="errors"' in response.content.decode()


def test_choosing_an_item_from_another_township_is_not_possible(client, clerk):
    foreign = intake_item(township=TownshipFactory())
    client.force_login(clerk)
    assert client.post(reverse("services-workbench"), walk_in_post(foreign)).status_code == 404
    assert client.get(reverse("services-workbench-checklist"), {"item": foreign.pk}).status_code == 404


def test_item_search_finds_by_pinyin_initials(client, clerk, township):
    intake_item(township=township, name="新生儿出生医学证明登记", keywords="新生儿")
    client.force_login(clerk)
    response = client.get(reverse("services-workbench-items"), {"q": "xsr"})
    assert "新生儿出生医学证明登记" in response.content.decode()


def test_identity_number_lookup_fills_a_known_resident(client, clerk):
    resident = make_resident(
        phone="13800000077", id_number="11010519491231002X", township=clerk.staff_profile.township
    )
    resident.resident.real_name = "王五"
    resident.resident.save()
    client.force_login(clerk)
    response = client.get(
        reverse("services-workbench-applicant"),
        {
            "applicant_id_number": "11010519491231002X",
            "applicant_kind": "person",
            "delivery_method": "window",
        },
    )
    page = response.content.decode()
    # the phone is shown masked and never handed to the page in full
    assert 'data-name="王五"' in page and "138****0077" in page and "13800000077" not in page
    bad = client.get(reverse("services-workbench-applicant"), {"applicant_id_number": "110105194912310021"})
    assert 'class="errors"' in bad.content.decode() and "data-name" not in bad.content.decode()


def test_only_window_clerks_use_the_workbench(client, township):
    for role in (Role.GRID_MEMBER, Role.APPROVER):
        client.force_login(make_staff(role, township=township))
        assert client.get(reverse("services-workbench")).status_code == 403
    client.force_login(make_resident())
    assert client.get(reverse("services-workbench")).status_code == 403


def test_bundle_fans_out_to_every_department(township, clerk):
    departments = [DepartmentFactory(township=township) for _ in range(3)]
    items = [
        intake_item(township=township, department=d, name=f"事项{i}", promised_limit_days=5 + i)
        for i, d in enumerate(departments)
    ]
    bundle = Bundle.objects.create(township=township, code="NEWBORN", name="出生一件事")
    for order, item in enumerate(items):
        BundleItem.objects.create(bundle=bundle, item=item, order=order)
    application = receive_at_window(township=township, clerk=clerk, bundle=bundle, applicant=applicant())
    accepted = accept_application(application=application, clerk=clerk, checklist=full_checklist(application))
    children = list(accepted.children.order_by("department_id"))
    assert {c.department for c in children} == set(departments)
    assert all(c.status == ApplicationStatus.ACCEPTED and c.due_at and c.number for c in children)
    assert len({c.number for c in children} | {accepted.number}) == 4
    # the materials are asked once: 居民身份证 appears in every item but once on the checklist
    assert list(accepted.checklist).__len__() == 3


def test_revising_an_item_keeps_old_applications_on_their_version(township, clerk):
    item = intake_item(township=township, promised_limit_days=10)
    old = receive_at_window(township=township, clerk=clerk, item=item, applicant=applicant())
    old_version = old.item_version
    draft = revise_item(item=item, changes={"promised_limit_days": 5, "name": "新名称"})
    publish_version(version=draft)
    item.refresh_from_db()
    new = receive_at_window(township=township, clerk=clerk, item=item, applicant=applicant())
    old.refresh_from_db()
    assert old.item_version == old_version and old.item_version.promised_limit_days == 10
    assert new.item_version != old_version and new.item_version.name == "新名称"
    accepted = accept_application(application=old, clerk=clerk, checklist=full_checklist(old))
    assert accepted.limit_value == 10


def test_pre_review_page_lists_online_submissions_with_bounded_queries(
    client, clerk, township, django_assert_max_num_queries
):
    from services.services.intake import submit_application
    from tests.services.test_hall import ready_draft

    item = intake_item(township=township)
    for n in range(5):
        resident = make_resident(phone=f"1380000010{n}", id_number=None)
        submit_application(application=ready_draft(item, resident), by=resident)
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("services-prereview"))
    assert response.content.decode().count("/intake/") == 5


def decided(application):
    """What the back office leaves behind: a decided application (the approvals app does this for real)."""
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.APPROVED)
    application.refresh_from_db()
    return application


def test_result_ready_texts_the_applicant_and_a_posted_result_needs_a_tracking_number(
    client, clerk, township
):
    from services.services.delivery import mark_result_ready
    from township.notify.models import OutboxMessage

    item = intake_item(township=township)
    application = receive_at_window(
        township=township,
        clerk=clerk,
        item=item,
        applicant=applicant(),
        delivery={"method": "post", "address": "青石镇幸福路1号"},
    )
    application = decided(
        accept_application(application=application, clerk=clerk, checklist=full_checklist(application))
    )
    mark_result_ready(application=application, by=clerk)
    assert OutboxMessage.objects.filter(recipient="13900000001", body__contains="邮寄").exists()
    client.force_login(clerk)
    page = client.get(reverse("services-delivery"))
    assert application.number in page.content.decode()
    refused = client.post(reverse("services-delivery"), {"application": application.pk})
    assert refused.status_code == 400 and "邮寄单号" in refused.content.decode()
    done = client.post(
        reverse("services-delivery"),
        {"application": application.pk, "postal_tracking_number": "SF1234567890"},
    )
    assert done.status_code == 302
    application.refresh_from_db()
    assert (
        application.status == ApplicationStatus.DELIVERED
        and application.postal_tracking_number == "SF1234567890"
    )
    assert OutboxMessage.objects.filter(recipient="13900000001", body__contains="SF1234567890").exists()


def test_another_townships_clerk_cannot_hand_over_a_result(client, clerk, township):
    from services.services.delivery import mark_result_ready

    item = intake_item(township=township)
    application = receive_at_window(township=township, clerk=clerk, item=item, applicant=applicant())
    application = decided(
        accept_application(application=application, clerk=clerk, checklist=full_checklist(application))
    )
    mark_result_ready(application=application, by=clerk)
    other, _ = clerk_at_window(TownshipFactory())
    client.force_login(other)
    assert client.post(reverse("services-delivery"), {"application": application.pk}).status_code == 404
