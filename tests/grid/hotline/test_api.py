"""The platform's side of the hotline API (API keys, idempotency, errors) and staff reading orders."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from grid.hotline import services as hotline
from grid.models.hotline import HotlineOrder, HotlineStatus
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from township.api_keys import issue_api_key, revoke_api_key
from township.org.models import ApiClient
from township.org.roles import Role

pytestmark = pytest.mark.django_db
URL = "/api/hotline/platform/orders/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def platform():
    township = TownshipFactory()
    client, key = issue_api_key(
        township=township, name="City 12345", purpose=ApiClient.Purpose.HOTLINE_PLATFORM
    )
    return township, client, key


def order_json(**overrides):
    body = {
        "platform_order_id": "GD20261201000777",
        "hotline_number": "12345-20261201-0777",
        "urgency": "general",
        "kind": "report",
        "title": "河道有人倾倒垃圾",
        "content": "南河桥下每天早上有人倾倒建筑垃圾。",
        "received_at": "2026-12-01T08:15:00+08:00",
        "caller_phone": "13900001111",
        "lng": "120.301",
        "lat": "31.902",
    }
    body.update(overrides)
    return body


def post(client, body, key, **extra):
    return client.post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_X_API_KEY=key,
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def test_the_platform_posts_an_order_once_however_often_it_retries(client, platform):
    township, _client, key = platform
    first = post(client, order_json(), key)
    assert first.status_code == 201, first.content
    again = post(client, order_json(title="重复"), key)
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    order = HotlineOrder.objects.get()
    assert (
        order.township == township
        and order.title == "河道有人倾倒垃圾"
        and order.status == HotlineStatus.RECEIVED
    )


def test_no_key_a_wrong_key_a_revoked_key_or_a_key_for_another_purpose_is_refused(client, platform):
    township, api_client, key = platform
    assert post(client, order_json(), "").status_code in (401, 403)
    assert post(client, order_json(), key[:-2] + "xx").status_code in (401, 403)
    _open311, other_key = issue_api_key(township=township, name="app", purpose=ApiClient.Purpose.OPEN311)
    assert post(client, order_json(), other_key).status_code == 403
    revoke_api_key(client=api_client)
    refused = post(client, order_json(), key)
    assert refused.status_code in (401, 403) and "revoked" in refused.json()["detail"]
    assert not HotlineOrder.objects.exists()


def test_a_faulty_order_answers_400_field_by_field_and_saves_nothing(client, platform):
    _township, _client, key = platform
    answer = post(client, order_json(urgency="urgent", lat="91", received_at="yesterday"), key)
    assert answer.status_code == 400
    assert {"urgency", "received_at"} <= set(answer.json()["errors"])
    answer = post(client, order_json(lat="91"), key)
    assert answer.status_code == 400 and "lat" in answer.json()["errors"]
    assert not HotlineOrder.objects.exists()
    assert (
        client.post(URL, data="{not json", content_type="application/json", HTTP_X_API_KEY=key).status_code
        == 400
    )


def test_a_key_is_rate_limited_per_minute(client, platform):
    _township, api_client, key = platform
    ApiClient.objects.filter(pk=api_client.pk).update(rate_per_minute=2)
    cache.clear()
    codes = [post(client, order_json(platform_order_id=f"GD{n}"), key).status_code for n in range(3)]
    assert codes == [201, 201, 429]


def test_the_platform_reports_the_follow_up_and_a_dissatisfied_caller_gets_a_redo(client, platform):
    township, _client, key = platform
    unit = DepartmentFactory(township=township)
    centre = make_staff(Role.COMMAND_CENTRE, township=township)
    officer = make_staff(Role.ENFORCEMENT_OFFICER, department=unit)
    post(client, order_json(), key)
    order = HotlineOrder.objects.get()
    order = hotline.dispatch_order(order=order, department=unit, by=centre)
    order = hotline.sign_for_order(order=order, by=officer)
    hotline.reply_to_caller(order=order, by=officer, reply="已清理并设置监控")
    url = "/api/hotline/platform/follow-ups/"
    body = {"platform_order_id": "GD20261201000777", "result": "dissatisfied", "unit_at_fault": True}
    answer = client.post(url, data=json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key)
    assert answer.status_code == 200 and answer.json()["status"] == "signed"
    answer = client.post(url, data=json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key)
    assert answer.status_code == 409  # not replied again yet
    unknown = {**body, "platform_order_id": "GD-none"}
    answer = client.post(url, data=json.dumps(unknown), content_type="application/json", HTTP_X_API_KEY=key)
    assert answer.status_code == 404


def test_another_townships_key_cannot_follow_up_an_order(client, platform):
    _township, _client, key = platform
    post(client, order_json(), key)
    _other, other_key = issue_api_key(
        township=TownshipFactory(), name="other", purpose=ApiClient.Purpose.HOTLINE_PLATFORM
    )
    body = {"platform_order_id": "GD20261201000777", "result": "satisfied"}
    answer = client.post(
        "/api/hotline/platform/follow-ups/",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_X_API_KEY=other_key,
    )
    assert answer.status_code == 404


def test_staff_read_only_the_orders_in_their_scope_and_the_phone_is_masked(client, platform):
    township, _client, key = platform
    post(client, order_json(), key)
    order = HotlineOrder.objects.get()
    centre = make_staff(Role.COMMAND_CENTRE, township=township)
    unit = DepartmentFactory(township=township)
    officer = make_staff(Role.ENFORCEMENT_OFFICER, department=unit)
    foreign = make_staff(Role.COMMAND_CENTRE, township=TownshipFactory())

    client.force_login(centre)
    listed = client.get("/api/hotline/orders/").json()["results"]
    assert [row["number"] for row in listed] == [order.number]
    assert listed[0]["caller_phone"] == "139****1111"
    client.force_login(officer)
    assert client.get("/api/hotline/orders/").json()["results"] == []  # not yet dispatched to this unit
    assert client.get(f"/api/hotline/orders/{order.pk}/").status_code == 404
    client.force_login(foreign)
    assert client.get(f"/api/hotline/orders/{order.pk}/").status_code == 404
    assert client.get("/api/hotline/orders/not-a-number/").status_code == 404
    client.logout()
    assert client.get("/api/hotline/orders/").status_code in (401, 403)


def test_the_key_is_shown_once_in_the_admin_and_only_a_hash_is_kept(client):
    township = TownshipFactory()
    admin_user = make_staff(Role.TOWNSHIP_ADMIN, township=township)
    client.force_login(admin_user)
    answer = client.post(
        reverse("admin:org_apiclient_add"),
        {"township": township.pk, "name": "City 12345", "purpose": "hotline", "rate_per_minute": 60},
        follow=True,
    )
    assert answer.status_code == 200
    api_client = ApiClient.objects.get()
    shown = [str(m) for m in answer.context["messages"]]
    [key] = [word for text in shown for word in text.split() if word.startswith(api_client.key_prefix + ".")]
    assert key not in api_client.key_hash and len(api_client.key_hash) == 64
    assert post(client, order_json(), key).status_code == 201
    other = TownshipFactory()
    issue_api_key(township=other, name="theirs", purpose="open311")
    listed = client.get(reverse("admin:org_apiclient_changelist"))
    assert "theirs" not in listed.content.decode()
