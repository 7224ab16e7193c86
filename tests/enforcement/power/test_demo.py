"""The demo power list, squads and officers: realistic, complete, idempotent."""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from enforcement.demo.power import numeric_method_bands
from enforcement.models import DiscretionBand, PowerChannel, PowerKind, PowerMatter, PowerMatterVersion
from enforcement.power import discretion
from enforcement.power.discretion import Facts
from township.org.models import Department, StaffProfile, Township
from township.org.scope import data_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("load_demo_power", "--township", "320999101", verbosity=0)


def test_each_demo_township_has_about_250_matters_from_twelve_departments(demo):
    for township in Township.objects.filter(short_code="QS"):
        versions = PowerMatterVersion.objects.filter(matter__township=township, status="active")
        assert versions.count() == 250
        assert len(set(versions.values_list("source_department", flat=True))) == 12
        kinds = Counter(versions.values_list("kind", flat=True))
        assert kinds[PowerKind.PENALTY] > 200 and kinds[PowerKind.COERCION] and kinds[PowerKind.INSPECTION]


def test_every_penalty_matter_has_at_least_three_tiers_and_some_flags_are_set(demo):
    versions = PowerMatterVersion.objects.filter(status="active", kind=PowerKind.PENALTY).prefetch_related(
        "bands"
    )
    for version in versions:
        graded = [b for b in version.bands.all() if b.tier != "none"]
        assert len(graded) >= 3, version.name
    assert versions.filter(first_offence_exemption=True).count() > 50
    assert versions.filter(legal_review_required=True).count() > 30
    entrusted = versions.filter(channel=PowerChannel.ENTRUSTED)
    assert entrusted.count() > 30
    assert all(v.issuing_organ_name == v.entrusting_organ and v.entrusted_until for v in entrusted)


def test_the_demo_benchmarks_answer_the_discretion_gate(demo):
    version = PowerMatterVersion.objects.get(
        status="active", matter__code="XF-003", matter__township__short_code="QS"
    )
    band = discretion.discretion_band_for(version, Facts(harm="general"))
    assert band.tier == "general"
    assert discretion.check_fine(version, band.tier, 25000).within
    assert (
        discretion.discretion_band_for(version, Facts(harm="none", first_offence=True, corrected=True)).tier
        == "none"
    )


def test_the_bureau_has_three_squads_and_an_officer_sees_only_his_squad(demo):
    qs = Township.objects.get(short_code="QS")
    bureau = Department.objects.get(township=qs, code="ZHZF")
    assert Department.objects.filter(parent=bureau).count() == 3
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    squad = set(
        Department.objects.filter(pk__in=data_scope(users.get(username="zf1a")).department_ids).values_list(
            "code", flat=True
        )
    )
    whole = set(
        Department.objects.filter(pk__in=data_scope(users.get(username="zfhead")).department_ids).values_list(
            "code", flat=True
        )
    )
    assert squad == {"ZHZF1"}
    assert whole == {"ZHZF", "ZHZF1", "ZHZF2", "ZHZF3"}
    for name in ("zfhead", "zflegal", "zf2b", "zf3b"):
        assert get_user_model().objects.filter(username=name).exists()


def test_loading_the_demo_twice_creates_nothing(demo):
    call_command("load_demo_power", verbosity=0)
    assert PowerMatter.objects.filter(township__short_code="BS").count() == 250
    before = PowerMatterVersion.objects.count(), DiscretionBand.objects.count(), StaffProfile.objects.count()
    call_command("load_demo_power", verbosity=0)
    after = PowerMatterVersion.objects.count(), DiscretionBand.objects.count(), StaffProfile.objects.count()
    assert before == after


def test_the_numeric_method_for_a_maximum_only_puts_general_at_40_to_60_percent():
    bands = {b["tier"]: b for b in numeric_method_bands("max:20000", first_offence=False)}
    assert (bands["minor"]["fine_max"], bands["general"]["fine_min"], bands["general"]["fine_max"]) == (
        Decimal("4000"),
        Decimal("8000"),
        Decimal("12000"),
    )
    ranged = numeric_method_bands("range:5000-50000", first_offence=True)
    assert [b["tier"] for b in ranged] == ["none", "lesser", "general", "severe"]
    assert ranged[2]["fine_min"] == Decimal("18500") and ranged[2]["fine_max"] == Decimal("36500")
