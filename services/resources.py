"""Excel and CSV import/export of the catalog: items with their guides, and material lists.

Imports are all or nothing: every row is checked and each bad row reported with its problem, and
if any row is bad nothing changes. They never edit a published guide: a changed row becomes a new
version of the item (published at once unless the resource is built with publish=False), and an
unchanged row is skipped, so exporting and re-importing a file creates nothing.
"""

import copy
import re
from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import RowResult

from services.models import (
    GUIDE_FIELDS,
    DelegatedLevel,
    Delivery,
    ItemType,
    MaterialRequirement,
    MaterialSource,
    MaterialType,
    Medium,
    Necessity,
    ServiceItem,
    ServiceItemVersion,
    ServiceObject,
)
from services.services import catalog
from township.org.models import Department, Township
from township.spreadsheets import (
    DepartmentWidget,
    PairsWidget,
    TextWidget,
    TownshipWidget,
    WholeNumberWidget,
    YesNoWidget,
    cell_text,
)

# ---- widgets: parse a spreadsheet cell strictly, with a message a clerk can act on -----------------


class CodeWidget(TextWidget):
    """Codes are digits and capitals; a spreadsheet that took a basic code for a number lost its
    leading zero, so a short all-digit code is padded back to the standard 10 digits."""

    def clean(self, value, row=None, **kwargs):
        text = re.sub(r"\s+", "", cell_text(value)).upper()
        if text.isascii() and text.isdigit() and len(text) < 10:
            text = text.zfill(10)
        return text


# The words the national guides use, accepted whatever the UI language (they are data, not UI).
CHINESE_TERMS = {
    "01": "行政许可",
    "05": "行政给付",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务",
    "county_in_town": "县级赋权 县级下放 县级事项",
    "town": "镇级 乡镇 镇级事项",
    "village": "村级 村级代办",
    "person": "自然人 个人",
    "legal_person": "法人 法人和其他组织 企业",
    "both": "自然人和法人 自然人、法人",
    "window": "窗口领取 窗口 现场领取",
    "post": "邮寄 邮寄送达 快递",
    "paper": "纸质",
    "electronic": "电子 电子版",
    "either": "纸质或电子 纸质/电子",
    "required": "必须 必要 必需",
    "conditional": "情形必须 条件必须 特定情形",
    "optional": "非必须 可选 选填",
    "applicant": "申请人 申请人自备",
    "issuing_department": "政府部门核发 部门核发",
    "shared_data": "数据共享 共享获取 免提交",
}


class ChoiceWidget(widgets.Widget):
    """A choice by its code, its Chinese term, or its label in the UI languages."""

    def __init__(self, choices, *, pad_digits=0, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.pad_digits = pad_digits

    def _lookup(self) -> dict[str, str]:
        table = {}
        for value in self.choices.values:
            for term in re.split(r"\s+", CHINESE_TERMS.get(value, "")):
                if term:
                    table[term] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                for value, label in self.choices.choices:
                    table[str(label).lower()] = value
        table.update({str(value).lower(): value for value in self.choices.values})
        return table

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if self.pad_digits and text.isascii() and text.isdigit():
            text = text.zfill(self.pad_digits)
        found = self._lookup().get(text.lower())
        if found is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(f"{v} ({label})" for v, label in self.choices.choices)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceListWidget(ChoiceWidget):
    """Several choices in one cell, separated by commas, 、 or slashes."""

    def clean(self, value, row=None, **kwargs):
        parts = [p for p in re.split(r"[,，、/;；\s]+", cell_text(value)) if p]
        if not parts:
            return None
        return list(dict.fromkeys(super(ChoiceListWidget, self).clean(p) for p in parts))

    def render(self, value, obj=None, **kwargs):
        return ",".join(value or [])


# ---- shared behaviour -------------------------------------------------------------------------------


class CatalogResource(resources.ModelResource):
    """Scopes rows to the townships the importing user may see and makes imports all or nothing."""

    def __init__(self, user=None, publish=True, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.publish = publish
        self.by = None
        self.townships = Township.objects.all()

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # One bad row and nothing changes, whatever the caller asked for.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs
        )

    def before_import(self, dataset, **kwargs):
        if dataset.headers:
            dataset.headers = [cell_text(h) for h in dataset.headers]
        user = kwargs.get("user") or self.user
        self.by = user if getattr(user, "is_authenticated", False) else None
        if user is not None:
            self.townships = Township.objects.visible_to(user)

    def township_from(self, value) -> Township:
        code = cell_text(value)
        if not code:
            raise ValueError(_("Give the township's division code or short code."))
        township = (
            self.townships.filter(code=code).first() or self.townships.filter(short_code__iexact=code).first()
        )
        if township is None:
            raise ValueError(_("Unknown township “%(code)s”, or not one you may manage.") % {"code": code})
        return township

    def item_for(self, row) -> ServiceItem | None:
        try:
            township = self.township_from(row.get("township"))
        except ValueError:
            return None
        code = CodeWidget().clean(row.get("basic_code"))
        return (
            ServiceItem.objects.select_related("township", "department", "current_version")
            .filter(township=township, basic_code=code)
            .first()
        )

    @staticmethod
    def error_dict(error: ValidationError) -> dict:
        return error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}


def _merge(errors: dict, error: ValidationError) -> None:
    for key, messages in CatalogResource.error_dict(error).items():
        errors.setdefault(key, []).extend(messages)


# ---- items -----------------------------------------------------------------------------------------

GUIDE = "guide__"  # version columns read from the item's guide and staged into a new version


def _guide_field(name, widget=None, readonly=False):
    return fields.Field(
        attribute=GUIDE + name, column_name=name, widget=widget or TextWidget(), readonly=readonly
    )


ITEM_COLUMNS = (
    "township",
    "basic_code",
    "implementation_code",
    "department",
    "name",
    "item_type",
    "delegated_level",
    "service_object",
    "legal_limit_days",
    "promised_limit_days",
    "is_immediate",
    "yellow_threshold_days",
    "is_free",
    "fees",
    "fee_basis",
    "allows_online",
    "at_most_one_visit",
    "visits_required",
    "delivery_options",
    "legal_basis",
    "conditions",
    "special_procedures",
    "process_steps",
    "faq",
    "place",
    "hours",
    "enquiry_phone",
    "complaint_phone",
    "keywords",
    "version",
    "status",
)


class ServiceItemResource(CatalogResource):
    township = fields.Field(attribute="township", column_name="township", widget=TownshipWidget())
    basic_code = fields.Field(attribute="basic_code", column_name="basic_code", widget=CodeWidget())
    implementation_code = fields.Field(
        attribute="implementation_code", column_name="implementation_code", widget=CodeWidget()
    )
    department = fields.Field(attribute="department", column_name="department", widget=DepartmentWidget())
    name = _guide_field("name")
    item_type = _guide_field("item_type", ChoiceWidget(ItemType, pad_digits=2))
    delegated_level = _guide_field("delegated_level", ChoiceWidget(DelegatedLevel))
    service_object = _guide_field("service_object", ChoiceWidget(ServiceObject))
    legal_limit_days = _guide_field("legal_limit_days", WholeNumberWidget())
    promised_limit_days = _guide_field("promised_limit_days", WholeNumberWidget())
    is_immediate = _guide_field("is_immediate", YesNoWidget())
    yellow_threshold_days = _guide_field("yellow_threshold_days", WholeNumberWidget())
    is_free = _guide_field("is_free", YesNoWidget())
    fees = _guide_field("fees")
    fee_basis = _guide_field("fee_basis")
    allows_online = _guide_field("allows_online", YesNoWidget())
    at_most_one_visit = _guide_field("at_most_one_visit", YesNoWidget())
    visits_required = _guide_field("visits_required", WholeNumberWidget())
    delivery_options = _guide_field("delivery_options", ChoiceListWidget(Delivery))
    legal_basis = _guide_field("legal_basis")
    conditions = _guide_field("conditions")
    special_procedures = _guide_field("special_procedures")
    process_steps = _guide_field("process_steps", PairsWidget("title", "description"))
    faq = _guide_field("faq", PairsWidget("question", "answer"))
    place = _guide_field("place")
    hours = _guide_field("hours")
    enquiry_phone = _guide_field("enquiry_phone")
    complaint_phone = _guide_field("complaint_phone")
    keywords = _guide_field("keywords")
    version = _guide_field("version", WholeNumberWidget(), readonly=True)
    status = _guide_field("status", readonly=True)

    class Meta:
        model = ServiceItem
        fields = ITEM_COLUMNS
        export_order = ITEM_COLUMNS
        import_id_fields = ("township", "basic_code")
        clean_model_instances = False
        skip_html_diff = True

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Service items and their guides")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._seen_rows: dict[tuple, int] = {}

    def get_instance(self, instance_loader, row):
        item = self.item_for(row)
        if item is not None:
            item._department_before = item.department_id
        return item

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list] = {}
        staged: dict = {}
        for field in self.get_import_fields():
            column = field.column_name
            if column not in row:
                continue
            try:
                if column == "township":
                    if instance.pk is None:
                        instance.township = self.township_from(row[column])
                elif column == "department":
                    if instance.township_id:
                        instance.department = self._department(instance.township, row[column])
                elif column == "implementation_code":
                    code = field.clean(row, **kwargs)
                    if instance.pk and code and code != instance.implementation_code:
                        raise ValueError(_("An item's implementation code never changes."))
                    if code:
                        instance.implementation_code = code
                elif field.attribute.startswith(GUIDE):
                    value = field.clean(row, **kwargs)
                    if value is not None:
                        staged[field.attribute.removeprefix(GUIDE)] = value
                else:
                    setattr(instance, field.attribute, field.clean(row, **kwargs))
            except (ValueError, ValidationError) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                errors.setdefault(column, []).extend(messages)
        if instance.township_id and instance.basic_code:
            key = (instance.township_id, instance.basic_code)
            earlier = self._seen_rows.setdefault(key, kwargs.get("row_number"))
            if earlier != kwargs.get("row_number"):
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    _("Row %(row)d already has this item; give each item once.") % {"row": earlier}
                )
        instance._staged_guide = staged
        if errors:
            raise ValidationError(errors)

    def _department(self, township, value) -> Department:
        code = cell_text(value)
        department = Department.objects.filter(township=township, code=code).first() if code else None
        if department is None:
            raise ValueError(
                _("Unknown department code “%(code)s” in %(township)s.")
                % {"code": code, "township": township}
            )
        return department

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None or instance.current_version is None:
            return False
        current = instance.current_version
        unchanged_guide = all(getattr(current, k) == v for k, v in instance._staged_guide.items())
        return unchanged_guide and instance.department_id == instance._department_before

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {
            key: list(ValidationError(value).messages)
            for key, value in (import_validation_errors or {}).items()
        }
        base = instance.guide if instance.pk else None
        version = ServiceItemVersion(
            **({name: copy.deepcopy(getattr(base, name)) for name in GUIDE_FIELDS} if base else {})
        )
        for name, value in instance._staged_guide.items():
            setattr(version, name, value)
        if instance.pk is None and not instance.implementation_code and instance.department_id:
            instance.implementation_code = catalog.default_implementation_code(
                instance.department, instance.basic_code
            )
        exclude = ["current_version", *errors]
        if not instance.implementation_code:
            exclude.append("implementation_code")  # generated from the department, which has its own error
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as exc:
            _merge(errors, exc)
        try:
            version.full_clean(exclude=["item", "version", *errors])
        except ValidationError as exc:
            _merge(errors, exc)
        instance._import_version = version
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        guide = {name: getattr(instance._import_version, name) for name in GUIDE_FIELDS}
        try:
            if is_create:
                item = catalog.create_item(
                    township=instance.township,
                    department=instance.department,
                    basic_code=instance.basic_code,
                    implementation_code=instance.implementation_code,
                    guide=guide,
                    by=self.by,
                    publish=self.publish,
                )
                instance.pk = item.pk
            else:
                if instance.department_id != instance._department_before:
                    catalog.reassign_item(item=instance, department=instance.department, by=self.by)
                draft = catalog.revise_item(
                    item=instance, changes=guide, by=self.by, change_note=_("Imported")
                )
                if self.publish:
                    catalog.publish_version(version=draft, by=self.by)
        except catalog.CatalogError as exc:
            raise ValidationError(exc.message) from exc
        instance.refresh_from_db()

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = ServiceItem.objects.all()
        queryset = queryset.select_related("township", "department", "current_version").order_by(
            "township__code", "department__code", "basic_code"
        )
        return super().export(queryset=queryset, **kwargs)

    def export_field(self, field, instance, **kwargs):
        # the township and department by their codes, which an import reads back
        if field.column_name == "township":
            return instance.township.code
        if field.column_name == "department":
            return instance.department.code
        return super().export_field(field, instance, **kwargs)


# ---- materials -------------------------------------------------------------------------------------

MATERIAL_COLUMNS = (
    "township",
    "basic_code",
    "item_name",
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
)
_COMPARED = (
    "name",
    "material_type_id",
    "original_count",
    "copy_count",
    "medium",
    "necessity",
    "condition",
    "source",
    "notes",
    "acceptance_standard",
)


class MaterialRequirementResource(CatalogResource):
    """One row per material. The rows of an item replace its whole list, in a new version."""

    township = fields.Field(
        attribute="version__item__township__code", column_name="township", widget=TextWidget()
    )
    basic_code = fields.Field(
        attribute="version__item__basic_code", column_name="basic_code", widget=CodeWidget()
    )
    item_name = fields.Field(attribute="version__name", column_name="item_name", readonly=True)
    order = fields.Field(attribute="order", column_name="order", widget=WholeNumberWidget())
    name = fields.Field(attribute="name", column_name="name", widget=TextWidget())
    material_type = fields.Field(
        attribute="material_type__code", column_name="material_type", widget=TextWidget()
    )
    original_count = fields.Field(
        attribute="original_count", column_name="original_count", widget=WholeNumberWidget()
    )
    copy_count = fields.Field(attribute="copy_count", column_name="copy_count", widget=WholeNumberWidget())
    medium = fields.Field(attribute="medium", column_name="medium", widget=ChoiceWidget(Medium))
    necessity = fields.Field(attribute="necessity", column_name="necessity", widget=ChoiceWidget(Necessity))
    condition = fields.Field(attribute="condition", column_name="condition", widget=TextWidget())
    source = fields.Field(attribute="source", column_name="source", widget=ChoiceWidget(MaterialSource))
    notes = fields.Field(attribute="notes", column_name="notes", widget=TextWidget())
    acceptance_standard = fields.Field(
        attribute="acceptance_standard", column_name="acceptance_standard", widget=TextWidget()
    )

    class Meta:
        model = MaterialRequirement
        fields = MATERIAL_COLUMNS
        export_order = MATERIAL_COLUMNS
        import_id_fields = ()
        clean_model_instances = False
        skip_html_diff = True
        store_instance = True  # after_import_row needs each row's item

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Material lists")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._lists: dict[int, list[dict]] = defaultdict(list)
        self._rows: dict[int, list[RowResult]] = defaultdict(list)
        self._items: dict[int, ServiceItem] = {}

    def get_instance(self, instance_loader, row):
        return None  # every row is a line of a new list

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list] = {}
        instance._import_item = None
        try:
            township = self.township_from(row.get("township"))
            code = CodeWidget().clean(row.get("basic_code"))
            item = ServiceItem.objects.filter(township=township, basic_code=code).first()
            if item is None:
                errors["basic_code"] = [
                    _("No item with basic code “%(code)s” in %(township)s.")
                    % {"code": code, "township": township}
                ]
            instance._import_item = item
        except ValueError as exc:
            errors["township"] = [str(exc)]
        for field in self.get_import_fields():
            column = field.column_name
            if column in ("township", "basic_code") or column not in row:
                continue
            try:
                value = field.clean(row, **kwargs)
                if column == "material_type":
                    instance.material_type = self._material_type(value)
                elif value is not None:
                    setattr(instance, field.attribute, value)
            except ValueError as exc:
                errors.setdefault(column, []).append(str(exc))
        if errors:
            raise ValidationError(errors)

    def _material_type(self, code):
        if not code:
            return None
        material_type = MaterialType.objects.filter(code=code).first()
        if material_type is None:
            raise ValueError(_("Unknown material type “%(code)s”.") % {"code": code})
        return material_type

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {
            key: list(ValidationError(value).messages)
            for key, value in (import_validation_errors or {}).items()
        }
        try:
            instance.full_clean(exclude=["version", *errors])
        except ValidationError as exc:
            _merge(errors, exc)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        # Collected here, written per item once every row is known to be good (after_import).
        item = instance._import_item
        self._items[item.pk] = item
        self._lists[item.pk].append(
            {
                name: getattr(instance, name)
                for name in catalog.MATERIAL_FIELDS
                if name not in ("blank_form", "sample")
            }
        )

    def after_import_row(self, row, row_result, **kwargs):
        item = getattr(row_result.instance, "_import_item", None) if row_result.instance is not None else None
        if item is not None and row_result.import_type == RowResult.IMPORT_TYPE_NEW:
            self._rows[item.pk].append(row_result)

    def after_import(self, dataset, result, **kwargs):
        if result.has_errors() or result.has_validation_errors():
            return
        for item_pk, rows in self._lists.items():
            item = self._items[item_pk]
            rows.sort(key=lambda data: data["order"])  # stable: file order among equal numbers
            for position, data in enumerate(rows, 1):
                data["order"] = position
            current = (
                list(item.current_version.materials.order_by("order", "id"))
                if item.current_version_id
                else []
            )
            if self._same(current, rows):
                for row_result in self._rows[item_pk]:
                    row_result.import_type = RowResult.IMPORT_TYPE_SKIP
                    result.totals[RowResult.IMPORT_TYPE_NEW] -= 1
                    result.totals[RowResult.IMPORT_TYPE_SKIP] += 1
                continue
            files = {m.name: (m.blank_form, m.sample) for m in current}
            for data in rows:
                data["blank_form"], data["sample"] = files.get(data["name"], ("", ""))
            try:
                draft = catalog.revise_item(
                    item=item, materials=rows, by=self.by, change_note=_("Imported materials")
                )
                if self.publish:
                    catalog.publish_version(version=draft, by=self.by)
            except (ValidationError, catalog.CatalogError) as exc:
                message = exc.message if isinstance(exc, catalog.CatalogError) else "; ".join(exc.messages)
                self.handle_import_error(
                    result, ValidationError(_("%(item)s: %(error)s") % {"item": item, "error": message})
                )

    @staticmethod
    def _same(current: list[MaterialRequirement], rows: list[dict]) -> bool:
        if len(current) != len(rows):
            return False
        for material, data in zip(current, rows, strict=True):
            data_type = data["material_type"].pk if data.get("material_type") else None
            for name in _COMPARED:
                theirs = data_type if name == "material_type_id" else data.get(name)
                if getattr(material, name) != theirs:
                    return False
        return True

    def export(self, queryset=None, **kwargs):
        """Materials of the published guides; given items (the admin's selection), of those items."""
        materials = MaterialRequirement.objects.filter(version__item__current_version=F("version"))
        if queryset is not None and queryset.model is ServiceItem:
            materials = materials.filter(version__item__in=queryset.values("pk"))
        elif queryset is not None:
            materials = queryset
        materials = materials.select_related("version__item__township", "material_type").order_by(
            "version__item__township__code", "version__item__basic_code", "order", "id"
        )
        return super().export(queryset=materials, **kwargs)
