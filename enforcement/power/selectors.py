"""Power-list reads shared by the public pages, the admin and the cases app."""

from django.db.models import Prefetch, Q

from enforcement.models import DiscretionBand, PowerMatter, PowerMatterVersion, PowerStatus
from township.org.models import Township
from township.org.scope import visible_to


def township_by_code(code: str) -> Township | None:
    text = (code or "").strip()
    if not text or "\x00" in text:
        return None
    return Township.objects.filter(Q(code=text) | Q(short_code__iexact=text)).first()


def _with_bands(queryset):
    return queryset.select_related("current_version", "township").prefetch_related(
        Prefetch("current_version__bands", queryset=DiscretionBand.objects.order_by("position"))
    )


def filter_matters(queryset, *, q: str = "", domain: str = "", department: str = "", kind: str = ""):
    """The list's filters, shared by the public page and the API: text, domain, delegating department,
    kind."""
    if q:
        queryset = queryset.filter(
            Q(code__icontains=q)
            | Q(current_version__name__icontains=q)
            | Q(current_version__violated_provision__icontains=q)
            | Q(current_version__penalty_provision__icontains=q)
        )
    if domain:
        queryset = queryset.filter(current_version__domain=domain)
    if department:
        queryset = queryset.filter(current_version__source_department=department)
    if kind:
        queryset = queryset.filter(current_version__kind=kind)
    return queryset


def published_matters(township, *, q: str = "", domain: str = "", department: str = "", kind: str = ""):
    """The matters in force of one township (the public list, art. 39), with their bands prefetched."""
    queryset = _with_bands(PowerMatter.objects.listed().filter(township=township)).order_by(
        "current_version__domain", "code"
    )
    return filter_matters(queryset, q=q, domain=domain, department=department, kind=kind)


def matters_visible_to(user):
    """The matters in force in the user's data scope (the staff API), with their bands prefetched."""
    return _with_bands(visible_to(PowerMatter.objects.listed(), user)).order_by("township_id", "code")


def list_facets(township) -> tuple[list[str], list[str]]:
    """The domains and delegating departments on the township's published list, for the filters."""
    versions = PowerMatterVersion.objects.filter(matter__township=township, status=PowerStatus.ACTIVE)
    domains = sorted(set(versions.values_list("domain", flat=True)))
    departments = sorted(set(versions.values_list("source_department", flat=True)))
    return domains, departments


def published_matter(township, code: str) -> PowerMatter | None:
    return (
        PowerMatter.objects.listed()
        .filter(township=township, code=code)
        .select_related("current_version", "township")
        .prefetch_related(
            Prefetch("current_version__bands", queryset=DiscretionBand.objects.order_by("position"))
        )
        .first()
    )


def versions_visible_to(user):
    """Power-list versions in the user's data scope (for the cases app's pickers and the API)."""
    return PowerMatterVersion.objects.visible_to(user).select_related("matter")
