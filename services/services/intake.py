"""Services: one-window intake. Drafts, online submission, window reception, and the four outcomes of
intake: accept (number, clock, receipt), complete on the spot, one-time notice, or refuse."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from services.errors import ApplicationNotPossible as InvalidTransition
from services.errors import IntakeError
from services.models import (
    ApplicantKind,
    Application,
    ApplicationStatus,
    Bundle,
    Channel,
    DeliveryMethod,
    ServiceItem,
    ServiceItemVersion,
)
from services.models.applications import WORKFLOW
from services.selectors.catalog import bundle_listed_items
from services.services.checklist import (
    ChecklistLine,
    checklist_lines,
    clean_checklist,
    lacking_lines,
    missing_uploads,
    with_states,
)
from services.services.evaluations import send_evaluation_invitation
from services.services.messages import tracking_url
from services.services.points import require_may_accept_here
from services.signals import application_accepted
from township.casework.clock import start_clock, stop_clock
from township.casework.deadlines import close_deadline, open_deadline, open_deadlines
from township.casework.models import LimitUnit
from township.casework.numbers import next_number
from township.casework.timeline import append_entry
from township.casework.workflow import lock, lock_family, transition
from township.documents.services import complete_document, issue_document, qr_data_uri, reserve_document
from township.identifiers import normalise
from township.org.models import ResidentAccount

logger = logging.getLogger(__name__)
S = ApplicationStatus
APPLICATION_SERIES = "SQ"  # QS-SQ-2026-000001
PRE_REVIEW = "pre-review"  # the deadline of an online application waiting at the front desk
# what intake steps read of a locked application, fetched in the same query (joined, not locked)
LOCK_RELATED = ("item_version", "township", "bundle", "item")


class MaterialsIncomplete(IntakeError):
    def __init__(self, message, *, lines: list[ChecklistLine]):
        super().__init__(message)
        self.lines = lines


def _number(application: Application, at) -> None:
    if application.number:
        return
    application.number = next_number(township=application.township, series=APPLICATION_SERIES, at=at)
    application.query_code = f"{secrets.randbelow(10**6):06d}"


# --- applicant data --------------------------------------------------------------------------------


@dataclass
class Applicant:
    kind: str = ApplicantKind.PERSON
    name: str = ""
    id_number: str = ""
    phone: str = ""
    enterprise_name: str = ""
    credit_code: str = ""

    def apply_to(self, application: Application) -> None:
        application.applicant_kind = self.kind
        application.applicant_name = self.name.strip()
        application.applicant_id_number = normalise(self.id_number)
        application.applicant_phone = normalise(self.phone).removeprefix("+86")
        application.enterprise_name = self.enterprise_name.strip()
        application.credit_code = normalise(self.credit_code)


@dataclass
class Agent:
    name: str = ""
    id_number: str = ""
    relation: str = ""
    consent_method: str = ""
    consent_note: str = ""
    user: object = None

    def apply_to(self, application: Application) -> None:
        application.agent = self.user
        application.agent_name = self.name.strip()
        application.agent_id_number = normalise(self.id_number)
        application.agent_relation = self.relation.strip()
        application.consent_method = self.consent_method
        application.consent_note = self.consent_note.strip()


# Who applies and for whom: copied from a bundle application to each of its children.
PARTY_FIELDS = (
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "enterprise_name",
    "credit_code",
    "agent_name",
    "agent_id_number",
    "agent_relation",
    "consent_method",
    "consent_note",
)
_VALIDATED_FIELDS = (*PARTY_FIELDS, "delivery_method", "postal_address")


def _validate_parties(application: Application, *, complete: bool) -> None:
    """Field validators always; with `complete`, everything intake needs must be there."""
    errors: dict[str, list[str]] = {}
    for name in _VALIDATED_FIELDS:
        model_field = application._meta.get_field(name)
        value = getattr(application, name)
        if value in ("", None):
            continue
        try:
            model_field.clean(value, application)
        except ValidationError as exc:
            errors[name] = exc.messages
    if complete:
        if application.applicant_kind == ApplicantKind.ENTERPRISE:
            if not application.enterprise_name:
                errors.setdefault("enterprise_name", []).append(_("Enter the enterprise's name."))
            if not application.credit_code:
                errors.setdefault("credit_code", []).append(_("Enter the unified social credit code."))
        if not application.applicant_name:
            errors.setdefault("applicant_name", []).append(
                _("Enter the applicant's name (for an enterprise: its legal representative or contact).")
            )
        if not application.applicant_id_number:
            errors.setdefault("applicant_id_number", []).append(_("Enter the applicant's identity number."))
        if not application.applicant_phone:
            errors.setdefault("applicant_phone", []).append(
                _("Enter a mobile phone number for progress messages.")
            )
        if application.delivery_method == DeliveryMethod.POST and not application.postal_address:
            errors.setdefault("postal_address", []).append(_("Enter the postal address for the result."))
    is_agent = bool(application.agent_id or application.agent_name)
    if is_agent:
        if not application.agent_name:
            errors.setdefault("agent_name", []).append(_("Enter the agent's name."))
        if not application.consent_method:
            errors.setdefault("consent_method", []).append(
                _("Record how the applicant agreed to the agent applying for them.")
            )
        if not application.agent_id_number and application.agent_id is None:
            errors.setdefault("agent_id_number", []).append(_("Enter the agent's identity number."))
    if errors:
        raise IntakeError(_("Please correct the marked fields."), field_errors=errors)


def _link_resident(application: Application) -> None:
    """A walk-in whose identity number belongs to a resident account shows up in their online hall."""
    if application.resident_id or not application.applicant_id_number:
        return
    account = ResidentAccount.objects.filter(id_number=application.applicant_id_number).first()
    if account is not None:
        application.resident_id = account.user_id


def _grant_resident(application: Application) -> None:
    for user_id in {application.resident_id, application.agent_id} - {None}:
        assign_perm("services.view_application", _user(user_id), application)


def _user(user_id):
    return get_user_model().objects.get(pk=user_id)


# --- starting an application -----------------------------------------------------------------------


def _target(item: ServiceItem | None, bundle: Bundle | None, *, township) -> tuple:
    if (item is None) == (bundle is None):
        raise IntakeError(_("Choose one service item or one bundle."))
    if item is not None:
        if item.township_id != township.pk or item.current_version_id is None:
            raise IntakeError(_("This service item is not offered here."))
        return item, item.current_version, None
    if bundle.township_id != township.pk or not bundle.is_active:
        raise IntakeError(_("This bundle is not offered here."))
    if not bundle_listed_items(bundle):
        raise IntakeError(_("This bundle has no items that can be applied for."))
    return None, None, bundle


def start_online_application(
    *, resident, item: ServiceItem | None = None, bundle: Bundle | None = None, agent: Agent | None = None
) -> Application:
    """A resident's draft for an item or a bundle, prefilled from their account; saved as they go."""
    township = (item or bundle).township
    item, version, bundle = _target(item, bundle, township=township)
    if version is not None and not version.allows_online:
        raise IntakeError(_("This item cannot be applied for online; please come to the service hall."))
    account = getattr(resident, "resident", None)
    application = Application(
        township=township,
        channel=Channel.ONLINE,
        status=S.DRAFT,
        item=item,
        item_version=version,
        bundle=bundle,
        department=item.department if item else None,
    )
    if agent is not None:
        agent.user = resident
        agent.apply_to(application)
    else:
        application.resident = resident
        if account is not None:
            Applicant(
                name=account.real_name, id_number=account.id_number or "", phone=account.phone
            ).apply_to(application)
    if bundle is not None:
        application.form_data = {
            "bundle_versions": {str(i.pk): i.current_version_id for i in bundle_listed_items(bundle)}
        }
    with transaction.atomic():
        application.save()
        append_entry(application, action="draft", actor=resident, to_state=S.DRAFT, is_internal=True)
        _grant_resident(application)
    return application


def update_draft(
    *, application: Application, by, applicant: Applicant, note: str = "", delivery: dict | None = None
):
    """Save what the resident typed so far; only drafts and returned applications may change."""
    with transaction.atomic():
        application = lock(application, related=LOCK_RELATED)
        if not application.is_editable_by_resident:
            raise InvalidTransition(_("This application can no longer be changed."))
        applicant.apply_to(application)
        application.note = note.strip()
        _apply_delivery(application, delivery)
        _validate_parties(application, complete=False)
        application.save()
    return application


def _apply_delivery(application: Application, delivery: dict | None) -> None:
    if not delivery:
        return
    method = delivery.get("method") or DeliveryMethod.WINDOW
    if method not in DeliveryMethod.values:
        raise IntakeError(_("Choose how you want to receive the result."))
    application.delivery_method = method
    application.postal_address = (delivery.get("address") or "").strip()[:200]


def submit_application(*, application: Application, by, at=None) -> Application:
    """Send a draft (or a returned application, corrected) to the front desk's pre-review queue."""
    now = at or timezone.now()
    with transaction.atomic():
        application = lock(application, related=LOCK_RELATED)
        if application.status == S.SUBMITTED:
            return application  # a double click or a retried request: already done
        _validate_parties(application, complete=True)
        lacking = missing_uploads(application)
        if lacking:
            raise MaterialsIncomplete(
                _("Upload every required material before submitting: %(names)s.")
                % {"names": "、".join(line.name for line in lacking)},
                lines=lacking,
            )
        _number(application, now)
        application.submitted_at = now
        transition(application, to=S.SUBMITTED, actor=by, action="submit", at=now)
        application.save()
        # The front desk has 5 working days to say what is missing; after that the application counts
        # as accepted from the day it was received (Administrative Licensing Law art. 32).
        open_deadline(
            application,
            kind=PRE_REVIEW,
            label=_("Pre-review: tell the applicant at once what is missing"),
            limit_value=settings.PRE_REVIEW_LIMIT_WORKING_DAYS,
            limit_unit=LimitUnit.WORKING_DAYS,
            yellow_threshold=1,
            at=now,
            actor=by,
        )
    return application


def _pre_review_overdue(application: Application, at) -> bool:
    """Whether the 5 working days to tell an online applicant what is missing ran out before `at`."""
    deadline = open_deadlines(application).filter(kind=PRE_REVIEW).first()
    return deadline is not None and deadline.due_at <= at


def _close_pre_review(application: Application, *, at, by):
    """Close the pre-review time limit if one is open; the closed deadline, or None."""
    return close_deadline(application, kind=PRE_REVIEW, at=at, actor=by)


def receive_at_window(
    *,
    township,
    clerk,
    window=None,
    item: ServiceItem | None = None,
    bundle: Bundle | None = None,
    applicant: Applicant,
    agent: Agent | None = None,
    delivery: dict | None = None,
    at=None,
) -> Application:
    """Register a walk-in at the window: numbered and received now (art. 32 counts from receipt).
    Call it in the same transaction as the outcome (accept, complete, notice, refuse)."""
    at = at or timezone.now()
    item, version, bundle = _target(item, bundle, township=township)
    application = Application(
        township=township,
        channel=Channel.WINDOW,
        status=S.SUBMITTED,
        item=item,
        item_version=version,
        bundle=bundle,
        department=item.department if item else None,
        window=window,
        clerk=clerk,
        submitted_at=at,
    )
    applicant.apply_to(application)
    if agent is not None:
        agent.apply_to(application)
    _apply_delivery(application, delivery)
    _validate_parties(application, complete=True)
    _link_resident(application)
    if bundle is not None:
        application.form_data = {
            "bundle_versions": {str(i.pk): i.current_version_id for i in bundle_listed_items(bundle)}
        }
    with transaction.atomic():
        _number(application, at)
        application.save()
        append_entry(application, action="receive", actor=clerk, to_state=S.SUBMITTED, at=at)
        _grant_resident(application)
    return application


# --- the four outcomes of intake -------------------------------------------------------------------


def require_clerk_scope(application: Application, clerk) -> None:
    if not Application.objects.visible_to(clerk).filter(pk=application.pk).exists():
        raise IntakeError(_("This application belongs to another township."))
    if not clerk.has_perm("services.change_application"):
        raise IntakeError(_("You may not take applications."))


def accept_application(
    *, application: Application, clerk, checklist: dict, window=None, with_receipt: bool = True, at=None
) -> Application:
    """Accept: every needed material is there, so the application gets its deadline clock (the item's
    promised limit in working days), a timeline entry, a receipt with a QR code to its tracking page, and
    an SMS. A bundle fans out to one child application per item, each in its department's review.

    The receipt is numbered in the transaction (its serial taken last) and drawn once the transaction
    commits, so neither the application row nor the receipt serial stays locked while the PDF is drawn."""
    at = at or timezone.now()
    with transaction.atomic():
        application = _lock_for_intake(application, clerk)
        if application.status == S.ACCEPTED and application.clerk_id == clerk.pk:
            return application  # retried request
        require_may_accept_here(application, clerk)
        lines = checklist_lines(application, {})
        checklist = clean_checklist(application, checklist, lines=lines)
        lacking = lacking_lines(with_states(lines, checklist))
        if lacking:
            raise MaterialsIncomplete(
                _(
                    "These materials are missing or defective, so the application cannot be accepted: "
                    "%(names)s. Issue a one-time notice instead."
                )
                % {"names": "、".join(line.name for line in lacking)},
                lines=lacking,
            )
        application.checklist = checklist
        application.clerk = clerk
        if window is not None:
            application.window = window
        application.accepted_at = at
        versions = _versions_for(application)
        limit = max(v.promised_limit_days for v in versions)
        yellow = min(v.yellow_threshold_days for v in versions) if versions else None
        # Not told within 5 working days what was missing: accepted from the day it was received.
        pre_review = _close_pre_review(application, at=at, by=clerk)
        deemed = application.submitted_at if pre_review is not None and pre_review.due_at <= at else None
        start_clock(
            application,
            at=deemed or at,
            limit_value=limit,
            limit_unit=LimitUnit.WORKING_DAYS,
            yellow_threshold=yellow,
        )
        transition(
            application,
            to=S.ACCEPTED,
            actor=clerk,
            action="accept",
            at=at,
            note=_(
                "Counted as accepted from %(date)s, the day it was received: the applicant was not told "
                "within 5 working days what was missing (Administrative Licensing Law art. 32)."
            )
            % {"date": date_format(timezone.localtime(deemed), "DATE_FORMAT")}
            if deemed
            else "",
        )
        if application.bundle_id:
            _fan_out(application, clerk=clerk, at=at, versions=versions)
        if with_receipt:  # last, so the receipt serial is locked only until the commit just after
            application.receipt = reserve_document(
                township=application.township,
                doc_type="receipt",
                title=_("Acceptance receipt of application %(number)s") % {"number": application.number},
                subject=application,
                issued_by=clerk,
                issued_at=at,
            )
            transaction.on_commit(lambda: _draw_receipt_quietly(application, lines))
        application.save()
        transaction.on_commit(
            lambda pk=application.pk: application_accepted.send(sender=Application, application_id=pk)
        )
    return application


def _lock_for_intake(application: Application, clerk) -> Application:
    """Lock the application's row alone (no joins in the FOR UPDATE), found within the clerk's data scope
    in the same query; the rows intake reads beside it (item, version, township, bundle) are taken from
    the caller's instance where it has them, else read when first used."""
    if not clerk.has_perm("services.change_application"):
        raise IntakeError(_("You may not take applications."))
    locked = (
        Application.objects.select_for_update(of=("self",))
        .visible_to(clerk)
        .filter(pk=application.pk)
        .first()
    )
    if locked is None:
        raise IntakeError(_("This application belongs to another township."))
    for name in LOCK_RELATED:
        related = application._state.fields_cache.get(name)
        if related is not None and related.pk == getattr(locked, f"{name}_id"):
            locked._state.fields_cache[name] = related
    return locked


def _receipt_context(application: Application, lines) -> dict:
    return {
        "application": application,
        "children": list(application.children.select_related("department", "item_version")),
        "lines": [line for line in lines if line.state == "ok" and not line.is_shared_data],
        "tracking_url": tracking_url(application),
        "tracking_qr": qr_data_uri(tracking_url(application)),
    }


def _draw_receipt_quietly(application: Application, lines) -> None:
    """After the accept committed: draw the receipt. A failure is logged, not raised (the application is
    accepted either way); `ensure_receipt` draws it when it is first opened."""
    try:
        complete_document(
            application.receipt,
            template_name="services/pdf/receipt.html",
            context=_receipt_context(application, lines),
        )
    except Exception:
        logger.exception(
            "services: the receipt %s of %s could not be drawn", application.receipt, application
        )


def ensure_receipt(application: Application):
    """The application's receipt with its PDF, drawn now if it was not (e.g. the drawing after the
    accept failed); None for an application without a receipt."""
    receipt = application.receipt
    if receipt is not None and not receipt.pdf:
        lines = checklist_lines(application)
        complete_document(
            receipt, template_name="services/pdf/receipt.html", context=_receipt_context(application, lines)
        )
    return receipt


def _versions_for(application: Application):
    if application.item_version_id:
        return [application.item_version]
    ids = list((application.form_data.get("bundle_versions") or {}).values())
    versions = list(ServiceItemVersion.objects.filter(pk__in=ids).select_related("item__department"))
    if not versions:
        versions = [i.current_version for i in bundle_listed_items(application.bundle)]
    return versions


def _fan_out(parent: Application, *, clerk, at, versions) -> list[Application]:
    """One child per bundled item, in its own department, with its own number and clock."""
    children = []
    for version in sorted(versions, key=lambda v: v.item_id):
        child = Application(
            township=parent.township,
            channel=parent.channel,
            status=S.ACCEPTED,
            item=version.item,
            item_version=version,
            bundle=parent.bundle,
            parent=parent,
            department=version.item.department,
            window=parent.window,
            clerk=clerk,
            resident=parent.resident,
            agent=parent.agent,
            submitted_at=parent.submitted_at,
            accepted_at=at,
            checklist=parent.checklist,
            delivery_method=parent.delivery_method,
            postal_address=parent.postal_address,
        )
        for name in PARTY_FIELDS:
            setattr(child, name, getattr(parent, name))
        _number(child, at)
        child.query_code = parent.query_code
        start_clock(
            child,
            at=at,
            limit_value=version.promised_limit_days,
            limit_unit=LimitUnit.WORKING_DAYS,
            yellow_threshold=version.yellow_threshold_days,
        )
        child.save()
        append_entry(
            child,
            action="accept",
            actor=clerk,
            to_state=S.ACCEPTED,
            note=_("Part of bundle application %(number)s") % {"number": parent.number},
            at=at,
        )
        children.append(child)
    return children


def complete_immediately(
    *, application: Application, clerk, checklist: dict, result: str, window=None, at=None
):
    """An immediate item 即办件 done on the spot: accepted and finished in one step, with its result."""
    at = at or timezone.now()
    result = (result or "").strip()
    with transaction.atomic():
        application = lock(application, related=LOCK_RELATED)
        require_clerk_scope(application, clerk)
        if application.status == S.COMPLETED:
            return application
        if not (application.item_version_id and application.item_version.is_immediate):
            raise IntakeError(_("Only an immediate item can be completed on the spot."))
        require_may_accept_here(application, clerk)
        if not result:
            raise IntakeError(
                _("Describe the result handed to the applicant."),
                field_errors={"result": [_("Describe the result handed to the applicant.")]},
            )
        checklist = clean_checklist(application, checklist)
        lacking = lacking_lines(checklist_lines(application, checklist))
        if lacking:
            raise MaterialsIncomplete(
                _("These materials are missing or defective: %(names)s. Issue a one-time notice instead.")
                % {"names": "、".join(line.name for line in lacking)},
                lines=lacking,
            )
        application.checklist = checklist
        application.clerk = clerk
        application.window = window or application.window
        application.accepted_at = application.finished_at = at
        application.result_summary = result[:2000]
        _close_pre_review(application, at=at, by=clerk)
        transition(application, to=S.COMPLETED, actor=clerk, action="complete", note=result[:500], at=at)
        application.save()
        send_evaluation_invitation(application=application)
    return application


def issue_one_time_notice(*, application: Application, clerk, checklist: dict, note: str = "", at=None):
    """Tell the applicant everything missing or defective at once (一次性告知), as a numbered PDF."""
    at = at or timezone.now()
    with transaction.atomic():
        application = lock(application, related=LOCK_RELATED)
        require_clerk_scope(application, clerk)
        checklist = clean_checklist(application, checklist)
        lines = checklist_lines(application, checklist)
        lacking = lacking_lines(lines)
        if not lacking:
            raise IntakeError(
                _("Mark at least one material as missing or defective; otherwise accept the application.")
            )
        if _pre_review_overdue(application, at):
            raise IntakeError(
                _(
                    "More than 5 working days have passed since this application was received, so by law it "
                    "counts as accepted (Administrative Licensing Law art. 32): accept it, and let the "
                    "back office ask for a supplement."
                )
            )
        _close_pre_review(application, at=at, by=clerk)
        application.checklist = checklist
        application.clerk = clerk
        names = "、".join(line.name for line in lacking)
        transition(application, to=S.NOTIFIED, actor=clerk, action="notify", note=names[:500], at=at)
        application.save()
        application.notice = issue_document(
            township=application.township,
            doc_type="one_time_notice",
            title=_("One-time notice for application %(number)s") % {"number": application.number},
            template_name="services/pdf/one_time_notice.html",
            context={
                "application": application,
                "lacking": lacking,
                "note": note.strip(),
                "tracking_url": tracking_url(application),
            },
            subject=application,
            issued_by=clerk,
            issued_at=at,
        )
        application.save(update_fields=["notice"])
    return application


def refuse_application(*, application: Application, clerk, reason: str, at=None):
    """Not accepted 不予受理: the reason and the applicant's rights to review or litigation, in writing."""
    at = at or timezone.now()
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise IntakeError(
            _("State the reason for not accepting the application."),
            field_errors={"reason": [_("State the reason for not accepting the application.")]},
        )
    with transaction.atomic():
        application = lock(application, related=LOCK_RELATED)
        require_clerk_scope(application, clerk)
        application.refusal_reason = reason[:2000]
        application.clerk = clerk
        application.finished_at = at
        _close_pre_review(application, at=at, by=clerk)
        transition(application, to=S.NOT_ACCEPTED, actor=clerk, action="refuse", note=reason[:500], at=at)
        application.save()
        application.notice = issue_document(
            township=application.township,
            doc_type="refusal",
            title=_("Notice of non-acceptance of application %(number)s") % {"number": application.number},
            template_name="services/pdf/refusal.html",
            context={"application": application, "reason": reason},
            subject=application,
            issued_by=clerk,
            issued_at=at,
        )
        application.save(update_fields=["notice"])
    return application


def withdraw_application(*, application: Application, by, reason: str = "", at=None):
    """The applicant withdraws before a decision; the clock stops. A bundle's parts are withdrawn with it,
    the whole family locked in one go so that a part being decided at the same moment waits its turn."""
    at = at or timezone.now()
    with transaction.atomic():
        parent, children = lock_family(application)
        application = next(c for c in (parent, *children) if c.pk == application.pk)
        if application.status == S.WITHDRAWN:
            return application
        parts = children if application is parent else []
        for case in (application, *parts):
            if case is not application and not WORKFLOW.allows(case.status, S.WITHDRAWN):
                continue
            if case.is_clock_running:
                stop_clock(case, at=at)
            _close_pre_review(case, at=at, by=by)
            case.finished_at = at
            if case is application:
                # Only a draft is unnumbered (a database constraint); a withdrawn draft gets its number,
                # so it can be found and tracked like any other finished application and its SMS works.
                _number(case, at)
            note = reason.strip()[:500] if case is application else ""
            transition(case, to=S.WITHDRAWN, actor=by, action="withdraw", note=note, at=at)
            case.save()
    return application


__all__ = [
    "Agent",
    "Applicant",
    "MaterialsIncomplete",
    "accept_application",
    "complete_immediately",
    "ensure_receipt",
    "issue_one_time_notice",
    "receive_at_window",
    "refuse_application",
    "require_clerk_scope",
    "start_online_application",
    "submit_application",
    "update_draft",
    "withdraw_application",
]
