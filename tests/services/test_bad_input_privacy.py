"""Personal data stays private: no caching of personal responses, the file CSP on every served file,
kiosk tickets limited, and the workbench's applicant lookup scoped to the clerk's township and masked."""

import pytest
from django.core.cache import cache

from services.models import QueueTicket
from services.services.intake import start_online_application
from services.services.materials import add_to_library
from tests.factories import TownshipFactory, make_resident
from tests.services.intake_helpers import clerk_at_window, intake_item, material_type, pdf_upload
from township.middleware import FILE_CSP

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def township():
    return TownshipFactory()


@pytest.fixture
def resident():
    return make_resident(phone="13800000071", id_number="11010519491231002X")


def _no_store(response) -> bool:
    value = response.get("Cache-Control", "")
    return "private" in value and "no-store" in value


def test_hall_pages_and_tracking_are_not_cached(client, resident):
    assert _no_store(client.get("/services/track/"))
    client.force_login(resident)
    assert _no_store(client.get("/services/hall/"))


def test_a_library_file_is_private_and_gets_the_file_csp(client, resident):
    stored = add_to_library(resident=resident, material_type=material_type(), upload=pdf_upload())
    client.force_login(resident)
    response = client.get(f"/services/hall/library/{stored.pk}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == FILE_CSP
    assert _no_store(response)


def test_the_public_catalog_may_still_be_cached(client):
    assert "no-store" not in client.get("/services/").get("Cache-Control", "")


def test_one_address_cannot_take_every_kiosk_ticket(client, township):
    url = f"/services/queue/kiosk/?township={township.code}"
    for n in range(12):
        client.post(url, {"phone": f"1390000{n:04d}", "township": township.code})
    assert QueueTicket.objects.count() == 10


def test_the_halls_own_kiosk_is_not_limited_by_address(client, township, settings):
    settings.KIOSK_ADDRESSES = ["127.0.0.1"]
    url = f"/services/queue/kiosk/?township={township.code}"
    for _n in range(12):
        client.post(url, {"phone": "", "township": township.code})
    assert QueueTicket.objects.count() == 12


def test_one_phone_gets_at_most_three_tickets_a_day(client, township, settings):
    settings.KIOSK_ADDRESSES = ["127.0.0.1"]
    url = f"/services/queue/kiosk/?township={township.code}"
    for _n in range(5):
        client.post(url, {"phone": "13900000001", "township": township.code})
    assert QueueTicket.objects.count() == 3


def test_the_applicant_lookup_finds_only_this_townships_residents_and_masks_the_phone(
    client, township, resident
):
    clerk = clerk_at_window(township)[0]
    client.force_login(clerk)
    url = "/services/workbench/applicant/?applicant_kind=person&applicant_id_number=11010519491231002X"
    assert "林" not in client.get(url).content.decode() and "known" not in client.get(url).content.decode()
    start_online_application(resident=resident, item=intake_item(township=township))
    page = client.get(url).content.decode()
    assert "138****0071" in page
    assert "13800000071" not in page
