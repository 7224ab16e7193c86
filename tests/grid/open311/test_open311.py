"""Open311 GeoReport v2 conformance, from the spec's text: every endpoint in XML and JSON, every error
(404 unknown jurisdiction, service or token; 403 missing or invalid api_key; 400 the rest) in the
errors/error{code, description} body, times with their zone, ids as strings, no personal data."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone, translation

from grid.channels import intake
from grid.events import services as loop
from grid.models import EventStatus, GridEvent
from grid.models.channels import EventIntake, EventSource
from grid.open311 import mapping
from tests.factories import TownshipFactory
from tests.grid.events.helpers import LAT, LNG, fed_back
from tests.grid.open311.conftest import BASE, IN_GRID, body, errors_of, xml
from township.api_keys import issue_api_key, revoke_api_key
from township.org.models import ApiClient

pytestmark = pytest.mark.django_db
ISO_Z = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"  # the open311-validator-py pattern, with the zone


def post(api, place, key, **fields):
    data = {
        "jurisdiction_id": place.township.code,
        "service_code": "01.02",
        "description": "小区门口垃圾三天没人清",
        "api_key": key,
        **IN_GRID,
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    fmt = data.pop("fmt", "json")
    return api.post(f"{BASE}/requests.{fmt}", data)


def get(api, path, place=None, **params):
    if place is not None:
        params.setdefault("jurisdiction_id", place.township.code)
    return api.get(f"{BASE}/{path}", params)


# --- discovery -------------------------------------------------------------------------------------


def test_discovery_in_xml_and_json_has_every_required_field(api):
    root = xml(get(api, "discovery.xml"))
    assert root.tag == "discovery"
    for field in ("changeset", "contact", "key_service"):
        assert root.findtext(field)
    [endpoint] = root.findall("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    data = body(get(api, "discovery.json"))
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert data["changeset"] == root.findtext("changeset")


# --- services --------------------------------------------------------------------------------------


def test_the_service_list_is_the_townships_catalogue(api, place):
    root = xml(get(api, "services.xml", place))
    assert root.tag == "services"
    services = {s.findtext("service_code"): s for s in root.findall("service")}
    garbage = services["01.02"]
    assert garbage.findtext("service_name") == "暴露垃圾"
    assert garbage.findtext("group") == "市容环境"
    assert garbage.findtext("metadata") == "true"
    assert garbage.findtext("type") == "realtime"
    assert "06010" in garbage.findtext("keywords")
    assert {child.tag for child in garbage} == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    data = body(get(api, "services.json", place))
    assert {row["service_code"] for row in data} == set(services)
    assert next(row for row in data if row["service_code"] == "01.02")["metadata"] is True


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_jurisdiction_id_is_required_and_must_be_known(api, place, fmt):
    missing = get(api, f"services.{fmt}")
    assert missing.status_code == 400
    [(code, text)] = errors_of(missing)
    assert code == 400 and "jurisdiction_id" in text
    unknown = get(api, f"services.{fmt}", jurisdiction_id="999999")
    assert unknown.status_code == 404 and errors_of(unknown)[0][0] == 404
    assert get(api, f"services.{fmt}", jurisdiction_id="").status_code == 400  # empty = absent
    assert get(api, f"services.{fmt}", jurisdiction_id="32０1").status_code == 404


def test_a_service_definition_lists_its_attributes_in_order(api, place):
    root = xml(get(api, "services/04.01.xml", place))
    assert root.tag == "service_definition" and root.findtext("service_code") == "04.01"
    attributes = root.findall("attributes/attribute")
    orders = [int(a.findtext("order")) for a in attributes]
    assert orders == sorted(set(orders)) and orders[0] >= 1
    danger = next(a for a in attributes if a.findtext("code") == "danger")
    assert danger.findtext("variable") == "true" and danger.findtext("required") == "true"
    assert danger.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in danger.findall("values/value")] == ["yes", "no"]
    limit = next(a for a in attributes if a.findtext("code") == "time_limit")
    assert limit.findtext("variable") == "false" and "2" in limit.findtext("description")
    data = body(get(api, "services/01.02.json", place))
    assert data["service_code"] == "01.02"
    assert "danger" not in {a["code"] for a in data["attributes"]}  # only for 突发事件
    assert {
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    } <= set(data["attributes"][0])


@pytest.mark.parametrize("code", ["99.99", "junk", "01.02'--"])
def test_an_unknown_service_code_is_404(api, place, code):
    for fmt in ("xml", "json"):
        answer = get(api, f"services/{code}.{fmt}", place)
        assert answer.status_code == 404 and errors_of(answer)[0][0] == 404


def test_another_townships_services_are_its_own(api, place):
    other = TownshipFactory()
    assert body(get(api, "services.json", jurisdiction_id=other.code)) == []
    assert get(api, "services/01.02.json", jurisdiction_id=other.code).status_code == 404


# --- POST requests ---------------------------------------------------------------------------------


def test_posting_a_request_makes_an_unverified_event_in_the_grid(api, place, key):
    answer = post(
        api,
        place,
        key,
        first_name="小明",
        last_name="王",
        phone="13900002222",
        email="wang@example.com",
        media_url="https://img.example.com/a.jpg",
        address_string="人民路12号",
        **{"attribute[landmark]": "联华超市"},
    )
    assert answer.status_code == 201
    [row] = body(answer)
    assert isinstance(row["service_request_id"], str) and "token" not in row
    event = GridEvent.objects.get(number=row["service_request_id"])
    assert event.status == EventStatus.REPORTED and event.grid == place.grid
    with translation.override(settings.LANGUAGE_CODE):  # stored in the site's language
        assert event.address == f"人民路12号；{translation.gettext('Nearby landmark or shop sign')}：联华超市"
    record = event.intake
    assert record.source == EventSource.OPEN311 and record.api_client.name == "FixMyStreet"
    assert (record.reporter_name, record.reporter_phone) == ("王小明", "13900002222")
    assert record.media_url == "https://img.example.com/a.jpg" and not event.photos.exists()  # never fetched


def test_the_answer_to_a_post_in_xml(api, place, key):
    answer = post(api, place, key, fmt="xml")
    root = xml(answer)
    assert answer.status_code == 201 and root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == GridEvent.objects.get().number
    assert request.find("token") is None and request.find("service_notice") is not None


def test_a_retried_post_answers_with_the_same_request(api, place, key):
    first = body(post(api, place, key))[0]["service_request_id"]
    again = body(post(api, place, key))[0]["service_request_id"]
    assert first == again and GridEvent.objects.count() == 1
    post(api, place, key, description="另一处垃圾")
    assert GridEvent.objects.count() == 2


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_posting_needs_a_valid_open311_key_of_the_jurisdiction(api, place, key, fmt):
    assert post(api, place, None, fmt=fmt).status_code == 403
    assert post(api, place, "deadbeef.nope", fmt=fmt).status_code == 403
    assert post(api, place, "x" * 300, fmt=fmt).status_code == 403
    other = TownshipFactory()
    _c, theirs = issue_api_key(township=other, name="theirs", purpose=ApiClient.Purpose.OPEN311)
    answer = post(api, place, theirs, fmt=fmt)
    assert answer.status_code == 403 and errors_of(answer)[0][0] == 403
    _c, hotline = issue_api_key(
        township=place.township, name="12345", purpose=ApiClient.Purpose.HOTLINE_PLATFORM
    )
    assert post(api, place, hotline, fmt=fmt).status_code == 403
    revoke_api_key(client=ApiClient.objects.get(name="FixMyStreet"))
    assert post(api, place, key, fmt=fmt).status_code == 403
    assert not GridEvent.objects.exists()


def test_the_key_may_come_in_the_header(api, place, key):
    answer = api.post(
        f"{BASE}/requests.json",
        {"jurisdiction_id": place.township.code, "service_code": "01.02", **IN_GRID},
        HTTP_X_API_KEY=key,
    )
    assert answer.status_code == 201
    assert GridEvent.objects.get().description == "暴露垃圾"  # no description: the service's name


@pytest.mark.parametrize(
    ("fields", "status", "word"),
    [
        ({"jurisdiction_id": None}, 400, "jurisdiction_id"),
        ({"jurisdiction_id": "320999999"}, 404, "jurisdiction_id"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "99.99"}, 404, "service_code"),
        ({"lat": None, "long": None}, 400, "location"),
        ({"long": None}, 400, "long"),
        ({"lat": "北纬31度"}, 400, "WGS-84"),
        ({"long": "nan"}, 400, "WGS-84"),
        ({"lat": str(LAT + 0.5)}, 400, "outside"),
        ({"lat": None, "long": None, "address_string": "人民路12号"}, 400, "lat and long"),
        ({"lat": None, "long": None, "address_id": "123"}, 400, "address_id"),
        ({"description": "<b>垃圾</b>"}, 400, "HTML"),
        ({"description": "垃" * 4001}, 400, "4000"),
        ({"description": "垃" * 2001}, 400, "2000"),
        ({"media_url": "ftp://example.com/a.jpg"}, 400, "media_url"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"phone": "12345"}, 400, "mobile"),
        ({"email": "not-an-address"}, 400, "e-mail"),
        ({"service_code": "04.01"}, 400, "attribute[danger]"),
        ({"service_code": "04.01", "attribute[danger]": "maybe"}, 400, "attribute[danger]"),
        ({"attribute[landmark]": "店" * 201}, 400, "attribute[landmark]"),
    ],
)
def test_bad_requests_are_refused_in_the_spec_format_and_leave_nothing(api, place, key, fields, status, word):
    for fmt in ("xml", "json"):
        answer = post(api, place, key, fmt=fmt, **fields)
        assert answer.status_code == status, answer.content
        found = errors_of(answer)
        assert found and all(code == status for code, _ in found)
        assert any(word.lower() in text.lower() for _, text in found), found
    assert not GridEvent.objects.exists() and not EventIntake.objects.exists()


def test_an_emergency_with_its_answer_and_a_grid_code_as_address_id(api, place, key):
    answer = post(
        api,
        place,
        key,
        service_code="04.01",
        lat=None,
        long=None,
        address_id=place.grid.code,
        **{"attribute[danger]": "yes"},
    )
    assert answer.status_code == 201
    event = GridEvent.objects.get()
    assert event.grid == place.grid and event.category.code == "04.01"
    with translation.override(settings.LANGUAGE_CODE):
        answer = f"{translation.gettext('Is anyone in danger now?')}：{translation.gettext('Yes')}"
    assert answer in event.description


# --- tokens ----------------------------------------------------------------------------------------


@override_settings(GRID_OPEN311_ANSWER_WITH_TOKEN=True)
def test_a_token_answer_and_the_token_endpoint(api, place, key):
    root = xml(post(api, place, key, fmt="xml"))
    request = root.find("request")
    token = request.findtext("token")
    assert token and request.find("service_request_id") is None  # never both
    found = xml(get(api, f"tokens/{token}.xml", place)).find("request")
    assert found.findtext("token") == token
    assert found.findtext("service_request_id") == GridEvent.objects.get().number
    assert body(get(api, f"tokens/{token}.json", place)) == [
        {"service_request_id": GridEvent.objects.get().number, "token": token}
    ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_token_or_one_of_another_jurisdiction_is_404(api, place, key, fmt):
    post(api, place, key)
    token = EventIntake.objects.get().external_ref
    assert get(api, f"tokens/{'0' * 32}.{fmt}", place).status_code == 404
    assert get(api, f"tokens/junk.{fmt}", place).status_code == 404
    other = TownshipFactory()
    answer = get(api, f"tokens/{token}.{fmt}", jurisdiction_id=other.code)
    assert answer.status_code == 404 and errors_of(answer)[0][0] == 404


# --- GET requests ----------------------------------------------------------------------------------


def report_at(place, at, **extra):
    values = {
        "township": place.township,
        "source": EventSource.RESIDENT,
        "category": place.category("暴露垃圾"),
        "description": "路边垃圾",
        "latitude": LAT,
        "longitude": LNG - 0.004,
        "reporter_name": "李四",
        "phone": "13900003333",
        "at": at,
    }
    values.update(extra)
    return intake.receive_report(**values)


def test_get_one_request_with_every_field_and_no_personal_data(api, place, key):
    post(
        api,
        place,
        key,
        first_name="小明",
        last_name="王",
        phone="13900002222",
        email="wang@example.com",
        media_url="https://img.example.com/a.jpg",
        address_string="人民路12号",
    )
    number = GridEvent.objects.get().number
    answer = get(api, f"requests/{number}.json", place)
    [row] = body(answer)
    assert row["service_request_id"] == number and row["status"] == "open"
    assert row["service_code"] == "01.02" and row["service_name"] == "暴露垃圾"
    assert row["description"] == "小区门口垃圾三天没人清" and row["address"] == "人民路12号"
    assert row["media_url"] == "https://img.example.com/a.jpg" and row["address_id"] == place.grid.code
    assert isinstance(row["lat"], float) and isinstance(row["long"], float)
    assert set(row) == {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    }
    assert re.match(ISO_Z, row["requested_datetime"]) and re.match(ISO_Z, row["updated_datetime"])
    for secret in (b"13900002222", "王小明".encode(), b"wang@example.com", b"FixMyStreet"):
        assert secret not in answer.content
    root = xml(get(api, f"requests/{number}.xml", place))
    assert root.tag == "service_requests" and root.find("request/service_request_id").text == number
    assert root.find("request/expected_datetime") is not None


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_request_or_one_of_another_township_is_404(api, place, fmt):
    event = report_at(place, timezone.now())
    assert get(api, f"requests/NOPE-1.{fmt}", place).status_code == 404
    other = TownshipFactory()
    answer = get(api, f"requests/{event.number}.{fmt}", jurisdiction_id=other.code)
    assert answer.status_code == 404 and errors_of(answer)[0][0] == 404


def test_status_open_and_closed_follow_our_states(api, place):
    now = timezone.now()
    waiting = report_at(place, now - timedelta(hours=3))
    rejected = report_at(place, now - timedelta(hours=2), description="重复")
    loop.reject_event(
        event=rejected, by=place.centre, reason="invalid", note="不是网格事件", at=now - timedelta(hours=1)
    )
    closed = report_at(place, now - timedelta(hours=2), description="已清理")
    loop.register_event(event=closed, by=place.centre, at=now - timedelta(minutes=50))
    loop.dispatch_event(
        event=closed, by=place.centre, department=place.sanitation, at=now - timedelta(minutes=40)
    )
    fed_back(place, closed, at=now - timedelta(minutes=30))
    loop.check_event(event=closed, by=place.member, passed=True, at=now - timedelta(minutes=20))
    rows = {r["service_request_id"]: r for r in body(get(api, "requests.json", place))}
    assert rows[waiting.number]["status"] == "open"
    assert (
        rows[rejected.number]["status"] == "closed"
        and "Not a valid event" in rows[rejected.number]["status_notes"]
    )
    assert rows[rejected.number]["updated_datetime"] == mapping.iso(now - timedelta(hours=1))
    assert rows[closed.number]["status"] == "closed" and rows[closed.number]["agency_responsible"] == "环卫所"
    assert rows[closed.number]["updated_datetime"] == mapping.iso(now - timedelta(minutes=20))
    assert rows[closed.number]["expected_datetime"] is None
    opened = [r["service_request_id"] for r in body(get(api, "requests.json", place, status="open"))]
    assert opened == [waiting.number]
    shut = {r["service_request_id"] for r in body(get(api, "requests.json", place, status="closed"))}
    assert shut == {rejected.number, closed.number}
    assert len(body(get(api, "requests.json", place, status="open,closed"))) == 3


def test_the_default_is_the_last_90_days_newest_first(api, place):
    now = timezone.now()
    old = report_at(place, now - timedelta(days=91))
    recent = report_at(place, now - timedelta(days=89))
    newest = report_at(place, now - timedelta(days=1))
    root = xml(get(api, "requests.xml", place))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [
        newest.number,
        recent.number,
    ]
    # service_request_id overrides every other filter, and reaches older requests
    ids = f"{old.number}, {newest.number},NOPE"
    rows = body(
        get(api, "requests.json", place, service_request_id=ids, status="closed", service_code="04.01")
    )
    assert {r["service_request_id"] for r in rows} == {old.number, newest.number}


def test_dates_with_their_zone_and_the_90_day_span(api, place):
    now = timezone.now()
    report_at(place, now - timedelta(days=120))
    inside = report_at(place, now - timedelta(days=100))
    report_at(place, now - timedelta(days=1))
    start = (now - timedelta(days=110)).isoformat()
    end = (now - timedelta(days=95)).isoformat()
    rows = body(get(api, "requests.json", place, start_date=start, end_date=end))
    assert [r["service_request_id"] for r in rows] == [inside.number]
    # a "+08:00" the client forgot to escape arrives as " 08:00"
    local = timezone.localtime(now - timedelta(days=110)).replace(microsecond=0).isoformat()
    assert "+08:00" in local
    only_start = api.get(f"{BASE}/requests.json?jurisdiction_id={place.township.code}&start_date={local}")
    assert [r["service_request_id"] for r in body(only_start)] == [inside.number]  # start + 90 days


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"start_date": "2026-09-01"}, "zone"),
        ({"start_date": "2026-09-01T00:00:00"}, "zone"),
        ({"end_date": "yesterday"}, "end_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "after"),
        ({"status": "pending"}, "status"),
        ({"service_request_id": ",".join(["x"] * 1001)}, "1000"),
    ],
)
def test_bad_filters_are_400(api, place, params, word):
    for fmt in ("xml", "json"):
        answer = get(api, f"requests.{fmt}", place, **params)
        assert answer.status_code == 400
        [(code, text)] = errors_of(answer)
        assert code == 400 and word in text


def test_an_unknown_service_code_filter_is_404(api, place):
    answer = get(api, "requests.xml", place, service_code="junk!")
    assert answer.status_code == 404
    assert body(get(api, "requests.json", place, service_code="99.99")) == []


def test_filter_by_service_code_and_at_most_the_cap(api, place, monkeypatch):
    now = timezone.now()
    for hours in range(4):
        report_at(place, now - timedelta(hours=hours + 1))
    water = report_at(place, now, category=place.category("路面塌陷"))
    assert [
        r["service_request_id"] for r in body(get(api, "requests.json", place, service_code="04.01"))
    ] == [water.number]
    monkeypatch.setattr(mapping, "MAX_REQUESTS", 3)
    assert len(body(get(api, "requests.json", place))) == 3


def test_the_list_takes_a_fixed_number_of_queries(api, place, django_assert_max_num_queries):
    now = timezone.now()
    for hours in range(6):
        event = report_at(place, now - timedelta(hours=hours + 1))
        if hours % 2:
            loop.reject_event(event=event, by=place.centre, reason="invalid", note="无效", at=now)
    with django_assert_max_num_queries(4):
        rows = body(get(api, "requests.json", place))
    assert len(rows) == 6


def test_reading_with_a_key_counts_against_its_rate(api, place):
    _c, key = issue_api_key(
        township=place.township, name="slow", purpose=ApiClient.Purpose.OPEN311, rate_per_minute=2
    )
    assert get(api, "services.json", place, api_key=key).status_code == 200
    assert get(api, "services.json", place, api_key=key).status_code == 200
    answer = get(api, "services.xml", place, api_key=key)
    assert answer.status_code == 429 and errors_of(answer)[0][0] == 429
    assert get(api, "services.json", place, api_key="bad.key").status_code == 403
    assert get(api, "services.json", place).status_code == 200  # reading needs no key


def test_other_methods_are_refused_in_the_spec_format(api, place):
    answer = api.delete(f"{BASE}/requests.json")
    assert answer.status_code == 405 and errors_of(answer)[0][0] == 405
    assert api.post(f"{BASE}/services.xml").status_code == 405
