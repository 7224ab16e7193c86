"""Base data: saving as a grid member (merge by ID number / credit code, audit), the spreadsheet import."""

import io

import pytest
from openpyxl import Workbook

from grid.base.imports import import_base_data, read_table
from grid.base.services import save_record
from grid.errors import GridError, ImportRejected
from grid.models import Household, Organisation, Person, Place
from tests.grid.base.helpers import credit_code, id_number
from township.audit.models import AuditEvent
from township.entities.models import MarketEntity

pytestmark = pytest.mark.django_db

PERSON_HEADER = [
    "网格编码",
    "户号",
    "姓名",
    "身份证号",
    "联系电话",
    "与户主关系",
    "人口类型",
    "特殊人群",
    "备注",
]


def test_a_member_records_a_person_and_the_change_is_audited(world):
    grid = world.grids["001"]
    person = save_record(
        Person(grid=grid, name="张三", id_number=id_number(7, born="19400309").lower()),
        by=world.member,
        changed=["name", "id_number"],
    )
    assert person.township == world.township
    assert person.birth_date.isoformat() == "1940-03-09" and person.sex == "male"
    assert person.masked_id_number == person.id_number[:4] + "**********" + person.id_number[-4:]
    event = AuditEvent.objects.get(action="grid.person.create")
    assert event.object_id == str(person.pk) and event.username == "member1"
    assert event.detail == "fields=name,id_number" and person.id_number not in event.detail


def test_the_same_id_number_merges_into_the_stored_person(world):
    first = save_record(Person(grid=world.grids["001"], name="张三", id_number=id_number(7)), by=world.member)
    again = save_record(
        Person(grid=world.grids["001"], name="张三丰", id_number=id_number(7), phone="13900001111"),
        by=world.member,
    )
    assert again.pk == first.pk and Person.objects.count() == 1
    assert Person.objects.get().name == "张三丰"
    assert AuditEvent.objects.filter(action="grid.person.change").count() == 1


def test_a_member_cannot_write_into_another_grid_or_take_over_its_person(world):
    with pytest.raises(GridError, match="own grids"):
        save_record(Person(grid=world.grids["002"], name="李四", id_number=id_number(8)), by=world.member)
    save_record(Person(grid=world.grids["002"], name="李四", id_number=id_number(8)), by=world.other_member)
    with pytest.raises(GridError, match="another grid"):
        save_record(Person(grid=world.grids["001"], name="李四", id_number=id_number(8)), by=world.member)
    assert Person.objects.get().grid == world.grids["002"]


def test_a_bad_id_number_is_refused_with_a_field_message(world):
    bad = id_number(9)[:-1] + ("0" if id_number(9)[-1] != "0" else "1")
    with pytest.raises(GridError) as caught:
        save_record(Person(grid=world.grids["001"], name="王五", id_number=bad), by=world.member)
    assert "check character" in caught.value.field_errors["id_number"][0]
    assert not Person.objects.exists()


def test_a_place_links_to_the_market_entity_register(world):
    code = credit_code(1)
    entity = MarketEntity.objects.create(township=world.township, credit_code=code, name="青石小吃店")
    place = save_record(
        Place(grid=world.grids["001"], name="青石小吃", credit_code=code.lower()), by=world.member
    )
    assert place.market_entity == entity and place.credit_code == code


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def person_rows(world):
    g1, g2 = world.grids["001"].code, world.grids["002"].code
    return [
        PERSON_HEADER,
        [
            g1,
            "H001",
            "张大爷",
            id_number(1, born="19380101"),
            "13900000001",
            "户主",
            "户籍",
            "独居老人、低保",
            "",
        ],
        [g1, "H001", "张小妹", id_number(2, born="20100101"), "", "孙女", "", "留守儿童", ""],
        [g1, "H002", "李阿姨", id_number(3, born="19600101"), "", "户主", "流动", "", ""],
        [g2, "", "赵先生", id_number(4, born="19800101"), "", "", "", "", "另一网格"],
    ]


def test_the_import_creates_households_and_persons_and_a_second_run_changes_nothing(world):
    table = read_table(xlsx(person_rows(world)), "people.xlsx")
    report = import_base_data(kind="persons", township=world.township, table=table, by=world.head)
    assert report == {"created": 4, "updated": 0, "unchanged": 0}
    grandpa = Person.objects.get(name="张大爷")
    assert sorted(grandpa.tags) == ["living_alone_elderly", "low_income"]
    assert grandpa.household.number == "H001" and grandpa.household.head_name == "张大爷"
    assert Household.objects.count() == 2
    assert Person.objects.get(name="李阿姨").residence == "migrant"
    audits = AuditEvent.objects.filter(action="grid.person.import").count()
    assert audits == 4

    again = import_base_data(kind="persons", township=world.township, table=table, by=world.head)
    assert again == {"created": 0, "updated": 0, "unchanged": 4}
    assert AuditEvent.objects.filter(action="grid.person.import").count() == 4

    changed = person_rows(world)
    changed[3][2] = "李阿姨（改）"
    report = import_base_data(
        kind="persons", township=world.township, table=read_table(xlsx(changed), "p.xlsx"), by=world.head
    )
    assert report == {"created": 0, "updated": 1, "unchanged": 3}
    assert AuditEvent.objects.filter(action="grid.person.import", detail="fields=name").count() == 1


def test_a_bad_import_names_each_row_and_writes_nothing(world):
    rows = person_rows(world)
    rows[1][3] = "320999193801010000"  # check character
    rows[2][7] = "外星人"  # unknown tag
    rows[3][0] = world.far_grids["001"].code  # not one of the user's grids
    rows.append(list(rows[4]))  # duplicate ID number
    rows.append([world.grids["001"].code, "", "", id_number(5), "", "", "", "", ""])  # no name
    table = read_table(xlsx(rows), "x.xlsx")
    table.append(
        [world.grids["001"].code, "", "钱\x00七", id_number(6), "", "", "", "", ""]
    )  # xlsx cannot hold NUL
    with pytest.raises(ImportRejected) as caught:
        import_base_data(kind="persons", township=world.township, table=table, by=world.head)
    errors = {(row, column): message for row, column, message in caught.value.row_errors}
    assert "check character" in errors[(2, "身份证号")]
    assert any(r == 3 and "外星人" in m for (r, _c), m in errors.items())
    assert any(r == 4 and "not one of your grids" in m for (r, _c), m in errors.items())
    assert any(r == 6 and "row 5" in m for (r, _c), m in errors.items())
    assert any(r == 7 and "required" in m for (r, _c), m in errors.items())
    assert any(r == 8 and "NUL" in m for (r, _c), m in errors.items())
    assert "nothing was imported" in str(caught.value)
    assert not Person.objects.exists() and not Household.objects.exists()


def test_a_member_imports_only_into_their_grid(world):
    with pytest.raises(ImportRejected) as caught:
        import_base_data(
            kind="persons",
            township=world.township,
            table=read_table(xlsx(person_rows(world)), "p.xlsx"),
            by=world.member,
        )
    assert [r for r, _c, _m in caught.value.row_errors] == [5]


def test_places_and_organisations_merge_by_credit_code(world):
    code = credit_code(2)
    MarketEntity.objects.create(township=world.township, credit_code=code, name="白沙五金")
    g = world.grids["001"].code
    places = [["网格编码", "名称", "场所类型", "统一社会信用代码", "地址", "联系电话", "消防重点"]]
    places += [
        [g, "白沙五金店", "商店", code, "人民路1号", "0512-5550101", "是"],
        [g, "无照小摊", "其他", "", "桥头", "", ""],
    ]
    first = import_base_data(
        kind="places", township=world.township, table=read_table(xlsx(places), "p.xlsx"), by=world.member
    )
    assert first["created"] == 2
    assert Place.objects.get(credit_code=code).market_entity.name == "白沙五金"
    assert Place.objects.get(name="白沙五金店").is_key_fire_risk
    places[1][1] = "白沙五金商行"
    second = import_base_data(
        kind="places", township=world.township, table=read_table(xlsx(places), "p.xlsx"), by=world.member
    )
    assert second == {"created": 0, "updated": 1, "unchanged": 1}
    orgs = [
        ["网格编码", "名称", "组织类型", "统一社会信用代码", "人数"],
        [g, "青石村党支部", "党组织", "", "35"],
    ]
    import_base_data(
        kind="organisations",
        township=world.township,
        table=read_table(xlsx(orgs), "o.csv".replace("csv", "xlsx")),
        by=world.member,
    )
    assert Organisation.objects.get().members == 35


def test_csv_and_garbage_files(world):
    csv_bytes = ("网格编码,房屋编码,地址\n" + f"{world.grids['001'].code},A-1,人民路1号\n").encode()
    report = import_base_data(
        kind="houses", township=world.township, table=read_table(csv_bytes, "h.csv"), by=world.member
    )
    assert report["created"] == 1
    with pytest.raises(ImportRejected, match="Excel"):
        read_table(b"not a workbook", "h.xlsx")
    with pytest.raises(ImportRejected, match="UTF-8"):
        read_table("网格".encode("gbk"), "h.csv")
    with pytest.raises(ImportRejected, match="Missing columns"):
        import_base_data(kind="houses", township=world.township, table=[["foo"], ["bar"]], by=world.member)
