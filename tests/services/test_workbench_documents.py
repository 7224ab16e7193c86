"""What the window hands over on paper: the acceptance receipt fits one page and names the clerk and window."""

import io

import pytest
from pypdf import PdfReader

from services.services.intake import accept_application, receive_at_window
from tests.factories import TownshipFactory
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item

pytestmark = pytest.mark.django_db


def _pages(document):
    document.pdf.open("rb")
    try:
        return PdfReader(io.BytesIO(document.pdf.read())).pages
    finally:
        document.pdf.close()


def test_a_receipt_of_five_materials_fits_one_page_and_names_clerk_and_window(
    django_capture_on_commit_callbacks,
):
    township = TownshipFactory()
    clerk, window = clerk_at_window(township)
    clerk.first_name = "王晓窗"
    clerk.save(update_fields=["first_name"])
    item = intake_item(
        township=township,
        materials=[
            {"name": f"第{n}项申请材料（原件及复印件）", "original_count": 1, "copy_count": 1}
            for n in range(1, 6)
        ],
    )
    application = receive_at_window(
        township=township, clerk=clerk, window=window, item=item, applicant=applicant()
    )
    with django_capture_on_commit_callbacks(execute=True):  # the receipt is drawn once the accept commits
        application = accept_application(
            application=application, clerk=clerk, checklist=full_checklist(application), window=window
        )
    pages = _pages(application.receipt)
    text = "".join(p.extract_text() for p in pages).replace("\n", "")
    assert len(pages) == 1
    assert "第5项申请材料" in text
    assert "王晓窗" in text and str(window.number) in text
