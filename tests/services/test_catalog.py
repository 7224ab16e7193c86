"""Catalog: items, versioned guides, material requirements and bundles, through the catalog actions."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from services.models import (
    ImmutableVersion,
    MaterialRequirement,
    Necessity,
    ServiceItem,
    ServiceItemVersion,
    VersionStatus,
)
from services.selectors import catalog as selectors
from services.services import catalog
from services.services.catalog import CatalogError
from tests.factories import DepartmentFactory, TownshipFactory
from tests.services.factories import guide, make_item, material_type
from township.identifiers import is_valid_credit_code

pytestmark = pytest.mark.django_db


def _snapshot(version):
    version.refresh_from_db()
    materials = list(
        MaterialRequirement.objects.filter(version=version)
        .order_by("order")
        .values("pk", "name", "material_type", "original_count", "copy_count", "necessity", "condition")
    )
    return {
        f: getattr(version, f) for f in ("name", "status", "promised_limit_days", "conditions")
    }, materials


def test_a_new_published_item_is_listed_with_version_one():
    item = make_item()
    assert item.current_version.version == 1
    assert item.current_version.status == VersionStatus.PUBLISHED
    assert item.current_version.published_at is not None
    assert list(selectors.listed_items(item.township)) == [item]


def test_a_draft_item_is_not_listed():
    item = make_item(publish=False)
    assert item.current_version is None
    assert not selectors.listed_items(item.township).exists()


def test_implementation_code_is_the_departments_credit_code_followed_by_the_basic_code():
    item = make_item(basic_code="0700101000")
    assert item.implementation_code.endswith("0700101000")
    assert is_valid_credit_code(item.implementation_code[:18])


def test_revising_leaves_the_published_version_and_its_materials_untouched():
    item = make_item()
    published = item.current_version
    before = _snapshot(published)

    draft = catalog.revise_item(
        item=item,
        changes={"name": "最低生活保障申请（修订）", "promised_limit_days": 15},
        materials=[{"name": "户口簿", "copy_count": 1}],
    )

    assert draft.pk != published.pk
    assert draft.version == 2 and draft.status == VersionStatus.DRAFT
    assert _snapshot(published) == before
    item.refresh_from_db()
    assert item.current_version_id == published.pk
    assert [m.name for m in draft.materials.all()] == ["户口簿"]


def test_a_revision_copies_the_published_guide_and_materials():
    item = make_item()
    draft = catalog.revise_item(item=item, changes={"promised_limit_days": 10})
    published = item.current_version
    assert draft.name == published.name
    assert draft.faq == published.faq
    assert [(m.name, m.material_type_id) for m in draft.materials.all()] == [
        (m.name, m.material_type_id) for m in published.materials.all()
    ]
    assert {m.pk for m in draft.materials.all()}.isdisjoint({m.pk for m in published.materials.all()})


def test_publishing_a_revision_retires_the_previous_version():
    item = make_item()
    first = item.current_version
    draft = catalog.revise_item(item=item, changes={"promised_limit_days": 10})
    catalog.publish_version(version=draft)

    item.refresh_from_db()
    first.refresh_from_db()
    assert item.current_version_id == draft.pk
    assert first.status == VersionStatus.RETIRED and first.retired_at is not None
    assert first.promised_limit_days == 20  # the old guide stays as it was
    assert item.versions.filter(status=VersionStatus.PUBLISHED).count() == 1


def test_a_second_revision_edits_the_open_draft():
    item = make_item()
    first = catalog.revise_item(item=item, changes={"promised_limit_days": 10})
    second = catalog.revise_item(item=item, changes={"hours": "工作日 9:00-17:00"})
    assert first.pk == second.pk
    second.refresh_from_db()
    assert (second.promised_limit_days, second.hours) == (10, "工作日 9:00-17:00")


def test_only_a_draft_can_be_published():
    item = make_item()
    with pytest.raises(CatalogError):
        catalog.publish_version(version=item.current_version)


def test_a_published_version_refuses_to_be_saved_with_changes():
    item = make_item()
    version = ServiceItemVersion.objects.get(pk=item.current_version_id)
    version.name = "改名"
    with pytest.raises(ImmutableVersion):
        version.save()
    material = version.materials.first()
    material.name = "别的材料"
    with pytest.raises(ImmutableVersion):
        material.save()
    with pytest.raises(ImmutableVersion):
        material.delete()


def test_the_database_refuses_a_promised_limit_longer_than_the_legal_one():
    item = make_item(publish=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemVersion.objects.filter(item=item).update(promised_limit_days=40)


def test_validation_explains_a_promised_limit_longer_than_the_legal_one():
    with pytest.raises(ValidationError, match="承诺办结时限不能长于法定办结时限"):
        make_item(legal_limit_days=5, promised_limit_days=10)
    assert not ServiceItem.objects.exists()


def test_an_immediate_item_promises_zero_days():
    item = make_item(is_immediate=True, promised_limit_days=0, legal_limit_days=20)
    assert item.current_version.is_immediate
    with pytest.raises(ValidationError):
        catalog.revise_item(item=item, changes={"promised_limit_days": 3})


def test_a_conditional_material_needs_its_condition():
    with pytest.raises(ValidationError, match="条件性材料必须写明适用条件"):
        make_item(materials=[{"name": "残疾人证", "necessity": Necessity.CONDITIONAL}])


def test_process_steps_must_be_title_and_description_pairs():
    with pytest.raises(ValidationError):
        make_item(process_steps=[{"description": "no title"}])


def test_a_department_of_another_township_is_refused():
    department = DepartmentFactory()
    with pytest.raises(CatalogError):
        catalog.create_item(
            township=TownshipFactory(),
            department=department,
            basic_code="0500001000",
            guide=guide(),
        )


def test_the_basic_code_is_unique_within_a_township_but_shared_across_townships():
    first = make_item(basic_code="0500009000")
    make_item(basic_code="0500009000")  # another township offers the same item
    with pytest.raises(ValidationError):
        make_item(basic_code="0500009000", department=DepartmentFactory(township=first.township))


def test_withdrawing_an_item_unlists_it_and_retires_its_guide():
    item = make_item()
    version = item.current_version
    catalog.withdraw_item(item=item)
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    assert not selectors.listed_items(item.township).exists()


def test_reassigning_moves_the_item_to_another_department_of_its_township():
    item = make_item()
    other = DepartmentFactory(township=item.township)
    catalog.reassign_item(item=item, department=other)
    item.refresh_from_db()
    assert item.department == other
    with pytest.raises(CatalogError):
        catalog.reassign_item(item=item, department=DepartmentFactory())


def _bundle_fixture():
    township = TownshipFactory()
    health = DepartmentFactory(township=township, code="SHSY")
    police = DepartmentFactory(township=township, code="ZHZX")
    insurance = DepartmentFactory(township=township, code="RSBZ")
    id_card = material_type("id-card", "居民身份证")
    birth = material_type("birth-cert", "出生医学证明")
    hukou = material_type("hukou", "居民户口簿")
    certificate = make_item(
        department=health,
        name="新生儿出生医学证明登记",
        materials=[
            {"name": "父母身份证", "material_type": id_card, "copy_count": 1},
            {"name": "出生医学证明", "material_type": birth, "necessity": Necessity.OPTIONAL},
        ],
    )
    registration = make_item(
        department=police,
        name="出生登记（新生儿入户）",
        materials=[
            {"name": "父母居民身份证", "material_type": id_card, "copy_count": 2},
            {"name": "出生医学证明", "material_type": birth},
            {"name": "居民户口簿", "material_type": hukou},
            {"name": "结婚证", "necessity": Necessity.CONDITIONAL, "condition": "父母已婚的"},
        ],
    )
    insurance_item = make_item(
        department=insurance,
        name="城乡居民基本医疗保险参保登记",
        materials=[
            {"name": "居民户口簿", "material_type": hukou},
            {"name": "结婚证", "necessity": Necessity.OPTIONAL},
        ],
    )
    bundle = catalog.create_bundle(
        township=township,
        code="XSECS",
        name="新生儿出生“一件事”",
        items=[certificate, registration, insurance_item],
    )
    return bundle, certificate, registration, insurance_item


def test_a_bundle_asks_each_material_once_with_every_item_that_needs_it():
    bundle, certificate, registration, insurance_item = _bundle_fixture()
    materials = {m.name: m for m in selectors.bundle_materials(bundle)}

    assert sorted(materials) == ["出生医学证明", "居民户口簿", "居民身份证", "结婚证"]
    assert materials["居民身份证"].items == [certificate, registration]
    assert materials["居民身份证"].copy_count == 2  # the most any item asks
    assert materials["出生医学证明"].necessity == Necessity.REQUIRED  # the strictest wins
    assert materials["居民户口簿"].items == [registration, insurance_item]
    assert materials["结婚证"].necessity == Necessity.CONDITIONAL
    assert materials["结婚证"].conditions == ["父母已婚的"]


def test_a_bundle_fans_out_to_every_department_with_its_items():
    bundle, certificate, registration, insurance_item = _bundle_fixture()
    fan_out = selectors.bundle_items_by_department(bundle)
    assert [d.code for d in fan_out] == ["SHSY", "ZHZX", "RSBZ"]
    assert fan_out[registration.department] == [registration]
    assert selectors.bundle_departments(bundle) == list(fan_out)


def test_a_bundle_holds_only_items_of_its_own_township():
    bundle, *_ = _bundle_fixture()
    with pytest.raises(ValidationError):
        catalog.set_bundle_items(bundle=bundle, items=[make_item()])


def test_a_bundle_skips_items_without_a_published_guide():
    bundle, certificate, *_ = _bundle_fixture()
    catalog.withdraw_item(item=certificate)
    assert certificate not in selectors.bundle_items_by_department(bundle).get(certificate.department, [])
    assert all(certificate not in m.items for m in selectors.bundle_materials(bundle))
