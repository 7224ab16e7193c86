"""The uniform documents: numbered, QR-verifiable PDFs whose text carries the case's facts, under the
name of the organ on the power list."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from enforcement.cases import services
from enforcement.models.cases import ServiceMethod

from .conftest import CREDIT_CODE, local
from .helpers import notified, registered

pytestmark = pytest.mark.django_db


def pdf_text(document) -> str:
    with document.pdf.open("rb") as stream:
        reader = PdfReader(io.BytesIO(stream.read()))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def documents_of(case):
    from django.contrib.contenttypes.models import ContentType

    from township.documents.models import IssuedDocument

    return {
        d.doc_type: d
        for d in IssuedDocument.objects.filter(
            content_type=ContentType.objects.get_for_model(case), object_id=case.pk
        )
    }


def test_registration_notice_decision_and_proof_of_service_carry_their_fields(world):
    case = notified(world, served_at=local(2026, 9, 1, 9, 0), fine="3000", at=local(2026, 8, 3, 10, 0))
    services.record_waiver(case=case, by=world.officer, at=local(2026, 9, 2, 9, 0))
    services.decide_penalty(case=case, by=world.head, at=local(2026, 9, 3, 9, 0))
    case.refresh_from_db()
    services.serve_decision(
        case=case,
        by=world.officer,
        method=ServiceMethod.DIRECT,
        recipient="张伟",
        served_at=local(2026, 9, 4, 9, 0),
        place="公司前台",
        at=local(2026, 9, 4, 9, 0),
    )
    docs = documents_of(case)
    assert {"enf_registration", "enf_notice", "enf_decision", "enf_service"} <= set(docs)
    organ = f"{world.township.name}人民政府"
    registration = pdf_text(docs["enf_registration"])
    assert (
        case.number in registration
        and "擅自设置户外广告" in registration
        and "320100001" in registration
        and organ in registration
    )
    notice = pdf_text(docs["enf_notice"])
    assert "3,000.00" in notice and world.entity.name in notice and CREDIT_CODE in notice
    assert "《城市市容和环境卫生管理条例》第三十六条第一款" in notice
    decision = pdf_text(docs["enf_decision"])
    assert (
        "青综执罚〔2026〕1号" in decision
        and "3,000.00" in decision
        and organ in decision
        and docs["enf_decision"].number in decision
    )
    proof = pdf_text(docs["enf_service"])
    assert "张伟" in proof and "公司前台" in proof and "青综执罚〔2026〕1号" in proof
    # the QR code's verification page knows the decision and its fingerprint
    page = Client().get(f"/verify/{docs['enf_decision'].number}/")
    assert page.status_code == 200 and docs["enf_decision"].content_hash in page.content.decode()


def test_a_persons_id_number_is_masked_on_the_documents(world):
    case = registered(world, person=True)
    text = pdf_text(documents_of(case)["enf_registration"])
    assert "1101**********002X" in text and "11010519491231002X" not in text
