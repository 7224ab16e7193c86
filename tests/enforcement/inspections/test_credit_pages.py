"""Staff pages of credit records: scoped by department, repair applied for on the entity's behalf and
decided with reasons, the repair notice a numbered, verifiable PDF issued once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from enforcement.credit.services import record_penalty
from enforcement.models import CreditRepair, RepairStatus
from tests.enforcement.inspections.helpers import Bureau
from tests.factories import DepartmentFactory, make_resident, make_staff
from township.documents.models import IssuedDocument
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau():
    return Bureau(inspectors=1, entities=(("general", 3),))


def _penalty(bureau, entity, *, months_ago, number):
    return record_penalty(
        entity=entity,
        department=bureau.department,
        band="general",
        decision_number=number,
        decided_on=timezone.localdate() - timedelta(days=31 * months_ago),
        summary="擅自设置户外广告设施，罚款2,000元",
    )


def _url(record):
    return reverse("enforcement-credit-staff-record", args=[record.pk])


APPLY = {
    "action": "apply",
    "apply-corrected": "on",
    "apply-duties_performed": "on",
    "apply-commitment_signed": "on",
    "apply-evidence": "已拆除，罚款已缴清",
}


def test_staff_apply_on_behalf_and_the_head_decides_with_reasons(client, bureau):
    old = _penalty(bureau, bureau.entities[0], months_ago=4, number="青综执罚决字〔2026〕1号")
    officer = bureau.inspectors[0].user
    client.force_login(officer)
    response = client.post(_url(old), {**APPLY, "apply-applied_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    repair = CreditRepair.objects.get(record=old)
    page = client.get(_url(old)).content.decode()
    assert "已拆除，罚款已缴清" in page and 'id="decide-repair"' not in page  # officers do not decide
    client.force_login(bureau.head)
    # reasons are required: refused, nothing decided
    response = client.post(_url(old), {"action": "decide", "decide-repair": repair.pk, "decide-grant": "1"})
    assert response.status_code == 200 and '<p class="errors">' in response.content.decode()
    repair.refresh_from_db()
    assert repair.status == RepairStatus.SUBMITTED
    client.post(
        _url(old),
        {
            "action": "decide",
            "decide-repair": repair.pk,
            "decide-grant": "1",
            "decide-reasons": "条件均已满足",
        },
    )
    repair.refresh_from_db()
    old.refresh_from_db()
    assert repair.status == RepairStatus.REPAIRED and repair.reasons == "条件均已满足" and old.repaired_at


def test_repair_before_the_minimum_period_is_refused_with_the_date(client, bureau):
    recent = _penalty(bureau, bureau.entities[1], months_ago=1, number="青综执罚决字〔2026〕2号")
    client.force_login(bureau.head)
    response = client.post(_url(recent), {**APPLY, "apply-applied_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()  # the refusal names the date (see services tests)
    assert not CreditRepair.objects.exists()
    for bad in ("2026-02-30", "２０２６-01-01", "2026-01-01\x00"):
        response = client.post(_url(recent), {**APPLY, "apply-applied_on": bad})
        assert response.status_code in (200, 400) and not CreditRepair.objects.exists()  # NUL: 400 page
    response = client.post(
        _url(recent),
        {"action": "decide", "decide-repair": "99999", "decide-grant": "1", "decide-reasons": "x"},
    )
    assert response.status_code == 404


def test_the_repair_notice_is_numbered_verifiable_and_issued_once(client, bureau):
    record = _penalty(bureau, bureau.entities[0], months_ago=1, number="青综执罚决字〔2026〕3号")
    client.force_login(bureau.head)
    response = client.post(_url(record), {"action": "notice"})
    document = IssuedDocument.objects.get(doc_type="credit_repair_notice")
    assert response.status_code == 302 and document.number in response.url
    assert "-XYXF-" in document.number and document.content_hash
    text = "".join(p.extract_text() for p in PdfReader(document.pdf.open("rb")).pages).replace("\n", "")
    assert record.entity.credit_code in text and document.number.replace(" ", "") in text.replace(" ", "")
    client.post(_url(record), {"action": "notice"})
    assert IssuedDocument.objects.filter(doc_type="credit_repair_notice").count() == 1
    verify = client.get(reverse("documents-verify", args=[document.number]))
    assert verify.status_code == 200 and document.content_hash in verify.content.decode()
    assert document.number in client.get(_url(record)).content.decode()


def test_other_townships_departments_residents_and_guessed_ids_are_refused(client, bureau):
    record = _penalty(bureau, bureau.entities[0], months_ago=4, number="青综执罚决字〔2026〕4号")
    assert client.get(_url(record)).status_code == 302  # anonymous: to sign-in
    client.force_login(make_resident())
    assert client.get(reverse("enforcement-credit-staff")).status_code == 403
    other_township = Bureau(inspectors=0, entities=()).head
    other_department = make_staff(
        Role.DEPARTMENT_HEAD, department=DepartmentFactory(township=bureau.township)
    )
    for user in (other_township, other_department):
        client.force_login(user)
        assert client.get(_url(record)).status_code == 404
        assert client.post(_url(record), {**APPLY, "apply-applied_on": "2026-01-01"}).status_code == 404
        assert record.decision_number not in client.get(reverse("enforcement-credit-staff")).content.decode()
    client.force_login(bureau.head)
    for guessed in (record.pk + 1000, "abc", "1e3", "٣"):
        assert client.get(f"/enforcement/staff/credit/{guessed}/").status_code == 404


def test_the_list_searches_by_credit_code_without_n_plus_one(client, bureau, django_assert_max_num_queries):
    for n, entity in enumerate(bureau.entities):
        _penalty(bureau, entity, months_ago=n + 1, number=f"青综执罚决字〔2026〕{10 + n}号")
    client.force_login(bureau.head)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("enforcement-credit-staff")).content.decode()
    assert all(e.name in page for e in bureau.entities)
    only = client.get(
        reverse("enforcement-credit-staff"), {"q": bureau.entities[1].credit_code}
    ).content.decode()
    assert bureau.entities[1].name in only and bureau.entities[0].name not in only
    assert client.get(reverse("enforcement-credit-staff"), {"q": "a\x00b"}).status_code == 400
