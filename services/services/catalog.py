"""Catalog business actions: create, revise, publish, withdraw and reassign items; create bundles, set their items.

Imports and demo data write the catalog only through these, and so does the admin, except that its
inlines edit a draft's material rows and a bundle's items in place.
"""

import copy
import zlib
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.models import (
    GUIDE_FIELDS,
    Bundle,
    BundleItem,
    ImmutableVersion,
    MaterialRequirement,
    ServiceItem,
    ServiceItemVersion,
    VersionStatus,
)
from township.errors import DomainError
from township.identifiers import credit_code_check_char

MATERIAL_FIELDS = (
    "order",
    "name",
    "material_type",
    "original_count",
    "copy_count",
    "medium",
    "necessity",
    "condition",
    "source",
    "blank_form",
    "sample",
    "notes",
    "acceptance_standard",
)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class CatalogError(DomainError):
    """A refused catalog action; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def department_credit_code(department) -> str:
    """A stable, valid unified social credit code for a department (registered organ, "11").

    The org model has no credit code yet; until it does, derive one from the township's division
    code and the department code so implementation codes are plausible and unique.
    """
    digits = f"{zlib.crc32(f'{department.township.code}:{department.code}'.encode()) % 10**8:08d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, _ORG_CODE_WEIGHTS, strict=True)) % 11
    org_code = digits + {10: "X", 11: "0"}.get(check, str(check))
    first17 = "11" + department.township.code[:6] + org_code
    return first17 + credit_code_check_char(first17)


def default_implementation_code(department, basic_code: str) -> str:
    return department_credit_code(department) + basic_code


def _check_guide_keys(changes: Mapping) -> None:
    unknown = set(changes) - set(GUIDE_FIELDS)
    if unknown:
        raise CatalogError(_("Unknown guide fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})


def _replace_materials(version: ServiceItemVersion, materials: Iterable[Mapping]) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ImmutableVersion(f"the materials of version {version.pk} are {version.status}")
    rows = []
    for order, data in enumerate(materials, 1):
        unknown = set(data) - set(MATERIAL_FIELDS)
        if unknown:
            raise CatalogError(
                _("Unknown material fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
            )
        row = MaterialRequirement(version=version, **{"order": order, **data})
        row.full_clean(exclude=["version"])
        rows.append(row)
    # the version is a draft (checked by the caller), so the rows may be replaced wholesale
    MaterialRequirement.objects.filter(version=version).delete()
    MaterialRequirement.objects.bulk_create(rows)


def _material_data(requirement: MaterialRequirement) -> dict:
    return {name: getattr(requirement, name) for name in MATERIAL_FIELDS}


def _lock(item: ServiceItem) -> ServiceItem:
    return ServiceItem.objects.select_for_update().select_related("township").get(pk=item.pk)


@transaction.atomic
def create_item(
    *,
    township,
    department,
    basic_code: str,
    guide: Mapping,
    materials: Iterable[Mapping] = (),
    implementation_code: str = "",
    by=None,
    publish: bool = False,
) -> ServiceItem:
    """A new item with its first guide as version 1 (a draft unless `publish`)."""
    _check_guide_keys(guide)
    if department.township_id != township.pk:
        raise CatalogError(_("The department belongs to another township."))
    item = ServiceItem(
        township=township,
        department=department,
        basic_code=basic_code,
        implementation_code=implementation_code or default_implementation_code(department, basic_code),
    )
    item.full_clean(exclude=["current_version"])
    item.save()
    version = ServiceItemVersion(item=item, version=1, created_by=by, **guide)
    version.full_clean(exclude=["item"])
    version.save()
    _replace_materials(version, materials)
    if publish:
        publish_version(version=version, by=by)
        item.refresh_from_db()
    return item


@transaction.atomic
def revise_item(
    *,
    item: ServiceItem,
    changes: Mapping | None = None,
    materials: Iterable[Mapping] | None = None,
    by=None,
    change_note: str = "",
) -> ServiceItemVersion:
    """The item's draft with `changes` applied: a new version copied from the published guide and
    its materials, or the draft already open (drafts belong to nobody yet, so it is edited in
    place). `materials`, when given, replace the draft's list. Published versions never change."""
    changes = dict(changes or {})
    _check_guide_keys(changes)
    item = _lock(item)
    draft = item.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        base = item.current_version or item.versions.order_by("-version").first()
        if base is None:
            raise CatalogError(_("The item has no guide to revise."))
        number = (item.versions.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        draft = ServiceItemVersion(
            item=item,
            version=number,
            created_by=by,
            **{name: copy.deepcopy(getattr(base, name)) for name in GUIDE_FIELDS},
        )
        base_materials = [_material_data(m) for m in base.materials.order_by("order", "id")]
    else:
        base_materials = None
    for name, value in changes.items():
        setattr(draft, name, value)
    if change_note:
        draft.change_note = change_note
    draft.full_clean(exclude=["item"])
    draft.save()
    if materials is not None:
        _replace_materials(draft, materials)
    elif base_materials is not None:
        _replace_materials(draft, base_materials)
    return draft


@transaction.atomic
def publish_version(*, version: ServiceItemVersion, by=None) -> ServiceItemVersion:
    """Make a draft the item's published guide and retire the one it replaces."""
    item = _lock(version.item)
    version = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise CatalogError(
            _("Only a draft can be published; version %(number)s is %(status)s.")
            % {"number": version.version, "status": version.get_status_display()}
        )
    version.full_clean(exclude=["item"])
    now = timezone.now()
    previous = item.current_version
    if previous is not None:
        previous.status, previous.retired_at = VersionStatus.RETIRED, now
        previous.save(update_fields=["status", "retired_at"])
    version.status, version.published_at, version.published_by = VersionStatus.PUBLISHED, now, by
    version.save(update_fields=["status", "published_at", "published_by"])
    item.current_version = version
    item.save(update_fields=["current_version", "updated_at"])
    return version


@transaction.atomic
def withdraw_item(*, item: ServiceItem, by=None) -> ServiceItem:
    """Take an item out of the catalog: its published guide is retired and nothing replaces it."""
    item = _lock(item)
    previous = item.current_version
    if previous is None:
        raise CatalogError(_("The item is not in the catalog."))
    previous.status, previous.retired_at = VersionStatus.RETIRED, timezone.now()
    previous.save(update_fields=["status", "retired_at"])
    item.current_version = None
    item.save(update_fields=["current_version", "updated_at"])
    return item


@transaction.atomic
def reassign_item(*, item: ServiceItem, department, by=None) -> ServiceItem:
    """Move an item to another department of its township (responsibility, not the guide)."""
    item = _lock(item)
    if department.township_id != item.township_id:
        raise CatalogError(_("The department belongs to another township."))
    item.department = department
    item.save(update_fields=["department", "updated_at"])
    return item


@transaction.atomic
def create_bundle(
    *, township, code: str, name: str, items: Iterable[ServiceItem], description: str = ""
) -> Bundle:
    bundle = Bundle(township=township, code=code, name=name, description=description)
    bundle.full_clean()
    bundle.save()
    set_bundle_items(bundle=bundle, items=items)
    return bundle


@transaction.atomic
def set_bundle_items(*, bundle: Bundle, items: Iterable[ServiceItem]) -> Bundle:
    items = list(items)
    if any(item.township_id != bundle.township_id for item in items):
        raise ValidationError(_("A bundle can only hold items of its own township."))
    if len({item.pk for item in items}) != len(items):
        raise ValidationError(_("Each item can be in a bundle once."))
    BundleItem.objects.filter(bundle=bundle).delete()
    BundleItem.objects.bulk_create(
        BundleItem(bundle=bundle, item=item, order=order) for order, item in enumerate(items, 1)
    )
    return bundle
