"""Village points: accepting what the village may accept, forwarding the rest (代收代办), one number."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from services.errors import IntakeError
from services.models import Application, ApplicationStatus, Handover, Reception
from services.selectors.applications import prereview_queue, public_timeline
from services.services.forwarding import forward_application, receive_handover, send_handover
from services.services.intake import accept_application, receive_at_window
from tests.services.intake_helpers import applicant, full_checklist
from tests.services.points.helpers import Network
from township.casework.timeline import entries_for
from township.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


@pytest.fixture
def net():
    return Network()


def _received(net, item, at=None):
    return receive_at_window(
        township=net.township,
        clerk=net.village_clerk,
        window=net.village_window,
        item=item,
        applicant=applicant(),
        at=at,
    )


def _post_workbench(client, item, outcome, lines_from):
    data = {
        "item": item.pk,
        "applicant_kind": "person",
        "applicant_name": "张三",
        "applicant_id_number": "11010519491231002X",
        "applicant_phone": "13900000001",
        "delivery_method": "window",
        "outcome": outcome,
    }
    for key, value in full_checklist(lines_from).items():
        data[f"check-{key}"] = value["state"]
    return client.post(reverse("services-workbench"), data)


def test_a_village_point_accepts_a_village_level_item_at_its_workbench(client, net):
    client.force_login(net.village_clerk)
    probe = Application(item=net.village_item, item_version=net.village_item.current_version)
    response = _post_workbench(client, net.village_item, "accept", probe)
    assert response.status_code == 302
    application = Application.objects.get(item=net.village_item)
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.receipt_id is not None
    reception = Reception.objects.get(application=application)
    assert (reception.point, reception.is_forwarded) == (net.point, False)
    page = client.get(response["Location"])
    assert "桃园村便民服务站" in page.content.decode()


def test_a_village_point_refuses_to_accept_a_town_level_item_and_forwards_it_instead(client, net):
    client.force_login(net.village_clerk)
    probe = Application(item=net.town_item, item_version=net.town_item.current_version)
    refused = _post_workbench(client, net.town_item, "accept", probe)
    assert refused.status_code == 400
    assert "转交" in refused.content.decode() or "forward" in refused.content.decode()
    assert not Application.objects.filter(item=net.town_item).exists()  # nothing half-written

    forwarded = _post_workbench(client, net.town_item, "forward", probe)
    assert forwarded.status_code == 302
    application = Application.objects.get(item=net.town_item)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.number
    reception = Reception.objects.get(application=application)
    assert reception.is_forwarded and reception.slip_id is not None
    assert (
        client.get(reverse("services-application-document", args=[application.pk, "slip"])).status_code == 200
    )


def test_the_service_refuses_a_village_clerk_accepting_a_town_level_item(net):
    application = _received(net, net.town_item)
    with pytest.raises(IntakeError, match="桃园村便民服务站"):
        accept_application(
            application=application, clerk=net.village_clerk, checklist=full_checklist(application)
        )


def test_a_forwarded_application_keeps_one_number_and_its_receipt_date(net):
    application = _received(net, net.town_item, at=MONDAY)
    forward_application(
        application=application, clerk=net.village_clerk, checklist=full_checklist(application), at=MONDAY
    )
    number, code = application.number, application.query_code
    assert list(prereview_queue(net.hall_clerk).values_list("number", flat=True)) == [number]
    assert prereview_queue(net.hall_clerk).get().forwarded_from == net.point.name

    later = MONDAY + timedelta(days=2)
    accepted = accept_application(
        application=Application.objects.get(pk=application.pk),
        clerk=net.hall_clerk,
        checklist=full_checklist(application),
        at=later,
    )
    accepted.refresh_from_db()
    assert (accepted.number, accepted.query_code) == (number, code)
    assert accepted.submitted_at == MONDAY
    assert accepted.accepted_at == later
    assert Application.objects.filter(number=number).count() == 1
    actions = [e.action for e in entries_for(accepted, include_internal=True)]
    assert actions.index("receive") < actions.index("forward") < actions.index("accept")
    assert any("桃园村便民服务站" in (row.note or "") for row in public_timeline(accepted))


def test_past_the_five_working_days_a_forwarded_application_counts_from_receipt(net):
    application = _received(net, net.town_item, at=MONDAY)
    forward_application(application=application, clerk=net.village_clerk, at=MONDAY)
    accepted = accept_application(
        application=Application.objects.get(pk=application.pk),
        clerk=net.hall_clerk,
        checklist=full_checklist(application),
        at=MONDAY + timedelta(days=9),
    )
    assert accepted.clock_started_at == MONDAY
    assert entries_for(accepted, include_internal=True).get(action="accept").note  # says why: art. 32


def test_forwarding_twice_changes_nothing_and_only_a_village_point_forwards(net):
    application = _received(net, net.town_item)
    forward_application(application=application, clerk=net.village_clerk)
    forward_application(application=application, clerk=net.village_clerk)
    assert entries_for(application, include_internal=True).filter(action="forward").count() == 1
    assert IssuedDocument.objects.filter(doc_type="receiving_receipt").count() == 1
    other = receive_at_window(
        township=net.township, clerk=net.hall_clerk, item=net.town_item, applicant=applicant()
    )
    with pytest.raises(IntakeError):
        forward_application(application=other, clerk=net.hall_clerk)


def test_papers_travel_on_one_numbered_hand_over_list_signed_for_at_the_hall(net):
    for _ in range(2):
        application = _received(net, net.town_item)
        forward_application(application=application, clerk=net.village_clerk)
    handover = send_handover(point=net.point, clerk=net.village_clerk)
    assert handover.receptions.count() == 2
    assert handover.document.number.split("-")[1] == "JJ"
    with pytest.raises(IntakeError):
        send_handover(point=net.point, clerk=net.village_clerk)  # nothing left: no second list
    with pytest.raises(IntakeError):
        receive_handover(handover=handover, clerk=net.village_clerk)
    receive_handover(handover=handover, clerk=net.hall_clerk)
    receive_handover(handover=handover, clerk=net.hall_clerk)
    handover.refresh_from_db()
    assert handover.received_by == net.hall_clerk
    assert Handover.objects.count() == 1


def test_another_townships_clerk_cannot_see_or_sign_for_a_hand_over_list(client, net):
    application = _received(net, net.town_item)
    forward_application(application=application, clerk=net.village_clerk)
    handover = send_handover(point=net.point, clerk=net.village_clerk)
    stranger = Network().hall_clerk
    client.force_login(stranger)
    assert client.get(reverse("services-handover-pdf", args=[handover.pk])).status_code == 404
    assert client.post(reverse("services-handover-receive", args=[handover.pk])).status_code == 404
    with pytest.raises(IntakeError):
        receive_handover(handover=handover, clerk=stranger)
    assert net.point.name not in client.get(reverse("services-handovers")).content.decode()
    client.force_login(net.hall_clerk)
    assert client.get(reverse("services-handover-pdf", args=[handover.pk])).status_code == 200


def test_the_hall_lists_arriving_hand_over_lists_without_a_query_per_row(
    client, net, django_assert_max_num_queries
):
    for _ in range(3):
        application = _received(net, net.town_item)
        forward_application(application=application, clerk=net.village_clerk)
        send_handover(point=net.point, clerk=net.village_clerk)
    client.force_login(net.hall_clerk)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("services-handovers"))
    assert page.content.decode().count('id="receive-') == 3


def test_the_guide_says_where_an_item_can_be_handled(client, net):
    village = client.get(
        reverse("services-guide", args=[net.village_item.implementation_code])
    ).content.decode()
    town = client.get(reverse("services-guide", args=[net.town_item.implementation_code])).content.decode()
    assert "桃园村便民服务站" in village and "桃园村便民服务站" in town
    assert 'id="guide-places"' in village
    assert village.split('id="guide-places"')[1][:200] != town.split('id="guide-places"')[1][:200]
