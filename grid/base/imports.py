"""Importing base data from a spreadsheet (xlsx, or CSV in UTF-8): all or nothing, with each bad row
named (row number as the spreadsheet shows it, column, message).

One sheet per kind: persons (households are made from their household number), houses, places,
organisations. Headers may be English field names or the Chinese column names below. Rows merge into what
is there by ID number, household number, house code or credit code; a row identical to the stored one
changes nothing, so importing the same file twice writes nothing the second time.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grid.base.services import audit_rows
from grid.errors import ImportRejected
from grid.models import (
    House,
    Household,
    HouseKind,
    Organisation,
    OrganisationKind,
    Person,
    Place,
    PlaceKind,
    ResidenceType,
    SpecialGroup,
)
from grid.models.base import Sex
from township.entities.models import MarketEntity
from township.identifiers import (
    id_number_birth_date,
    normalise,
    validate_credit_code,
    validate_id_number,
)
from township.spreadsheets import cell_text

MAX_ROWS = 50_000

# Chinese terms accepted for choices, whatever the UI language (they are data, not UI)
TERMS = {
    "registered": "户籍 户籍人口 常住",
    "migrant": "流动 流动人口 外来",
    "foreign": "境外 境外人员 外籍",
    "living_alone_elderly": "独居老人 空巢老人",
    "left_behind_elderly": "留守老人",
    "left_behind_child": "留守儿童",
    "left_behind_woman": "留守妇女",
    "disabled": "残疾 残疾人",
    "severely_disabled": "重度残疾 重残",
    "low_income": "低保 低保户",
    "extreme_poverty": "特困 特困供养",
    "community_correction": "社区矫正",
    "released_prisoner": "刑满释放",
    "mental_disorder": "精神障碍 严重精神障碍",
    "drug_user": "吸毒 吸毒人员",
    "petitioner": "信访 信访人员",
    "residential": "住宅 居住",
    "commercial": "商业 商铺",
    "mixed": "商住 商住两用",
    "industrial": "厂房 仓库 工业",
    "public": "公共建筑 公建",
    "shop": "商店 店铺 门店",
    "restaurant": "餐饮 饭店",
    "small_venue": "九小场所 小场所",
    "market": "市场 农贸市场",
    "workshop": "作坊 工厂 小作坊",
    "warehouse": "仓储",
    "school": "学校 幼儿园",
    "enterprise": "企业 公司",
    "social": "社会组织 社团",
    "party": "党组织 党支部",
    "other": "其他",
}


@functools.cache
def _choice_table(choices) -> dict[str, str]:
    """Codes, Chinese terms and the labels in both UI languages (built once per choice set)."""
    table = {}
    for value in choices.values:
        for term in TERMS.get(value, "").split():
            table[term] = value
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                table[str(label).lower()] = value
    table.update({v.lower(): v for v in choices.values})
    return table


def _choice(text: str, choices, default=None):
    if not text:
        return default
    found = _choice_table(choices).get(text.lower())
    if found is None:
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": ", ".join(str(label) for _v, label in choices.choices)}
        )
    return found


def _choices(text: str, choices) -> list[str]:
    parts = [p for p in re.split(r"[,，、/;；\s]+", text) if p]
    return sorted(dict.fromkeys(_choice(p, choices) for p in parts))


def _yes_no(text: str) -> bool:
    if text.lower() in {"1", "true", "yes", "y", "是", "√"}:
        return True
    if text.lower() in {"", "0", "false", "no", "n", "否", "×"}:
        return False
    raise ValueError(_("“%(value)s” is not yes or no (use 1/0, 是/否 or yes/no).") % {"value": text})


def _text(limit: int, *, required=False):
    def clean(text: str):
        if required and not text:
            raise ValueError(_("This column is required."))
        if len(text) > limit:
            raise ValueError(_("At most %(n)d characters.") % {"n": limit})
        return text

    return clean


def _id_number(text: str) -> str:
    value = normalise(text)
    if not value:
        raise ValueError(_("This column is required."))
    try:
        validate_id_number(value)
    except ValidationError as exc:
        hint = _(
            " (a spreadsheet that stored it as a number lost its last digits: format the column as text)"
        )
        raise ValueError(exc.messages[0] + (hint if "E" in text or text.endswith("000") else "")) from None
    return value


def _credit_code(text: str) -> str:
    value = normalise(text)
    if not value:
        return ""
    try:
        validate_credit_code(value)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    return value


def _phone(text: str) -> str:
    value = normalise(text).removeprefix("+86")
    if value and (
        not value.replace("-", "").isascii() or not value.replace("-", "").isdigit() or len(value) > 20
    ):
        raise ValueError(_("A phone number is digits (and dashes), at most 20."))
    return value


def _whole(text: str):
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        raise ValueError(_("“%(value)s” is not a whole number of 0 or more.") % {"value": text})
    return int(text)


def _coordinate(low, high):
    def clean(text: str):
        if not text:
            return None
        try:
            value = round(float(text), 7)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
        if not (low <= value <= high):
            raise ValueError(
                _("A WGS-84 coordinate in China is between %(low)s and %(high)s.")
                % {"low": low, "high": high}
            )
        return value

    return clean


@dataclass
class Sheet:
    model: type
    key: str  # merge key field
    columns: dict[str, tuple[tuple[str, ...], object]]  # field: (header aliases, cleaner)
    household: bool = False
    stored: tuple[str, ...] = field(default_factory=tuple)


COMMON = {"grid": (("grid", "网格编码", "网格代码", "网格"), _text(24, required=True))}
SHEETS = {
    "persons": Sheet(
        Person,
        "id_number",
        {
            **COMMON,
            "household": (("household", "household_number", "户号", "户编号"), _text(30)),
            "name": (("name", "姓名"), _text(60, required=True)),
            "id_number": (("id_number", "身份证号", "身份证号码", "公民身份号码"), _id_number),
            "phone": (("phone", "联系电话", "电话", "手机"), _phone),
            "relation": (("relation", "与户主关系", "关系"), _text(20)),
            "residence": (
                ("residence", "人口类型", "户籍类型"),
                lambda t: _choice(t, ResidenceType, ResidenceType.REGISTERED),
            ),
            "tags": (("tags", "特殊人群", "人群标签", "标签"), lambda t: _choices(t, SpecialGroup)),
            "address": (("address", "住址", "现住址"), _text(200)),
            "note": (("note", "备注"), _text(300)),
        },
        household=True,
        stored=(
            "grid_id",
            "household_id",
            "name",
            "phone",
            "relation",
            "residence",
            "tags",
            "note",
            "sex",
            "birth_date",
        ),
    ),
    "houses": Sheet(
        House,
        "code",
        {
            **COMMON,
            "code": (("code", "房屋编码", "地址编码", "编码"), _text(40, required=True)),
            "address": (("address", "地址", "房屋地址"), _text(200, required=True)),
            "building": (("building", "楼栋", "幢"), _text(20)),
            "unit": (("unit", "单元"), _text(20)),
            "floor": (("floor", "楼层"), _text(10)),
            "room": (("room", "房号", "室"), _text(20)),
            "kind": (("kind", "房屋类型", "类型"), lambda t: _choice(t, HouseKind, HouseKind.RESIDENTIAL)),
            "use": (("use", "用途", "使用情况"), _text(60)),
            "owner_name": (("owner_name", "产权人", "房主"), _text(60)),
            "owner_phone": (("owner_phone", "产权人电话", "房主电话"), _phone),
            "lng": (("lng", "经度"), _coordinate(70, 140)),
            "lat": (("lat", "纬度"), _coordinate(0, 56)),
            "note": (("note", "备注"), _text(300)),
        },
        stored=(
            "grid_id",
            "address",
            "building",
            "unit",
            "floor",
            "room",
            "kind",
            "use",
            "owner_name",
            "owner_phone",
            "lng",
            "lat",
            "note",
        ),
    ),
    "places": Sheet(
        Place,
        "credit_code",
        {
            **COMMON,
            "name": (("name", "名称", "场所名称"), _text(120, required=True)),
            "kind": (("kind", "场所类型", "类型"), lambda t: _choice(t, PlaceKind, PlaceKind.SHOP)),
            "credit_code": (("credit_code", "统一社会信用代码", "信用代码"), _credit_code),
            "address": (("address", "地址"), _text(200)),
            "contact_name": (("contact_name", "联系人", "负责人"), _text(60)),
            "phone": (("phone", "联系电话", "电话"), _phone),
            "is_key_fire_risk": (("is_key_fire_risk", "消防重点"), _yes_no),
            "lng": (("lng", "经度"), _coordinate(70, 140)),
            "lat": (("lat", "纬度"), _coordinate(0, 56)),
            "note": (("note", "备注"), _text(300)),
        },
        stored=(
            "grid_id",
            "name",
            "kind",
            "market_entity_id",
            "address",
            "contact_name",
            "phone",
            "is_key_fire_risk",
            "lng",
            "lat",
            "note",
        ),
    ),
    "organisations": Sheet(
        Organisation,
        "credit_code",
        {
            **COMMON,
            "name": (("name", "名称", "组织名称"), _text(120, required=True)),
            "kind": (
                ("kind", "组织类型", "类型"),
                lambda t: _choice(t, OrganisationKind, OrganisationKind.ENTERPRISE),
            ),
            "credit_code": (("credit_code", "统一社会信用代码", "信用代码"), _credit_code),
            "address": (("address", "地址"), _text(200)),
            "contact_name": (("contact_name", "联系人", "负责人"), _text(60)),
            "phone": (("phone", "联系电话", "电话"), _phone),
            "members": (("members", "人数", "成员数", "职工人数"), _whole),
            "note": (("note", "备注"), _text(300)),
        },
        stored=(
            "grid_id",
            "name",
            "kind",
            "market_entity_id",
            "address",
            "contact_name",
            "phone",
            "members",
            "note",
        ),
    ),
}
HEAD_RELATIONS = {"户主", "本人", "head", "self"}


def read_table(upload, filename: str = "") -> list[list]:
    """The first sheet of an xlsx file, or a UTF-8 CSV, as rows of cells (header first)."""
    name = (filename or getattr(upload, "name", "") or "").lower()
    data = upload.read() if hasattr(upload, "read") else upload
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRejected(_("The CSV file is not UTF-8 text."), []) from None
        return list(csv.reader(io.StringIO(text)))
    from openpyxl import load_workbook  # noqa: PLC0415 - heavy, only for an upload
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415 - as above

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError):
        raise ImportRejected(_("The file is not an Excel workbook (.xlsx) or a CSV file."), []) from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def import_base_data(*, kind: str, township, table: list[list], by, request=None) -> dict:
    """Check every row, then write all of them in one transaction, or raise ImportRejected."""
    from grid.base.selectors import grids_for  # noqa: PLC0415 - selectors import the models

    sheet = SHEETS[kind]
    if not table or not any(cell_text(c) for c in table[0]):
        raise ImportRejected(_("The sheet is empty."), [])
    if len(table) - 1 > MAX_ROWS:
        raise ImportRejected(_("At most %(n)d rows per import.") % {"n": MAX_ROWS}, [])
    aliases = {alias.lower(): name for name, (names, _c) in sheet.columns.items() for alias in names}
    headers = [aliases.get(cell_text(h).lower()) for h in table[0]]
    # errors name the column as the file does
    label = {name: names[0] for name, (names, _c) in sheet.columns.items()}
    label.update({h: cell_text(raw) for h, raw in zip(headers, table[0], strict=False) if h})
    errors: list[tuple[int, str, str]] = []
    missing = [
        n for n, (names, _c) in sheet.columns.items() if n not in headers and n in ("grid", sheet.key, "name")
    ]
    if missing:
        raise ImportRejected(
            _("Missing columns: %(columns)s.")
            % {"columns": ", ".join(sheet.columns[m][0][1] for m in missing)},
            [],
        )
    grids = {g.code: g for g in grids_for(by).filter(township=township)}
    rows: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(table[1:], start=2):
        cells = {h: cell_text(v) for h, v in zip(headers, raw, strict=False) if h}
        if not any(cells.values()):
            continue
        values, bad = {}, False
        for name, (_names, clean) in sheet.columns.items():
            text = cells.get(name, "")
            if "\x00" in text:
                errors.append((number, label[name], _("Contains a NUL character.")))
                bad = True
                continue
            try:
                values[name] = clean(text)
            except ValueError as exc:
                errors.append((number, label[name], str(exc)))
                bad = True
        if bad:
            continue
        grid = grids.get(values["grid"])
        if grid is None:
            errors.append(
                (number, "grid", _("Grid “%(code)s” is not one of your grids.") % {"code": values["grid"]})
            )
            continue
        values["grid"] = grid
        key = values.get(sheet.key) or ""
        if key:
            if key in seen:
                errors.append((number, label[sheet.key], _("The same as row %(row)d.") % {"row": seen[key]}))
                continue
            seen[key] = number
        rows.append((number, values))

    model = sheet.model
    keys = [v[sheet.key] for _n, v in rows if v.get(sheet.key)]
    existing = {}
    for start in range(0, len(keys), 5000):
        for obj in model.objects.filter(
            township=township, **{f"{sheet.key}__in": keys[start : start + 5000]}
        ):
            existing[getattr(obj, sheet.key)] = obj
    if model in (Place, Organisation):
        # places and organisations without a credit code: the same name and address in the grid
        for obj in model.objects.filter(township=township, credit_code="", grid__in=list(grids.values())):
            existing.setdefault(("", obj.grid_id, obj.name, obj.address), obj)
    visible = {g.pk for g in grids.values()}
    for number, values in rows:
        obj = existing.get(values.get(sheet.key)) if values.get(sheet.key) else None
        if obj is not None and obj.grid_id not in visible:
            errors.append(
                (number, sheet.key, _("Already registered in another grid; ask the grid head to move it."))
            )

    households = {}
    if sheet.household:
        numbers = sorted({v["household"] for _n, v in rows if v["household"]})
        households = {h.number: h for h in Household.objects.filter(township=township, number__in=numbers)}
        for number, values in rows:
            household = households.get(values["household"])
            if household is not None and household.grid_id not in visible:
                errors.append((number, label["household"], _("This household is in another grid.")))

    if errors:
        raise ImportRejected(
            ngettext(
                "%(count)d row has a problem; nothing was imported.",
                "%(count)d rows have problems; nothing was imported.",
                len({e[0] for e in errors}),
            )
            % {"count": len({e[0] for e in errors})},
            errors,
        )
    return _write(sheet, township, rows, existing, households, by=by, request=request)


def _write(sheet, township, rows, existing, households, *, by, request) -> dict:
    model = sheet.model
    created, changed, audit = [], [], []
    user = by if getattr(by, "pk", None) else None
    entities = {}
    if model in (Place, Organisation):
        codes = [v["credit_code"] for _n, v in rows if v["credit_code"]]
        entities = dict(
            MarketEntity.objects.filter(township=township, credit_code__in=codes).values_list(
                "credit_code", "pk"
            )
        )
    with transaction.atomic():
        if sheet.household:
            new_households = {}
            for _n, values in rows:
                number = values["household"]
                if number and number not in households and number not in new_households:
                    new_households[number] = Household(
                        township=township,
                        grid=values["grid"],
                        number=number,
                        head_name=values["name"],
                        address=values.get("address", ""),
                        updated_by=user,
                    )
                if number in new_households and values["relation"] in HEAD_RELATIONS:
                    new_households[number].head_name = values["name"]
            Household.objects.bulk_create(new_households.values(), batch_size=2000)
            households.update(new_households)
            audit_rows(
                by=by,
                request=request,
                action="grid.household.import",
                rows=[(h, "created") for h in new_households.values()],
            )
        for _n, values in rows:
            values = dict(values)
            grid = values.pop("grid")
            data = {"grid_id": grid.pk}
            if sheet.household:
                number = values.pop("household")
                values.pop("address", None)
                data["household_id"] = households[number].pk if number else None
                born = id_number_birth_date(values["id_number"])
                data["birth_date"] = born
                data["sex"] = Sex.MALE if int(values["id_number"][16]) % 2 else Sex.FEMALE
            if model in (Place, Organisation):
                data["market_entity_id"] = entities.get(values["credit_code"])
            data.update(values)
            key = values.get(sheet.key)
            obj = (
                existing.get(key)
                if key
                else existing.get(("", grid.pk, values.get("name"), values.get("address", "")))
            )
            if obj is None:
                obj = model(township=township, updated_by=user, **data)
                created.append(obj)
                continue
            differs = [
                f for f in sheet.stored if _stored(getattr(obj, f)) != _stored(data.get(f, getattr(obj, f)))
            ]
            if differs:
                for f in sheet.stored:
                    if f in data:
                        setattr(obj, f, data[f])
                obj.updated_by = user
                changed.append((obj, differs))
        model.objects.bulk_create(created, batch_size=2000)
        if changed:
            model.objects.bulk_update(
                [o for o, _d in changed], [*sheet.stored, "updated_by", "updated_at"], batch_size=2000
            )
        action = f"grid.{model._meta.model_name}.import"
        audit += [(o, "created") for o in created]
        audit += [(o, "fields=" + ",".join(d)) for o, d in changed]
        audit_rows(by=by, request=request, action=action, rows=audit)
    return {
        "created": len(created),
        "updated": len(changed),
        "unchanged": len(rows) - len(created) - len(changed),
    }


def _stored(value):
    if value is None:
        return None
    if isinstance(value, list):
        return sorted(value)
    if hasattr(value, "is_finite"):  # Decimal
        return round(float(value), 7)
    if isinstance(value, float):
        return round(value, 7)
    return value
