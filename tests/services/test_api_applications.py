"""Applications and tracking API: scoped to the caller, resident actions through the services, tracking
without personal data, clear 400s for bad input, bounded queries, and the OpenAPI schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from services.models import Application, ApplicationStatus, Bundle, BundleItem
from services.services.intake import accept_application, receive_at_window, submit_application
from services.views.tracking import MAX_FAILED_LOOKUPS
from tests.factories import DepartmentFactory, TownshipFactory, make_resident, make_staff
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

LIST = "/api/applications/"


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


def new_draft(api, item) -> int:
    response = api.post(LIST, {"item": item.implementation_code}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def fill_in(api, pk):
    response = api.patch(
        f"{LIST}{pk}/",
        {
            "applicant_name": "张三",
            "applicant_id_number": "11010519491231002X",
            "applicant_phone": "13800000051",
        },
        format="json",
    )
    assert response.status_code == 200, response.content


# --- who sees what ---------------------------------------------------------------------------------


def test_a_resident_lists_only_their_own_with_the_identity_number_masked(
    api, accepted_a, resident_a, resident_b, item
):
    ready_draft(item, resident_b)
    api.force_authenticate(resident_a)
    rows = api.get(LIST).json()["results"]
    assert [r["number"] for r in rows] == [accepted_a.number]
    row = rows[0]
    assert row["applicant_id_number"] != accepted_a.applicant_id_number
    assert row["applicant_id_number"].count("*") >= 8
    assert row["query_code"] == accepted_a.query_code
    assert row["status"] == "accepted" and row["item_code"] == item.implementation_code
    assert row["department"] == item.department.name and row["due_date"]
    assert row["receipt_url"].endswith(
        reverse("services-application-document", args=[accepted_a.pk, "receipt"])
    )


def test_the_applicant_sees_their_own_data_in_full_and_the_materials_to_upload(api, accepted_a, resident_a):
    api.force_authenticate(resident_a)
    detail = api.get(f"{LIST}{accepted_a.pk}/").json()
    assert detail["applicant_id_number"] == accepted_a.applicant_id_number
    assert detail["applicant_phone"] == accepted_a.applicant_phone
    lines = {line["name"]: line for line in detail["materials"]}
    assert set(lines) == {"居民身份证", "低保申请书", "残疾证"}
    assert len(lines["低保申请书"]["files"]) == 1 and lines["残疾证"]["files"] == []
    assert lines["低保申请书"]["files"][0]["url"].endswith(
        reverse("services-application-file", args=[lines["低保申请书"]["files"][0]["id"]])
    )


def test_resident_b_gets_404_for_every_door_into_as_application(api, accepted_a, resident_b):
    api.force_authenticate(resident_b)
    for guess in (accepted_a.pk, accepted_a.pk + 1, accepted_a.pk - 1):
        assert api.get(f"{LIST}{guess}/").status_code == 404
        assert api.post(f"{LIST}{guess}/submit/").status_code == 404
        assert api.post(f"{LIST}{guess}/withdraw/").status_code == 404
        assert api.patch(f"{LIST}{guess}/", {"applicant_name": "x"}, format="json").status_code == 404
        upload = api.post(f"{LIST}{guess}/materials/", {"requirement": 1, "file": pdf_upload()})
        assert upload.status_code == 404
    assert api.get(f"{LIST}abc/").status_code == 404
    assert api.get(f"{LIST}99999999999999/").status_code == 404
    accepted_a.refresh_from_db()
    assert accepted_a.status == ApplicationStatus.ACCEPTED and accepted_a.materials.count() == 2


def test_anonymous_callers_get_nothing(api, accepted_a, item):
    assert api.get(LIST).status_code in (401, 403)
    assert api.get(f"{LIST}{accepted_a.pk}/").status_code in (401, 403)
    assert api.post(LIST, {"item": item.implementation_code}, format="json").status_code in (401, 403)
    assert api.post(f"{LIST}{accepted_a.pk}/withdraw/").status_code in (401, 403)


def test_staff_see_their_township_only_with_the_identity_number_masked(api, accepted_a, township):
    api.force_authenticate(make_staff(Role.WINDOW_CLERK, township=township))
    rows = api.get(LIST).json()["results"]
    assert [r["number"] for r in rows] == [accepted_a.number]
    assert rows[0]["applicant_name"] == accepted_a.applicant_name
    assert rows[0]["query_code"] is None
    detail = api.get(f"{LIST}{accepted_a.pk}/").json()
    assert accepted_a.applicant_id_number not in str(detail)
    assert detail["applicant_id_number"].count("*") >= 8
    # staff act through the workbench: the resident's actions are not theirs here
    assert api.post(f"{LIST}{accepted_a.pk}/withdraw/").status_code == 404

    api.force_authenticate(make_staff(Role.WINDOW_CLERK, township=TownshipFactory()))
    assert api.get(LIST).json()["count"] == 0
    assert api.get(f"{LIST}{accepted_a.pk}/").status_code == 404


def test_a_grid_member_sees_only_what_they_applied_for_as_agent(api, accepted_a, township, item):
    grid_member = make_staff(Role.GRID_MEMBER, township=township)
    api.force_authenticate(grid_member)
    assert api.get(LIST).json()["count"] == 0
    assert api.get(f"{LIST}{accepted_a.pk}/").status_code == 404
    created = api.post(
        LIST,
        {
            "item": item.implementation_code,
            "agent": {"name": "王网格", "relation": "网格员", "consent_method": "phone"},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    rows = api.get(LIST).json()["results"]
    assert [r["id"] for r in rows] == [created.json()["id"]]
    application = Application.objects.get(pk=created.json()["id"])
    assert application.agent == grid_member and application.resident is None


def test_an_agent_must_say_how_the_applicant_agreed(api, township, item):
    api.force_authenticate(make_staff(Role.GRID_MEMBER, township=township))
    response = api.post(
        LIST,
        {"item": item.implementation_code, "agent": {"name": "王网格", "id_number": "110105194912310021"}},
        format="json",
    )
    assert response.status_code == 400
    assert {"consent_method", "id_number"} <= set(response.json()["errors"]["agent"])
    assert not Application.objects.exists()


# --- filters ---------------------------------------------------------------------------------------


def test_the_list_filters_by_status_item_and_submission_date(api, accepted_a, resident_a, township, item):
    other = intake_item(township=township, name="其他事项")
    api.force_authenticate(resident_a)
    draft = new_draft(api, other)
    today = timezone.localdate().isoformat()

    def ids(**params):
        response = api.get(LIST, params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(status="draft") == [draft]
    assert ids(status="accepted", channel="online") == [accepted_a.pk]
    assert ids(item=other.implementation_code) == [draft]
    assert ids(submitted_from=today) == [accepted_a.pk]
    assert ids(submitted_to="2000-01-01") == []
    # the department filter is the staff's; a resident's own list ignores it
    assert sorted(ids(department="NO-SUCH")) == sorted([draft, accepted_a.pk])
    assert api.get(LIST, {"status": "bogus"}).status_code == 400
    assert api.get(LIST, {"submitted_from": "yesterday"}).status_code == 400


def test_staff_filter_by_department_including_a_bundles_parts(api, township):
    clerk, window = clerk_at_window(township)
    social, civil = DepartmentFactory(township=township), DepartmentFactory(township=township)
    single = receive_at_window(
        township=township,
        clerk=clerk,
        window=window,
        item=intake_item(township=township, department=social),
        applicant=applicant(),
    )
    bundle = Bundle.objects.create(township=township, code="NEWBORN", name="出生一件事")
    BundleItem.objects.create(bundle=bundle, item=intake_item(township=township, department=civil), order=1)
    received = receive_at_window(township=township, clerk=clerk, bundle=bundle, applicant=applicant())
    bundled = accept_application(application=received, clerk=clerk, checklist=full_checklist(received))
    api.force_authenticate(clerk)
    social_rows = api.get(LIST, {"department": social.code}).json()["results"]
    civil_rows = api.get(LIST, {"department": civil.code}).json()["results"]
    assert [r["id"] for r in social_rows] == [single.pk]
    assert [r["id"] for r in civil_rows] == [bundled.pk]
    assert civil_rows[0]["children"][0]["department"] == civil.name
    assert civil_rows[0]["children"][0]["status"] == "accepted"


# --- resident actions ------------------------------------------------------------------------------


def test_a_resident_drafts_uploads_and_submits_through_the_api(api, item, resident_a):
    api.force_authenticate(resident_a)
    pk = new_draft(api, item)
    bad = api.patch(f"{LIST}{pk}/", {"applicant_id_number": "110105194912310021"}, format="json")
    assert bad.status_code == 400 and "applicant_id_number" in bad.json()["errors"]
    fill_in(api, pk)
    detail = api.get(f"{LIST}{pk}/").json()
    for line in detail["materials"]:
        if line["necessity"] == "required":
            response = api.post(
                f"{LIST}{pk}/materials/", {"requirement": line["requirement"], "file": pdf_upload()}
            )
            assert response.status_code == 201, response.content
            assert response.json()["content_type"] == "application/pdf"
    submitted = api.post(f"{LIST}{pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == ApplicationStatus.SUBMITTED
    assert submitted.json()["number"] and submitted.json()["query_code"]
    again = api.patch(f"{LIST}{pk}/", {"applicant_name": "李四"}, format="json")
    assert again.status_code == 400 and again.json()["detail"]


def test_patching_one_field_keeps_the_others(api, item, resident_a):
    api.force_authenticate(resident_a)
    pk = new_draft(api, item)
    fill_in(api, pk)
    response = api.patch(f"{LIST}{pk}/", {"note": "请尽快"}, format="json")
    assert response.status_code == 200
    application = Application.objects.get(pk=pk)
    assert application.applicant_name == "张三" and application.applicant_id_number == "11010519491231002X"
    assert application.note == "请尽快" and application.applicant_phone == "13800000051"


def test_submitting_without_the_required_uploads_lists_what_is_missing(api, item, resident_a):
    api.force_authenticate(resident_a)
    pk = new_draft(api, item)
    fill_in(api, pk)
    response = api.post(f"{LIST}{pk}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert "低保申请书" in body["detail"] and "居民身份证" in body["detail"]
    assert {m["name"] for m in body["missing"]} == {"居民身份证", "低保申请书"}
    assert Application.objects.get(pk=pk).status == ApplicationStatus.DRAFT


def test_submitting_an_empty_draft_names_the_fields_to_fill_in(api, item, resident_b):
    api.force_authenticate(resident_b)  # an account without an identity number: nothing prefilled
    pk = new_draft(api, item)
    Application.objects.filter(pk=pk).update(applicant_name="")
    response = api.post(f"{LIST}{pk}/submit/")
    assert response.status_code == 400
    assert {"applicant_name", "applicant_id_number"} <= set(response.json()["errors"])


def test_a_draft_needs_a_listed_item_or_bundle(api, resident_a, item):
    api.force_authenticate(resident_a)
    unknown = api.post(LIST, {"item": "NOSUCHCODE"}, format="json")
    assert unknown.status_code == 400 and "item" in unknown.json()["errors"]
    both = api.post(LIST, {"item": item.implementation_code, "bundle": 1}, format="json")
    assert both.status_code == 400 and both.json()["detail"]
    huge = api.post(LIST, {"bundle": 10**12}, format="json")
    assert huge.status_code == 400 and "bundle" in huge.json()["errors"]
    not_a_dict = api.post(LIST, ["nonsense"], format="json")
    assert not_a_dict.status_code == 400
    offline = intake_item(township=item.township, allows_online=False)
    refused = api.post(LIST, {"item": offline.implementation_code}, format="json")
    assert refused.status_code == 400 and refused.json()["detail"]
    assert not Application.objects.exists()


def test_a_resident_withdraws_and_cannot_withdraw_twice(api, accepted_a, resident_a):
    api.force_authenticate(resident_a)
    response = api.post(f"{LIST}{accepted_a.pk}/withdraw/", {"reason": "不需要了"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == ApplicationStatus.WITHDRAWN
    again = api.post(f"{LIST}{accepted_a.pk}/withdraw/")
    assert again.status_code == 400 and again.json()["detail"]


@override_settings(MATERIAL_MAX_BYTES=1024)
def test_bad_uploads_are_refused_with_the_reason(api, item, resident_a):
    api.force_authenticate(resident_a)
    pk = new_draft(api, item)
    requirement = Application.objects.get(pk=pk).item_version.materials.first()
    with translation.override("en"):
        wrong = api.post(
            f"{LIST}{pk}/materials/",
            {"requirement": requirement.pk, "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        big = api.post(
            f"{LIST}{pk}/materials/",
            {"requirement": requirement.pk, "file": pdf_upload(data=PDF_BYTES + b"0" * 4096)},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        unknown = api.post(
            f"{LIST}{pk}/materials/", {"requirement": 10**6, "file": pdf_upload()}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert wrong.status_code == 400 and "PDF, JPEG or PNG" in wrong.json()["detail"]
    assert big.status_code == 400 and "1 KB" in big.json()["detail"]
    assert unknown.status_code == 400 and "not asked for" in unknown.json()["detail"]
    no_file = api.post(f"{LIST}{pk}/materials/", {"requirement": requirement.pk})
    assert no_file.status_code == 400 and "file" in no_file.json()["errors"]
    assert not Application.objects.get(pk=pk).materials.exists()


# --- tracking --------------------------------------------------------------------------------------


def test_tracking_needs_the_code_and_shows_no_personal_data(api, accepted_a):
    wrong = api.get("/api/tracking/", {"number": accepted_a.number, "code": "000000"})
    unknown = api.get("/api/tracking/", {"number": "NO-SUCH-1", "code": "123456"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    right = api.get("/api/tracking/", {"number": accepted_a.number, "code": accepted_a.query_code})
    assert right.status_code == 200
    body = right.json()
    assert body["status"] == "accepted" and body["number"] == accepted_a.number
    assert body["department"] == accepted_a.department.name and body["due_date"]
    assert body["steps"][-1]["state"] == "已受理"
    text = right.content.decode()
    for private in (
        accepted_a.applicant_name,
        accepted_a.applicant_id_number,
        accepted_a.masked_id_number,
        accepted_a.applicant_phone,
        accepted_a.masked_phone,
    ):
        assert private not in text
    assert "applicant" not in text and "query_code" not in text


def test_tracking_without_a_number_or_code_is_bad_input(api):
    response = api.get("/api/tracking/", {"number": "X"})
    assert response.status_code == 400 and "code" in response.json()["errors"]


def test_tracking_shares_the_pages_limit_on_failed_lookups(api, accepted_a):
    page = Client()
    for _ in range(MAX_FAILED_LOOKUPS // 2):
        page.get(reverse("services-track"), {"number": accepted_a.number, "code": "999999"})
    for _ in range(MAX_FAILED_LOOKUPS - MAX_FAILED_LOOKUPS // 2):
        assert api.get("/api/tracking/", {"number": accepted_a.number, "code": "999999"}).status_code == 404
    # now even the right code is refused from this address, so trying on cannot find it
    limited = api.get("/api/tracking/", {"number": accepted_a.number, "code": accepted_a.query_code})
    assert limited.status_code == 429 and limited.json()["detail"]
    other_client = APIClient(REMOTE_ADDR="10.0.0.9")
    ok = other_client.get("/api/tracking/", {"number": accepted_a.number, "code": accepted_a.query_code})
    assert ok.status_code == 200


def test_tracking_a_bundle_shows_each_departments_progress(api, township):
    clerk, _window = clerk_at_window(township)
    departments = [DepartmentFactory(township=township) for _ in range(2)]
    bundle = Bundle.objects.create(township=township, code="NEWBORN", name="出生一件事")
    for order, department in enumerate(departments):
        BundleItem.objects.create(
            bundle=bundle, item=intake_item(township=township, department=department), order=order
        )
    received = receive_at_window(township=township, clerk=clerk, bundle=bundle, applicant=applicant())
    accepted = accept_application(application=received, clerk=clerk, checklist=full_checklist(received))
    body = api.get("/api/tracking/", {"number": accepted.number, "code": accepted.query_code}).json()
    assert body["title"] == "出生一件事"
    assert {part["department"] for part in body["parts"]} == {d.name for d in departments}
    assert {s["department"] for s in body["steps"]} >= {d.name for d in departments}


# --- queries and schema ----------------------------------------------------------------------------


def test_the_list_query_count_does_not_grow(api, township, django_assert_max_num_queries):
    clerk, window = clerk_at_window(township)
    item = intake_item(township=township)
    bundle = Bundle.objects.create(township=township, code="NEWBORN", name="出生一件事")
    for order in range(2):
        BundleItem.objects.create(
            bundle=bundle, item=intake_item(township=township, name=f"事项{order}"), order=order
        )
    for n in range(25):
        received = receive_at_window(
            township=township,
            clerk=clerk,
            window=window,
            item=None if n % 5 == 0 else item,
            bundle=bundle if n % 5 == 0 else None,
            applicant=applicant(),
        )
        if n % 2 == 0:
            accept_application(
                application=received, clerk=clerk, checklist=full_checklist(received), with_receipt=n % 4 == 0
            )
    api.force_authenticate(clerk)
    with django_assert_max_num_queries(8):
        response = api.get(LIST)
    rows = response.json()["results"]
    assert response.json()["count"] == 25 and len(rows) == 25
    assert sum(len(r["children"]) for r in rows) == 2 * 3  # the accepted bundles fanned out
    assert any(r["receipt_url"] for r in rows)


def test_the_schema_describes_applications_and_tracking(api, resident_a):
    api.force_authenticate(resident_a)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/applications/", "/api/applications/{id}/submit/", "/api/tracking/"):
        assert path in text


def test_the_schema_generates_without_warnings():
    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert [p for p in problems if "services/api.py" in p or "Application" in p or "Tracking" in p] == []
