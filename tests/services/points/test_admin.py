"""The admins of the window network: a township admin manages their points, point staff and terminals
and looks at receptions and hand-over lists; another township's rows stay out of reach, guessed ids
included, and nothing of another township can be attached to a point or a terminal."""

import pytest
from django.urls import reverse
from django.utils import timezone

from services.models import Handover, PointStaff, Reception, SelfServiceTerminal, ServicePoint
from services.services.points import record_reception
from tests.approvals.helpers import Office
from tests.factories import UserFactory, make_staff
from tests.services.points.helpers import Network
from township.org.models import Village
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    office = Office()
    net = Network(township=office.township)
    application = office.accepted(item=net.village_item)
    handover = Handover.objects.create(
        township=net.township, point=net.point, created_by=net.village_clerk, created_at=timezone.now()
    )
    reception = record_reception(application=application, point=net.point, by=net.village_clerk)
    reception.handover = handover
    reception.save()
    net.terminal_row = net.terminal()
    net.rows = {
        "servicepoint": net.point,
        "pointstaff": PointStaff.objects.get(user=net.village_clerk),
        "selfserviceterminal": net.terminal_row,
        "reception": reception,
        "handover": handover,
    }
    return net


def _change(model, pk):
    return reverse(f"admin:services_{model}_change", args=[pk])


def test_a_township_admin_sees_their_network_in_the_admin(client, network, django_assert_max_num_queries):
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=network.township))
    for model, row in network.rows.items():
        with django_assert_max_num_queries(20):
            listed = client.get(reverse(f"admin:services_{model}_changelist"))
        assert listed.status_code == 200 and row.pk in {r.pk for r in listed.context["cl"].result_list}
        assert client.get(_change(model, row.pk)).status_code == 200
    # receptions and hand-over lists are written by the intake steps, never in the admin
    assert client.get(reverse("admin:services_reception_add")).status_code == 403
    assert client.get(reverse("admin:services_handover_add")).status_code == 403


def test_another_townships_admin_reaches_none_of_it_not_even_by_guessed_ids(client, network):
    other = Network()
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=other.township))
    for model, row in network.rows.items():
        listed = client.get(reverse(f"admin:services_{model}_changelist"))
        assert row.pk not in {r.pk for r in listed.context["cl"].result_list}
        for pk in (row.pk, row.pk + 10_000, 2**31 - 1):
            assert client.get(_change(model, pk)).status_code == 302  # "does not exist": back to the index
    # a change posted to another township's point changes nothing
    client.post(_change("servicepoint", network.point.pk), {"name": "改名", "code": network.point.code})
    network.point.refresh_from_db()
    assert network.point.name == "桃园村便民服务站"


def test_nothing_of_another_township_can_be_attached_to_a_point_or_a_terminal(client, network):
    other = Network()
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=network.township))
    their_village = Village.objects.create(township=other.township, code="320988000001", name="外镇村")
    response = client.post(
        reverse("admin:services_servicepoint_add"),
        {
            "township": network.township.pk,
            "kind": "village",
            "village": their_village.pk,
            "code": "320988000001",
            "name": "外镇村便民服务站",
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors["village"]
    assert not ServicePoint.objects.filter(code="320988000001").exists()
    response = client.post(
        reverse("admin:services_pointstaff_add"),
        {"point": network.point.pk, "user": other.village_clerk.pk, "duty": "clerk"},
    )
    assert response.context["adminform"].form.errors["user"]
    # a terminal's account holds no staff role or profile
    response = client.post(
        reverse("admin:services_selfserviceterminal_add"),
        {
            "township": network.township.pk,
            "point": network.hall.pk,
            "user": network.hall_clerk.pk,
            "code": "ZZ-NEW",
            "name": "自助终端2号",
            "printable_items": [other.village_item.pk],
            "is_active": "on",
        },
    )
    errors = response.context["adminform"].form.errors
    assert errors["user"] and errors["printable_items"]
    account = UserFactory(username="terminal-new")
    response = client.post(
        reverse("admin:services_selfserviceterminal_add"),
        {
            "township": network.township.pk,
            "point": network.hall.pk,
            "user": account.pk,
            "code": "ZZ-NEW",
            "name": "自助终端2号",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert SelfServiceTerminal.objects.get(code="ZZ-NEW").user == account
    assert Reception.objects.count() == 1
