"""Services: the rules of the window network: which point a staff member works at, which items a point
may accept itself (those delegated to the village), and where each application was received."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from services.errors import IntakeError
from services.models import Application, DelegatedLevel, PointKind, PointStaff, Reception, ServicePoint


def point_of(user) -> ServicePoint | None:
    """The service point a staff member is assigned to (None: not assigned, i.e. the hall's own staff)."""
    if not getattr(user, "is_authenticated", False):
        return None
    staff = PointStaff.objects.select_related("point__village", "point__township").filter(user=user).first()
    return staff.point if staff is not None and staff.point.is_active else None


def hall_of(township) -> ServicePoint | None:
    return ServicePoint.objects.filter(township=township, kind=PointKind.HALL, is_active=True).first()


def village_point_of(user) -> ServicePoint | None:
    point = point_of(user)
    return point if point is not None and point.kind == PointKind.VILLAGE else None


def versions_of(application: Application) -> list:
    """The guide versions an application is for: its item's, or each bundled item's."""
    if application.item_version_id:
        return [application.item_version]
    from services.services.intake import _versions_for  # noqa: PLC0415 - intake imports this module

    return list(_versions_for(application))


def may_accept_at(point: ServicePoint | None, versions) -> bool:
    """The hall accepts every item; a village point only items delegated to the village."""
    if point is None or point.kind == PointKind.HALL:
        return True
    return all(v.delegated_level == DelegatedLevel.VILLAGE for v in versions)


def require_may_accept_here(application: Application, clerk) -> None:
    """A village clerk may accept (or complete) only village-level items; others are forwarded."""
    point = village_point_of(clerk)
    if point is None or may_accept_at(point, versions_of(application)):
        return
    raise IntakeError(
        _(
            "%(point)s cannot accept this item itself: it is handled at the township's service hall. "
            "Receive the materials and forward the application to the hall instead."
        )
        % {"point": point.name}
    )


def record_reception(
    *, application: Application, point: ServicePoint, by, forwarded: bool = False, home_visit=None, at=None
) -> Reception:
    """Note where the application was received (once; a retried step finds the row already there)."""
    if point.township_id != application.township_id:
        raise IntakeError(_("This service point belongs to another township."))
    reception, _created = Reception.objects.get_or_create(
        application=application,
        defaults={
            "point": point,
            "received_by": by,
            "received_at": application.submitted_at or at or timezone.now(),
            "is_forwarded": forwarded,
            "home_visit": home_visit,
        },
    )
    return reception


__all__ = [
    "hall_of",
    "may_accept_at",
    "point_of",
    "record_reception",
    "require_may_accept_here",
    "versions_of",
    "village_point_of",
]
