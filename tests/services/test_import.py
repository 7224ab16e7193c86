"""Excel/CSV import and export of the catalog: all or nothing, each bad row reported, new versions."""

import pytest
import tablib
from django.utils import translation

from services.models import MaterialRequirement, ServiceItem, ServiceItemVersion, VersionStatus
from services.resources import ITEM_COLUMNS, MaterialRequirementResource, ServiceItemResource
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from tests.services.factories import make_item, material_type
from township.org.roles import Role

pytestmark = pytest.mark.django_db

HEADERS = [c for c in ITEM_COLUMNS if c not in ("version", "status")]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def township():
    township = TownshipFactory(code="320999901", short_code="QSX")
    DepartmentFactory(township=township, code="SHSY", name="社会事业局")
    DepartmentFactory(township=township, code="SCJG", name="市场监督管理所")
    return township


def item_row(township, **values):
    row = {
        "township": township.code,
        "basic_code": "0500101000",
        "implementation_code": "",
        "department": "SHSY",
        "name": "临时救助申请",
        "item_type": "05",
        "delegated_level": "town",
        "service_object": "person",
        "legal_limit_days": "10",
        "promised_limit_days": "5",
        "is_immediate": "0",
        "yellow_threshold_days": "2",
        "is_free": "是",
        "fees": "",
        "fee_basis": "",
        "allows_online": "1",
        "at_most_one_visit": "1",
        "visits_required": "1",
        "delivery_options": "window,post",
        "legal_basis": "《社会救助暂行办法》第四十七条",
        "conditions": "因突发事件导致基本生活暂时出现严重困难的家庭或个人。",
        "special_procedures": "",
        "process_steps": "申请 | 向便民服务中心提交申请\n审核 | 入户调查\n审批 | 审批并发放",
        "faq": "多久能领到救助金？ | 审批后5个工作日内发放。",
        "place": "便民服务中心综合窗口",
        "hours": "工作日 9:00-17:00",
        "enquiry_phone": "0512-5550101",
        "complaint_phone": "12345",
        "keywords": "救急难",
    }
    row.update(values)
    return row


def dataset(rows, headers=HEADERS):
    data = tablib.Dataset(headers=list(headers))
    for row in rows:
        data.append([row.get(h, "") for h in headers])
    return data


def import_items(rows, **kwargs):
    return ServiceItemResource(**kwargs).import_data(
        dataset(rows), dry_run=False, raise_errors=False, use_transactions=True
    )


def state():
    return (
        sorted(ServiceItem.objects.values_list("pk", "basic_code", "current_version", "department")),
        sorted(
            ServiceItemVersion.objects.values_list(
                "pk", "item", "version", "status", "name", "promised_limit_days"
            )
        ),
        MaterialRequirement.objects.count(),
    )


def errors_by_row(result):
    return {row.number: row.error_dict for row in result.invalid_rows}


def test_a_good_import_creates_published_items(township):
    result = import_items(
        [
            item_row(township),
            item_row(
                township,
                basic_code="0100201000",
                department="SCJG",
                name="个体工商户设立登记",
                item_type="行政许可",
                legal_limit_days="15",
                promised_limit_days="0",
                is_immediate="是",
                delivery_options="窗口领取",
            ),
        ]
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    relief = ServiceItem.objects.get(basic_code="0500101000")
    guide = relief.current_version
    assert (guide.version, guide.status, guide.name) == (1, VersionStatus.PUBLISHED, "临时救助申请")
    assert guide.delivery_options == ["window", "post"]
    assert guide.process_steps[1] == {"title": "审核", "description": "入户调查"}
    assert guide.faq == [{"question": "多久能领到救助金？", "answer": "审批后5个工作日内发放。"}]
    assert relief.implementation_code.endswith("0500101000") and len(relief.implementation_code) == 28
    shop = ServiceItem.objects.get(basic_code="0100201000")
    assert shop.current_version.is_immediate and shop.current_version.item_type == "01"
    assert shop.department.code == "SCJG"


def test_an_import_with_bad_rows_changes_nothing_and_reports_each_row(township):
    existing = make_item(department=township.department_set.get(code="SHSY"), basic_code="0500999000")
    before = state()

    result = import_items(
        [
            item_row(township, basic_code="0500101000"),  # good
            item_row(township, basic_code="0500102000", department="NOPE"),
            item_row(township, basic_code="0500103000", legal_limit_days="5", promised_limit_days="10"),
            item_row(township, basic_code="0500104000", name=""),
            item_row(township, basic_code="0500105000", item_type="99"),
            item_row(township, basic_code="0500999000", promised_limit_days="3"),  # good update
        ]
    )

    assert result.has_validation_errors()
    assert state() == before
    errors = errors_by_row(result)
    assert sorted(errors) == [2, 3, 4, 5]
    assert "Unknown department code “NOPE”" in errors[2]["department"][0]
    assert any("promised limit cannot be longer than the legal limit" in m for m in errors[3]["__all__"])
    assert "cannot be blank" in errors[4]["name"][0]
    assert "“99” is not one of" in errors[5]["item_type"][0]
    existing.refresh_from_db()
    assert existing.versions.count() == 1


def test_a_changed_row_for_a_published_item_becomes_a_new_version(township):
    item = make_item(department=township.department_set.get(code="SHSY"), basic_code="0500101000")
    first = item.current_version
    before = (first.name, first.promised_limit_days, first.status)

    result = import_items([item_row(township, promised_limit_days="3")])

    assert result.totals["update"] == 1 and not result.has_validation_errors()
    item.refresh_from_db()
    assert item.current_version.version == 2
    assert item.current_version.promised_limit_days == 3
    first.refresh_from_db()
    assert first.status == VersionStatus.RETIRED
    assert (first.name, first.promised_limit_days) == before[:2]
    # the materials travel with the new version, and the old version keeps its own
    assert first.materials.count() == item.current_version.materials.count() == 2


def test_the_department_column_reassigns_an_item(township):
    item = make_item(department=township.department_set.get(code="SHSY"), basic_code="0500101000")
    import_items([item_row(township, department="SCJG", name=item.current_version.name)])
    item.refresh_from_db()
    assert item.department.code == "SCJG"


def test_a_file_naming_an_item_twice_is_refused(township):
    result = import_items([item_row(township), item_row(township, name="另一个名字")])
    assert "Row 1 already has this item" in errors_by_row(result)[2]["__all__"][0]
    assert not ServiceItem.objects.exists()


def test_an_implementation_code_never_changes(township):
    make_item(department=township.department_set.get(code="SHSY"), basic_code="0500101000")
    result = import_items([item_row(township, implementation_code="11320999000000000X0500101000")])
    assert "never changes" in errors_by_row(result)[1]["implementation_code"][0]


def test_a_township_the_user_does_not_manage_is_refused(township):
    admin = make_staff(Role.TOWNSHIP_ADMIN, township=TownshipFactory())
    result = ServiceItemResource().import_data(
        dataset([item_row(township)]), dry_run=False, raise_errors=False, use_transactions=True, user=admin
    )
    assert "not one you may manage" in errors_by_row(result)[1]["township"][0]
    assert not ServiceItem.objects.exists()


def test_a_dry_run_reports_but_writes_nothing(township):
    result = ServiceItemResource().import_data(
        dataset([item_row(township)]), dry_run=True, raise_errors=False, use_transactions=True
    )
    assert result.totals["new"] == 1
    assert not ServiceItem.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_exported_file_imports_back_without_changes(township, file_format):
    department = township.department_set.get(code="SHSY")
    make_item(department=department, basic_code="0500101000", delivery_options=["window", "post"])
    make_item(department=department, basic_code="0500102000", name="高龄津贴申领", is_free=False, fees="无")
    before = state()

    exported = ServiceItemResource().export()
    assert exported.headers == list(ITEM_COLUMNS)
    reloaded = tablib.Dataset().load(exported.export(file_format), format=file_format)
    result = ServiceItemResource().import_data(
        reloaded, dry_run=False, raise_errors=False, use_transactions=True
    )

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 2
    assert state() == before


# ---- materials --------------------------------------------------------------------------------------

MATERIAL_HEADERS = [
    "township",
    "basic_code",
    "order",
    "name",
    "material_type",
    "original_count",
    "copy_count",
    "medium",
    "necessity",
    "condition",
    "source",
    "notes",
    "acceptance_standard",
]


def material_row(township, **values):
    row = {
        "township": township.short_code,
        "basic_code": "0500101000",
        "order": "1",
        "name": "居民身份证",
        "material_type": "id-card",
        "original_count": "1",
        "copy_count": "1",
        "medium": "paper",
        "necessity": "required",
        "condition": "",
        "source": "applicant",
        "notes": "",
        "acceptance_standard": "在有效期内",
    }
    row.update(values)
    return row


def import_materials(rows):
    return MaterialRequirementResource().import_data(
        dataset(rows, MATERIAL_HEADERS), dry_run=False, raise_errors=False, use_transactions=True
    )


def test_material_rows_replace_an_items_list_in_a_new_version(township):
    material_type("id-card")
    item = make_item(department=township.department_set.get(code="SHSY"), basic_code="0500101000")
    first = item.current_version
    old_materials = list(first.materials.values_list("pk", "name"))

    result = import_materials(
        [
            material_row(
                township,
                order="2",
                name="困难情况说明",
                material_type="",
                necessity="conditional",
                condition="因病致困的",
                copy_count="0",
            ),
            material_row(township, order="1"),
        ]
    )

    assert not result.has_errors() and not result.has_validation_errors()
    item.refresh_from_db()
    assert item.current_version.version == 2
    assert [(m.order, m.name, m.necessity) for m in item.current_version.materials.all()] == [
        (1, "居民身份证", "required"),
        (2, "困难情况说明", "conditional"),
    ]
    assert list(first.materials.values_list("pk", "name")) == old_materials


def test_bad_material_rows_change_nothing_and_are_each_reported(township):
    material_type("id-card")
    make_item(department=township.department_set.get(code="SHSY"), basic_code="0500101000")
    before = state()

    result = import_materials(
        [
            material_row(township),
            material_row(township, basic_code="0599999000"),
            material_row(township, material_type="no-such-type"),
            material_row(township, necessity="conditional", condition=""),
            material_row(township, medium="papyrus"),
        ]
    )

    assert state() == before
    errors = errors_by_row(result)
    assert sorted(errors) == [2, 3, 4, 5]
    assert "No item with basic code “0599999000”" in errors[2]["basic_code"][0]
    assert "Unknown material type “no-such-type”" in errors[3]["material_type"][0]
    assert "needs its condition" in errors[4]["__all__"][0]
    assert "“papyrus” is not one of" in errors[5]["medium"][0]


def test_exported_materials_import_back_without_changes(township):
    material_type("id-card")
    make_item(department=township.department_set.get(code="SHSY"), basic_code="0500101000")
    make_item(department=township.department_set.get(code="SCJG"), basic_code="0100201000")
    before = state()

    exported = MaterialRequirementResource().export(ServiceItem.objects.all())
    assert len(exported) == 4 and exported["item_name"][0] == "城乡居民最低生活保障申请"
    reloaded = tablib.Dataset().load(exported.export("xlsx"), format="xlsx")
    result = MaterialRequirementResource().import_data(
        reloaded, dry_run=False, raise_errors=False, use_transactions=True
    )

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 4 and result.totals["new"] == 0
    assert state() == before
