"""Bad input at the edge: odd digits, NUL bytes, impossible dates, junk ids, deep JSON — a 400, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from services.models import Application, ApplicationStatus
from services.services.hall_auth import update_resident_profile
from tests.factories import TownshipFactory, make_resident, make_staff
from tests.services.intake_helpers import PDF_BYTES, clerk_at_window, intake_item
from township.casework.models import TimelineEntry
from township.org.models import ResidentAccount
from township.org.roles import Role

pytestmark = pytest.mark.django_db
BOUNDARY = "portal-test-boundary"


@pytest.fixture
def resident():
    return make_resident(phone="13800000041", id_number="11010519491231002X")


@pytest.mark.parametrize("digits", ["٠١٢٣٤٥٦٧٨٩", "๐๑๒๓๔๕๖๗๘๙"], ids=["arabic-indic", "thai"])
def test_another_residents_identity_number_in_other_digits_cannot_be_bound(digits):
    user = make_resident(phone="13800000031", id_number=None)
    make_resident(phone="13800000032", id_number="11010519491231002X")
    disguised = "11010519491231002X".translate(str.maketrans("0123456789", digits))
    with pytest.raises(ValidationError) as refused:
        update_resident_profile(user=user, real_name="林居民", id_number=disguised)
    assert "id_number" in refused.value.message_dict
    assert ResidentAccount.objects.get(user=user).id_number is None


@pytest.fixture
def township():
    return TownshipFactory()


@pytest.fixture
def item(township):
    return intake_item(township=township)


@pytest.fixture
def clerk(township):
    return clerk_at_window(township)[0]


# --- NUL characters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/services/?q=a%00b", "/services/track/?number=a%00&code=123456", "/services/items/A%00/"]
)
def test_a_nul_character_on_a_public_page_is_a_400_saying_so(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "invalid character (NUL)" in response.content.decode()


def test_a_nul_character_on_a_staff_page_is_a_400(client, clerk):
    client.force_login(clerk)
    assert client.get("/services/workbench/find/?number=QS%00").status_code == 400


def test_a_nul_character_in_a_form_field_or_json_body_is_a_400(client, clerk, resident):
    client.force_login(clerk)
    assert client.post("/services/workbench/", {"applicant_name": "张\x00三"}).status_code == 400
    api = APIClient()
    api.force_authenticate(resident)
    response = api.post("/api/applications/", '{"item": "A\\u0000"}', content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


# --- ids that are not numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["item=abc", "bundle=abc", "item=%C2%B9", "item=99999999999999999999999"])
def test_a_workbench_id_that_is_not_a_number_finds_nothing(client, clerk, query):
    client.force_login(clerk)
    assert client.get(f"/services/workbench/checklist/?{query}").status_code == 404


@pytest.mark.parametrize("action", ["submit", "withdraw", "materials"])
def test_an_api_id_that_is_not_a_number_is_a_404(resident, action):
    api = APIClient()
    api.force_authenticate(resident)
    assert api.post(f"/api/applications/abc/{action}/").status_code == 404
    assert api.patch("/api/applications/abc/", {}, format="json").status_code == 404


def test_a_superscript_digit_as_an_appointment_id_is_refused_not_a_crash(client, resident):
    client.force_login(resident)
    response = client.post("/services/hall/appointments/", {"cancel": "¹"})
    assert response.status_code < 500


# --- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize(
    "role,url",
    [
        (Role.WINDOW_CLERK, "/services/queue/stats/"),
        (Role.TOWNSHIP_ADMIN, "/services/evaluations/ratings/"),
        (Role.COMMAND_CENTRE, "/approvals/supervision/"),
    ],
)
def test_an_impossible_date_in_a_statistics_filter_is_a_400(client, township, role, url, value):
    client.force_login(make_staff(role, township=township))
    for field in ("date_from", "date_to"):
        response = client.get(url, {field: value}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, field
        assert "Choose a date between" in str(response.context["form"].errors)


# --- the API's JSON --------------------------------------------------------------------------------


def test_deeply_nested_json_is_a_400(resident):
    api = APIClient()
    api.force_authenticate(resident)
    for body in ["[" * 5000, '{"item": ' + "[" * 40 + "]" * 40 + "}"]:
        response = api.post("/api/applications/", body, content_type="application/json")
        assert response.status_code == 400
        assert "嵌套层级过深" in response.json()["detail"]  # said in the user's language


# --- file names ------------------------------------------------------------------------------------


def _multipart_with_file_name(name: str) -> bytes:
    """Built by hand: Django's test client and UploadedFile cut file names to 255 characters."""
    return (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="requirement"\r\n\r\n1\r\n'
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF_BYTES
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def test_a_file_name_over_a_kilobyte_gets_a_clear_message(client, resident, item):
    from services.services.intake import start_online_application

    application = start_online_application(resident=resident, item=item)
    client.force_login(resident)
    for url in (
        f"/services/hall/applications/{application.pk}/upload/",
        f"/api/applications/{application.pk}/materials/",
    ):
        response = client.post(
            url,
            _multipart_with_file_name("a" * 1100 + ".pdf"),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400
        assert "file name is too long" in response.content.decode()


# --- withdrawing and half-made rows ----------------------------------------------------------------


def test_a_draft_can_be_withdrawn(resident, item):
    from services.services.intake import start_online_application, withdraw_application

    application = start_online_application(resident=resident, item=item)
    withdrawn = withdraw_application(application=application, by=resident, reason="不办了")
    withdrawn.refresh_from_db()
    assert withdrawn.status == ApplicationStatus.WITHDRAWN and withdrawn.number


def test_a_draft_is_withdrawn_through_the_api(resident, item):
    from services.services.intake import start_online_application

    application = start_online_application(resident=resident, item=item)
    api = APIClient()
    api.force_authenticate(resident)
    response = api.post(f"/api/applications/{application.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_a_clerk_drafting_another_townships_item_through_the_api_gets_a_400_and_leaves_no_rows(item):
    other_clerk = clerk_at_window(TownshipFactory())[0]
    api = APIClient()
    api.force_authenticate(other_clerk)
    before = (Application.objects.count(), TimelineEntry.objects.count())
    response = api.post("/api/applications/", {"item": item.implementation_code}, format="json")
    assert response.status_code == 400 and response.json()["detail"]
    assert (Application.objects.count(), TimelineEntry.objects.count()) == before


# --- the API keeps to its schema -------------------------------------------------------------------


def test_the_schema_documents_the_error_responses(resident):
    api = APIClient()
    api.force_authenticate(resident)
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"400", "403", "404"} <= set(paths["/api/applications/"]["post"]["responses"])
    assert {"400", "404"} <= set(paths["/api/tracking/"]["get"]["responses"])
    assert "403" not in paths["/api/catalog/items/"]["get"]["responses"]


def test_an_api_path_no_route_matches_answers_json(client):
    response = client.get("/api/applications/not-a-number/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize("query", ["page=", "page=x", "page=%C2%B2"])
def test_a_junk_page_number_is_a_404_not_the_first_page(client, query):
    assert client.get(f"/api/catalog/material-types/?{query}").status_code == 404


@pytest.mark.parametrize("value", ["null", "2", "maybe"])
def test_a_yes_no_filter_refuses_what_is_neither(client, value):
    response = client.get("/api/catalog/items/", {"is_immediate": value})
    assert response.status_code == 400 and "is_immediate" in response.json()
    assert client.get("/api/catalog/items/", {"is_immediate": "true"}).status_code == 200


def test_the_schema_says_a_draft_needs_an_item_or_a_bundle_as_the_api_does(resident):
    api = APIClient()
    api.force_authenticate(resident)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    body = schema["paths"]["/api/applications/"]["post"]["requestBody"]
    draft = schema["components"]["schemas"][
        body["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    ]
    required = [schema["components"]["schemas"][s["$ref"].split("/")[-1]]["required"] for s in draft["oneOf"]]
    assert required == [["item"], ["bundle"]]
    assert api.post("/api/applications/", {}, format="json").status_code == 400
    both = api.post("/api/applications/", {"item": "X", "bundle": 1}, format="json")
    assert both.status_code == 400


def test_an_unknown_department_filter_lists_nothing_rather_than_refusing(resident):
    api = APIClient()
    api.force_authenticate(resident)
    response = api.get("/api/applications/", {"department": 0})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/catalog/items/?item_type=",
        "/api/catalog/items/?is_immediate=",
        "/api/applications/?submitted_to=",
    ],
)
def test_an_empty_typed_api_filter_is_a_400(resident, url):
    api = APIClient()
    api.force_authenticate(resident)
    assert api.get(url).status_code == 400
    assert api.get("/api/catalog/items/?q=").status_code == 200
