"""Collecting a result at the window: the clerk records the identity document checked."""

import pytest
from django.urls import reverse

from services.errors import IntakeError
from services.models import Application, ApplicationStatus
from services.services.delivery import deliver_result, mark_result_ready
from services.services.intake import accept_application, receive_at_window
from tests.factories import TownshipFactory
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item
from township.casework.timeline import entries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready():
    township = TownshipFactory()
    clerk, window = clerk_at_window(township)
    application = receive_at_window(
        township=township,
        clerk=clerk,
        window=window,
        item=intake_item(township=township),
        applicant=applicant(),
    )
    accept_application(application=application, clerk=clerk, checklist=full_checklist(application))
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.APPROVED)
    application.refresh_from_db()
    mark_result_ready(application=application, by=clerk)
    return application, clerk


def test_a_window_pickup_without_an_identity_check_is_refused(ready):
    application, clerk = ready
    with pytest.raises(IntakeError) as refused:
        deliver_result(application=application, by=clerk)
    assert "identity_document" in refused.value.field_errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RESULT_READY


def test_someone_elses_card_is_not_the_applicants(ready):
    application, clerk = ready
    with pytest.raises(IntakeError) as refused:
        deliver_result(
            application=application,
            by=clerk,
            identity_document="applicant",
            identity_number="440308199901010012",
        )
    assert "identity_number" in refused.value.field_errors


def test_the_checked_document_is_recorded_masked_on_the_timeline(ready, client):
    application, clerk = ready
    client.force_login(clerk)
    response = client.post(
        reverse("services-delivery"),
        {
            "application": application.pk,
            "step": "deliver",
            "identity_document": "applicant",
            "identity_number": "11010519491231002X",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DELIVERED
    note = [e.note for e in entries_for(application, include_internal=True) if e.action == "deliver"][0]
    assert "1101**********002X" in note and "11010519491231002X" not in note


def test_an_authorised_collector_is_recorded_with_their_own_number(ready):
    application, clerk = ready
    deliver_result(
        application=application,
        by=clerk,
        identity_document="authorised",
        identity_number="440308199901010012",
    )
    note = [e.note for e in entries_for(application, include_internal=True) if e.action == "deliver"][0]
    assert "4403**********0012" in note
