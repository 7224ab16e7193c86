"""Services: read queries scoped to the user, reused by pages, API and dashboard."""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from services.models import (
    Bundle,
    BundleItem,
    MaterialRequirement,
    Necessity,
    ServiceItem,
    ServiceItemVersion,
    VersionStatus,
)
from township.org.models import Department, Township


def default_township() -> Township | None:
    """The township a public page shows when none is chosen: the first one."""
    return Township.objects.order_by("code").first()


def township_by_code(code: str) -> Township | None:
    """A township by its division code or short code (any case)."""
    code = (code or "").strip()
    if not code:
        return None
    return (
        Township.objects.filter(code=code).first() or Township.objects.filter(short_code__iexact=code).first()
    )


def listed_items(township=None) -> QuerySet[ServiceItem]:
    """Items with a published guide, with what a list shows, optionally of one township."""
    queryset = ServiceItem.objects.listed().select_related("current_version", "department", "township")
    if township is not None:
        queryset = queryset.filter(township=township)
    return queryset


def materials_prefetch(lookup: str = "current_version__materials") -> Prefetch:
    return Prefetch(
        lookup,
        queryset=MaterialRequirement.objects.select_related("material_type").order_by("order", "id"),
    )


def item_guide(implementation_code: str) -> ServiceItem | None:
    """A listed item with its published guide and materials, by implementation code."""
    return (
        listed_items()
        .prefetch_related(materials_prefetch())
        .filter(implementation_code=implementation_code)
        .first()
    )


def guide_version(*, implementation_code: str, version: int) -> ServiceItemVersion | None:
    """One exact edition of a guide (what an application was made under), with its materials."""
    return (
        ServiceItemVersion.objects.select_related("item__department", "item__township")
        .prefetch_related(materials_prefetch("materials"))
        .filter(item__implementation_code=implementation_code, version=version)
        .first()
    )


def items_visible_to(user) -> QuerySet[ServiceItem]:
    """Back office: every item of the user's township(s), listed or not."""
    return ServiceItem.objects.visible_to(user).select_related("current_version", "department", "township")


def active_bundles(township=None) -> QuerySet[Bundle]:
    """Offered bundles with their items' published guides, for lists (no N+1)."""
    queryset = (
        Bundle.objects.filter(is_active=True)
        .select_related("township")
        .prefetch_related(
            Prefetch(
                "bundle_items",
                queryset=BundleItem.objects.select_related(
                    "item__current_version", "item__department"
                ).order_by("order", "id"),
            )
        )
    )
    if township is not None:
        queryset = queryset.filter(township=township)
    return queryset


def bundle_listed_items(bundle) -> list[ServiceItem]:
    """The bundle's listed items in order (items without a published guide cannot be applied for)."""
    links = (
        BundleItem.objects.filter(bundle=bundle, item__current_version__isnull=False)
        .select_related("item__current_version", "item__department")
        .prefetch_related(materials_prefetch("item__current_version__materials"))
        .order_by("order", "id")
    )
    return [link.item for link in links]


@dataclass
class BundleMaterial:
    """A material the bundle asks once, with every item that needs it."""

    name: str
    material_type: object
    necessity: str
    condition: str
    original_count: int
    copy_count: int
    medium: str
    source: str
    requirements: list[MaterialRequirement] = field(default_factory=list)
    items: list[ServiceItem] = field(default_factory=list)

    @property
    def necessity_label(self) -> str:
        return Necessity(self.necessity).label

    @property
    def conditions(self) -> list[str]:
        return list(dict.fromkeys(r.condition for r in self.requirements if r.condition))


_NECESSITY_STRENGTH = {Necessity.REQUIRED: 2, Necessity.CONDITIONAL: 1, Necessity.OPTIONAL: 0}


def bundle_materials(bundle, items: list[ServiceItem] | None = None) -> list[BundleMaterial]:
    """The union of the bundle items' published materials, each asked once (same material type,
    else same name), with the strictest necessity and the most originals and copies any item asks."""
    items = bundle_listed_items(bundle) if items is None else items
    merged: OrderedDict[tuple, BundleMaterial] = OrderedDict()
    for item in items:
        for requirement in item.current_version.materials.all():
            entry = merged.get(requirement.dedupe_key)
            if entry is None:
                entry = merged[requirement.dedupe_key] = BundleMaterial(
                    name=requirement.material_type.name if requirement.material_type else requirement.name,
                    material_type=requirement.material_type,
                    necessity=requirement.necessity,
                    condition=requirement.condition,
                    original_count=requirement.original_count,
                    copy_count=requirement.copy_count,
                    medium=requirement.medium,
                    source=requirement.source,
                )
            elif _NECESSITY_STRENGTH[requirement.necessity] > _NECESSITY_STRENGTH[entry.necessity]:
                entry.necessity, entry.condition = requirement.necessity, requirement.condition
            entry.original_count = max(entry.original_count, requirement.original_count)
            entry.copy_count = max(entry.copy_count, requirement.copy_count)
            entry.requirements.append(requirement)
            if item not in entry.items:
                entry.items.append(item)
    return list(merged.values())


def bundle_items_by_department(
    bundle, items: list[ServiceItem] | None = None
) -> "OrderedDict[Department, list[ServiceItem]]":
    """Each department the bundle fans out to, with the items it reviews, in bundle order."""
    items = bundle_listed_items(bundle) if items is None else items
    fan_out: OrderedDict[Department, list[ServiceItem]] = OrderedDict()
    for item in items:
        fan_out.setdefault(item.department, []).append(item)
    return fan_out


def bundle_departments(bundle) -> list[Department]:
    """Every department a bundle application must reach."""
    return list(bundle_items_by_department(bundle))


def version_history(item) -> QuerySet[ServiceItemVersion]:
    return item.versions.exclude(status=VersionStatus.DRAFT).order_by("-version")
