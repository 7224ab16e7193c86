"""Online hall drafts: "start" twice gives one draft, a draft can be deleted, nothing else can."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from services.models import Application, ApplicationMaterial, ApplicationStatus
from services.services.drafts import delete_draft, start_or_resume_draft
from services.services.intake import IntakeError, InvalidTransition
from services.services.materials import attach_material
from tests.factories import TownshipFactory, make_resident
from tests.services.intake_helpers import intake_item, pdf_upload
from township.casework.models import TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    return intake_item(township=TownshipFactory())


@pytest.fixture
def resident():
    return make_resident(phone="13800000011", id_number="11010519491231002X")


def test_starting_the_same_item_twice_resumes_the_first_draft(client, item, resident):
    client.force_login(resident)
    url = reverse("services-hall-apply", args=[item.implementation_code])
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Application.objects.filter(resident=resident, status=ApplicationStatus.DRAFT).count() == 1


def test_an_agent_gets_a_new_draft_once_the_first_names_someone(item, resident):
    from services.services.intake import Agent

    first, is_new = start_or_resume_draft(resident=resident, item=item, agent=Agent(consent_method="written"))
    again, again_new = start_or_resume_draft(
        resident=resident, item=item, agent=Agent(consent_method="written")
    )
    assert is_new and not again_new and again.pk == first.pk
    Application.objects.filter(pk=first.pk).update(applicant_name="李四")
    other, other_new = start_or_resume_draft(
        resident=resident, item=item, agent=Agent(consent_method="written")
    )
    assert other_new and other.pk != first.pk


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_give_one_draft(item, resident):
    barrier = threading.Barrier(2)
    results = []

    def start():
        try:
            barrier.wait()
            results.append(start_or_resume_draft(resident=resident, item=item)[0].pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert Application.objects.filter(resident=resident).count() == 1


def test_a_resident_deletes_their_draft_and_its_files_from_the_page(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    line_key = __import__("services.services.intake", fromlist=["x"]).checklist_lines(draft, {})[0].key
    attach_material(application=draft, requirement_id=line_key, upload=pdf_upload(), by=resident)
    client.force_login(resident)
    page = client.get(reverse("services-hall-application", args=[draft.pk]))
    assert reverse("services-hall-delete", args=[draft.pk]) in page.content.decode()
    response = client.post(reverse("services-hall-delete", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("services-hall")
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not ApplicationMaterial.objects.filter(application_id=draft.pk).exists()
    assert TimelineEntry.objects.filter(object_id=draft.pk, action="delete-draft").exists()


def test_another_resident_cannot_delete_a_draft(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    other = make_resident(phone="13800000012", id_number="110105194912310029")
    client.force_login(other)
    assert client.post(reverse("services-hall-delete", args=[draft.pk])).status_code == 404
    with pytest.raises(IntakeError):
        delete_draft(application=draft, by=other)
    assert Application.objects.filter(pk=draft.pk).exists()


def test_a_submitted_application_cannot_be_deleted_only_withdrawn(item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    Application.objects.filter(pk=draft.pk).update(status=ApplicationStatus.SUBMITTED, number="X-1")
    with pytest.raises(InvalidTransition):
        delete_draft(application=draft, by=resident)
    assert Application.objects.filter(pk=draft.pk).exists()
