"""The demo catalog: realistic items over every department, idempotent loading, bundles, search."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from services.data import demo_items as data
from services.demo_catalog import demo_items, load_demo_catalog
from services.models import (
    Bundle,
    BundleItem,
    MaterialRequirement,
    MaterialType,
    Necessity,
    ServiceItem,
    ServiceItemVersion,
    VersionStatus,
)
from services.selectors.search import search_items
from township.org import demo
from township.org.models import Township

pytestmark = pytest.mark.django_db


@pytest.fixture
def townships(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo_catalog", stdout=out)
    assert "demo catalog ready" in out.getvalue()
    return list(Township.objects.filter(code__in=[t["code"] for t in demo.TOWNSHIPS]).order_by("code"))


def snapshot():
    return {
        "items": ServiceItem.objects.count(),
        "items_updated": ServiceItem.objects.aggregate(m=Max("updated_at"))["m"],
        "versions": ServiceItemVersion.objects.count(),
        "materials": MaterialRequirement.objects.count(),
        "material_types": MaterialType.objects.count(),
        "bundles": Bundle.objects.count(),
        "bundle_items": list(BundleItem.objects.order_by("pk").values_list("pk", "bundle_id", "item_id")),
    }


def test_the_tables_are_sound():
    items = demo_items()
    assert len(items) >= 220
    assert len({item.basic_code for item in items}) == len(items)
    names = [(item.department, item.name) for item in items]
    assert len(set(names)) == len(names)
    assert set(data.DEPARTMENT_ITEMS) == {code for code, _name, _kind in demo.DEPARTMENTS}
    for item in items:
        assert item.promised_limit_days <= item.legal_limit_days, item.name
        assert item.promised_limit_days < item.legal_limit_days or item.promised_limit_days == 0, item.name
    assert sum(item.promised_limit_days == 0 for item in items) > len(items) // 4


def _check_every_township_gets_published_items_over_all_eight_departments(townships):
    assert len(townships) == 2
    for township in townships:
        listed = ServiceItem.objects.listed().filter(township=township)
        assert listed.count() >= 220
        per_department = dict(listed.values_list("department__code").annotate(n=Count("pk")))
        assert set(per_department) == {code for code, _name, _kind in demo.DEPARTMENTS}
        assert min(per_department.values()) >= 15
        assert not ServiceItemVersion.objects.filter(item__township=township).exclude(
            status=VersionStatus.PUBLISHED
        )
    codes = ServiceItem.objects.values_list("implementation_code", flat=True)
    assert len(set(codes)) == len(codes)
    first, second = townships
    assert set(ServiceItem.objects.filter(township=first).values_list("basic_code", flat=True)) == set(
        ServiceItem.objects.filter(township=second).values_list("basic_code", flat=True)
    )


def _check_guides_are_complete(townships):
    versions = ServiceItemVersion.objects.filter(item__township=townships[0])
    assert versions.filter(is_immediate=True).count() > 50
    assert versions.filter(is_free=True).count() > 0.9 * versions.count()
    for version in versions:
        assert 3 <= len(version.process_steps) <= 5, version.name
        assert version.faq, version.name
        assert version.materials.exists(), version.name
    low_income = versions.get(name="城乡居民最低生活保障申请")
    assert low_income.promised_limit_days < low_income.legal_limit_days
    assert low_income.materials.filter(material_type__code="id-card").exists()
    assert low_income.materials.filter(necessity=Necessity.CONDITIONAL).count() >= 3


def _check_conditional_materials_carry_their_condition(townships):
    conditional = MaterialRequirement.objects.filter(necessity=Necessity.CONDITIONAL)
    assert conditional.count() > 50
    assert not conditional.filter(condition="")
    assert MaterialRequirement.objects.filter(material_type__isnull=False).count() > 500


def test_loading_again_creates_and_changes_nothing(townships):
    before = snapshot()
    assert load_demo_catalog(townships[0]) == 0
    out = io.StringIO()
    call_command("load_demo_catalog", "--township", townships[1].code, stdout=out)
    assert "(0 new rows)" in out.getvalue()
    assert snapshot() == before


def _check_three_bundles_per_township_spanning_departments(townships):
    for township in townships:
        bundles = Bundle.objects.filter(township=township)
        assert {b.name for b in bundles} == {
            "新生儿出生“一件事”",
            "个体工商户开办“一件事”",
            "残疾人服务“一件事”",
        }
        for bundle in bundles:
            items = list(bundle.items.all())
            assert len(items) == 4, bundle.name
            assert len({item.department_id for item in items}) >= 2, bundle.name
            assert all(item.township_id == township.pk and item.current_version_id for item in items)
    newborn = Bundle.objects.get(township=townships[0], code="XSECS")
    assert {item.department.code for item in newborn.items.all()} == {"SHSY", "ZHZX", "RSBZ"}


def _check_pinyin_initials_find_the_newborn_items(townships):
    for query in ("xsr", "xse"):
        names = [item.current_version.name for item in search_items(township=townships[0], query=query)]
        assert "新生儿出生登记（户口登记）" in names
        assert "新生儿城乡居民医保参保登记" in names
        assert "新生儿社会保障卡申领" in names
    names = [item.current_version.name for item in search_items(township=townships[0], query="低保")]
    assert "城乡居民最低生活保障申请" in names


def test_the_loaded_catalog(townships):
    # one load (about 480 items through the catalog actions) serves every check
    _check_every_township_gets_published_items_over_all_eight_departments(townships)
    _check_guides_are_complete(townships)
    _check_conditional_materials_carry_their_condition(townships)
    _check_three_bundles_per_township_spanning_departments(townships)
    _check_pinyin_initials_find_the_newborn_items(townships)
