"""The work-order pages: the centre dispatches, the unit signs, sends back or replies; refusals show on the
form with what was typed kept; nobody reaches another township's or unit's orders."""

import pytest
from django.urls import reverse
from django.utils import translation

from grid.hotline import services as hotline
from grid.models.hotline import HotlineOrder, HotlineSource, HotlineStatus
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from tests.grid.hotline.test_orders import incoming
from township.org.roles import Role

pytestmark = pytest.mark.django_db
S = HotlineStatus


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def town():
    township = TownshipFactory()
    unit = DepartmentFactory(township=township, name="城管中队")
    return {
        "township": township,
        "unit": unit,
        "centre": make_staff(Role.COMMAND_CENTRE, township=township),
        "officer": make_staff(Role.ENFORCEMENT_OFFICER, department=unit),
        "order": hotline.receive_order(township=township, incoming=incoming(), source=HotlineSource.API)[0],
    }


def act(client, order, action, data=None):
    return client.post(reverse("grid-hotline-action", args=[order.pk, action]), data or {})


def test_the_centre_dispatches_and_the_unit_signs_and_replies_from_the_pages(client, town):
    order = town["order"]
    client.force_login(town["centre"])
    page = client.get(reverse("grid-hotline-order", args=[order.pk])).content.decode()
    assert 'id="dispatch"' in page and "138****1234" in page
    assert act(client, order, "dispatch", {"dispatch-department": town["unit"].pk}).status_code == 302
    client.force_login(town["officer"])
    assert act(client, order, "sign").status_code == 302
    assert act(client, order, "sign").status_code == 302  # a double click changes nothing
    order.refresh_from_db()
    assert order.status == S.SIGNED and order.handler == town["officer"]
    answer = act(client, order, "reply", {"reply-reply": "已处理完毕"})
    assert answer.status_code == 302
    order.refresh_from_db()
    assert order.status == S.REPLIED and order.reply == "已处理完毕"


def test_a_refused_send_back_keeps_what_was_typed(client, town):
    order = hotline.dispatch_order(order=town["order"], department=town["unit"], by=town["centre"])
    HotlineOrder.objects.filter(pk=order.pk).update(is_forced=True)
    client.force_login(town["officer"])
    answer = act(
        client, order, "send-back", {"back-reason": "remit", "back-explanation": "属于市场监管职责范围"}
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "cannot be sent back" in page and "属于市场监管职责范围" in page
    answer = act(client, order, "send-back", {"back-reason": "", "back-explanation": ""})
    assert answer.status_code == 400 and "This field is required" in answer.content.decode()


def test_every_form_has_an_enter_guard_so_enter_never_sends(client, town):
    order = hotline.dispatch_order(order=town["order"], department=town["unit"], by=town["centre"])
    order = hotline.sign_for_order(order=order, by=town["officer"])
    client.force_login(town["officer"])
    page = client.get(reverse("grid-hotline-order", args=[order.pk])).content.decode()
    forms = page.count('method="post"') - page.count("logout")
    assert forms >= 3 and page.count('class="enter-guard"') >= 3


def test_a_step_not_open_to_the_user_is_refused_with_a_message(client, town):
    client.force_login(town["officer"])
    # not yet dispatched to the officer's unit: they cannot even see it
    assert client.get(reverse("grid-hotline-order", args=[town["order"].pk])).status_code == 404
    client.force_login(town["centre"])
    answer = act(client, town["order"], "reply", {"reply-reply": "x"})
    assert answer.status_code == 302
    town["order"].refresh_from_db()
    assert town["order"].status == S.RECEIVED


def test_other_townships_and_units_cannot_reach_an_order_by_guessing_its_id(client, town):
    order = hotline.dispatch_order(order=town["order"], department=town["unit"], by=town["centre"])
    other_unit_officer = make_staff(
        Role.ENFORCEMENT_OFFICER, department=DepartmentFactory(township=town["township"])
    )
    foreign_centre = make_staff(Role.COMMAND_CENTRE, township=TownshipFactory())
    for user in (other_unit_officer, foreign_centre):
        client.force_login(user)
        assert client.get(reverse("grid-hotline-order", args=[order.pk])).status_code == 404
        assert act(client, order, "sign").status_code == 404
        assert order.number not in client.get(reverse("grid-hotline-orders")).content.decode()
    resident = make_staff(Role.WINDOW_CLERK, township=TownshipFactory())
    client.force_login(resident)
    assert client.get(reverse("grid-hotline-order", args=[order.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("grid-hotline-orders")).status_code == 302


def test_the_list_takes_a_fixed_number_of_queries(client, town, django_assert_max_num_queries):
    for n in range(30):
        hotline.receive_order(
            township=town["township"],
            incoming=incoming(platform_order_id=f"P{n}", hotline_number=f"H{n}"),
            source="api",
        )
    client.force_login(town["centre"])
    with django_assert_max_num_queries(14):
        page = client.get(reverse("grid-hotline-orders"))
    assert page.status_code == 200 and page.content.decode().count('href="/grid/hotline/') >= 25
