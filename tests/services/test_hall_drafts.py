"""Online hall drafts: "start" twice gives one draft, a draft can be deleted, nothing else can."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from services.errors import ApplicationNotPossible as InvalidTransition
from services.errors import IntakeError
from services.models import Application, ApplicationMaterial, ApplicationStatus
from services.services.drafts import delete_draft, start_or_resume_draft
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
    line_key = __import__("services.services.checklist", fromlist=["x"]).checklist_lines(draft, {})[0].key
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


def _typed(**overrides):
    data = {
        "applicant_kind": "person",
        "applicant_name": "林居民",
        "applicant_id_number": "11010519491231002X",
        "applicant_phone": "13800000011",
        "delivery_method": "window",
        "postal_address": "",
        "note": "下午三点后方便接电话",
    }
    data.update(overrides)
    return data


def _first_line(application):
    from services.services.checklist import checklist_lines

    return checklist_lines(application, {})[0].key


def test_uploading_a_file_saves_what_was_typed_on_the_page(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    client.force_login(resident)
    response = client.post(
        reverse("services-hall-upload", args=[draft.pk]),
        {**_typed(), f"file-{_first_line(draft)}": pdf_upload()},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.note == "下午三点后方便接电话" and draft.applicant_name == "林居民"
    assert draft.materials.count() == 1


def test_a_refused_upload_keeps_and_saves_the_typed_text(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    client.force_login(resident)
    bad = pdf_upload(name="scan.txt", data=b"not a scan")
    response = client.post(
        reverse("services-hall-upload", args=[draft.pk]), {**_typed(), f"file-{_first_line(draft)}": bad}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="upload-error"' in page and "下午三点后方便接电话" in page
    draft.refresh_from_db()
    assert draft.note == "下午三点后方便接电话"


def test_removing_a_file_saves_what_was_typed(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    material = attach_material(
        application=draft, requirement_id=_first_line(draft), upload=pdf_upload(), by=resident
    )
    client.force_login(resident)
    response = client.post(reverse("services-hall-remove", args=[draft.pk, material.pk]), _typed())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.note == "下午三点后方便接电话" and not draft.materials.exists()


def test_a_validation_error_keeps_every_typed_field_and_saves_the_valid_ones(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    client.force_login(resident)
    response = client.post(
        reverse("services-hall-application", args=[draft.pk]),
        _typed(applicant_phone="1234", applicant_name="林新名", then="save"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="1234"' in page and "下午三点后方便接电话" in page and 'id="error-applicant_phone"' in page
    draft.refresh_from_db()
    assert draft.applicant_name == "林新名" and draft.note == "下午三点后方便接电话"
    assert draft.applicant_phone == "13800000011"  # the invalid one keeps its saved value


def test_over_long_text_is_refused_with_its_length_never_cut(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    client.force_login(resident)
    long_note = "长" * 2100
    with translation.override("en"):
        response = client.post(
            reverse("services-hall-application", args=[draft.pk]),
            _typed(note=long_note, then="save"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert long_note in page and 'id="error-note"' in page and "2100" in page
    assert ' maxlength="2000"' not in page and 'data-maxlength="2000"' in page
    draft.refresh_from_db()
    assert draft.note == ""  # not saved cut short


def test_the_page_saves_by_itself_through_autosave(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    client.force_login(resident)
    response = client.post(reverse("services-hall-autosave", args=[draft.pk]), _typed())
    assert response.status_code == 200 and response.json()["saved"] is True
    draft.refresh_from_db()
    assert draft.note == "下午三点后方便接电话"
    refused = client.post(reverse("services-hall-autosave", args=[draft.pk]), _typed(applicant_phone="12"))
    assert refused.status_code == 400 and "applicant_phone" in refused.json()["errors"]


def test_autosave_of_a_signed_out_resident_saves_nothing(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    response = client.post(reverse("services-hall-autosave", args=[draft.pk]), _typed())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.note == ""


def test_save_and_submit_leads_to_check_your_answers_which_submits(client, item, resident):
    from services.services.checklist import checklist_lines

    draft, _ = start_or_resume_draft(resident=resident, item=item)
    for line in checklist_lines(draft, {}):
        if line.necessity == "required":
            attach_material(application=draft, requirement_id=line.key, upload=pdf_upload(), by=resident)
    client.force_login(resident)
    response = client.post(reverse("services-hall-application", args=[draft.pk]), _typed(then="check"))
    assert response["Location"] == reverse("services-hall-check", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT  # nothing sent yet
    page = client.get(response["Location"]).content.decode()
    assert "林居民" in page and "下午三点后方便接电话" in page and "scan.pdf" in page
    assert "11010519491231002X" not in page  # masked, as everywhere
    assert 'id="confirm-submit"' in page
    client.post(reverse("services-hall-submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED


def test_check_your_answers_names_what_is_missing_and_offers_no_submit(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    client.force_login(resident)
    page = client.get(reverse("services-hall-check", args=[draft.pk])).content.decode()
    assert 'id="check-problems"' in page and 'id="confirm-submit"' not in page


def test_an_upload_sent_after_the_session_ended_signs_in_back_to_the_page(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    page = reverse("services-hall-application", args=[draft.pk])
    response = client.post(
        reverse("services-hall-upload", args=[draft.pk]), _typed(), HTTP_REFERER=f"http://testserver{page}"
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?next=" + page)


def test_files_chosen_before_save_draft_are_uploaded_too(client, item, resident):
    draft, _ = start_or_resume_draft(resident=resident, item=item)
    client.force_login(resident)
    response = client.post(
        reverse("services-hall-application", args=[draft.pk]),
        {**_typed(then="save"), f"file-{_first_line(draft)}": pdf_upload()},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.materials.count() == 1 and draft.note == "下午三点后方便接电话"
