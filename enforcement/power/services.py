"""Power-list business actions: create, revise, publish and recall matters (like the service catalog).

A matter's versions in force, superseded or recalled never change; a revision is a new draft copied
from the version in force with its discretion bands, and publishing it supersedes the old one. Imports,
the admin and the demo data write the list only through these.
"""

import copy
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.models import (
    DiscretionBand,
    DiscretionTier,
    ImmutableVersion,
    PowerKind,
    PowerMatter,
    PowerMatterVersion,
    PowerStatus,
)
from enforcement.models.power import CONTENT_FIELDS
from township.errors import DomainError

BAND_FIELDS = (
    "tier",
    "conditions",
    "fine_min",
    "fine_max",
    "amount_basis",
    "multiple_min",
    "multiple_max",
    "other_penalties",
    "harm_levels",
    "first_offence_only",
    "requires_correction",
    "measure_min",
    "measure_below",
)
MIN_PENALTY_TIERS = 3


class PowerListError(DomainError):
    """A refused power-list action; the message is for the user."""


def _check_keys(changes: Mapping, allowed, what: str) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise PowerListError(
            _("Unknown %(what)s fields: %(fields)s.") % {"what": what, "fields": ", ".join(sorted(unknown))}
        )


def _validation_error(exc: ValidationError, prefix: str = "") -> PowerListError:
    fields = getattr(exc, "error_dict", None)
    field_errors = {f"{prefix}{k}": v for k, v in exc.message_dict.items()} if fields else {}
    return PowerListError("; ".join(exc.messages), field_errors=field_errors)


def _replace_bands(version: PowerMatterVersion, bands: Iterable[Mapping]) -> None:
    if version.status != PowerStatus.DRAFT:
        raise ImmutableVersion(f"the bands of power version {version.pk} are {version.status}")
    rows, tiers = [], set()
    for position, data in enumerate(bands, 1):
        _check_keys(data, BAND_FIELDS, _("band"))
        row = DiscretionBand(version=version, position=position, **data)
        try:
            row.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise _validation_error(exc) from None
        if row.fine_min is not None and row.fine_max is not None and row.fine_min > row.fine_max:
            raise PowerListError(_("Band %(n)d: the minimum fine is above the maximum.") % {"n": position})
        if row.tier in tiers:
            raise PowerListError(_("Band %(n)d repeats a tier; give each tier once.") % {"n": position})
        tiers.add(row.tier)
        rows.append(row)
    DiscretionBand.objects.filter(version=version).delete()
    DiscretionBand.objects.bulk_create(rows)


def band_data(band: DiscretionBand) -> dict:
    return {name: copy.deepcopy(getattr(band, name)) for name in BAND_FIELDS}


def _lock(matter: PowerMatter) -> PowerMatter:
    return PowerMatter.objects.select_for_update().select_related("township").get(pk=matter.pk)


def _full_clean(version: PowerMatterVersion) -> None:
    try:
        version.full_clean(exclude=["matter"], validate_constraints=False)
    except ValidationError as exc:
        raise _validation_error(exc) from None


@transaction.atomic
def create_matter(
    *, township, code: str, content: Mapping, bands: Iterable[Mapping] = (), by=None, publish: bool = False
) -> PowerMatter:
    """A new matter with its first version (a draft unless `publish`)."""
    _check_keys(content, CONTENT_FIELDS, _("matter"))
    if PowerMatter.objects.filter(township=township, code=code).exists():
        raise PowerListError(
            _("The power list of %(township)s already has a matter %(code)s.")
            % {"township": township, "code": code}
        )
    matter = PowerMatter(township=township, code=code)
    try:
        matter.full_clean(exclude=["current_version"], validate_unique=False)
    except ValidationError as exc:
        raise _validation_error(exc) from None
    matter.save()
    version = PowerMatterVersion(matter=matter, version=1, created_by=by, **content)
    _full_clean(version)
    version.save()
    _replace_bands(version, bands)
    if publish:
        publish_version(version=version, by=by)
        matter.refresh_from_db()
    return matter


@transaction.atomic
def revise_matter(
    *,
    matter: PowerMatter,
    changes: Mapping | None = None,
    bands: Iterable[Mapping] | None = None,
    by=None,
    change_note: str = "",
) -> PowerMatterVersion:
    """The matter's draft with `changes` applied: a new version copied from the one in force (or the
    newest) with its bands, or the draft already open. `bands`, when given, replace the draft's."""
    changes = dict(changes or {})
    _check_keys(changes, CONTENT_FIELDS, _("matter"))
    matter = _lock(matter)
    draft = matter.versions.filter(status=PowerStatus.DRAFT).first()
    base_bands = None
    if draft is None:
        base = matter.current_version or matter.versions.order_by("-version").first()
        if base is None:
            raise PowerListError(_("The matter has no version to revise."))
        number = (matter.versions.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        draft = PowerMatterVersion(
            matter=matter,
            version=number,
            created_by=by,
            **{name: copy.deepcopy(getattr(base, name)) for name in CONTENT_FIELDS},
        )
        base_bands = [band_data(b) for b in base.bands.order_by("position", "pk")]
    for name, value in changes.items():
        setattr(draft, name, value)
    if change_note:
        draft.change_note = change_note
    _full_clean(draft)
    draft.save()
    if bands is not None:
        _replace_bands(draft, bands)
    elif base_bands is not None:
        _replace_bands(draft, base_bands)
    return draft


def check_publishable(version: PowerMatterVersion) -> None:
    """A penalty matter goes on the published list only with a benchmark of at least three tiers that
    carry a fine or another penalty (a city rule requires ≥ 3 tiers, reference §10)."""
    _full_clean(version)
    if version.kind != PowerKind.PENALTY:
        return
    graded = [b for b in version.bands.all() if b.tier != DiscretionTier.NONE]
    if len(graded) < MIN_PENALTY_TIERS:
        raise PowerListError(
            _("A penalty matter needs a discretion benchmark of at least %(n)d tiers before it is published.")
            % {"n": MIN_PENALTY_TIERS}
        )


@transaction.atomic
def publish_version(*, version: PowerMatterVersion, by=None) -> PowerMatterVersion:
    """Put a draft in force and supersede the version it replaces."""
    matter = _lock(version.matter)
    version = PowerMatterVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PowerStatus.DRAFT:
        raise PowerListError(
            _("Only a draft can be published; version %(number)s is %(status)s.")
            % {"number": version.version, "status": version.get_status_display()}
        )
    check_publishable(version)
    now = timezone.now()
    previous = matter.current_version
    if previous is not None:
        previous.status, previous.retired_at = PowerStatus.SUPERSEDED, now
        previous.save(update_fields=["status", "retired_at"])
    version.status, version.published_at, version.published_by = PowerStatus.ACTIVE, now, by
    version.save(update_fields=["status", "published_at", "published_by"])
    matter.current_version = version
    matter.save(update_fields=["current_version"])
    return version


@transaction.atomic
def recall_matter(*, matter: PowerMatter, by=None) -> PowerMatter:
    """Take a matter off the list (the county recalled it): its version in force becomes recalled."""
    matter = _lock(matter)
    previous = matter.current_version
    if previous is None:
        raise PowerListError(_("The matter is not on the published list."))
    previous.status, previous.retired_at = PowerStatus.RECALLED, timezone.now()
    previous.save(update_fields=["status", "retired_at"])
    matter.current_version = None
    matter.save(update_fields=["current_version"])
    return matter


@transaction.atomic
def discard_draft(*, version: PowerMatterVersion, by=None) -> None:
    version = PowerMatterVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PowerStatus.DRAFT:
        raise PowerListError(_("Only a draft can be discarded."))
    DiscretionBand.objects.filter(version=version).delete()
    version.delete()
