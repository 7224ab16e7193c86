"""Statistics per service point: received, accepted at the point, forwarded, forwarded and accepted at
the hall, waiting, and the mean time from forwarding to acceptance; the page for the township's staff."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from services.models import Application
from services.selectors.points import point_statistics
from services.services.forwarding import forward_application
from services.services.intake import accept_application, receive_at_window
from services.services.points import record_reception
from tests.factories import make_staff
from tests.services.intake_helpers import applicant, full_checklist
from tests.services.points.helpers import Network
from township.org.roles import Role

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


def _received(net, item, at):
    return receive_at_window(
        township=net.township,
        clerk=net.village_clerk,
        window=net.village_window,
        item=item,
        applicant=applicant(),
        at=at,
    )


def _network_with_traffic():
    net = Network()
    here = _received(net, net.village_item, MONDAY)
    here = accept_application(
        application=here, clerk=net.village_clerk, checklist=full_checklist(here), at=MONDAY
    )
    record_reception(application=here, point=net.point, by=net.village_clerk)
    for hours in (6, 30):  # forwarded on Monday, accepted at the hall 6 and 30 hours later
        application = _received(net, net.town_item, MONDAY)
        forward_application(
            application=application, clerk=net.village_clerk, checklist=full_checklist(application), at=MONDAY
        )
        accept_application(
            application=Application.objects.get(pk=application.pk),
            clerk=net.hall_clerk,
            checklist=full_checklist(application),
            at=MONDAY + timedelta(hours=hours),
        )
    waiting = _received(net, net.town_item, MONDAY)
    forward_application(
        application=waiting, clerk=net.village_clerk, checklist=full_checklist(waiting), at=MONDAY
    )
    return net


def test_point_statistics_count_per_point_and_time_forwarding_to_acceptance(django_assert_max_num_queries):
    net = _network_with_traffic()
    with django_assert_max_num_queries(2):
        figures = {
            f.point.pk: f for f in point_statistics(net.township, since=MONDAY, until=MONDAY + timedelta(7))
        }
    village, hall = figures[net.point.pk], figures[net.hall.pk]
    assert (village.received, village.accepted_here, village.forwarded) == (4, 1, 3)
    assert (village.forwarded_accepted, village.waiting_at_hall) == (2, 1)
    assert village.mean_forward_to_accept == timedelta(hours=18) and village.mean_hours == 18.0
    assert (hall.received, hall.mean_hours) == (0, None)  # every point is listed, with or without traffic
    # outside the period: nothing
    before = point_statistics(net.township, since=MONDAY - timedelta(7), until=MONDAY)
    assert all(f.received == 0 for f in before)


def test_the_statistics_page_is_for_the_townships_staff_and_shows_only_its_points(client):
    net = _network_with_traffic()
    other = Network()
    url = reverse("services-point-stats")
    query = {"date_from": "2026-03-01", "date_to": "2026-03-08"}
    client.force_login(make_staff(Role.COMMAND_CENTRE, township=net.township))
    page = client.get(url, query)
    body = page.content.decode()
    assert page.status_code == 200 and 'id="point-figures"' in body and "18.0" in body
    assert body.count("桃园村便民服务站") == 1  # the other township's point of the same name is not listed
    assert client.get(url, {"date_from": "2026-03-08", "date_to": "2026-03-01"}).status_code == 400
    assert client.get(url, {"date_from": "二〇二六年", "date_to": "x\x00"}).status_code == 400
    client.force_login(other.terminal().user)
    assert client.get(url, query).status_code == 302  # a terminal is kept on its own pages
    client.force_login(make_staff(Role.GRID_MEMBER, township=net.township))
    assert client.get(url, query).status_code == 403
