"""Online hall: drafts, uploads checked by content and size, submission, pre-review, and who sees what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from services.models import Application, ApplicationMaterial, ApplicationStatus
from services.services.intake import (
    MaterialsIncomplete,
    accept_application,
    issue_one_time_notice,
    start_online_application,
    submit_application,
    update_draft,
)
from services.services.materials import UploadRefused, attach_material
from tests.factories import TownshipFactory, make_resident
from tests.services.intake_helpers import (
    PDF_BYTES,
    PNG_BYTES,
    applicant,
    clerk_at_window,
    full_checklist,
    intake_item,
    pdf_upload,
)
from township.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def township():
    return TownshipFactory()


@pytest.fixture
def item(township):
    return intake_item(township=township)


@pytest.fixture
def resident_a():
    return make_resident(phone="13800000011", id_number="11010519491231002X")


@pytest.fixture
def resident_b():
    return make_resident(phone="13800000012", id_number="110105194912310029")


def ready_draft(item, resident):
    application = start_online_application(resident=resident, item=item)
    update_draft(application=application, by=resident, applicant=applicant(phone=resident.resident.phone))
    for line in [
        x
        for x in __import__("services.services.checklist", fromlist=["x"]).checklist_lines(application, {})
        if x.necessity == "required"
    ]:
        attach_material(application=application, requirement_id=line.key, upload=pdf_upload(), by=resident)
    return application


def test_a_draft_cannot_be_submitted_without_the_required_uploads(item, resident_a):
    application = start_online_application(resident=resident_a, item=item)
    update_draft(application=application, by=resident_a, applicant=applicant())
    with pytest.raises(MaterialsIncomplete, match="低保申请书"):
        submit_application(application=application, by=resident_a)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.number is None


def test_submission_numbers_the_application_and_texts_the_code(item, resident_a):
    application = submit_application(application=ready_draft(item, resident_a), by=resident_a)
    assert application.status == ApplicationStatus.SUBMITTED and application.number
    message = OutboxMessage.objects.get(recipient="13800000011")
    assert application.query_code in message.body
    # submitting again (double click) changes nothing and sends nothing more
    submit_application(application=application, by=resident_a)
    assert OutboxMessage.objects.filter(recipient="13800000011").count() == 1


def test_pre_review_return_lets_the_resident_fix_and_resubmit(item, resident_a, township):
    application = submit_application(application=ready_draft(item, resident_a), by=resident_a)
    clerk, _ = clerk_at_window(township)
    issue_one_time_notice(
        application=application, clerk=clerk, checklist=full_checklist(application, 低保申请书="defective")
    )
    application.refresh_from_db()
    assert application.is_editable_by_resident
    submit_application(application=application, by=resident_a)
    accepted = accept_application(application=application, clerk=clerk, checklist=full_checklist(application))
    assert accepted.status == ApplicationStatus.ACCEPTED and accepted.receipt_id


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "is not a PDF, JPEG or PNG"),
        ("fake.pdf", b"<html>not a pdf</html>", "is not a PDF, JPEG or PNG"),
        ("photo.pdf", PNG_BYTES, "rename it to .png"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_wrong_type_uploads_are_refused_with_a_clear_message(item, resident_a, name, data, message):
    application = start_online_application(resident=resident_a, item=item)
    line = application.item_version.materials.first()
    with translation.override("en"), pytest.raises(UploadRefused, match=message):
        attach_material(
            application=application,
            requirement_id=line.pk,
            upload=SimpleUploadedFile(name, data),
            by=resident_a,
        )
    assert not ApplicationMaterial.objects.exists()


@override_settings(MATERIAL_MAX_BYTES=1024)
def test_oversize_uploads_are_refused_with_the_limit_named(item, resident_a, client):
    application = start_online_application(resident=resident_a, item=item)
    line = application.item_version.materials.first()
    client.force_login(resident_a)
    with translation.override("en"):
        response = client.post(
            reverse("services-hall-upload", args=[application.pk]),
            {"requirement": line.pk, "file": pdf_upload(data=PDF_BYTES + b"0" * 2048)},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "at most 1 KB" in response.content.decode()
    assert not ApplicationMaterial.objects.exists()


def test_upload_through_the_page_is_stored_and_served_back_to_its_owner(item, resident_a, client):
    application = start_online_application(resident=resident_a, item=item)
    line = application.item_version.materials.first()
    client.force_login(resident_a)
    response = client.post(
        reverse("services-hall-upload", args=[application.pk]), {"requirement": line.pk, "file": pdf_upload()}
    )
    assert response.status_code == 302
    material = ApplicationMaterial.objects.get()
    assert material.content_type == "application/pdf" and "scan" not in material.file.name
    served = client.get(reverse("services-application-file", args=[material.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF_BYTES


class TestResidentsSeeOnlyTheirOwn:
    """Resident B tries every door into resident A's application."""

    @pytest.fixture
    def a_application(self, item, resident_a, township):
        application = submit_application(application=ready_draft(item, resident_a), by=resident_a)
        clerk, _ = clerk_at_window(township)
        return accept_application(application=application, clerk=clerk, checklist=full_checklist(application))

    def test_pages(self, client, a_application, resident_b):
        client.force_login(resident_b)
        for name in (
            "services-hall-application",
            "services-hall-upload",
            "services-hall-submit",
            "services-hall-withdraw",
        ):
            method = client.get if name == "services-hall-application" else client.post
            assert method(reverse(name, args=[a_application.pk])).status_code == 404, name
        listing = client.get(reverse("services-hall")).content.decode()
        assert a_application.number not in listing

    def test_guessed_ids_of_documents_and_files(self, client, a_application, resident_b):
        client.force_login(resident_b)
        material = a_application.materials.first()
        assert client.get(reverse("services-application-file", args=[material.pk])).status_code == 404
        assert (
            client.get(
                reverse("services-application-document", args=[a_application.pk, "receipt"])
            ).status_code
            == 404
        )
        for guess in range(a_application.pk - 2, a_application.pk + 3):
            assert client.get(reverse("services-hall-application", args=[guess])).status_code == 404

    def test_owner_gets_in(self, client, a_application, resident_a):
        client.force_login(resident_a)
        assert client.get(reverse("services-hall-application", args=[a_application.pk])).status_code == 200
        receipt = client.get(reverse("services-application-document", args=[a_application.pk, "receipt"]))
        assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"

    def test_anonymous_is_sent_to_sign_in(self, client, a_application):
        response = client.get(reverse("services-hall-application", args=[a_application.pk]))
        assert response.status_code == 302
        material = a_application.materials.first()
        assert client.get(reverse("services-application-file", args=[material.pk])).status_code == 302

    def test_tracking_needs_the_right_code(self, client, a_application):
        url = reverse("services-track")
        wrong = client.get(
            url,
            {
                "number": a_application.number,
                "code": "000000" if a_application.query_code != "000000" else "111111",
            },
        )
        assert wrong.status_code == 404
        assert a_application.applicant_name not in wrong.content.decode()
        right = client.get(url, {"number": a_application.number, "code": a_application.query_code})
        page = right.content.decode()
        assert right.status_code == 200 and a_application.title in page
        # no personal data on the tracking page
        assert a_application.applicant_name not in page and a_application.applicant_id_number not in page
        assert a_application.applicant_phone not in page

    def test_tracking_stops_answering_a_guesser(self, client, a_application):
        url = reverse("services-track")
        for code in range(25):
            client.get(url, {"number": a_application.number, "code": f"{code:06d}x"})
        response = client.get(url, {"number": a_application.number, "code": a_application.query_code})
        assert response.status_code == 404

    def test_staff_of_another_township_cannot_open_it(self, client, a_application):
        other_clerk, _ = clerk_at_window(TownshipFactory())
        client.force_login(other_clerk)
        assert client.get(reverse("services-workbench-done", args=[a_application.pk])).status_code == 404
        assert client.get(reverse("services-workbench-intake", args=[a_application.pk])).status_code == 404
        material = a_application.materials.first()
        assert client.get(reverse("services-application-file", args=[material.pk])).status_code == 404


def test_hall_list_query_count_does_not_grow_with_applications(
    client, item, resident_a, django_assert_max_num_queries
):
    for _ in range(6):
        start_online_application(resident=resident_a, item=item)
    client.force_login(resident_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("services-hall"))
    assert response.content.decode().count("services/hall/applications/") >= 6
    assert Application.objects.filter(resident=resident_a).count() == 6


def test_an_online_bundle_asks_each_material_once_and_fans_out_on_acceptance(township, resident_a, client):
    from services.models import Bundle, BundleItem
    from services.services.checklist import checklist_lines
    from tests.factories import DepartmentFactory

    items = [
        intake_item(township=township, department=DepartmentFactory(township=township), name=f"出生事项{i}")
        for i in range(3)
    ]
    bundle = Bundle.objects.create(township=township, code="BIRTH", name="出生一件事")
    for order, item in enumerate(items):
        BundleItem.objects.create(bundle=bundle, item=item, order=order)
    client.force_login(resident_a)
    response = client.post(reverse("services-hall-apply-bundle", args=[bundle.pk]))
    application = Application.objects.get(bundle=bundle)
    assert response.status_code == 302
    lines = checklist_lines(application, {})
    assert [line.name for line in lines].count("居民身份证") == 1
    update_draft(application=application, by=resident_a, applicant=applicant(phone="13800000011"))
    for line in lines:
        if line.necessity == "required":
            attach_material(
                application=application, requirement_id=line.key, upload=pdf_upload(), by=resident_a
            )
    submit_application(application=application, by=resident_a)
    clerk, _ = clerk_at_window(township)
    accepted = accept_application(application=application, clerk=clerk, checklist=full_checklist(application))
    assert accepted.children.count() == 3
    page = client.get(reverse("services-hall-application", args=[application.pk])).content.decode()
    for item in items:
        assert item.department.name in page
