"""The market-entity register's one way to write: an entity is registered once per township by its
unified social credit code; registering a code that is already there updates that entity (a re-import or
a second clerk never creates a duplicate). Values are validated as the model says; a blank value never
wipes what the register already holds (a partial source fills gaps, it does not erase)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from township.entities.errors import EntityError
from township.entities.models import MarketEntity
from township.identifiers import normalise

# What a source (the admin, a spreadsheet, the API, a grid visit) may set on an entity.
WRITABLE_FIELDS = (
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


def clean_values(values: dict) -> dict:
    """Text trimmed, NUL bytes refused, the industry code upper-cased; unknown keys refused."""
    unknown = sorted(set(values) - set(WRITABLE_FIELDS))
    if unknown:
        raise EntityError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
    cleaned = {}
    for name, value in values.items():
        if isinstance(value, str):
            if "\x00" in value:
                raise EntityError(
                    _("Please correct the marked fields."),
                    field_errors={name: [_("Null characters are not allowed.")]},
                )
            value = value.strip()
            if name == "industry_code":
                value = normalise(value)
        cleaned[name] = value
    return cleaned


def check_entity(entity: MarketEntity, *, exclude=()) -> None:
    """Every field as the model says, the grid in the entity's township, both coordinates or neither."""
    errors: dict[str, list] = {}
    exclude = list(exclude)
    if not entity.township_id:
        exclude.append("township")
    try:
        entity.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    grid_checked = entity.grid_id and "grid" not in errors and "grid" not in exclude
    if grid_checked and entity.grid.township_id != entity.township_id:
        errors["grid"] = [_("This grid is in another township.")]
    if "lng" not in errors and "lat" not in errors and "lng" not in exclude and "lat" not in exclude:
        if (entity.lng is None) != (entity.lat is None):
            errors["lng"] = [_("Give both longitude and latitude, or neither.")]
        elif entity.lng is not None and not (-180 <= entity.lng <= 180 and -90 <= entity.lat <= 90):
            errors["lng"] = [_("These are not WGS-84 coordinates.")]
    if errors:
        raise EntityError(_("Please correct the marked fields."), field_errors=errors)


def register_entity(*, township, credit_code: str, values: dict, by=None) -> tuple[MarketEntity, bool]:
    """Register an entity or update the one with this code. Returns (entity, created).

    Blank values keep what is there; the name is required for a new entity. Concurrent registrations of
    one code end in one row: the loser of the race updates the winner's row."""
    code = normalise(credit_code or "")
    values = clean_values(values)
    entity = MarketEntity(township=township, credit_code=code)
    try:
        entity.clean_fields(exclude=[f.name for f in MarketEntity._meta.fields if f.name != "credit_code"])
    except ValidationError as exc:
        raise EntityError(_("Please correct the marked fields."), field_errors=exc.message_dict) from None
    for _attempt in range(2):
        try:
            with transaction.atomic():
                existing = (
                    MarketEntity.objects.select_for_update()
                    .filter(township=township, credit_code=code)
                    .first()
                )
                created = existing is None
                entity = existing or MarketEntity(township=township, credit_code=code)
                changed = apply_values(entity, values)
                if not created and not changed:
                    return entity, False
                check_entity(entity)
                entity.save()
                return entity, created
        except IntegrityError:
            continue  # someone registered the same code meanwhile: update theirs
    raise EntityError(_("This entity is being registered by someone else; please try again."))


def _attname(name: str) -> str:
    return "grid_id" if name == "grid" else name


def _raw(name: str, value):
    return value.pk if name == "grid" and value is not None and hasattr(value, "pk") else value


def apply_values(entity: MarketEntity, values: dict) -> bool:
    """Set the non-blank values on `entity`; whether anything changed."""
    changed = False
    for name, value in values.items():
        if value in ("", None):
            continue
        new = _raw(name, value)
        if getattr(entity, _attname(name)) != new:
            setattr(entity, _attname(name), new)
            changed = True
    return changed


def update_entity(*, entity: MarketEntity, values: dict, by=None) -> MarketEntity:
    """Change an entity's data, blanks included (its code and township never change: other records
    quote them)."""
    values = clean_values(values)
    with transaction.atomic():
        entity = MarketEntity.objects.select_for_update().get(pk=entity.pk)
        for name, value in values.items():
            setattr(entity, _attname(name), _raw(name, value))
        check_entity(entity)
        entity.save()
    return entity
