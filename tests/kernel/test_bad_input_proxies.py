"""Behind the TLS proxy, rate limits and the login lockout count the client's address, not the proxy's."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from services.models import SmsCode
from tests.factories import PASSWORD, TownshipFactory, make_staff
from township.clients import client_address
from township.org.roles import Role

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.1"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    cache.clear()
    yield
    cache.clear()


def _request(forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra)


def test_without_a_proxy_the_forwarded_header_is_ignored():
    assert client_address(_request("203.0.113.7")) == PROXY


def test_behind_one_proxy_the_client_is_the_address_it_forwarded(behind_one_proxy):
    assert client_address(_request("203.0.113.7")) == "203.0.113.7"


def test_a_forged_forwarded_header_cannot_choose_the_address(behind_one_proxy):
    # the client sent "X-Forwarded-For: 198.51.100.1"; our proxy appended the address it saw
    assert client_address(_request("198.51.100.1, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_outer_ones_entry_counts(settings, behind_one_proxy):
    settings.TRUSTED_PROXY_COUNT, settings.AXES_IPWARE_PROXY_COUNT = 2, 1
    assert client_address(_request("198.51.100.1, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


def test_a_request_that_did_not_come_through_the_proxy_counts_by_its_last_hop(behind_one_proxy):
    assert client_address(_request()) == PROXY


def test_one_guesser_behind_the_proxy_does_not_block_tracking_for_everyone(client, behind_one_proxy):
    for code in range(25):
        client.get(
            "/services/track/",
            {"number": "QS-XX-2026-000001", "code": f"{code:06d}"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    blocked = client.get(
        "/services/track/",
        {"number": "QS-XX-2026-000001", "code": "000000"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    other = client.get(
        "/services/track/",
        {"number": "QS-XX-2026-000001", "code": "000000"},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert "查询失败次数过多" in blocked.content.decode()
    assert "查询失败次数过多" not in other.content.decode()


def test_an_sms_code_is_counted_against_the_clients_address(client, behind_one_proxy):
    client.post(
        "/services/hall/account/sign-in/",
        {"phone": "13800000061"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert SmsCode.objects.get().requested_ip == "203.0.113.7"


def test_a_lockout_behind_the_proxy_locks_out_only_that_client(client, behind_one_proxy):
    make_staff(Role.WINDOW_CLERK, township=TownshipFactory(), username="clerk1")
    for _attempt in range(6):
        client.post(
            "/accounts/login/",
            {"username": "clerk1", "password": "wrong-password"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    elsewhere = client.post(
        "/accounts/login/",
        {"username": "clerk1", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert elsewhere.status_code == 302
