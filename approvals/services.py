"""Approvals: the back office's business actions. Each locks the application first (so two approvers
acting at once cannot both win), checks the caller's right, changes state along the transition table and
writes the timeline; the applicant is texted by the state change."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from approvals.models import (
    Absence,
    ExcludedKind,
    ExcludedPeriod,
    ExtensionRequest,
    ExtensionStatus,
    ReviewStep,
    ReviewTask,
    Rotation,
    StepKind,
    SupplementRequest,
    TaskStatus,
)
from services.models import Application, ApplicationStatus
from services.models.catalog import ItemType
from services.selectors.applications import supplement_progress
from township.casework.clock import extend_clock, pause_clock, resume_clock, stop_clock
from township.casework.escalation import tell_role
from township.casework.timeline import append_entry
from township.casework.workflow import lock, lock_in_family, transition
from township.documents.services import issue_document
from township.errors import DomainError
from township.org.roles import Role, roles_of

S = ApplicationStatus
MAX_EXTENSION_DAYS = 10


class ApprovalError(DomainError):
    """A back-office step that cannot be done; the message is for the approver."""


# --- who may do what -------------------------------------------------------------------------------


def _department_of(user):
    profile = getattr(user, "staff_profile", None)
    return getattr(profile, "department_id", None) if profile and profile.is_active else None


def is_head_of(user, department_id) -> bool:
    return Role.DEPARTMENT_HEAD in roles_of(user) and _department_of(user) == department_id


def _may_act_on(task: ReviewTask, user) -> bool:
    return user.is_superuser or task.assignee_id == user.pk or is_head_of(user, task.department_id)


def _active_task_for(application: Application, user) -> ReviewTask:
    tasks = [
        t
        for t in application.review_tasks.select_for_update().order_by("pk")
        if t.status == TaskStatus.ACTIVE
    ]
    for task in tasks:
        if _may_act_on(task, user):
            return task
    raise ApprovalError(_("You have no open step of this application."))


# --- the review flow -------------------------------------------------------------------------------


def flow_for(application: Application) -> list[tuple[int, str, str, object]]:
    """(stage, name, kind, department) of the item's configured flow, or one decision by its department."""
    steps = list(ReviewStep.objects.filter(item_id=application.item_id).select_related("department"))
    if not steps:
        return [(1, str(_("Decision")), StepKind.DECISION, application.department)]
    return [(s.stage, s.name, s.kind, s.department) for s in steps]


def next_chief_representative(department, *, day=None):
    """The department's next chief representative on duty: a fair round-robin in a fixed order that skips
    whoever is absent that day. Call it inside a transaction: the rotation row stays locked until commit."""
    day = day or timezone.localdate()
    User = get_user_model()
    rotation, _created = Rotation.objects.get_or_create(department=department)
    rotation = Rotation.objects.select_for_update().get(pk=rotation.pk)
    absent = Absence.objects.filter(date=day).values("user_id")
    candidates = list(
        User.objects.filter(
            is_active=True,
            groups__name=Role.CHIEF_REPRESENTATIVE,
            staff_profile__department=department,
            staff_profile__is_active=True,
        )
        .exclude(pk__in=absent)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not candidates:
        return None
    last = rotation.last_assignee_id or 0
    chosen = next((pk for pk in candidates if pk > last), candidates[0])
    rotation.last_assignee_id = chosen
    rotation.save(update_fields=["last_assignee"])
    return User.objects.get(pk=chosen)


def _grant(application: Application, user) -> None:
    assign_perm("services.view_application", user, application)


def _activate(tasks, *, at) -> None:
    for task in tasks:
        task.status = TaskStatus.ACTIVE
        task.assignee = next_chief_representative(task.department, day=timezone.localdate(at))
        task.save(update_fields=["status", "assignee"])
        if task.assignee is not None:
            _grant(task.application, task.assignee)
        append_entry(
            task.application,
            action="assign",
            actor_label=str(_("Duty roster")),
            note=f"{task.name} · {task.department.name} · {task.assignee or _('nobody on duty')}",
            is_internal=True,
            at=at,
        )


def start_review(*, application_id: int, at=None) -> Application | None:
    """Open the review of an accepted application: its flow's tasks, the first stage assigned in rotation.
    Idempotent: an application already in review is left alone. A bundle starts each of its parts."""
    at = at or timezone.now()
    with transaction.atomic():
        application = Application.objects.filter(pk=application_id).first()
        if application is None:
            return None
        application = lock_in_family(application)
        if application.status != S.ACCEPTED:
            return application
        if application.bundle_id and application.parent_id is None:
            transition(application, to=S.IN_REVIEW, actor=None, action="start-review", at=at)
            application.save()
            for child_id in application.children.order_by("pk").values_list("pk", flat=True):
                start_review(application_id=child_id, at=at)
            return application
        tasks = [
            ReviewTask(
                application=application,
                stage=stage,
                name=name,
                kind=kind,
                department=department,
                crosses_department=department.pk != application.department_id,
            )
            for stage, name, kind, department in flow_for(application)
        ]
        ReviewTask.objects.bulk_create(tasks)
        first = min(t.stage for t in tasks)
        transition(application, to=S.IN_REVIEW, actor=None, action="start-review", at=at)
        application.save()
        _activate(
            ReviewTask.objects.filter(application=application, stage=first).select_related(
                "department", "application"
            ),
            at=at,
        )
    return application


def complete_task(*, application: Application, by, opinion: str, favourable: bool, at=None) -> Application:
    """The caller's open step gives its opinion; when a stage is complete the next one starts, and the
    last stage's opinions are the decision (approved only if every one of them is favourable)."""
    at = at or timezone.now()
    opinion = (opinion or "").strip()
    with transaction.atomic():
        application = lock_in_family(application)
        if application.status == S.SUPPLEMENT:
            raise ApprovalError(_("The application waits for supplementary materials."))
        if application.status != S.IN_REVIEW:
            raise ApprovalError(
                _("The application is “%(state)s”; it cannot be reviewed now.")
                % {"state": S(application.status).label}
            )
        if ExcludedPeriod.objects.filter(application=application, ended_at__isnull=True).exists():
            raise ApprovalError(
                _("End the excluded period (hearing, expert review, testing or notice) first.")
            )
        task = _active_task_for(application, by)
        if not favourable and not opinion:
            raise ApprovalError(_("State the reasons for an unfavourable opinion."))
        task.status, task.opinion, task.is_favourable = TaskStatus.DONE, opinion[:4000], favourable
        task.done_at, task.done_by = at, by
        task.save(update_fields=["status", "opinion", "is_favourable", "done_at", "done_by"])
        append_entry(
            application,
            action="opinion",
            actor=by,
            note=f"{task.name}: {_('favourable') if favourable else _('unfavourable')} {opinion}"[:500],
            is_internal=True,
            at=at,
        )
        stage_tasks = list(application.review_tasks.filter(stage=task.stage))
        if any(t.status == TaskStatus.ACTIVE for t in stage_tasks):
            return application  # parallel opinions still missing
        later = application.review_tasks.filter(stage__gt=task.stage).order_by("stage")
        next_stage = later.values_list("stage", flat=True).first()
        if next_stage is not None:
            _activate(later.filter(stage=next_stage).select_related("department", "application"), at=at)
            return application
        approved = all(t.is_favourable for t in stage_tasks)
        reasons = "; ".join(t.opinion for t in stage_tasks if not t.is_favourable)
        _decide(application, approved=approved, by=by, at=at, reasons=reasons or opinion)
    return application


def approve_application(*, application: Application, by, opinion: str = "", at=None) -> Application:
    return complete_task(application=application, by=by, opinion=opinion, favourable=True, at=at)


def reject_application(*, application: Application, by, reasons: str, at=None) -> Application:
    if not (reasons or "").strip():
        raise ApprovalError(_("State the reasons for the refusal."))
    return complete_task(application=application, by=by, opinion=reasons, favourable=False, at=at)


DECISION_TITLES = {
    "licence": lambda: _("Decision approving application %(number)s"),
    "denial": lambda: _("Decision denying application %(number)s"),
    "approval": lambda: _("Notice of approval of application %(number)s"),
    "rejection": lambda: _("Notice of rejection of application %(number)s"),
}


def decision_document_type(application: Application, *, approved: bool) -> str:
    """A licensing item gets a licensing decision; every other item a notice of approval or rejection."""
    item_type = application.item_version.item_type if application.item_version_id else ""
    if item_type == ItemType.LICENSING:
        return "licence" if approved else "denial"
    return "approval" if approved else "rejection"


def _decide(application: Application, *, approved: bool, by, at, reasons: str) -> None:
    if application.is_clock_running:
        stop_clock(application, at=at)
    application.finished_at = at
    if approved:
        application.result_summary = str(_("Approved"))
        transition(application, to=S.APPROVED, actor=by, action="approve", at=at)
    else:
        application.result_summary = reasons[:2000]
        transition(application, to=S.DENIED, actor=by, action="deny", note=reasons[:500], at=at)
    application.save()
    doc_type = decision_document_type(application, approved=approved)
    application.result = issue_document(
        township=application.township,
        doc_type=doc_type,
        title=DECISION_TITLES[doc_type]() % {"number": application.number},
        template_name="approvals/pdf/decision.html",
        context={
            "application": application,
            "approved": approved,
            "reasons": reasons,
            "is_licensing": doc_type in ("licence", "denial"),
        },
        subject=application,
        issued_by=by,
        issued_at=at,
    )
    application.save(update_fields=["result"])
    if application.parent_id:
        _decide_bundle_if_complete(application.parent_id, by=by, at=at)


def _decide_bundle_if_complete(parent_id: int, *, by, at) -> None:
    """A bundle is decided when every part is: approved if all parts were, otherwise denied."""
    parent = lock(Application(pk=parent_id))  # already held: the part's step locked the whole family
    if parent.status != S.IN_REVIEW:
        return
    parts = list(parent.children.values_list("status", flat=True))
    if any(status not in (S.APPROVED, S.DENIED) for status in parts):
        return
    if parent.is_clock_running:
        stop_clock(parent, at=at)
    parent.finished_at = at
    if all(status == S.APPROVED for status in parts):
        transition(parent, to=S.APPROVED, actor=by, action="approve", at=at)
    else:
        transition(
            parent, to=S.DENIED, actor=by, action="deny", note=str(_("Some parts were denied.")), at=at
        )
    parent.save()


# --- supplements, extensions and excluded periods ------------------------------------------------------


def request_supplement(*, application: Application, by, items: list[str], note: str = "", at=None):
    """Ask for everything missing at once; the clock pauses until it is supplied."""
    at = at or timezone.now()
    items = [str(i).strip()[:200] for i in items or [] if str(i).strip()]
    if not items:
        raise ApprovalError(_("List every material to supplement."))
    with transaction.atomic():
        application = lock_in_family(application)
        if application.status != S.IN_REVIEW:
            raise ApprovalError(_("Only an application in review can be sent back for a supplement."))
        if ExcludedPeriod.objects.filter(application=application, ended_at__isnull=True).exists():
            raise ApprovalError(
                _(
                    "The clock is paused for an excluded period (hearing, expert review, testing or notice); "
                    "end it before asking for a supplement."
                )
            )
        _active_task_for(application, by)
        request = SupplementRequest.objects.create(
            application=application,
            items=items,
            note=(note or "").strip()[:2000],
            requested_by=by,
            requested_at=at,
        )
        pause_clock(application, at=at)
        transition(
            application,
            to=S.SUPPLEMENT,
            actor=by,
            action="request-supplement",
            note="、".join(items)[:500],
            at=at,
        )
        application.save()
    return request


def supply_supplement(*, application: Application, by, received=(), at=None) -> Application:
    """The supplement is in: the clock runs again. Complete only when every requested material is there,
    uploaded online by the applicant or received on paper at a window (`received`: the names a clerk
    ticks; they are kept even when something is still missing)."""
    at = at or timezone.now()
    missing = []
    with transaction.atomic():
        application = lock_in_family(application)
        if application.status != S.SUPPLEMENT:
            raise ApprovalError(_("No supplement is awaited for this application."))
        is_applicant = by.pk in (application.resident_id, application.agent_id)
        is_clerk = (
            Role.WINDOW_CLERK in roles_of(by)
            and Application.objects.visible_to(by).filter(pk=application.pk).exists()
        )
        if not (is_applicant or is_clerk):
            raise ApprovalError(_("This application is not yours."))
        request = (
            SupplementRequest.objects.select_for_update()
            .filter(application=application, supplied_at__isnull=True)
            .first()
        )
        if request is None:
            raise ApprovalError(_("No supplement is awaited for this application."))
        received = [str(name) for name in received or ()]
        if received and not is_clerk:
            raise ApprovalError(_("Only a window clerk can record materials handed in on paper."))
        unknown = [name for name in received if name not in request.items]
        if unknown:
            raise ApprovalError(_("These were not asked for: %(names)s.") % {"names": "、".join(unknown)})
        if received:
            request.received_at_window = [
                i for i in request.items if i in {*request.received_at_window, *received}
            ]
            request.save(update_fields=["received_at_window"])
        missing = [line["name"] for line in supplement_progress(application, request) if not line["is_in"]]
        if not missing:
            request.supplied_at = at
            request.save(update_fields=["supplied_at"])
            resume_clock(application, at=at)
            transition(application, to=S.IN_REVIEW, actor=by, action="supply-supplement", at=at)
            application.save()
    if missing:  # what was ticked is kept; the clock stays paused
        raise ApprovalError(
            _("These requested materials are still missing: %(names)s.") % {"names": "、".join(missing)},
            field_errors={"received": []},
        )
    return application


def request_extension(*, application: Application, by, days: int, reason: str, at=None) -> ExtensionRequest:
    at = at or timezone.now()
    reason = (reason or "").strip()
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ApprovalError(_("An extension is 1 to 10 working days."))
    if not reason:
        raise ApprovalError(_("State why more time is needed."))
    with transaction.atomic():
        application = lock_in_family(application)
        if application.status not in (S.IN_REVIEW, S.SUPPLEMENT):
            raise ApprovalError(_("Only an application in review can be extended."))
        _active_task_for(application, by)
        if application.extension_requests.filter(
            status__in=[ExtensionStatus.PENDING, ExtensionStatus.APPROVED]
        ).exists():
            raise ApprovalError(_("The time limit can be extended only once."))
        request = ExtensionRequest.objects.create(
            application=application, days=days, reason=reason[:2000], requested_by=by, requested_at=at
        )
        append_entry(
            application,
            action="request-extension",
            actor=by,
            note=f"+{days} {reason}"[:500],
            is_internal=True,
            at=at,
        )
        # the head decides: tell them, rather than leave the request waiting to be noticed
        tell_role(
            Role.DEPARTMENT_HEAD,
            key=f"extension:{request.pk}",
            department_id=application.department_id,
            township_id=application.township_id,
            title=_("Extension awaiting your approval: application %(number)s (+%(days)s working days)")
            % {"number": application.number, "days": days},
            body=reason[:500],
            url=reverse("admin:approvals_reviewcase_change", args=[application.pk]),
        )
    return request


def decide_extension(*, extension: ExtensionRequest, head, approve: bool, at=None) -> ExtensionRequest:
    """The department head approves (the deadline moves by the days asked) or refuses the extension."""
    at = at or timezone.now()
    with transaction.atomic():
        application = lock_in_family(extension.application)
        extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        if not is_head_of(head, application.department_id):
            raise ApprovalError(_("Only the head of the department can decide an extension."))
        if extension.status != ExtensionStatus.PENDING:
            raise ApprovalError(_("This extension has already been decided."))
        extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        extension.decided_by, extension.decided_at = head, at
        extension.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            extend_clock(application, by=extension.days)
            application.save()
        append_entry(
            application,
            action="extend" if approve else "refuse-extension",
            actor=head,
            note=f"+{extension.days}" if approve else "",
            at=at,
        )
    return extension


def start_excluded_period(
    *, application: Application, by, kind: str, note: str = "", at=None
) -> ExcludedPeriod:
    """A hearing, expert review, testing or public notice: not counted, so the clock pauses."""
    at = at or timezone.now()
    if kind not in ExcludedKind.values:
        raise ApprovalError(_("Choose which period the law excludes."))
    with transaction.atomic():
        application = lock_in_family(application)
        if application.status != S.IN_REVIEW:
            raise ApprovalError(_("Only an application in review can be paused."))
        _active_task_for(application, by)
        if ExcludedPeriod.objects.filter(application=application, ended_at__isnull=True).exists():
            raise ApprovalError(_("An excluded period is already running."))
        period = ExcludedPeriod.objects.create(
            application=application, kind=kind, note=(note or "")[:200], started_at=at, started_by=by
        )
        pause_clock(application, at=at)
        application.save()
        append_entry(application, action="pause", actor=by, note=str(ExcludedKind(kind).label), at=at)
    return period


def end_excluded_period(*, application: Application, by, at=None) -> ExcludedPeriod:
    at = at or timezone.now()
    with transaction.atomic():
        application = lock_in_family(application)
        period = (
            ExcludedPeriod.objects.select_for_update()
            .filter(application=application, ended_at__isnull=True)
            .first()
        )
        if period is None:
            raise ApprovalError(_("No excluded period is running."))
        _active_task_for(application, by)
        period.ended_at = at
        period.save(update_fields=["ended_at"])
        resume_clock(application, at=at)
        application.save()
        append_entry(application, action="resume", actor=by, note=period.get_kind_display(), at=at)
    return period


def reassign_task(*, task: ReviewTask, head, to_user, reason: str, at=None) -> ReviewTask:
    """The department head hands an open step to another colleague of the department, with a reason."""
    at = at or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalError(_("State why the step is reassigned."))
    with transaction.atomic():
        application = lock_in_family(task.application)
        task = ReviewTask.objects.select_for_update().get(pk=task.pk)
        if not is_head_of(head, task.department_id):
            raise ApprovalError(_("Only the head of the department can reassign."))
        if task.status != TaskStatus.ACTIVE:
            raise ApprovalError(_("Only an open step can be reassigned."))
        if _department_of(to_user) != task.department_id or not roles_of(to_user) & {
            Role.CHIEF_REPRESENTATIVE,
            Role.APPROVER,
        }:
            raise ApprovalError(_("Choose a chief representative or approver of the department."))
        task.assignee = to_user
        task.save(update_fields=["assignee"])
        _grant(application, to_user)
        append_entry(
            application,
            action="reassign",
            actor=head,
            note=f"{to_user} · {reason}"[:500],
            is_internal=True,
            at=at,
        )
    return task
