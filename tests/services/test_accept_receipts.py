"""The accept path under load: numbers from two processes, the receipt drawn after the commit (outside the
serial lock), a failed drawing recovered, the queries of one accept."""

import io
import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from services.models import Application, ApplicationStatus
from services.services.intake import accept_application, receive_at_window
from tests.concurrency import in_processes
from tests.factories import TownshipFactory
from tests.services.accept_workers import accept_walk_ins
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item
from township.documents import services as documents
from township.documents.models import DocumentSequence, IssuedDocument


@pytest.fixture
def desk():
    township = TownshipFactory()
    clerk, window = clerk_at_window(township)
    return township, clerk, window, intake_item(township=township, promised_limit_days=10)


def walk_in(desk, **overrides):
    township, clerk, window, item = desk
    return receive_at_window(
        township=township, clerk=clerk, window=window, item=item, applicant=applicant(**overrides)
    )


def accept(desk, application, **kwargs):
    _township, clerk, window, _item = desk
    return accept_application(
        application=application, clerk=clerk, checklist=full_checklist(application), window=window, **kwargs
    )


def serials(numbers):
    return sorted(int(n.rsplit("-", 1)[1]) for n in numbers)


@pytest.mark.django_db(transaction=True)
def test_accepts_from_two_processes_never_share_a_number(desk):
    _township, clerk, window, item = desk
    per_process = 12
    results = in_processes(
        accept_walk_ins,
        [(clerk.pk, window.pk, item.pk, per_process, receipts) for receipts in (True, True)],
    )
    numbers = [number for done in results for number, _receipt, _ms, _cpu in done]
    receipts = [receipt for done in results for _number, receipt, _ms, _cpu in done]
    assert len(set(numbers)) == len(numbers) == 2 * per_process
    assert serials(numbers) == list(range(1, 2 * per_process + 1))  # gapless too
    assert len(set(receipts)) == len(receipts) and serials(receipts) == list(range(1, 2 * per_process + 1))
    # every receipt was drawn after its commit and carries its own application's number
    for document in IssuedDocument.objects.filter(doc_type="receipt"):
        with document.pdf.open("rb") as stream:
            text = "".join(PdfReader(io.BytesIO(stream.read())).pages[0].extract_text().split())
        assert document.subject.number in text and document.number in text
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 2 * per_process


@pytest.mark.django_db(transaction=True)
def test_the_receipt_serial_and_the_application_are_not_locked_while_the_receipt_is_drawn(desk, monkeypatch):
    township = desk[0]
    application = walk_in(desk)
    DocumentSequence.objects.create(
        township=township, doc_type="receipt", year=timezone.localdate().year, last_serial=0
    )
    seen = {}

    def probe():
        """From another connection, as another clerk's request would: lock what the accept touched."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT last_serial FROM documents_documentsequence "
                    "WHERE township_id = %s AND doc_type = 'receipt' FOR UPDATE NOWAIT",
                    [township.pk],
                )
                seen["serial"] = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT id FROM services_application WHERE id = %s FOR UPDATE NOWAIT", [application.pk]
                )
                seen["application"] = cursor.fetchone()[0]
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            seen["error"] = error
        finally:
            connections.close_all()

    render = documents.render_pdf

    def drawing(template_name, context):
        thread = threading.Thread(target=probe)
        thread.start()
        thread.join()
        return render(template_name, context)

    monkeypatch.setattr(documents, "render_pdf", drawing)
    accepted = accept(desk, application)
    assert "error" not in seen, seen.get("error")
    assert seen == {"serial": 1, "application": application.pk}
    assert accepted.receipt.pdf and len(accepted.receipt.content_hash) == 64


@pytest.mark.django_db(transaction=True)
def test_a_receipt_whose_drawing_failed_is_drawn_when_first_opened(desk, monkeypatch, client, caplog):
    township, clerk, _window, _item = desk
    application = walk_in(desk)

    def broken(template_name, context):
        raise OSError("font cache gone")

    with monkeypatch.context() as patched:
        patched.setattr(documents, "render_pdf", broken)
        accepted = accept(desk, application)
    assert accepted.status == ApplicationStatus.ACCEPTED  # the accept stands
    receipt = IssuedDocument.objects.get(pk=accepted.receipt_id)
    assert not receipt.pdf and receipt.content_hash == ""
    assert "could not be drawn" in caplog.text
    verify = client.get(reverse("documents-verify", args=[receipt.number]))
    page = verify.content.decode()
    assert verify.status_code == 200 and receipt.number in page
    assert "正在生成" in page or "being prepared" in page  # until the catalogue has the translation
    client.force_login(clerk)
    response = client.get(reverse("services-application-document", args=[accepted.pk, "receipt"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    receipt.refresh_from_db()
    assert receipt.pdf and len(receipt.content_hash) == 64
    assert DocumentSequence.objects.get(township=township, doc_type="receipt").last_serial == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_accept_gives_its_receipt_number_back(desk):
    application = walk_in(desk)
    with pytest.raises(RuntimeError), transaction.atomic():
        accept(desk, application)
        raise RuntimeError("the clerk's request failed after the accept")
    assert not IssuedDocument.objects.exists()
    accepted = accept(desk, Application.objects.get(pk=application.pk))
    assert accepted.receipt.number.endswith("-000001") and accepted.receipt.pdf


@pytest.mark.django_db
def test_a_rare_character_in_the_applicants_name_is_printed_on_the_receipt(
    desk, django_capture_on_commit_callbacks
):
    # 䶮 (CJK Extension A) is outside GBK, so it comes from the vendored full face
    application = walk_in(desk, name="刘䶮")
    with django_capture_on_commit_callbacks(execute=True):
        accepted = accept(desk, application)
    with accepted.receipt.pdf.open("rb") as stream:
        pages = PdfReader(io.BytesIO(stream.read())).pages
    assert len(pages) == 1
    assert "刘䶮" in "".join(pages[0].extract_text().split())


@pytest.mark.django_db
def test_one_accept_without_receipt_stays_within_its_queries(desk, django_assert_max_num_queries):
    _township, clerk, window, _item = desk
    accept(desk, walk_in(desk), with_receipt=False)  # warms the permission and calendar caches
    application = walk_in(desk)
    checklist = full_checklist(application)
    # the lock (one row, scope checked in the same query), the materials, the pre-review limit, the
    # timeline entry (head, entry, head), the SMS outbox row (look-up, savepoint, insert, release: the
    # notify kernel's get_or_create) and the update: 11; the service point the clerk works at (a village
    # point accepts only village-level items): 12; plus the savepoint and release around it here
    with django_assert_max_num_queries(14):
        accept_application(
            application=application, clerk=clerk, checklist=checklist, window=window, with_receipt=False
        )
