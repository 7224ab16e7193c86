"""Demo applications: the demo clerk has a pre-review queue and the demo resident an accepted application."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from services.models import Application, ApplicationStatus
from services.selectors.applications import prereview_queue, resident_applications

pytestmark = pytest.mark.django_db


def test_demo_users_find_work_and_a_running_application(settings):
    settings.DEBUG = True
    for command in ("seed_demo", "load_demo_catalog", "load_demo_applications"):
        call_command(command, stdout=io.StringIO())
    User = get_user_model()
    clerk, resident = User.objects.get(username="clerk"), User.objects.get(username="resident")
    assert prereview_queue(clerk).count() == 2
    mine = list(resident_applications(resident))
    assert {a.status for a in mine} == {ApplicationStatus.ACCEPTED, ApplicationStatus.DRAFT}
    before = Application.objects.count()
    call_command("load_demo_applications", stdout=io.StringIO())
    assert Application.objects.count() == before


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
