"""Services: evaluations 好差评. One rating per application (一事一评) or window visit (一次一评); a bad
review opens a rectification case with a deadline, which is verified, rectified and followed up."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from services.errors import EvaluationError
from services.models import (
    BAD_LEVELS,
    Application,
    ApplicationStatus,
    Evaluation,
    EvaluationChannel,
    FollowUp,
    Level,
    QueueTicket,
    Rectification,
    RectificationCategory,
    RectificationStatus,
    TicketStatus,
)
from township.casework.clock import start_clock, stop_clock
from township.casework.escalation import tell_role
from township.casework.models import LimitUnit
from township.casework.timeline import append_entry
from township.casework.workflow import lock, transition
from township.notify.services import send_sms
from township.org.roles import Role

logger = logging.getLogger(__name__)

LINK_SALT = "services.evaluation"
LINK_MAX_AGE = 30 * 24 * 3600
NOT_YET_RATEABLE = {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED}
R = RectificationStatus


def is_rateable(application: Application) -> bool:
    """Rated once the front desk has dealt with it (accepted, refused, completed, withdrawn after
    submitting); never a draft, an application awaiting pre-review, or a bundle's part."""
    return (
        bool(application.number) and application.status not in NOT_YET_RATEABLE and not application.parent_id
    )


def _level(level) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        raise EvaluationError(_("Choose one of the five levels."))
    return level


def submit_evaluation(
    *,
    application: Application | None = None,
    ticket: QueueTicket | None = None,
    level,
    comment: str = "",
    channel: str,
    reviewer=None,
    reviewer_phone: str = "",
    is_named: bool = True,
    at=None,
) -> Evaluation:
    """Record a rating; a bad one (dissatisfied or worse) needs a comment and opens a rectification due in
    RECTIFICATION_LIMIT_WORKING_DAYS working days."""
    at = at or timezone.now()
    level = _level(level)
    comment = (comment or "").strip()[:2000]
    if (application is None) == (ticket is None):
        raise EvaluationError(_("Rate one application or one visit."))
    if channel not in EvaluationChannel.values:
        raise EvaluationError(_("Unknown rating channel."))
    if level in BAD_LEVELS and not comment:
        raise EvaluationError(_("Please tell us what went wrong, so that it can be put right."))
    evaluation = Evaluation(
        level=level,
        comment=comment,
        channel=channel,
        reviewer=reviewer,
        reviewer_phone=reviewer_phone,
        is_named=is_named,
    )
    if application is not None:
        application = Application.objects.get(pk=application.pk)  # re-read: the state decides
        if not is_rateable(application):
            raise EvaluationError(_("This application cannot be rated yet."))
        evaluation.application = application
        evaluation.township_id = application.township_id
        evaluation.window_id, evaluation.clerk_id = application.window_id, application.clerk_id
        evaluation.department_id = application.department_id
        evaluation.reviewer_phone = evaluation.reviewer_phone or application.applicant_phone
    else:
        ticket = QueueTicket.objects.get(pk=ticket.pk)
        if ticket.status != TicketStatus.DONE:
            raise EvaluationError(_("This visit cannot be rated yet."))
        evaluation.ticket = ticket
        evaluation.township_id = ticket.township_id
        evaluation.window_id, evaluation.clerk_id = ticket.window_id, ticket.clerk_id
        evaluation.reviewer_phone = evaluation.reviewer_phone or ticket.phone
    # Without an account or a phone nobody can be called back (回访): the review counts as anonymous.
    evaluation.is_named = bool(is_named and (reviewer is not None or evaluation.reviewer_phone))
    try:
        with transaction.atomic():
            evaluation.save()
            if level in BAD_LEVELS:
                _open_rectification(evaluation, at=at)
    except IntegrityError:
        raise EvaluationError(_("This has already been rated. Thank you.")) from None
    return evaluation


def _open_rectification(evaluation: Evaluation, *, at) -> Rectification:
    rectification = Rectification(
        township_id=evaluation.township_id, evaluation=evaluation, department_id=evaluation.department_id
    )
    start_clock(
        rectification,
        at=at,
        limit_value=settings.RECTIFICATION_LIMIT_WORKING_DAYS,
        limit_unit=LimitUnit.WORKING_DAYS,
        yellow_threshold=3,
    )
    rectification.save()
    append_entry(
        rectification,
        action="open",
        to_state=R.OPEN,
        actor_label=str(_("Bad review")),
        note=evaluation.comment[:500],
        at=at,
    )
    # the head of the unit that handled it looks into every bad review
    tell_role(
        Role.DEPARTMENT_HEAD,
        key=f"bad-review:{rectification.pk}",
        department_id=rectification.department_id,
        township_id=rectification.township_id,
        title=_("Bad review to rectify by %(due)s: %(comment)s")
        % {"due": rectification.due_date, "comment": (evaluation.comment or "—")[:80]},
        url=reverse("services-rectification", args=[rectification.pk]),
    )
    return rectification


def classify_rectification(
    *, rectification: Rectification, by, category: str, verification: str
) -> Rectification:
    """Verify the review with the unit that handled it and sort it (fix at once, ledger, explain, appeal)."""
    if category not in RectificationCategory.values:
        raise EvaluationError(_("Choose how the review is to be handled."))
    verification = (verification or "").strip()
    if not verification:
        raise EvaluationError(_("Write down what the verification found."))
    with transaction.atomic():
        rectification = lock(rectification)
        if rectification.status != R.OPEN:
            raise EvaluationError(_("Only an open rectification can be sorted."))
        rectification.category, rectification.verification = category, verification[:4000]
        rectification.handled_by = by
        rectification.save(update_fields=["category", "verification", "handled_by"])
        append_entry(
            rectification, action="classify", actor=by, note=str(RectificationCategory(category).label)
        )
    return rectification


def record_rectification(*, rectification: Rectification, by, measures: str, at=None) -> Rectification:
    at = at or timezone.now()
    measures = (measures or "").strip()
    if not measures:
        raise EvaluationError(_("Describe what was done."))
    with transaction.atomic():
        rectification = lock(rectification)
        if not rectification.category:
            raise EvaluationError(_("Sort the review before recording the rectification."))
        # the transition check comes first: the clock of a rectified or closed one has already stopped
        transition(rectification, to=R.RECTIFIED, actor=by, action="rectify", note=measures[:500], at=at)
        rectification.measures, rectification.rectified_at = measures[:4000], at
        stop_clock(rectification, at=at)
        rectification.save()
    return rectification


def record_follow_up(
    *, rectification: Rectification, by, is_satisfied: bool, note: str = "", contacted_at=None
) -> FollowUp:
    """The call back to the reviewer. Satisfied: closed. Not satisfied: open again with a new deadline."""
    contacted_at = contacted_at or timezone.now()
    with transaction.atomic():
        rectification = lock(rectification)
        if rectification.status != R.RECTIFIED:
            raise EvaluationError(_("Follow up with the reviewer after the rectification is recorded."))
        follow_up = FollowUp.objects.create(
            rectification=rectification,
            contacted_at=contacted_at,
            by=by,
            is_satisfied=is_satisfied,
            note=(note or "")[:2000],
        )
        if is_satisfied:
            transition(
                rectification, to=R.CLOSED, actor=by, action="close", note=(note or "")[:500], at=contacted_at
            )
        else:
            transition(
                rectification, to=R.OPEN, actor=by, action="reopen", note=(note or "")[:500], at=contacted_at
            )
            start_clock(
                rectification,
                at=contacted_at,
                limit_value=settings.RECTIFICATION_LIMIT_WORKING_DAYS,
                limit_unit=LimitUnit.WORKING_DAYS,
                yellow_threshold=3,
            )
        rectification.save()
    return follow_up


def evaluation_token(application: Application) -> str:
    return signing.dumps({"a": application.pk}, salt=LINK_SALT, compress=True)


def application_for_token(token: str) -> Application | None:
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return Application.objects.filter(pk=data.get("a") if isinstance(data, dict) else None).first()


def evaluation_link(application: Application) -> str:
    return settings.SITE_URL + reverse("services-evaluate-token", args=[evaluation_token(application)])


def send_evaluation_invitation(*, application: Application) -> None:
    """An SMS with a link to rate the application; sent once per application."""
    if not application.applicant_phone or not is_rateable(application):
        return
    if Evaluation.objects.filter(application=application).exists():
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = _("Please rate how your application %(number)s was handled: %(url)s") % {
            "number": application.number,
            "url": evaluation_link(application),
        }
    try:
        send_sms(
            to=application.applicant_phone,
            body=body,
            key=f"evaluation-invite:{application.pk}",
            township=application.township,
        )
    except ValidationError:
        # Called while an application finishes: a number the SMS gateway refuses must not undo that.
        logger.warning("no rating invitation for application %s: phone not usable for SMS", application.pk)
