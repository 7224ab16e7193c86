"""Services: application reads for pages and API, scoped to the user once, here."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import DateTimeField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from services.models import Application, ApplicationStatus, Channel
from township.casework.display import Audience, timeline_rows
from township.casework.models import Deadline
from township.identifiers import normalise
from township.org.roles import Role
from township.org.scope import ScopeKind, data_scope, visible_to

LIST_RELATED = ("item_version", "bundle", "department", "township")


def applications_visible_to(user) -> QuerySet[Application]:
    """Staff who may view applications see those in their data scope (township.org.scope): township-wide
    roles their township's, the back office its departments' and the bundles their parts belong to;
    everyone else only their own and those they applied for as an agent (a grid member helping)."""
    base = Application.objects.select_related(*LIST_RELATED)
    if not getattr(user, "is_authenticated", False):
        return base.none()
    scope = data_scope(user)
    if scope.kind in (ScopeKind.SELF, ScopeKind.NONE) or not user.has_perm("services.view_application"):
        return base.filter(Q(resident=user) | Q(agent=user))
    # A draft is the resident's until it is submitted: staff see it only when they are its agent.
    base = base.exclude(Q(status=ApplicationStatus.DRAFT) & ~Q(agent=user))
    if scope.kind == ScopeKind.DEPARTMENT:
        departments = sorted(scope.department_ids)
        parts = Application.objects.filter(department_id__in=departments, parent__isnull=False)
        return base.filter(township_id=scope.township_id).filter(
            Q(department_id__in=departments) | Q(pk__in=parts.values("parent_id"))
        )
    return visible_to(base, user)


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
    """Online submissions and forwarded applications waiting for the front desk, oldest first, each with the end of its 5 working
    days (`tell_by`) and that deadline's warning level (`tell_level`), in the same query."""
    deadline = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=OuterRef("pk"),
        kind="pre-review",
        clock_stopped_at__isnull=True,
    )
    return (
        Application.objects.visible_to(user)
        .select_related(*LIST_RELATED)
        # online submissions, and applications a village point received and forwarded (代收代办)
        .filter(Q(channel=Channel.ONLINE) | Q(reception__is_forwarded=True))
        .filter(status=ApplicationStatus.SUBMITTED, parent__isnull=True)
        .annotate(
            forwarded_from=F("reception__point__name"),
            # the last day (a day limit's due_at is the midnight that ends it)
            tell_by=Subquery(
                deadline.annotate(
                    last=ExpressionWrapper(F("due_at") - timedelta(seconds=1), output_field=DateTimeField())
                ).values("last")[:1]
            ),
            tell_level=Subquery(deadline.values("warning_level")[:1]),
        )
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


def application_parts(application: Application) -> list[tuple[Application, str]]:
    """A bundle's children with the label each shows on a timeline; nothing (and no query) otherwise."""
    if not application.bundle_id or application.parent_id:
        return []
    children = application.children.select_related("department", "item_version").order_by("pk")
    return [
        (child, " · ".join(filter(None, [child.title, child.department.name if child.department_id else ""])))
        for child in children
    ]


def public_timeline(application: Application) -> list:
    """What the applicant sees: the public entries of the application and of a bundle's parts."""
    return timeline_rows(application, audience=Audience.PUBLIC, parts=application_parts(application))


def staff_timeline(application: Application) -> list:
    """What staff who may see the application read: every entry, with names and internal notes."""
    return timeline_rows(application, audience=Audience.STAFF, parts=application_parts(application))


def supplement_progress(application: Application, request=None) -> list[dict]:
    """Each material of the open supplement request: its name, and whether it was uploaded online (with
    the files) or received at a window. Empty when no supplement is awaited. (The back office's requests
    are read through their reverse accessor: services does not import approvals.)"""
    request = request or application.supplement_requests.filter(supplied_at__isnull=True).first()
    if request is None:
        return []
    files: dict[str, list] = {}
    for material in application.materials.filter(
        requirement__isnull=True, supplement_item__in=request.items, uploaded_at__gte=request.requested_at
    ).order_by("pk"):
        files.setdefault(material.supplement_item, []).append(material)
    return [
        {
            "name": item,
            "files": files.get(item, []),
            "at_window": item in (request.received_at_window or []),
            "is_in": bool(files.get(item)) or item in (request.received_at_window or []),
        }
        for item in request.items
    ]


def pre_review_handlers(application_ids) -> dict:
    """{application id: [(clerk id, None)]}: an online application waiting for pre-review is the front
    desk's, so every active window clerk of its township is told when the 5 working days run short."""
    townships = dict(Application.objects.filter(pk__in=application_ids).values_list("pk", "township_id"))
    clerks: dict[int, list] = {}
    for township_id, user_id in (
        get_user_model()
        .objects.filter(
            groups__name=Role.WINDOW_CLERK,
            is_active=True,
            staff_profile__is_active=True,
            staff_profile__township_id__in=set(townships.values()),
        )
        .values_list("staff_profile__township_id", "pk")
        .distinct()
    ):
        clerks.setdefault(township_id, []).append((user_id, None))
    return {pk: clerks.get(township_id, []) for pk, township_id in townships.items()}
