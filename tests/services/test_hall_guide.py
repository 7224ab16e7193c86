"""The guide tells the truth about applying online: paper-only materials must be brought to the hall."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.services.factories import make_item

pytestmark = pytest.mark.django_db


def _guide(client, item):
    with translation.override("en"):
        return client.get(
            reverse("services-guide", args=[item.implementation_code]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()


def test_an_item_whose_every_material_is_paper_only_does_not_claim_online_application(client):
    item = make_item(
        materials=[
            {"name": "申请书原件", "original_count": 1, "medium": "paper"},
            {"name": "户口簿", "copy_count": 1, "medium": "paper"},
        ],
        allows_online=True,
    )
    page = _guide(client, item)
    assert "Can be applied for online" not in page and "entirely online" not in page
    assert 'id="paper-materials"' in page and "申请书原件" in page and "户口簿" in page


def test_an_item_with_electronic_materials_still_says_online(client):
    item = make_item(
        materials=[{"name": "申请表", "original_count": 1, "medium": "electronic"}], allows_online=True
    )
    page = _guide(client, item)
    assert "Can be applied for online" in page and 'id="paper-materials"' not in page


def test_a_mixed_item_says_which_paper_originals_to_bring(client):
    item = make_item(
        materials=[
            {"name": "申请表", "original_count": 1, "medium": "either"},
            {"name": "房产证原件", "original_count": 1, "medium": "paper"},
        ],
        allows_online=True,
    )
    page = _guide(client, item)
    assert "Can be applied for online" not in page
    assert 'id="paper-materials"' in page and "房产证原件" in page and "申请表、" not in page
