"""Demo applications: the demo clerk has a pre-review queue and the demo resident an accepted application."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from services.demo_points import demo_login
from services.models import (
    Application,
    ApplicationStatus,
    PointKind,
    Reception,
    ServiceItemVersion,
    ServicePoint,
)
from services.selectors.applications import prereview_queue, resident_applications
from township.org.models import Township, Village

pytestmark = pytest.mark.django_db


def test_demo_users_find_work_and_a_running_application(settings):
    settings.DEBUG = True
    for command in ("seed_demo", "load_demo_catalog", "load_demo_applications"):
        call_command(command, stdout=io.StringIO())
    User = get_user_model()
    clerk, resident = User.objects.get(username="clerk"), User.objects.get(username="resident")
    queue = list(prereview_queue(clerk))
    # two neighbours online, and one application forwarded from 桃园村's service point
    assert len(queue) == 3
    assert [a.reception.point.name for a in queue if hasattr(a, "reception")] == ["桃园村便民服务站"]
    mine = list(resident_applications(resident))
    assert {a.status for a in mine} == {ApplicationStatus.ACCEPTED, ApplicationStatus.DRAFT}
    before = Application.objects.count(), ServicePoint.objects.count()
    call_command("load_demo_applications", stdout=io.StringIO())
    assert (Application.objects.count(), ServicePoint.objects.count()) == before


def test_every_demo_township_has_its_hall_village_points_a_village_clerk_and_a_terminal(settings, client):
    settings.DEBUG = True
    for command in ("seed_demo", "load_demo_catalog", "load_demo_applications"):
        call_command(command, stdout=io.StringIO())
    for township in Township.objects.all():
        points = ServicePoint.objects.filter(township=township)
        assert points.filter(kind=PointKind.HALL).count() == 1
        villages = Village.objects.filter(township=township)
        assert villages.count() == 3 and all(len(v.code) == 12 and v.code.isdigit() for v in villages)
        assert points.filter(kind=PointKind.VILLAGE).count() == 3
        login = demo_login(township, "villageclerk")
        clerk = get_user_model().objects.get(username=login)
        assert clerk.check_password(settings.DEMO_PASSWORD)
        assert clerk.service_point_staff.point.village.township == township
        # the village clerk's point accepted a village-level item itself and forwarded a town-level one
        receptions = Reception.objects.filter(point=clerk.service_point_staff.point)
        assert sorted(receptions.values_list("is_forwarded", flat=True)) == [False, True]
        terminal = get_user_model().objects.get(username=demo_login(township, "terminal"))
        assert terminal.terminal.point.is_hall and terminal.terminal.township == township
        client.force_login(terminal)
        assert client.get("/admin/")["Location"] == reverse("services-terminal")
    assert {demo_login(t, "terminal") for t in Township.objects.all()} == {"terminal-qs", "terminal-bs"}
    # the demo catalogue lets the terminal print some results itself
    assert ServiceItemVersion.objects.filter(self_service_print=True, status="published").exists()


def test_demo_reviews_give_the_chief_a_red_item_first(settings, client):
    from django.urls import reverse

    settings.DEBUG = True
    for command in ("seed_demo", "load_demo_catalog", "load_demo_applications", "load_demo_reviews"):
        call_command(command, stdout=io.StringIO())
    call_command("load_demo_reviews", stdout=io.StringIO())  # idempotent
    chief = get_user_model().objects.get(username="chief")
    client.force_login(chief)
    rows = list(client.get(reverse("admin:approvals_reviewcase_changelist")).context["cl"].result_list)
    assert len(rows) >= 3 and rows[0].warning_level == 2
    assert Application.objects.filter(applicant_name="赵敏").count() == 1
