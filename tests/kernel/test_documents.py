"""Numbered PDF documents: Chinese text, gap-free numbers, QR verification page, hashes and rollbacks."""

import hashlib
import io
import os
import threading
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.template import TemplateDoesNotExist
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import TownshipFactory, UserFactory, make_staff
from township.documents import checks
from township.documents.models import DocumentSequence, IssuedDocument
from township.documents.rendering import FONTS_DIR, ResourceRefused, _font_file, render_pdf
from township.documents.services import issue_document, next_serial, revoke_document, verification_url
from township.documents.types import UnknownDocumentType, get_document_type, register_document_type
from township.org.roles import Role

pytestmark = pytest.mark.django_db

TITLE = "青石镇便民服务中心受理通知书"
BODY = (
    "您于今日提交的申请材料齐全，符合法定形式，现予受理。\n\n请于五个工作日后凭本通知书到综合窗口领取结果。"
)
SHANGHAI = ZoneInfo("Asia/Shanghai")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def issue(township, **overrides):
    arguments = {
        "township": township,
        "doc_type": "notice",
        "title": TITLE,
        "template_name": "documents/notice.html",
        "context": {"addressee": "申请人", "body": BODY},
    } | overrides
    return issue_document(**arguments)


def notice_context(**overrides):
    return {
        "title": TITLE,
        "number": "QS-TZ-2026-000001",
        "township": {"name": "青石镇"},
        "body": BODY,
        "qr_data_uri": "",
        "verify_url": "https://example.org/verify/",
        "issued_at": datetime(2026, 4, 8, 15, tzinfo=SHANGHAI),
    } | overrides


def pdf_text(document) -> str:
    with document.pdf.open("rb") as stream:
        reader = PdfReader(io.BytesIO(stream.read()))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def test_a_notice_pdf_carries_its_chinese_text_number_and_authority():
    township = TownshipFactory(name="青石镇", short_code="QS")
    clerk = UserFactory()
    document = issue(township, issued_by=clerk)

    text = pdf_text(document)
    assert TITLE in text
    assert "符合法定形式，现予受理。" in text and "综合窗口领取结果" in text
    assert document.number in text and "青石镇" in text
    assert document.number.startswith("QS-TZ-")
    assert document.issued_by == clerk and document.doc_type == "notice"
    assert document.pdf.name.startswith(f"documents/{document.year}/")


def test_the_content_hash_is_the_sha256_of_the_stored_file(media):
    document = issue(TownshipFactory())
    stored = (media / document.pdf.name).read_bytes()
    assert stored.startswith(b"%PDF-")
    assert hashlib.sha256(stored).hexdigest() == document.content_hash


def test_the_qr_code_points_to_the_verification_page(settings):
    document = issue(TownshipFactory())
    assert verification_url(document.number) == f"{settings.SITE_URL}/verify/{document.number}/"
    with document.pdf.open("rb") as stream:
        reader = PdfReader(io.BytesIO(stream.read()))
    # the QR code is drawn as an image; the URL is printed beside it for people without a scanner
    assert verification_url(document.number) in pdf_text(document)
    assert reader.pages[0].images or "/XObject" in str(reader.pages[0].get("/Resources"))


def test_numbers_are_sequential_per_type_township_and_year():
    qs, other = TownshipFactory(short_code="QS"), TownshipFactory(short_code="HX")
    spring = datetime(2026, 3, 1, 10, tzinfo=SHANGHAI)
    numbers = [issue(qs, issued_at=spring).number for _ in range(3)]
    assert numbers == ["QS-TZ-2026-000001", "QS-TZ-2026-000002", "QS-TZ-2026-000003"]
    assert issue(other, issued_at=spring).number == "HX-TZ-2026-000001"
    assert issue(qs, issued_at=datetime(2027, 1, 1, 0, 5, tzinfo=SHANGHAI)).number == "QS-TZ-2027-000001"


def test_the_year_is_the_local_year_of_issue():
    # 2026-12-31 17:00 UTC is already 1 January 2027 in China
    document = issue(
        TownshipFactory(short_code="QS"), issued_at=datetime(2026, 12, 31, 17, tzinfo=ZoneInfo("UTC"))
    )
    assert document.year == 2027 and document.number == "QS-TZ-2027-000001"


def test_next_serial_counts_per_type_and_restarts_per_year_and_township():
    a, b = TownshipFactory(), TownshipFactory()
    register_document_type("test_receipt", "receipt", "TSL")
    assert [next_serial(township=a, doc_type="notice", year=2026) for _ in range(3)] == [1, 2, 3]
    assert next_serial(township=a, doc_type="test_receipt", year=2026) == 1
    assert next_serial(township=a, doc_type="notice", year=2027) == 1
    assert next_serial(township=b, doc_type="notice", year=2026) == 1
    assert DocumentSequence.objects.get(township=a, doc_type="notice", year=2026).last_serial == 3


def test_a_template_error_leaves_no_row_and_gives_the_number_back(media):
    township = TownshipFactory(short_code="QS")
    with pytest.raises(TemplateDoesNotExist):
        issue(township, template_name="documents/missing.html")
    assert not IssuedDocument.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))
    assert issue(township).serial == 1


def test_a_database_failure_after_the_file_was_written_removes_the_file(media, monkeypatch):
    township = TownshipFactory()

    def refuse(self, *args, **kwargs):
        raise IntegrityError("simulated failure while recording the document")

    monkeypatch.setattr(IssuedDocument, "save", refuse)
    with pytest.raises(IntegrityError):
        issue(township)
    monkeypatch.undo()
    assert not IssuedDocument.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))
    assert issue(township).serial == 1


def test_an_unknown_document_type_is_refused_before_anything_happens():
    township = TownshipFactory()
    with pytest.raises(UnknownDocumentType, match="unknown document type"):
        issue(township, doc_type="nonsense")
    assert not DocumentSequence.objects.exists()


def test_document_types_keep_their_prefix_unique():
    assert get_document_type("notice").prefix == "TZ"
    assert register_document_type("notice", "again", "TZ").label != "again"  # idempotent, first wins
    with pytest.raises(ImproperlyConfigured):
        register_document_type("notice", "notice", "XX")
    with pytest.raises(ImproperlyConfigured):
        register_document_type("test_other", "other", "TZ")
    with pytest.raises(ImproperlyConfigured):
        register_document_type("test_lower", "lower", "tz")


def test_a_document_can_name_its_subject():
    township = TownshipFactory()
    document = issue(township, subject=township)
    document.refresh_from_db()
    assert document.subject == township


@pytest.mark.django_db(transaction=True)
def test_concurrent_serials_never_repeat_or_skip():
    township = TownshipFactory()
    serials, errors = [], []
    start = threading.Barrier(6)

    def take():
        try:
            start.wait()
            for _ in range(15):
                with transaction.atomic():
                    serials.append(next_serial(township=township, doc_type="notice", year=2026))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(serials) == list(range(1, 91))


@pytest.mark.django_db(transaction=True)
def test_documents_issued_at_once_from_two_connections_get_distinct_numbers(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    township = TownshipFactory(short_code="QS")
    issued, errors = [], []
    start = threading.Barrier(2)

    def work():
        try:
            start.wait()
            for _ in range(3):
                issued.append(issue(township, issued_at=datetime(2026, 5, 1, 9, tzinfo=SHANGHAI)).number)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(issued) == [f"QS-TZ-2026-{n:06d}" for n in range(1, 7)]
    assert IssuedDocument.objects.count() == 6


def test_the_verification_page_shows_the_facts_and_no_personal_data(client):
    township = TownshipFactory(name="青石镇")
    clerk = UserFactory(username="clerk-zhang", first_name="张三")
    document = issue(township, issued_by=clerk, issued_at=datetime(2026, 4, 8, 15, tzinfo=SHANGHAI))

    page = client.get(reverse("documents-verify", args=[document.number]), **EN)
    html = page.content.decode()
    assert page.status_code == 200
    assert document.number in html and document.content_hash in html
    assert "Notice" in html and "青石镇" in html and TITLE in html
    assert "April 8, 2026" in html and "Valid" in html
    assert "张三" not in html and "clerk-zhang" not in html and "申请人" not in html
    assert page["Cache-Control"].startswith("max-age=0")


def test_the_verification_page_needs_no_sign_in_and_says_when_a_document_was_revoked(client):
    document = issue(TownshipFactory())
    revoke_document(document=document, reason="issued in error")
    html = client.get(reverse("documents-verify", args=[document.number]), **EN).content.decode()
    assert "has been revoked" in html and "Revoked" in html and "issued in error" not in html


def test_the_verification_page_in_chinese_renders(client):
    document = issue(TownshipFactory())
    page = client.get(reverse("documents-verify", args=[document.number]))
    assert page.status_code == 200 and document.number in page.content.decode()


def test_an_unknown_number_gets_a_clear_404(client):
    page = client.get("/verify/QS-TZ-2026-999999/", **EN)
    assert page.status_code == 404
    assert "No document with number QS-TZ-2026-999999 was issued by this portal." in page.content.decode()


@pytest.mark.parametrize(
    "number", ["<script>alert(1)</script>", "x" * 300, "QS-TZ-20A6-1", "青石-TZ-2026-000001", "QS_TZ_2026"]
)
def test_a_malformed_number_in_the_address_gets_a_clear_message(client, number):
    page = client.get(f"/verify/{quote(number)}/", **EN)
    html = page.content.decode()
    assert page.status_code == 400
    assert "is not a document number" in html and "QS-TZ-2026-000012" in html
    assert "<script>alert" not in html


@pytest.mark.parametrize("number", ["<script>", "x" * 300, "QS-TZ-20A6-1", ""])
def test_a_malformed_number_in_the_form_gets_a_clear_message(client, number):
    page = client.get(reverse("documents-verify-lookup"), {"number": number}, **EN)
    html = page.content.decode()
    assert page.status_code == 400
    assert "QS-TZ-2026-000012" in html and "<script>" not in html.split("<main>")[1]


def test_the_lookup_form_forgives_case_and_full_width_and_redirects(client):
    document = issue(TownshipFactory(short_code="QS"))
    typed = " " + document.number.lower().replace("-", "－") + " "
    response = client.get(reverse("documents-verify-lookup"), {"number": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{document.number}/"
    assert client.get(f"/verify/{document.number.lower()}/").status_code == 302


def test_the_lookup_page_shows_the_form(client):
    page = client.get(reverse("documents-verify-lookup"), **EN)
    assert page.status_code == 200 and 'name="number"' in page.content.decode()


def test_only_staff_of_the_township_download_the_pdf(client):
    mine, other = TownshipFactory(), TownshipFactory()
    document = issue(mine)
    url = reverse("documents-pdf", args=[document.number])

    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=other))
    assert client.get(url).status_code in (403, 404)
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=mine))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.content_hash


def test_the_admin_lists_documents_read_only(admin_client, django_assert_max_num_queries):
    for _ in range(3):
        issue(TownshipFactory())
    with django_assert_max_num_queries(12):
        page = admin_client.get(reverse("admin:documents_issueddocument_changelist"))
    assert page.status_code == 200
    assert IssuedDocument.objects.first().number in page.content.decode()
    assert admin_client.get(reverse("admin:documents_issueddocument_add")).status_code == 403


def test_the_font_check_names_a_missing_font_file(monkeypatch, tmp_path):
    assert checks.check_pdf_fonts() == []
    monkeypatch.setattr(checks, "FONTS_DIR", tmp_path)
    errors = checks.check_pdf_fonts()
    assert [e.id for e in errors] == ["documents.E001"] and "NotoSansSCGBK-Regular.ttf" in errors[0].msg


def pdf_font_names(pdf: bytes) -> set[str]:
    """The embedded fonts' names without their subset tags (ABCDEF+Name)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_a_rare_character_in_a_name_prints_from_the_vendored_fallback_font(media):
    document = issue(TownshipFactory(name="青石镇"), context={"addressee": "李䶮", "body": BODY})
    assert "李䶮：" in pdf_text(document)
    with document.pdf.open("rb") as stream:
        fonts = pdf_font_names(stream.read())
    # the GBK subsets for ordinary text, the rare-character face only for 䶮 (outside GBK), nothing else
    assert fonts == {
        "Vendored-Noto-Sans-SC-GBK",
        "Vendored-Noto-Sans-SC-GBK-Bold",
        "Vendored-Noto-Sans-SC-Rare",
    }


def test_ordinary_text_needs_only_the_two_gbk_faces():
    # 喆 is outside GB 2312 but inside GBK, so the subsets have it
    pdf = render_pdf("documents/notice.html", notice_context(addressee="王喆"))
    assert pdf_font_names(pdf) == {"Vendored-Noto-Sans-SC-GBK", "Vendored-Noto-Sans-SC-GBK-Bold"}


def test_the_same_document_renders_to_the_same_bytes():
    context = notice_context(addressee="申请人")
    assert render_pdf("documents/notice.html", context) == render_pdf("documents/notice.html", context)


def test_pdfs_may_read_only_the_projects_own_font_files(tmp_path):
    stray = tmp_path / "x.ttf"
    stray.write_bytes(b"")
    for url in (stray.as_uri(), "file:///etc/passwd", (FONTS_DIR / "subset.py").as_uri()):
        with pytest.raises(ResourceRefused):
            _font_file(url)
    assert _font_file((FONTS_DIR / "NotoSansSCRare-Regular.ttf").as_uri()).is_file()


def test_prune_removes_only_orphaned_old_files(media):
    document = issue(TownshipFactory())
    orphan = media / "documents" / "2026" / "QS-TZ-2026-000099.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.7 orphan")
    os.utime(orphan, (1_700_000_000, 1_700_000_000))
    call_command("prune_document_files", stdout=io.StringIO())
    assert not orphan.exists()
    assert Path(media / document.pdf.name).exists()


def test_a_receipt_with_its_materials_fits_one_page(django_capture_on_commit_callbacks):
    # the services app's receipt asks for the compact page of the base template
    from services.services.intake import accept_application, receive_at_window
    from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item

    township = TownshipFactory()
    clerk, window = clerk_at_window(township)
    application = receive_at_window(
        township=township,
        clerk=clerk,
        window=window,
        item=intake_item(township=township, promised_limit_days=10),
        applicant=applicant(),
    )
    with django_capture_on_commit_callbacks(execute=True):  # the receipt is drawn once the accept commits
        accepted = accept_application(
            application=application, clerk=clerk, checklist=full_checklist(application)
        )
    with accepted.receipt.pdf.open("rb") as stream:
        pages = PdfReader(io.BytesIO(stream.read())).pages
    assert len(pages) == 1
    text = "".join(pages[0].extract_text().split())
    assert accepted.number in text and accepted.receipt.number in text and "低保申请书" in text
