"""Excel and CSV import/export of the power list: one row per matter, its discretion bands in one cell.

Imports are all or nothing, like the service catalog's: every row is checked, each bad row reported
with its problem, and if any row is bad nothing changes. A changed row becomes a new version of the
matter (published at once unless the resource is built with publish=False); an unchanged row is
skipped, so exporting and re-importing a file creates nothing.

Bands cell, one band a line:  tier | amount | harm | flags | conditions | other penalties
    amount: empty, 4000-12000 (yuan), gains:1-3 or value:2-5 (multiples of gains or goods value)
    harm:   none, minor, general, serious, separated by commas (empty: any)
    flags:  first (first offence only), corrected (only if corrected in time)
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from enforcement.models import (
    AmountBasis,
    DiscretionTier,
    Harm,
    PowerChannel,
    PowerKind,
    PowerMatter,
    PowerMatterVersion,
)
from enforcement.models.power import CONTENT_FIELDS
from enforcement.power import services
from township.org.models import Township
from township.spreadsheets import TextWidget, YesNoWidget, cell_text

CHINESE_TERMS = {
    "penalty": "行政处罚 处罚",
    "coercion": "行政强制 强制",
    "inspection": "行政检查 检查",
    "other": "其他",
    "statutory": "法定",
    "handed_down": "交由 赋权 下放",
    "entrusted": "委托",
    "none": "不予处罚 不予",
    "minor": "情节轻微 轻微",
    "lesser": "较轻 从轻",
    "general": "一般",
    "serious": "较重",
    "severe": "严重 从重",
}


class ChoiceWidget(widgets.Widget):
    """A choice by its code, its Chinese term or its label in the UI languages."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def lookup(self, text: str):
        table = {}
        for value in self.choices.values:
            for term in CHINESE_TERMS.get(value, "").split():
                table[term] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table.update({str(label).lower(): value for value, label in self.choices.choices})
        table.update({value: value for value in self.choices.values})
        return table.get(text.lower())

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        found = self.lookup(text)
        if found is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(self.choices.values)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DayWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, date):
            return value if not hasattr(value, "date") else value.date()
        text = cell_text(value)
        if not text:
            return None
        try:
            return date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise ValueError(_("“%(value)s” is not a date like 2026-07-01.") % {"value": text}) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


def _decimal(text: str) -> Decimal:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
    return number


class BandsWidget(widgets.Widget):
    tiers = ChoiceWidget(DiscretionTier)

    def clean(self, value, row=None, **kwargs):
        bands = []
        for number, line in enumerate((cell_text(value) or "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in re.split(r"[|｜]", line)] + [""] * 6
            tier, amount, harm, flags, conditions, other = parts[:6]
            try:
                band = self._band(tier, amount, harm, flags, conditions, other)
            except ValueError as exc:
                raise ValueError(_("Band line %(n)d: %(error)s") % {"n": number, "error": exc}) from None
            bands.append(band)
        return bands

    def _band(self, tier, amount, harm, flags, conditions, other) -> dict:
        band = {
            "tier": self.tiers.clean(tier) or "",
            "conditions": conditions,
            "other_penalties": other,
            "harm_levels": [],
            "first_offence_only": False,
            "requires_correction": False,
        }
        if not band["tier"]:
            raise ValueError(_("give the tier."))
        if not conditions:
            raise ValueError(_("give the conditions of application."))
        if amount:
            basis, _sep, spec = amount.rpartition(":")
            low, dash, high = spec.partition("-")
            if not dash:
                raise ValueError(_("write the amount as low-high, e.g. 4000-12000."))
            if basis in ("", AmountBasis.FIXED):
                band.update(fine_min=_decimal(low), fine_max=_decimal(high))
            elif basis in (AmountBasis.MULTIPLE_OF_GAINS, AmountBasis.MULTIPLE_OF_VALUE):
                band.update(amount_basis=basis, multiple_min=_decimal(low), multiple_max=_decimal(high))
            else:
                raise ValueError(_("the amount basis is gains or value, not “%(value)s”.") % {"value": basis})
        for level in filter(None, re.split(r"[,，、\s]+", harm)):
            if level not in Harm.values:
                raise ValueError(_("“%(value)s” is not a level of harm.") % {"value": level})
            band["harm_levels"].append(level)
        for flag in filter(None, re.split(r"[,，、\s]+", flags)):
            if flag == "first":
                band["first_offence_only"] = True
            elif flag == "corrected":
                band["requires_correction"] = True
            else:
                raise ValueError(_("“%(value)s” is not a flag (first, corrected).") % {"value": flag})
        return band

    def render(self, value, obj=None, **kwargs):
        return "\n".join(render_band(b) for b in value or [])


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def render_band(band: dict) -> str:
    if band.get("tier") == DiscretionTier.NONE or (
        band.get("fine_max") is None and not band.get("multiple_max")
    ):
        amount = ""
    elif band.get("amount_basis", AmountBasis.FIXED) == AmountBasis.FIXED:
        amount = f"{_number(band.get('fine_min') or Decimal(0))}-{_number(band.get('fine_max'))}"
    else:
        amount = f"{band['amount_basis']}:{_number(band.get('multiple_min') or Decimal(0))}-{_number(band['multiple_max'])}"
    flags = ",".join(
        name
        for name, on in (
            ("first", band.get("first_offence_only")),
            ("corrected", band.get("requires_correction")),
        )
        if on
    )
    parts = [
        band["tier"],
        amount,
        ",".join(band.get("harm_levels") or []),
        flags,
        band.get("conditions", ""),
        band.get("other_penalties", ""),
    ]
    return " | ".join(parts)


COLUMNS = ("township", "code", *CONTENT_FIELDS, "bands", "version", "status")
WIDGETS = {
    "kind": ChoiceWidget(PowerKind),
    "channel": ChoiceWidget(PowerChannel),
    "entrusted_from": DayWidget(),
    "entrusted_until": DayWidget(),
    "effective_from": DayWidget(),
    "effective_until": DayWidget(),
    "first_offence_exemption": YesNoWidget(),
    "legal_review_required": YesNoWidget(),
}
LATEST = "latest__"


def _content_field(name):
    return fields.Field(attribute=LATEST + name, column_name=name, widget=WIDGETS.get(name, TextWidget()))


class PowerMatterResource(resources.ModelResource):
    township = fields.Field(attribute="township", column_name="township", widget=TextWidget())
    code = fields.Field(attribute="code", column_name="code", widget=TextWidget())
    bands = fields.Field(attribute="bands", column_name="bands", widget=BandsWidget())
    version = fields.Field(attribute=LATEST + "version", column_name="version", readonly=True)
    status = fields.Field(attribute=LATEST + "status", column_name="status", readonly=True)
    locals().update({name: _content_field(name) for name in CONTENT_FIELDS})

    class Meta:
        model = PowerMatter
        fields = COLUMNS
        export_order = COLUMNS
        import_id_fields = ("township", "code")
        clean_model_instances = False
        skip_html_diff = True

    def __init__(self, user=None, publish=True, **kwargs):
        super().__init__(**kwargs)
        self.user, self.publish, self.by = user, publish, None
        self.townships = Township.objects.all()

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Power list with discretion bands")

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
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
        self._seen: dict[tuple, int] = {}

    def township_from(self, value) -> Township:
        code = cell_text(value)
        township = (
            self.townships.filter(code=code).first() or self.townships.filter(short_code__iexact=code).first()
        )
        if not code or township is None:
            raise ValueError(_("Unknown township “%(code)s”, or not one you may manage.") % {"code": code})
        return township

    def get_instance(self, instance_loader, row):
        try:
            township = self.township_from(row.get("township"))
        except ValueError:
            return None
        return (
            PowerMatter.objects.select_related("township", "current_version")
            .filter(township=township, code=cell_text(row.get("code")))
            .first()
        )

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list] = {}
        staged, bands = {}, None
        for field in self.get_import_fields():
            column = field.column_name
            if column not in row or field.readonly:
                continue
            try:
                if column == "township":
                    if instance.pk is None:
                        instance.township = self.township_from(row[column])
                elif column == "code":
                    instance.code = field.clean(row, **kwargs)
                elif column == "bands":
                    bands = field.clean(row, **kwargs)
                elif field.attribute.startswith(LATEST):
                    value = field.clean(row, **kwargs)
                    name = field.attribute.removeprefix(LATEST)
                    if value is not None or isinstance(field.widget, DayWidget):
                        staged[name] = value
            except (ValueError, ValidationError) as exc:
                errors.setdefault(column, []).extend(
                    exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                )
        if instance.township_id and instance.code:
            key = (instance.township_id, instance.code)
            earlier = self._seen.setdefault(key, kwargs.get("row_number"))
            if earlier != kwargs.get("row_number"):
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    _("Row %(row)d already has this matter; give each matter once.") % {"row": earlier}
                )
        instance._staged, instance._bands = staged, bands
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None or instance.current_version is None:
            return False
        current = instance.current_version
        same = all(getattr(current, k) == v for k, v in instance._staged.items())
        if instance._bands is not None:
            same = same and [render_band(b) for b in instance._bands] == [
                render_band(services.band_data(b)) for b in current.bands.order_by("position", "pk")
            ]
        return same

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {k: list(ValidationError(v).messages) for k, v in (import_validation_errors or {}).items()}
        base = instance.latest if instance.pk else None
        version = PowerMatterVersion(**({n: getattr(base, n) for n in CONTENT_FIELDS} if base else {}))
        for name, value in instance._staged.items():
            setattr(version, name, value)
        try:
            instance.full_clean(exclude=["current_version", *errors], validate_unique=False)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
        try:
            version.full_clean(exclude=["matter", "version", *errors], validate_constraints=False)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
        instance._version = version
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        content = {name: getattr(instance._version, name) for name in CONTENT_FIELDS}
        try:
            if is_create:
                matter = services.create_matter(
                    township=instance.township,
                    code=instance.code,
                    content=content,
                    bands=instance._bands or [],
                    by=self.by,
                    publish=self.publish,
                )
                instance.pk = matter.pk
            else:
                draft = services.revise_matter(
                    matter=instance,
                    changes=content,
                    bands=instance._bands,
                    by=self.by,
                    change_note=_("Imported"),
                )
                if self.publish:
                    services.publish_version(version=draft, by=self.by)
        except services.PowerListError as exc:
            raise ValidationError(exc.field_errors or exc.message) from exc
        instance.refresh_from_db()

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = PowerMatter.objects.all()
        queryset = (
            queryset.select_related("township", "current_version")
            .prefetch_related("current_version__bands")
            .order_by("township__code", "code")
        )
        return super().export(queryset=queryset, **kwargs)

    def export_field(self, field, instance, **kwargs):
        if field.column_name == "township":
            return instance.township.code
        if field.column_name == "bands":
            version = instance.current_version
            bands = version.bands.all() if version else []
            return "\n".join(render_band(services.band_data(b)) for b in bands)
        if field.attribute and field.attribute.startswith(LATEST):
            version = instance.current_version
            if version is None:
                return ""
            value = getattr(version, field.attribute.removeprefix(LATEST))
            return field.widget.render(value) if field.widget else value
        return super().export_field(field, instance, **kwargs)
