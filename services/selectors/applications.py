"""Services: application reads for pages and API, scoped to the user once, here."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from services.models import Application, ApplicationStatus, Channel
from township.casework.timeline import entries_for
from township.identifiers import normalise
from township.org.models import scope_for
from township.org.roles import Role, roles_of

LIST_RELATED = ("item_version", "bundle", "department", "township")
DEPARTMENT_ROLES = {Role.APPROVER, Role.CHIEF_REPRESENTATIVE, Role.DEPARTMENT_HEAD}
TOWNSHIP_ROLES = {Role.WINDOW_CLERK, Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN}


def applications_visible_to(user) -> QuerySet[Application]:
    """Staff who may view applications see their township's (county admins their county's); everyone
    else only their own and those they applied for as an agent (a grid member helping a resident)."""
    base = Application.objects.select_related(*LIST_RELATED)
    if not getattr(user, "is_authenticated", False):
        return base.none()
    kind, _value = scope_for(user)
    if kind != "none" and user.has_perm("services.view_application"):
        roles = roles_of(user)
        if roles & DEPARTMENT_ROLES and not roles & TOWNSHIP_ROLES:
            # the back office sees its own department's applications (and the bundles they belong to)
            department = getattr(user.staff_profile, "department_id", None)
            own = Q(department_id=department) | Q(children__department_id=department)
            return base.visible_to(user).filter(pk__in=Application.objects.filter(own).values("pk"))
        return base.visible_to(user)
    return base.filter(Q(resident=user) | Q(agent=user))


def resident_applications(user) -> QuerySet[Application]:
    """A resident's own applications (top level only: bundle children show inside their parent)."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return (
        Application.objects.select_related(*LIST_RELATED)
        .filter(Q(resident=user) | Q(agent=user), parent__isnull=True)
        .order_by("-created_at")
    )


def prereview_queue(user) -> QuerySet[Application]:
    """Online submissions waiting for the front desk, oldest first."""
    return (
        Application.objects.visible_to(user)
        .select_related(*LIST_RELATED)
        .filter(channel=Channel.ONLINE, status=ApplicationStatus.SUBMITTED, parent__isnull=True)
        .order_by("submitted_at")
    )


def handled_today(user) -> QuerySet[Application]:
    today = timezone.localdate()
    return (
        Application.objects.visible_to(user)
        .select_related(*LIST_RELATED)
        .filter(clerk=user, parent__isnull=True, updated_at__date=today)
        .exclude(status=ApplicationStatus.DRAFT)
        .order_by("-updated_at")
    )


def results_to_hand_over(user) -> QuerySet[Application]:
    """Decided applications whose result the front desk issues, and results ready at the window or to
    post; oldest first. Bundle parts are handed over with their bundle."""
    return (
        Application.objects.visible_to(user)
        .select_related(*LIST_RELATED)
        .filter(
            status__in=[ApplicationStatus.APPROVED, ApplicationStatus.DENIED, ApplicationStatus.RESULT_READY],
            parent__isnull=True,
        )
        .order_by("status", "updated_at")
    )


def find_for_intake(user, number: str) -> Application | None:
    """An application the clerk may take up again (e.g. a walk-in returning after a one-time notice)."""
    number = normalise(number or "")
    if not number:
        return None
    return applications_visible_to(user).filter(number=number, parent__isnull=True).first()


def tracked_application(number: str, code: str) -> Application | None:
    """The application for a number and its query code; a wrong code looks exactly like no application."""
    number, code = normalise(number or ""), (code or "").strip()
    if not number or not code:
        return None
    application = Application.objects.select_related(*LIST_RELATED, "result").filter(number=number).first()
    if application is None or not constant_time_compare(application.query_code, code):
        return None
    return application


def public_timeline(application: Application) -> list:
    """What the applicant may see: the public entries of the application (and of a bundle's children)."""
    entries = list(entries_for(application, include_internal=False))
    for child in application.children.select_related("department", "item_version").order_by("pk"):
        for entry in entries_for(child, include_internal=False):
            entry.child = child
            entries.append(entry)
    labels = dict(ApplicationStatus.choices)
    for entry in entries:
        entry.state_label = labels.get(entry.to_state, "")
    return sorted(entries, key=lambda e: (e.created_at, e.seq))
