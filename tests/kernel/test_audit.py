"""The audit log: sign-ins (also failed ones) with the address, state-changing requests with their
outcome, views of full personal data; protected from the application's own edits, kept six months at least,
searchable by township admins of their own township only."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.approvals.helpers import Office
from tests.factories import TownshipFactory, make_staff
from township.audit.models import AuditEvent, AuditKind, AuditOutcome
from township.audit.services import purge_expired, record
from township.org.roles import Role

pytestmark = pytest.mark.django_db
PASSWORD = "Aa1!aaaa-long-enough"


def staff_with_password(role, **kwargs):
    user = make_staff(role, **kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_failed_sign_in_is_recorded_with_the_name_tried_and_the_address(client):
    user = staff_with_password(Role.WINDOW_CLERK)
    client.post(reverse("login"), {"username": user.username, "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(kind=AuditKind.SIGN_IN_FAILED)
    assert (event.username, event.address, event.outcome) == (user.username, "10.1.2.3", AuditOutcome.REFUSED)


def test_a_sign_in_and_a_sign_out_are_recorded(client):
    user = staff_with_password(Role.WINDOW_CLERK)
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    client.post(reverse("logout"))
    kinds = list(
        AuditEvent.objects.filter(user_id_at_event=user.pk).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == [AuditKind.SIGN_IN, AuditKind.SIGN_OUT]
    assert AuditEvent.objects.get(kind=AuditKind.SIGN_IN).township_id == user.staff_profile.township_id


def test_viewing_an_applicants_full_identity_number_is_recorded(client):
    office = Office(chiefs=1)
    application = office.in_review()
    chief = office.chiefs[0]
    client.force_login(chief)
    page = client.get(reverse("admin:approvals_reviewcase_change", args=[application.pk]))
    assert application.applicant_id_number not in page.content.decode()  # masked on the case page
    assert not AuditEvent.objects.filter(kind=AuditKind.PERSONAL_DATA).exists()
    shown = client.get(reverse("admin:approvals_reviewcase_identity", args=[application.pk]))
    assert application.applicant_id_number in shown.content.decode()
    assert "no-store" in shown["Cache-Control"] and "private" in shown["Cache-Control"]
    event = AuditEvent.objects.get(kind=AuditKind.PERSONAL_DATA)
    assert (event.user_id_at_event, event.object_id) == (chief.pk, str(application.pk))
    assert event.object_type == "approvals.reviewcase" or event.object_type == "services.application"


def test_a_state_changing_request_is_recorded_with_its_outcome(client):
    office = Office(chiefs=1)
    application = office.in_review()
    outsider = make_staff(Role.CHIEF_REPRESENTATIVE, department=office.department)
    client.force_login(outsider)  # same department, but not the assignee: the service refuses
    client.post(
        reverse("admin:approvals_reviewcase_act", args=[application.pk, "approve"]), {"opinion": "好"}
    )
    event = AuditEvent.objects.get(kind=AuditKind.ACTION)
    assert event.action == "POST admin:approvals_reviewcase_act:approve"
    assert event.object_id == str(application.pk) and event.status_code == 302


def test_the_application_cannot_change_or_delete_recent_audit_events():
    event = record(kind=AuditKind.ACTION, username="someone", action="x")
    with pytest.raises(Exception, match="refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="y")
    with pytest.raises(Exception, match="refused"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x"


def test_the_retention_job_deletes_only_what_is_older_than_the_period(settings):
    settings.AUDIT_RETENTION_DAYS = 30  # below the legal minimum: six months are kept anyway
    # the trigger allows no UPDATE, so rows are aged the way time would: written with an old date
    for days, action in ((200, "ancient"), (100, "older than 30 days"), (0, "recent")):
        AuditEvent.objects.create(
            at=timezone.now() - timedelta(days=days), kind=AuditKind.ACTION, action=action
        )
    assert purge_expired() == 1
    assert purge_expired() == 0
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"older than 30 days", "recent"}


def test_township_admins_search_only_their_townships_audit_log(client):
    here = staff_with_password(Role.TOWNSHIP_ADMIN)
    elsewhere = staff_with_password(Role.TOWNSHIP_ADMIN, township=TownshipFactory())
    record(kind=AuditKind.ACTION, user=here, action="mine")
    record(kind=AuditKind.ACTION, user=elsewhere, action="theirs")
    client.force_login(here)
    page = client.get(reverse("admin:audit_auditevent_changelist"))
    assert page.status_code == 200
    listed = {e.action for e in page.context["cl"].result_list}
    assert "mine" in listed and "theirs" not in listed
    theirs = AuditEvent.objects.get(action="theirs")
    assert client.get(reverse("admin:audit_auditevent_change", args=[theirs.pk])).status_code in (302, 404)
    clerk = make_staff(Role.WINDOW_CLERK)
    client.force_login(clerk)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code in (302, 403)
