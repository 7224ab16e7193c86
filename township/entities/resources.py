"""Excel and CSV import/export of the market-entity register.

One row per entity, keyed by township and unified social credit code. Imports are all or nothing: every
row is checked and each bad row reported with its problem, and if any row is bad nothing changes. An
entity already in the register is updated, never duplicated (the code is normalised first, so a code in
full-width characters or lower case is the same entity); a blank cell keeps what the register holds, and
an unchanged row is skipped, so exporting and re-importing a file changes nothing. Rows are written
through township.entities.services.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from grid.models.geo import Grid
from township.entities import services
from township.entities.models import EntityKind, LicenceStatus, MarketEntity, RiskLevel
from township.identifiers import normalise, validate_credit_code
from township.org.models import Township
from township.spreadsheets import TextWidget, cell_text

COLUMNS = (
    "township",
    "credit_code",
    "name",
    "kind",
    "legal_representative",
    "phone",
    "address",
    "industry_code",
    "industry",
    "licence_status",
    "risk_level",
    "registered_on",
    "grid",
    "lng",
    "lat",
)

# The words registers use, accepted whatever the UI language (they are data, not UI).
CHINESE_TERMS = {
    EntityKind.ENTERPRISE: "企业 公司 有限公司 法人",
    EntityKind.INDIVIDUAL_BUSINESS: "个体工商户 个体户 个体",
    EntityKind.ORGANISATION: "其他组织 社会组织 农民专业合作社 合作社 事业单位",
    LicenceStatus.ACTIVE: "存续 在业 开业 正常",
    LicenceStatus.SUSPENDED: "停业 歇业",
    LicenceStatus.REVOKED: "吊销",
    LicenceStatus.DEREGISTERED: "注销",
    RiskLevel.LOW: "低风险 低 A",
    RiskLevel.GENERAL: "一般风险 一般 中 B",
    RiskLevel.HIGH: "高风险 高 C D",
}


class ChoiceWidget(widgets.Widget):
    """A choice by its code, its Chinese term or its label in the UI languages."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def _table(self) -> dict[str, str]:
        table = {}
        for value in self.choices.values:
            for term in CHINESE_TERMS.get(value, "").split():
                table[term.lower()] = value
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
        found = self._table().get(text.lower())
        if found is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(f"{v} ({label})" for v, label in self.choices.choices)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DateWidget(widgets.Widget):
    """A date as a spreadsheet cell (a date) or text: 2026-03-01, 2026/3/1, 2026年3月1日, 20260301."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = normalise(cell_text(value))
        if not text:
            return None
        match = re.fullmatch(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?", text) or re.fullmatch(
            r"([0-9]{4})([0-9]{2})([0-9]{2})", text
        )
        if match is None:
            raise ValueError(_("“%(value)s” is not a date (write it as 2026-03-01).") % {"value": text})
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date (write it as 2026-03-01).") % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class CoordinateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = normalise(cell_text(value))
        if not text:
            return None
        if not re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{1,7})?", text):
            raise ValueError(
                _("“%(value)s” is not a coordinate in degrees (up to 7 decimals).") % {"value": text}
            )
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class MarketEntityResource(resources.ModelResource):
    """Scoped to the townships the importing user may see; all or nothing."""

    township = fields.Field(attribute="township", column_name="township", widget=TextWidget())
    credit_code = fields.Field(attribute="credit_code", column_name="credit_code", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="name", widget=TextWidget())
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(EntityKind))
    legal_representative = fields.Field(
        attribute="legal_representative", column_name="legal_representative", widget=TextWidget()
    )
    phone = fields.Field(attribute="phone", column_name="phone", widget=TextWidget())
    address = fields.Field(attribute="address", column_name="address", widget=TextWidget())
    industry_code = fields.Field(attribute="industry_code", column_name="industry_code", widget=TextWidget())
    industry = fields.Field(attribute="industry", column_name="industry", widget=TextWidget())
    licence_status = fields.Field(
        attribute="licence_status", column_name="licence_status", widget=ChoiceWidget(LicenceStatus)
    )
    risk_level = fields.Field(
        attribute="risk_level", column_name="risk_level", widget=ChoiceWidget(RiskLevel)
    )
    registered_on = fields.Field(attribute="registered_on", column_name="registered_on", widget=DateWidget())
    grid = fields.Field(attribute="grid", column_name="grid", widget=TextWidget())
    lng = fields.Field(attribute="lng", column_name="lng", widget=CoordinateWidget())
    lat = fields.Field(attribute="lat", column_name="lat", widget=CoordinateWidget())

    class Meta:
        model = MarketEntity
        fields = COLUMNS
        export_order = COLUMNS
        import_id_fields = ("township", "credit_code")
        clean_model_instances = False
        skip_html_diff = True

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Market entities")

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.townships = Township.objects.all()

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        kwargs["rollback_on_validation_errors"] = True  # one bad row and nothing changes
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs
        )

    def before_import(self, dataset, **kwargs):
        if dataset.headers:
            dataset.headers = [cell_text(h) for h in dataset.headers]
        user = kwargs.get("user") or self.user
        if user is not None:
            self.townships = Township.objects.visible_to(user)
        self._grids: dict[tuple[int, str], Grid | None] = {}

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

    def get_instance(self, instance_loader, row):
        try:
            township = self.township_from(row.get("township"))
        except ValueError:
            return None
        code = normalise(cell_text(row.get("credit_code")))
        return MarketEntity.objects.filter(township=township, credit_code=code).first()

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
                elif column == "credit_code":
                    code = normalise(cell_text(row[column]))
                    validate_credit_code(code)
                    instance.credit_code = code
                elif column == "grid":
                    if instance.township_id:
                        staged["grid"] = self._grid(instance.township, row[column])
                else:
                    value = field.clean(row, **kwargs)
                    if isinstance(value, str) and "\x00" in value:
                        raise ValueError(_("Null characters are not allowed."))
                    staged[field.attribute] = value
            except (ValueError, ValidationError) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                errors.setdefault(column, []).extend(messages)
        instance._staged = staged
        instance._changed = services.apply_values(instance, services.clean_values(staged))
        if errors:
            raise ValidationError(errors)

    def _grid(self, township, value) -> Grid | None:
        code = normalise(cell_text(value))
        if not code:
            return None
        key = (township.pk, code)
        if key not in self._grids:
            self._grids[key] = Grid.objects.filter(township=township, code=code).first()
        if self._grids[key] is None:
            raise ValueError(
                _("No grid with code “%(code)s” in %(township)s.") % {"code": code, "township": township}
            )
        return self._grids[key]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not import_validation_errors and instance.pk is not None and not instance._changed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {
            key: list(ValidationError(value).messages)
            for key, value in (import_validation_errors or {}).items()
        }
        try:
            services.check_entity(instance, exclude=list(errors))
        except services.EntityError as exc:
            for key, messages in exc.field_errors.items():
                errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        entity, _created = services.register_entity(
            township=instance.township,
            credit_code=instance.credit_code,
            values=services.clean_values(instance._staged),
            by=self.user,
        )
        instance.pk = entity.pk

    def export_field(self, field, instance, **kwargs):
        # the codes an import reads back
        if field.column_name == "township":
            return instance.township.code
        if field.column_name == "grid":
            return instance.grid.code if instance.grid_id else ""
        return super().export_field(field, instance, **kwargs)

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = MarketEntity.objects.all()
            if self.user is not None:
                queryset = queryset.visible_to(self.user)
        queryset = queryset.select_related("township", "grid").order_by("township__code", "credit_code")
        return super().export(queryset=queryset, **kwargs)


def error_dict(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
