"""Applications and tracking API: scoped to the caller, resident actions through the services, tracking
without personal data, clear 400s for bad input, bounded queries, and the OpenAPI schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient

from services.models import Application, ApplicationStatus
from services.services.intake import accept_application, receive_at_window, submit_application
from tests.factories import TownshipFactory, make_resident, make_staff
from tests.services.intake_helpers import (
    PDF_BYTES,
    applicant,
    clerk_at_window,
    full_checklist,
    intake_item,
    pdf_upload,
)
from tests.services.test_hall import ready_draft
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def township():
    return TownshipFactory()


@pytest.fixture
def item(township):
    return intake_item(township=township)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def resident_a():
    return make_resident(phone="13800000051", id_number="11010519491231002X")


@pytest.fixture
def resident_b():
    return make_resident(phone="13800000052", id_number=None)


@pytest.fixture
def accepted_a(item, resident_a, township):
    application = submit_application(application=ready_draft(item, resident_a), by=resident_a)
    clerk, _ = clerk_at_window(township)
    return accept_application(application=application, clerk=clerk, checklist=full_checklist(application))


def test_a_resident_lists_only_their_own(api, accepted_a, resident_a, resident_b, item):
    ready_draft(item, resident_b)
    api.force_authenticate(resident_a)
    rows = api.get("/api/applications/").json()["results"]
    assert [r["number"] for r in rows] == [accepted_a.number]
    assert rows[0]["applicant_id_number"].count("*") >= 8  # masked, never the full number
    assert rows[0]["receipt_url"].endswith("receipt.pdf")


def test_resident_b_gets_404_for_every_door_into_as_application(api, accepted_a, resident_b):
    api.force_authenticate(resident_b)
    for guess in (accepted_a.pk, accepted_a.pk + 1, accepted_a.pk - 1):
        assert api.get(f"/api/applications/{guess}/").status_code == 404
        assert api.post(f"/api/applications/{guess}/submit/").status_code == 404
        assert api.post(f"/api/applications/{guess}/withdraw/").status_code == 404
        assert (
            api.patch(f"/api/applications/{guess}/", {"applicant_name": "x"}, format="json").status_code
            == 404
        )
        upload = api.post(f"/api/applications/{guess}/materials/", {"requirement": 1, "file": pdf_upload()})
        assert upload.status_code == 404


def test_anonymous_callers_get_nothing(api, accepted_a):
    assert api.get("/api/applications/").status_code == 403
    assert api.get(f"/api/applications/{accepted_a.pk}/").status_code == 403


def test_staff_see_their_township_only_and_a_grid_member_only_what_they_applied_for(
    api, accepted_a, township
):
    api.force_authenticate(make_staff(Role.WINDOW_CLERK, township=township))
    assert api.get("/api/applications/").json()["count"] == 1
    api.force_authenticate(make_staff(Role.WINDOW_CLERK, township=TownshipFactory()))
    assert api.get("/api/applications/").json()["count"] == 0
    assert api.get(f"/api/applications/{accepted_a.pk}/").status_code == 404
    grid_member = make_staff(Role.GRID_MEMBER, township=township)
    api.force_authenticate(grid_member)
    assert api.get("/api/applications/").json()["count"] == 0


def test_a_resident_drafts_uploads_and_submits_through_the_api(api, item, resident_a):
    api.force_authenticate(resident_a)
    created = api.post("/api/applications/", {"item": item.implementation_code}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    early = api.post(f"/api/applications/{pk}/submit/")
    assert early.status_code == 400 and "applicant_name" in early.json()["errors"]
    bad = api.patch(f"/api/applications/{pk}/", {"applicant_id_number": "110105194912310021"}, format="json")
    assert bad.status_code == 400 and "applicant_id_number" in bad.json()["errors"]
    api.patch(
        f"/api/applications/{pk}/",
        {
            "applicant_name": "张三",
            "applicant_id_number": "11010519491231002X",
            "applicant_phone": "13800000051",
        },
        format="json",
    )
    no_files = api.post(f"/api/applications/{pk}/submit/")
    assert no_files.status_code == 400 and "低保申请书" in no_files.json()["detail"]
    application = Application.objects.get(pk=pk)
    for requirement in application.item_version.materials.filter(necessity="required"):
        response = api.post(
            f"/api/applications/{pk}/materials/", {"requirement": requirement.pk, "file": pdf_upload()}
        )
        assert response.status_code == 201
    submitted = api.post(f"/api/applications/{pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == ApplicationStatus.SUBMITTED


@override_settings(MATERIAL_MAX_BYTES=1024)
def test_bad_uploads_are_refused_with_the_reason(api, item, resident_a):
    api.force_authenticate(resident_a)
    pk = api.post("/api/applications/", {"item": item.implementation_code}, format="json").json()["id"]
    requirement = Application.objects.get(pk=pk).item_version.materials.first()
    with translation.override("en"):
        wrong = api.post(
            f"/api/applications/{pk}/materials/",
            {"requirement": requirement.pk, "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        big = api.post(
            f"/api/applications/{pk}/materials/",
            {"requirement": requirement.pk, "file": pdf_upload(data=PDF_BYTES + b"0" * 4096)},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert wrong.status_code == 400 and "PDF, JPEG or PNG" in wrong.json()["detail"]
    assert big.status_code == 400 and "1 KB" in big.json()["detail"]


def test_tracking_needs_the_code_and_shows_no_personal_data(api, accepted_a):
    wrong = api.get("/api/tracking/", {"number": accepted_a.number, "code": "x"})
    unknown = api.get("/api/tracking/", {"number": "NO-SUCH-1", "code": "123456"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    right = api.get("/api/tracking/", {"number": accepted_a.number, "code": accepted_a.query_code})
    body = right.content.decode()
    assert right.status_code == 200 and right.json()["status"] == "accepted"
    assert [s["state"] for s in right.json()["steps"]][-1] == "已受理"
    for private in (accepted_a.applicant_name, accepted_a.applicant_id_number, accepted_a.applicant_phone):
        assert private not in body


def test_the_list_query_count_does_not_grow(api, township, django_assert_max_num_queries):
    clerk, window = clerk_at_window(township)
    item = intake_item(township=township)
    for n in range(25):
        received = receive_at_window(
            township=township, clerk=clerk, window=window, item=item, applicant=applicant()
        )
        if n % 2:
            accept_application(
                application=received, clerk=clerk, checklist=full_checklist(received), with_receipt=False
            )
    api.force_authenticate(clerk)
    with django_assert_max_num_queries(10):
        response = api.get("/api/applications/")
    assert response.json()["count"] == 25


def test_the_schema_describes_applications_and_tracking(api, resident_a):
    api.force_authenticate(resident_a)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/applications/" in text and "/api/tracking/" in text
