"""The power list is versioned like the service catalog: one version in force, revisions, immutability."""

from decimal import Decimal

import pytest

from enforcement.models import DiscretionBand, ImmutableVersion, PowerMatterVersion, PowerStatus
from enforcement.power import services
from tests.enforcement.power.factories import make_matter

pytestmark = pytest.mark.django_db


def test_a_published_matter_has_one_version_in_force_with_its_bands():
    matter = make_matter()
    version = matter.current_version
    assert version.status == PowerStatus.ACTIVE and version.published_at is not None
    assert [b.tier for b in version.bands.order_by("position")] == ["none", "lesser", "general", "severe"]


def test_a_version_in_force_cannot_be_edited_and_its_bands_cannot_change():
    version = make_matter().current_version
    version.name = "改名"
    with pytest.raises(ImmutableVersion):
        version.save()
    band = version.bands.first()
    band.fine_max = Decimal("1")
    with pytest.raises(ImmutableVersion):
        band.save()
    with pytest.raises(ImmutableVersion):
        band.delete()


def test_a_revision_copies_the_bands_and_publishing_it_supersedes_the_old_version():
    matter = make_matter()
    old = matter.current_version
    draft = services.revise_matter(
        matter=matter, changes={"name": "擅自占用城市道路设摊经营"}, change_note="更名"
    )
    assert draft.version == 2 and draft.status == PowerStatus.DRAFT
    assert draft.bands.count() == 4
    services.publish_version(version=draft)
    old.refresh_from_db()
    matter.refresh_from_db()
    assert old.status == PowerStatus.SUPERSEDED and old.name == "擅自占用城市道路经营"
    assert matter.current_version.name == "擅自占用城市道路设摊经营"
    assert DiscretionBand.objects.filter(version=old).count() == 4


def test_a_second_revision_edits_the_open_draft_instead_of_opening_another():
    matter = make_matter()
    first = services.revise_matter(matter=matter, changes={"name": "甲"})
    second = services.revise_matter(matter=matter, changes={"legal_penalty": "处2万元以下罚款"})
    assert first.pk == second.pk
    assert PowerMatterVersion.objects.filter(matter=matter, status=PowerStatus.DRAFT).count() == 1


def test_a_penalty_matter_with_fewer_than_three_tiers_is_not_published():
    with pytest.raises(services.PowerListError, match="at least 3 tiers"):
        make_matter(bands=services_bands_two())
    assert not PowerMatterVersion.objects.filter(status=PowerStatus.ACTIVE).exists()


def services_bands_two():
    return [
        {"tier": "lesser", "conditions": "轻", "fine_min": Decimal("0"), "fine_max": Decimal("100")},
        {"tier": "severe", "conditions": "重", "fine_min": Decimal("100"), "fine_max": Decimal("200")},
    ]


def test_an_entrusted_matter_needs_its_letter_term_and_the_entrusting_organs_name():
    with pytest.raises(services.PowerListError) as refused:
        make_matter(channel="entrusted", channel_reference="", issuing_organ_name="青石镇人民政府")
    fields = refused.value.field_errors
    assert {"channel_reference", "entrusting_organ", "entrusted_until"} <= set(fields)


def test_an_entrusted_matter_goes_out_under_the_entrusting_organs_name():
    with pytest.raises(services.PowerListError) as refused:
        make_matter(
            channel="entrusted",
            channel_reference="江环委〔2026〕3号",
            entrusting_organ="江南县生态环境局",
            entrusted_until="2028-12-31",
            issuing_organ_name="青石镇人民政府",
        )
    assert "issuing_organ_name" in refused.value.field_errors


def test_recalling_a_matter_takes_it_off_the_list_and_keeps_its_last_version():
    matter = make_matter()
    version = matter.current_version
    services.recall_matter(matter=matter)
    matter.refresh_from_db()
    version.refresh_from_db()
    assert matter.current_version is None and version.status == PowerStatus.RECALLED
    with pytest.raises(services.PowerListError):
        services.recall_matter(matter=matter)
