"""Enforcement cases: every business action, one function each, in a transaction, writing the timeline.

Each function locks the case, checks who may act and the law's conditions (refusing with a CaseError
that says why), moves the case through the kernel workflow, opens or closes its deadlines and issues its
documents. A retried step does not duplicate work; a refused step leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import mimetypes
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from enforcement.cases import clocks
from enforcement.cases.documents import issue_case_document
from enforcement.models.cases import (
    REVIEW_POINTS,
    CaseOfficer,
    CaseSource,
    CaseStatus,
    CollectiveDiscussion,
    CredentialKind,
    EnforcementCase,
    EvidenceItem,
    EvidenceKind,
    HeadChoice,
    Hearing,
    InvestigationRecord,
    LegalReview,
    MeasureKind,
    MeasureStatus,
    OfficerCredential,
    PartyKind,
    PaymentInstalment,
    PenaltyProposal,
    PreservationMeasure,
    Procedure,
    Publication,
    RecordKind,
    Recusal,
    RecusalOutcome,
    ReviewOutcome,
    ServiceMethod,
    ServiceRecord,
    Suspension,
    SuspensionKind,
)
from enforcement.models.power import DiscretionBand, PowerKind, PowerMatterVersion, PowerStatus
from enforcement.power import rules
from township.casework import deadlines as kernel
from township.casework.numbers import next_number
from township.casework.timeline import append_entry
from township.casework.workflow import lock, transition
from township.documents.services import revoke_document
from township.errors import DomainError
from township.identifiers import mask_id_number, normalise, validate_id_number
from township.notify.services import notify_inbox
from township.org.models import Department, person_name
from township.org.roles import Role, has_role
from township.org.scope import ScopeKind, data_scope, in_scope

S = CaseStatus
OPEN_INVESTIGATION = (S.INVESTIGATING, S.PROPOSED, S.NOTIFIED, S.HEARING, S.HEARD)
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


class CaseError(DomainError):
    """An enforcement step that cannot be done (the message says why)."""


# --- who may act -----------------------------------------------------------------------------------------


def _in_scope(user, case) -> None:
    if not in_scope(case, user):
        raise CaseError(_("This case is not in your area of work."), code="out_of_scope")


def _require_role(user, case, *roles: Role, what: str) -> None:
    _in_scope(user, case)
    if not user.is_superuser and not has_role(user, *roles):
        raise CaseError(what, code="not_allowed")


def _require_head(user, case) -> None:
    _require_role(
        user, case, Role.DEPARTMENT_HEAD, what=_("Only the head of the squad or bureau may approve this.")
    )


def _require_officer(user, case, *, on_case: bool = True) -> None:
    """An enforcement officer in scope; once officers are assigned, one of them."""
    _require_role(user, case, Role.ENFORCEMENT_OFFICER, what=_("Only an enforcement officer may do this."))
    if (
        on_case
        and case.officers.filter(is_active=True).exists()
        and not case.officers.filter(officer=user, is_active=True).exists()
    ):
        raise CaseError(_("Only the officers assigned to this case may do this."), code="not_on_case")


def valid_credential(user, on: date, kind: str = CredentialKind.ENFORCEMENT) -> OfficerCredential | None:
    return (
        OfficerCredential.objects.filter(
            user=user, kind=kind, is_revoked=False, valid_from__lte=on, valid_until__gte=on
        )
        .order_by("-valid_until")
        .first()
    )


def _now(at: datetime | None) -> datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise CaseError(_("The time of a step must include the time zone."))
    return at


def _text(value, field: str, message: str, *, max_length: int = 5000) -> str:
    text = (
        " ".join(str(value or "").replace("\x00", "").split())
        if max_length <= 300
        else str(value or "").replace("\x00", "").strip()
    )
    if not text:
        raise CaseError(message, field_errors={field: [message]})
    return text[:max_length]


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount > Decimal("9999999999"):
        message = _("Enter an amount in yuan, zero or more.")
        raise CaseError(message, field_errors={field: [message]})
    return amount.quantize(Decimal("0.01"))


def _save(case: EnforcementCase) -> None:
    clocks.refresh_next_due(case)
    case.save()


def _label(case, action, *, by, note="", at=None, internal=False):
    append_entry(case, action=action, actor=by, note=str(note)[:500], at=at, is_internal=internal)


def _open_suspension(case, kind):
    return case.suspensions.filter(kind=kind, ended_on__isnull=True).first()


# --- the clue ----------------------------------------------------------------------------------------


def create_clue(
    *,
    township,
    department,
    source: str,
    summary: str,
    place: str,
    discovered_on: date,
    act_ended_on: date,
    by,
    at: datetime | None = None,
    source_record=None,
    act_continuing: bool = False,
    concerns_safety: bool = False,
    caused_harm: bool = False,
    is_complex: bool = False,
    lng=None,
    lat=None,
    handed_over: bool = False,
) -> EnforcementCase:
    """Record a clue (案件来源登记) and start the 15-working-day check. With `source_record` (a grid event, a
    hotline order, an inspection result), the link is kept both ways and a second call returns the same
    case. `handed_over`: another loop passes the clue on (its own service checked who may do that), so
    the person need not be enforcement staff."""
    at = _now(at)
    if source not in CaseSource.values:
        raise CaseError(
            _("Choose where the clue came from."), field_errors={"source": [_("Unknown source.")]}
        )
    if department.township_id != township.pk:
        raise CaseError(_("The squad belongs to another township."))
    if (
        not handed_over
        and not by.is_superuser
        and not has_role(by, Role.ENFORCEMENT_OFFICER, Role.DEPARTMENT_HEAD)
    ):
        raise CaseError(_("Only enforcement staff may record a clue."), code="not_allowed")
    summary = _text(summary, "summary", _("Describe what was found."))
    place = _text(place, "place", _("Give the place."), max_length=200)
    for name, value in (("discovered_on", discovered_on), ("act_ended_on", act_ended_on)):
        if not isinstance(value, date):
            raise CaseError(_("Enter a valid date."), field_errors={name: [_("Enter a valid date.")]})
    today = timezone.localdate(at)
    if discovered_on > today:
        raise CaseError(
            _("The clue cannot be discovered in the future."),
            field_errors={"discovered_on": [_("In the future.")]},
        )
    if act_ended_on > discovered_on:
        raise CaseError(
            _(
                "The act cannot end after it was discovered; for an act still going on, give the discovery date."
            ),
            field_errors={"act_ended_on": [_("After the discovery date.")]},
        )
    source_type = source_id = None
    if source_record is not None:
        source_type = ContentType.objects.get_for_model(source_record)
        source_id = source_record.pk
    with transaction.atomic():
        if source_type is not None:
            existing = (
                EnforcementCase.objects.select_for_update()
                .filter(source_type=source_type, source_id=source_id)
                .first()
            )
            if existing is not None:
                return existing
        case = EnforcementCase(
            township=township,
            department=department,
            source=source,
            source_type=source_type,
            source_id=source_id,
            summary=summary,
            place=place,
            discovered_on=discovered_on,
            act_ended_on=act_ended_on,
            act_continuing=bool(act_continuing),
            concerns_safety=bool(concerns_safety),
            caused_harm=bool(caused_harm),
            is_complex=bool(is_complex),
            lng=lng,
            lat=lat,
            reported_by=by,
            created_at=at,
            number=next_number(township=township, series="ZF", at=at),
        )
        case.save()
        _label(case, "clue", by=by, note=case.get_source_display(), at=at)
        credential = valid_credential(by, today) if has_role(by, Role.ENFORCEMENT_OFFICER) else None
        if credential is not None and in_scope(case, by):
            # whoever records the clue is its first officer (and finds it in "my cases")
            CaseOfficer.objects.create(
                case=case, officer=by, credential=credential, is_lead=True, assigned_at=at
            )
            _label(case, "assign-officer", by=by, note=f"{person_name(by)} {credential.number}", at=at)
        clocks.open_working_deadline(
            case,
            kind="clue-check",
            label=_("Check the clue and decide on registration"),
            days=rules.clue_check_limit(township).limit.value,
            at=at,
            actor=by,
        )
        _save(case)
    return case


def create_clue_from_source(
    *,
    source_record,
    source: str,
    department,
    by,
    summary: str,
    place: str,
    discovered_on=None,
    act_ended_on=None,
    at=None,
    **facts,
) -> EnforcementCase:
    """Turn any record (content type + id) into a clue with one action; calling it again returns the
    same case. Grid events and hotline orders call this with their own row."""
    at = _now(at)
    today = timezone.localdate(at)
    return create_clue(
        township=department.township,
        department=department,
        source=source,
        summary=summary,
        place=place,
        discovered_on=discovered_on or today,
        act_ended_on=act_ended_on or discovered_on or today,
        by=by,
        at=at,
        source_record=source_record,
        handed_over=True,
        **facts,
    )


def case_for_source(source_record) -> EnforcementCase | None:
    """The case made from a source record, if any (the link back from a grid event or a hotline order)."""
    return EnforcementCase.objects.filter(
        source_type=ContentType.objects.get_for_model(source_record), source_id=source_record.pk
    ).first()


def set_party(
    *,
    case,
    by,
    entity=None,
    person_name_: str = "",
    id_number: str = "",
    phone: str = "",
    address: str = "",
    at=None,
) -> EnforcementCase:
    """The party: a market entity of the register, or a natural person with a validated ID number."""
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status not in (S.CLUE, S.REGISTRATION_PENDING, S.INVESTIGATING):
            raise CaseError(_("The party can no longer be changed at this stage."))
        if entity is not None:
            if entity.township_id != case.township_id:
                raise CaseError(_("That market entity is registered in another township."))
            case.party_kind, case.entity = PartyKind.ENTITY, entity
            case.person_name = case.person_id_number = case.person_phone = case.person_address = ""
            note = entity.name
        else:
            name = _text(person_name_, "person_name", _("Give the party's name."), max_length=60)
            number = normalise(id_number or "")
            try:
                validate_id_number(number)
            except ValidationError as error:
                raise CaseError(error.messages[0], field_errors={"id_number": error.messages}) from None
            case.party_kind, case.entity = PartyKind.PERSON, None
            case.person_name, case.person_id_number = name, number
            case.person_phone, case.person_address = (
                normalise(phone or "")[:20],
                (address or "").strip()[:200],
            )
            note = f"{name[:1]}** {mask_id_number(number)}"
        case.is_repeat_offence = _is_repeat(case)
        _label(case, "party", by=by, note=note, at=at)
        _save(case)
    return case


def _is_repeat(case) -> bool:
    """An earlier confirmed violation of the same matter by the same party (by code or ID number)."""
    if case.power_version_id is None or not case.party_kind:
        return False
    decided = EnforcementCase.objects.filter(
        power_version__matter_id=case.power_version.matter_id,
        status__in=[S.DECIDED, S.SERVED, S.COURT, S.CLOSING, S.CLOSED, S.ARCHIVED],
        decided_proposal__isnull=False,
    ).exclude(pk=case.pk)
    if case.party_kind == PartyKind.ENTITY:
        return decided.filter(entity__credit_code=case.entity.credit_code).exists()
    return decided.filter(person_id_number=case.person_id_number).exists()


def extend_clue_check(*, case, by, reason: str, at=None) -> EnforcementCase:
    """Special cases: +15 working days with the head's approval, once."""
    at = _now(at)
    reason = _text(reason, "reason", _("Give the reason for the extension."))
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        if case.status not in (S.CLUE, S.REGISTRATION_PENDING):
            raise CaseError(_("The clue has already been decided on."))
        if case.check_extended:
            raise CaseError(_("The clue check has already been extended once."))
        kernel.extend_deadline(
            case,
            kind="clue-check",
            by=rules.clue_check_limit(case.township_id).extension.value,
            actor=by,
            at=at,
            note=reason,
        )
        case.check_extended = True
        _save(case)
    return case


def enforcement_units(township) -> set[int]:
    """The township's enforcement bureau (settings.ENFORCEMENT_BUREAU_CODE) and every unit below it."""
    units = set(
        Department.objects.filter(
            township=township, code=settings.ENFORCEMENT_BUREAU_CODE, is_active=True
        ).values_list("pk", flat=True)
    )
    frontier = set(units)
    while frontier:
        frontier = (
            set(
                Department.objects.filter(parent_id__in=frontier, is_active=True).values_list("pk", flat=True)
            )
            - units
        )
        units |= frontier
    return units


def pass_to_squad(*, case, squad, by, lead=None, note: str = "", at=None) -> EnforcementCase:
    """The head passes a clue (typically one another loop handed to the bureau) to a squad of the
    bureau, whose officers then see and work it; with `lead`, that officer of the squad is assigned as
    the lead. Officers assigned before who do not work in the squad are withdrawn from the clue. Passing
    it again to the same squad changes nothing."""
    at = _now(at)
    note = str(note or "").replace("\x00", "").strip()[:300]
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        if case.status != S.CLUE:
            raise CaseError(
                _("Only a clue still being checked can be passed to a squad; this one is “%(state)s”.")
                % {"state": case.get_status_display()},
                code="conflict",
            )
        if squad is None or squad.pk not in enforcement_units(case.township_id):
            message = _("Choose a squad of this township's enforcement bureau.")
            raise CaseError(message, field_errors={"squad": [message]})
        scope = data_scope(by)
        if scope.kind == ScopeKind.DEPARTMENT and squad.pk not in scope.department_ids:
            message = _("%(squad)s is not one of the units you direct.") % {"squad": squad.name}
            raise CaseError(message, field_errors={"squad": [message]}, code="out_of_scope")
        if case.department_id != squad.pk:
            before = case.department.name
            case.department = squad
            transition(
                case,
                to=S.CLUE,
                actor=by,
                action="pass-to-squad",
                note=f"{before} → {squad.name}" + (f" · {note}" if note else ""),
                at=at,
            )
            case.save()
            for assignment in case.officers.filter(is_active=True).select_related("officer"):
                if not in_scope(case, assignment.officer):
                    assignment.is_active = False
                    assignment.save(update_fields=["is_active"])
                    _label(case, "withdraw-officer", by=by, note=person_name(assignment.officer), at=at)
        if lead is not None:
            _assign(case, lead, by=by, is_lead=True, at=at)
        _save(case)
        _tell_the_squad(case, squad, lead=lead)
    return case


def _tell_the_squad(case, squad, *, lead=None) -> None:
    """The lead officer, else every officer of the squad, finds the clue in their inbox (once each)."""
    users = (
        [lead]
        if lead is not None
        else get_user_model().objects.filter(
            staff_profile__department=squad,
            groups__name=str(Role.ENFORCEMENT_OFFICER),
            is_active=True,
        )
    )
    title = _("Clue %(number)s passed to %(squad)s") % {"number": case.number, "squad": squad.name}
    for user in users:
        notify_inbox(
            user=user,
            title=title,
            body=case.summary[:300],
            url=reverse("enforcement-case", args=[case.pk]),
            key=f"enf-squad:{case.pk}:{squad.pk}:{user.pk}",
            township=case.township,
        )


# --- officers and recusal --------------------------------------------------------------------------


def assign_officer(*, case, officer, by, is_lead: bool = False, at=None) -> CaseOfficer:
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_role(
            by,
            case,
            Role.DEPARTMENT_HEAD,
            Role.ENFORCEMENT_OFFICER,
            what=_("Only enforcement staff may assign officers."),
        )
        if case.status not in (S.CLUE, S.REGISTRATION_PENDING, *OPEN_INVESTIGATION):
            raise CaseError(_("Officers can no longer be assigned at this stage."))
        return _assign(case, officer, by=by, is_lead=is_lead, at=at)


def _assign(case, officer, *, by, is_lead: bool, at) -> CaseOfficer:
    """Assign `officer` to the locked case: an officer of its township and squad with a valid ID."""
    profile = getattr(officer, "staff_profile", None)
    if (
        profile is None
        or profile.township_id != case.township_id
        or not has_role(officer, Role.ENFORCEMENT_OFFICER)
    ):
        raise CaseError(
            _("%(name)s is not an enforcement officer of this township.") % {"name": person_name(officer)}
        )
    if not in_scope(case, officer):
        raise CaseError(_("%(name)s does not work in this case's squad.") % {"name": person_name(officer)})
    credential = valid_credential(officer, timezone.localdate(at))
    if credential is None:
        raise CaseError(
            _("%(name)s holds no valid enforcement ID; only qualified officers may handle a case (art. 42).")
            % {"name": person_name(officer)}
        )
    if case.recusals.filter(officer=officer, outcome=RecusalOutcome.GRANTED).exists():
        raise CaseError(
            _("%(name)s has withdrawn from this case (recusal).") % {"name": person_name(officer)}
        )
    assignment, created = CaseOfficer.objects.get_or_create(
        case=case,
        officer=officer,
        defaults={"credential": credential, "is_lead": is_lead, "assigned_at": at},
    )
    if created:
        _label(case, "assign-officer", by=by, note=f"{person_name(officer)} {credential.number}", at=at)
        _save(case)
    return assignment


def qualified_officers(case, on: date) -> list[CaseOfficer]:
    """The active officers of the case whose enforcement IDs are valid on `on`."""
    withdrawn = set(case.recusals.filter(outcome=RecusalOutcome.GRANTED).values_list("officer_id", flat=True))
    found = []
    for assignment in case.officers.filter(is_active=True).select_related("credential", "officer"):
        if assignment.officer_id in withdrawn:
            continue
        if valid_credential(assignment.officer, on) is not None:
            found.append(assignment)
    return found


def _require_two_officers(case, on: date, officers=None) -> None:
    qualified = {a.officer_id for a in qualified_officers(case, on)}
    if officers is not None:
        ids = {o.pk for o in officers}
        missing = ids - qualified
        if missing:
            raise CaseError(
                _("Every officer named must be assigned to the case with a valid enforcement ID.")
            )
        qualified = ids
    if len(qualified) < rules.MIN_OFFICERS:
        raise CaseError(
            _(
                "At least two officers with valid enforcement IDs must be assigned (art. 42); the case has %(count)s."
            )
            % {"count": len(qualified)},
            code="two_officers",
        )


def apply_recusal(*, case, officer, applied_by: str, reason: str, by, at=None) -> Recusal:
    """Record a recusal application (art. 43); the case goes on while the head decides."""
    at = _now(at)
    reason = _text(reason, "reason", _("Give the reason for the recusal."))
    applied_by = _text(applied_by, "applied_by", _("Say who applied."), max_length=60)
    with transaction.atomic():
        case = lock(case)
        _require_role(
            by,
            case,
            Role.ENFORCEMENT_OFFICER,
            Role.DEPARTMENT_HEAD,
            what=_("Only enforcement staff may record a recusal."),
        )
        if not case.officers.filter(officer=officer).exists():
            raise CaseError(_("That officer is not on this case."))
        recusal = Recusal.objects.create(
            case=case, officer=officer, applied_by=applied_by, reason=reason, applied_at=at
        )
        _label(case, "recusal", by=by, note=f"{person_name(officer)}: {reason}", at=at)
        _save(case)
    return recusal


def decide_recusal(*, recusal, by, grant: bool, at=None) -> Recusal:
    at = _now(at)
    with transaction.atomic():
        case = lock(recusal.case)
        _require_head(by, case)
        recusal = Recusal.objects.select_for_update().get(pk=recusal.pk)
        if recusal.outcome != RecusalOutcome.PENDING:
            return recusal
        recusal.outcome = RecusalOutcome.GRANTED if grant else RecusalOutcome.REFUSED
        recusal.decided_by, recusal.decided_at = by, at
        recusal.save()
        if grant:
            case.officers.filter(officer=recusal.officer).update(is_active=False)
        _label(
            case,
            "recusal-decided",
            by=by,
            note=f"{person_name(recusal.officer)}: {recusal.get_outcome_display()}",
            at=at,
        )
        _save(case)
    return recusal


# --- registration ----------------------------------------------------------------------------------


def check_limitation(case, on: date | None = None) -> date:
    """Art. 36: refuse when the act was discovered after the limitation ran out; return the last day."""
    last_day = clocks.limitation_last_day(case)
    discovered = case.discovered_on
    if discovered > last_day:
        raise CaseError(
            _(
                "The limitation period has run: the act of %(act)s could be penalised only if discovered by "
                "%(last)s (%(years)s years, art. 36), but it was discovered on %(found)s."
            )
            % {
                "act": date_format(case.act_ended_on, "DATE_FORMAT"),
                "last": date_format(last_day, "DATE_FORMAT"),
                "years": clocks.limitation_years(case),
                "found": date_format(discovered, "DATE_FORMAT"),
            },
            code="limitation",
        )
    return last_day


def request_registration(
    *,
    case,
    by,
    power_version,
    cause: str,
    opinion: str,
    prima_facie: bool,
    penalty_due: bool,
    in_jurisdiction: bool,
    at=None,
) -> EnforcementCase:
    """The handler's registration request (立案审批表): the four conditions of SAMR art. 19 (the fourth,
    the limitation, computed), the matter on the power list, the party, and two qualified officers."""
    at = _now(at)
    cause = _text(cause, "cause", _("Give the cause of action."), max_length=200)
    opinion = _text(opinion, "opinion", _("Give the handler's opinion."))
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if not (prima_facie and penalty_due and in_jurisdiction):
            raise CaseError(
                _(
                    "A case is registered only when there is prima facie evidence, a penalty is due and the case is within the bureau's jurisdiction; otherwise decide not to register it."
                ),
                code="conditions",
            )
        _check_power_version(case, power_version)
        if not case.party_kind:
            raise CaseError(_("Name the party before registering."), code="party")
        check_limitation(case)
        _require_two_officers(case, timezone.localdate(at))
        case.power_version, case.cause, case.registration_opinion = power_version, cause, opinion
        case.is_repeat_offence = _is_repeat(case)
        transition(
            case, to=S.REGISTRATION_PENDING, actor=by, action="request-registration", note=cause, at=at
        )
        _save(case)
    return case


def _check_power_version(case, version) -> None:
    if not isinstance(version, PowerMatterVersion) or version.matter.township_id != case.township_id:
        raise CaseError(
            _("Choose a matter of this township's power list."),
            field_errors={"power_version": [_("Not on the list.")]},
        )
    if version.status != PowerStatus.ACTIVE or version.kind != PowerKind.PENALTY:
        raise CaseError(
            _("That matter is not an administrative penalty in force."),
            field_errors={"power_version": [_("Not in force.")]},
        )


def approve_registration(*, case, by, at=None) -> EnforcementCase:
    """The head approves: the case is registered, the 90-day decision limit starts (art. 60)."""
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        if case.status == S.INVESTIGATING and case.registered_by_id:
            return case  # a retry
        check_limitation(case)
        _require_two_officers(case, timezone.localdate(at))
        transition(case, to=S.INVESTIGATING, actor=by, action="register", at=at)
        case.registered_at, case.registered_by = at, by
        kernel.close_deadline(case, kind="clue-check", at=at, actor=by)
        clocks.open_calendar_deadline(
            case,
            kind="decision",
            label=_("Decide the case (90 days, art. 60)"),
            due=clocks.decision_due_date(case, 0),
            at=at,
            actor=by,
        )
        issue_case_document(case, "registration", by=by, at=at)
        _save(case)
    return case


def refuse_registration(*, case, by, reason: str, at=None) -> EnforcementCase:
    """不予立案 with reasons (SAMR art. 20), approved by the head."""
    at = _now(at)
    reason = _text(reason, "reason", _("Give the reasons for not registering."))
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        transition(case, to=S.NOT_REGISTERED, actor=by, action="not-register", note=reason, at=at)
        case.not_registered_reason = reason
        kernel.close_deadline(case, kind="clue-check", at=at, actor=by)
        _save(case)
    return case


# --- investigation ---------------------------------------------------------------------------------


def _evidence_from_upload(case, upload, *, kind, title, by, at, place="", record=None) -> EvidenceItem:
    if upload.size > MAX_EVIDENCE_BYTES:
        raise CaseError(_("A file may be at most 50 MB."), field_errors={"file": [_("Too large.")]})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    existing = case.evidence.filter(sha256=sha256).first()
    if existing is not None:
        return existing  # the same file again (a retried upload)
    upload.seek(0)
    name = (upload.name or "file").replace("\x00", "")[-200:]
    item = EvidenceItem(
        case=case,
        record=record,
        kind=kind,
        title=title,
        file_name=name,
        mime_type=(getattr(upload, "content_type", "") or mimetypes.guess_type(name)[0] or "")[:60],
        size=upload.size,
        sha256=sha256,
        collected_at=at,
        collected_by=by,
        place=place[:200],
    )
    item.file.save(sha256, upload, save=False)
    item.save()
    return item


def add_evidence(
    *, case, by, kind: str, title: str, file=None, collected_at=None, place: str = "", at=None
) -> EvidenceItem:
    """One item of the eight kinds (art. 46); a file is kept with its SHA-256 (the same file twice is one item)."""
    at = _now(at)
    collected_at = collected_at or at
    if kind not in EvidenceKind.values:
        raise CaseError(
            _("Choose one of the eight kinds of evidence."), field_errors={"kind": [_("Unknown kind.")]}
        )
    title = _text(title, "title", _("Describe the evidence."), max_length=200)
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status not in OPEN_INVESTIGATION:
            raise CaseError(_("Evidence is gathered after registration and before the decision."))
        if file is not None:
            item = _evidence_from_upload(
                case, file, kind=kind, title=title, by=by, at=collected_at, place=place
            )
        else:
            item = EvidenceItem.objects.create(
                case=case,
                kind=kind,
                title=title,
                collected_at=collected_at,
                collected_by=by,
                place=place[:200],
            )
        _label(
            case,
            "evidence",
            by=by,
            note=f"{item.get_kind_display()}: {title}"
            + (f" SHA-256 {item.sha256[:16]}…" if item.sha256 else ""),
            at=at,
        )
        _save(case)
    return item


def record_investigation(
    *,
    case,
    by,
    kind: str,
    officers,
    started_at,
    ended_at,
    place: str,
    content: str,
    subject_name: str = "",
    subject_id_number: str = "",
    subject_relation: str = "",
    weather: str = "",
    witness: str = "",
    refused_to_sign: bool = False,
    photos=(),
    at=None,
) -> InvestigationRecord:
    """An interview or site-inspection record, made by at least two officers of the case (art. 42, 55),
    with its photos as evidence, issued as a numbered document."""
    at = _now(at)
    if kind not in RecordKind.values:
        raise CaseError(_("Choose interview or site inspection."))
    place = _text(place, "place", _("Give the place."), max_length=200)
    content = _text(content, "content", _("Write the record."), max_length=20000)
    if not isinstance(started_at, datetime) or not isinstance(ended_at, datetime) or ended_at < started_at:
        raise CaseError(
            _("Give the start and the end; the end cannot come before the start."),
            field_errors={"ended_at": [_("Before the start.")]},
        )
    if ended_at > at:
        raise CaseError(
            _("A record cannot end in the future."), field_errors={"ended_at": [_("In the future.")]}
        )
    if subject_id_number:
        subject_id_number = normalise(subject_id_number)
        try:
            validate_id_number(subject_id_number)
        except ValidationError as error:
            raise CaseError(error.messages[0], field_errors={"subject_id_number": error.messages}) from None
    if kind == RecordKind.INTERVIEW and not subject_name:
        raise CaseError(_("Name the person interviewed."), field_errors={"subject_name": [_("Required.")]})
    officers = list(officers)
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status not in OPEN_INVESTIGATION:
            raise CaseError(_("Records are made after registration and before the decision."))
        _require_two_officers(case, timezone.localdate(started_at), officers)
        record = InvestigationRecord.objects.create(
            case=case,
            kind=kind,
            started_at=started_at,
            ended_at=ended_at,
            place=place,
            recorder=by,
            subject_name=subject_name[:60],
            subject_id_number=subject_id_number,
            subject_relation=subject_relation[:60],
            weather=weather[:30],
            witness=witness[:60],
            content=content,
            refused_to_sign=bool(refused_to_sign),
        )
        record.officers.set(officers)
        for index, photo in enumerate(photos, start=1):
            _evidence_from_upload(
                case,
                photo,
                kind=EvidenceKind.AUDIOVISUAL,
                title=_("Photo %(n)s of the %(record)s") % {"n": index, "record": record.get_kind_display()},
                by=by,
                at=ended_at,
                place=place,
                record=record,
            )
        record.document = issue_case_document(case, kind, by=by, at=at, extra={"record": record})
        record.save(update_fields=["document"])
        _label(
            case, "interview" if kind == RecordKind.INTERVIEW else "site-inspection", by=by, note=place, at=at
        )
        _save(case)
    return record


def request_measure(
    *, case, by, kind: str, items: str, storage_place: str, reason: str, at=None
) -> PreservationMeasure:
    at = _now(at)
    if kind not in MeasureKind.values:
        raise CaseError(_("Choose preservation, sealing or seizure."))
    items = _text(items, "items", _("List the items."))
    storage_place = _text(storage_place, "storage_place", _("Say where the items are kept."), max_length=200)
    reason = _text(reason, "reason", _("Give the reason."))
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status not in OPEN_INVESTIGATION:
            raise CaseError(_("Measures are taken during the investigation."))
        measure = PreservationMeasure.objects.create(
            case=case,
            kind=kind,
            items=items,
            storage_place=storage_place,
            reason=reason,
            requested_by=by,
            requested_at=at,
        )
        _label(case, "preservation-requested", by=by, note=measure.get_kind_display(), at=at)
        _save(case)
    return measure


def approve_measure(*, measure, by, at=None) -> PreservationMeasure:
    """The head approves: preservation must be decided within 7 working days (art. 56); sealing or
    seizure lasts at most 30 days (行政强制法 art. 25)."""
    at = _now(at)
    with transaction.atomic():
        case = lock(measure.case)
        _require_head(by, case)
        measure = PreservationMeasure.objects.select_for_update().get(pk=measure.pk)
        if measure.status != MeasureStatus.REQUESTED:
            return measure
        measure.status, measure.approved_by, measure.started_at = MeasureStatus.IN_FORCE, by, at
        measure.save()
        if measure.kind == MeasureKind.PRESERVATION:
            clocks.open_working_deadline(
                case,
                kind=measure.deadline_kind,
                label=_("Decide on the preserved evidence (7 working days)"),
                days=rules.PRESERVATION_DECISION_WORKING_DAYS,
                at=at,
                actor=by,
            )
        else:
            clocks.open_calendar_deadline(
                case,
                kind=measure.deadline_kind,
                label=_("Sealing or seizure ends (30 days)"),
                due=clocks.calendar_due(timezone.localdate(at), rules.SEALING_DAYS),
                at=at,
                actor=by,
            )
        measure.document = issue_case_document(case, "preservation", by=by, at=at, extra={"measure": measure})
        measure.save(update_fields=["document"])
        _label(case, "preservation-approved", by=by, note=measure.get_kind_display(), at=at)
        _save(case)
    return measure


def extend_measure(*, measure, by, at=None) -> PreservationMeasure:
    """Sealing or seizure: +30 days once, with the head's approval, before it ends."""
    at = _now(at)
    with transaction.atomic():
        case = lock(measure.case)
        _require_head(by, case)
        measure = PreservationMeasure.objects.select_for_update().get(pk=measure.pk)
        if measure.kind == MeasureKind.PRESERVATION:
            raise CaseError(_("Evidence preservation cannot be extended: decide within 7 working days."))
        if measure.status != MeasureStatus.IN_FORCE or measure.extended:
            raise CaseError(_("This measure cannot be extended (again)."))
        deadline = clocks.open_deadline_of(case, measure.deadline_kind)
        if deadline is None or deadline.due_at <= at:
            raise CaseError(_("The measure has already run out; it can no longer be extended."))
        due = clocks.calendar_due(
            timezone.localdate(measure.started_at), rules.SEALING_DAYS + rules.SEALING_EXTENSION_DAYS
        )
        deadline.limit_value += rules.SEALING_EXTENSION_DAYS
        clocks.sync_due(deadline, due)
        measure.extended = True
        measure.save()
        _label(case, "sealing-extended", by=by, note=date_format(due, "DATE_FORMAT"), at=at)
        _save(case)
    return measure


def decide_measure(*, measure, by, outcome: str, at=None) -> PreservationMeasure:
    at = _now(at)
    outcome = _text(outcome, "outcome", _("Say what is decided about the items."))
    with transaction.atomic():
        case = lock(measure.case)
        _require_officer(by, case)
        measure = PreservationMeasure.objects.select_for_update().get(pk=measure.pk)
        if measure.status != MeasureStatus.IN_FORCE:
            return measure
        measure.status, measure.decided_at, measure.outcome = MeasureStatus.DECIDED, at, outcome
        measure.save()
        kernel.close_deadline(case, kind=measure.deadline_kind, at=at, actor=by)
        _label(case, "preservation-decided", by=by, note=outcome, at=at)
        _save(case)
    return measure


def issue_order_to_correct(*, case, by, correct_by: date, requirement: str, at=None):
    at = _now(at)
    requirement = _text(requirement, "requirement", _("Say what must be corrected."))
    if not isinstance(correct_by, date) or correct_by < timezone.localdate(at):
        raise CaseError(
            _("The date to correct by cannot be in the past."),
            field_errors={"correct_by": [_("In the past.")]},
        )
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status not in OPEN_INVESTIGATION:
            raise CaseError(_("An order to correct is issued during the case."))
        document = issue_case_document(
            case,
            "order_to_correct",
            by=by,
            at=at,
            extra={"correct_by": correct_by, "requirement": requirement},
        )
        _label(case, "order-to-correct", by=by, note=document.number, at=at)
        _save(case)
    return document


# --- proposal, discretion, review --------------------------------------------------------------------


def band_check(band: DiscretionBand, fine: Decimal) -> bool:
    """Whether a fine falls in the band's range (an open end is no limit)."""
    if band.fine_min is not None and fine < band.fine_min:
        return False
    return not (band.fine_max is not None and fine > band.fine_max)


def propose_penalty(
    *,
    case,
    by,
    band,
    fine,
    facts: str,
    warning: bool = False,
    confiscation=0,
    other_penalties: str = "",
    deviation_reason: str = "",
    mitigating_ground: str = "",
    at=None,
) -> PenaltyProposal:
    """A new version of the intended penalty, in a band of the case's matter. Outside the band it needs a
    written reason now, and a passed legal review and a collective discussion before the decision."""
    at = _now(at)
    fine = _money(fine, "fine")
    confiscation = _money(confiscation, "confiscation")
    facts = _text(facts, "facts", _("State the facts and the evidence."))
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if not isinstance(band, DiscretionBand) or band.version_id != case.power_version_id:
            raise CaseError(
                _("Choose a discretion band of the case's matter."),
                field_errors={"band": [_("Not a band of this matter.")]},
            )
        if not fine and not warning and not confiscation and not other_penalties:
            raise CaseError(
                _(
                    "A proposal needs a penalty; for no penalty, the head chooses it at the end of the investigation."
                )
            )
        outside = not band_check(band, fine)
        deviation_reason = (deviation_reason or "").replace("\x00", "").strip()
        if outside and not deviation_reason:
            raise CaseError(
                _(
                    "A fine of %(fine)s yuan is outside the band “%(band)s” (%(min)s–%(max)s yuan): give a written reason, or choose the band whose conditions the facts meet."
                )
                % {
                    "fine": f"{fine:,.2f}",
                    "band": band.get_tier_display(),
                    "min": _amount(band.fine_min),
                    "max": _amount(band.fine_max),
                },
                code="outside_band",
                field_errors={"deviation_reason": [_("Required outside the band.")]},
            )
        if outside and band.fine_min is not None and fine < band.fine_min and not mitigating_ground.strip():
            raise CaseError(
                _("A reduced penalty below the band needs a legal ground (arts 30–33)."),
                field_errors={"mitigating_ground": [_("Required for a reduced penalty.")]},
            )
        version = (case.proposals.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        proposal = PenaltyProposal.objects.create(
            case=case,
            version=version,
            band=band,
            warning=bool(warning),
            fine=fine,
            confiscation=confiscation,
            other_penalties=(other_penalties or "")[:200],
            facts=facts,
            outside_band=outside,
            deviation_reason=deviation_reason,
            mitigating_ground=mitigating_ground.strip()[:200],
            proposed_by=by,
            proposed_at=at,
        )
        case.current_proposal = proposal
        note = proposal.describe() + (" — " + _("outside the band") if outside else "")
        if case.status in (S.NOTIFIED, S.HEARD) and not _heavier(proposal, case.notified_proposal):
            # lighter than notified (e.g. after the party's defence): no new notice needed (art. 45)
            _label(case, "propose", by=by, note=note, at=at)
        else:
            action = "repropose" if case.status in (S.NOTIFIED, S.HEARD) else "propose"
            transition(case, to=S.PROPOSED, actor=by, action=action, note=note, at=at)
            if action == "repropose":
                kernel.close_deadline(case, kind="hearing-request", at=at, actor=by)
        _save(case)
    return proposal


def _amount(value) -> str:
    return "—" if value is None else f"{value:,.0f}"


def conclude_investigation(
    *, case, by, choice: str, report: str, education_record: str = "", at=None
) -> EnforcementCase:
    """The end-of-investigation report and the head's choice (art. 57)."""
    at = _now(at)
    report = _text(report, "report", _("Write the end-of-investigation report."))
    if choice not in HeadChoice.values:
        raise CaseError(_("Choose the outcome."))
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        case.head_choice, case.investigation_report = choice, report
        if choice == HeadChoice.PENALTY:
            if case.status != S.PROPOSED or case.current_proposal_id is None:
                raise CaseError(
                    _("A penalty is chosen on the officers' proposal: propose the penalty first.")
                )
            _label(case, "conclude", by=by, note=case.get_head_choice_display(), at=at)
        elif choice == HeadChoice.NO_PENALTY_MINOR:
            if not case.power_version.first_offence_exemption:
                raise CaseError(
                    _("This matter is not on the first-offence no-penalty list."), code="first_offence"
                )
            case.is_repeat_offence = _is_repeat(case)
            if case.is_repeat_offence:
                raise CaseError(
                    _("The party has an earlier violation of the same matter: this is not a first offence."),
                    code="repeat_offence",
                )
            case.education_record = _text(
                education_record, "education_record", _("Record how the party was educated (art. 33).")
            )
            transition(case, to=S.DECIDED, actor=by, action="choose-no-penalty", note=report[:200], at=at)
            case.decided_at = at
            case.decision_number = official_number(case, "no_penalty", at)
            case.decision_document = issue_case_document(case, "no_penalty", by=by, at=at)
            kernel.close_deadline(case, kind="decision", at=at, actor=by)
            clocks.open_working_deadline(
                case,
                kind="service",
                label=_("Serve the decision (7 working days)"),
                days=rules.SERVICE_WORKING_DAYS,
                at=at,
                actor=by,
            )
            _label(case, "education", by=by, note=case.education_record, at=at)
        elif choice == HeadChoice.NOT_ESTABLISHED:
            transition(
                case, to=S.CLOSING, actor=by, action="choose-not-established", note=report[:200], at=at
            )
            case.closing_reason = report
            kernel.close_deadline(case, kind="decision", at=at, actor=by)
        else:
            transition(case, to=S.TRANSFERRED, actor=by, action="choose-transfer", note=report[:200], at=at)
            kernel.close_deadline(case, kind="decision", at=at, actor=by)
        _save(case)
    return case


def legal_review_reasons(case, proposal: PenaltyProposal | None = None) -> list[str]:
    """Why a legal review is required before the decision (art. 58 and the local catalogue); empty: not required."""
    proposal = proposal or case.current_proposal
    reasons = []
    if case.power_version_id and case.power_version.legal_review_required:
        reasons.append(_("the power list requires it for this matter"))
    if proposal is not None:
        threshold = rules.legal_review_threshold_for(case)
        if threshold is not None and proposal.fine + proposal.confiscation >= threshold:
            reasons.append(_("the amount reaches %(amount)s yuan") % {"amount": f"{threshold:,.0f}"})
        if any(word in proposal.other_penalties for word in rules.LEGAL_REVIEW_PENALTY_WORDS):
            reasons.append(_("the penalty stops the business or revokes a licence"))
        if proposal.outside_band:
            reasons.append(_("the penalty is outside the discretion band"))
    if Hearing.objects.filter(case=case, held_at__isnull=False).exists():
        reasons.append(_("a hearing was held"))
    if case.is_complex:
        reasons.append(_("the case is complex or serious"))
    return reasons


def discussion_required(case, proposal=None) -> bool:
    proposal = proposal or case.current_proposal
    return case.is_complex or bool(proposal and proposal.outside_band)


def hearing_right(case, proposal=None) -> bool:
    """Art. 63: a large fine (per province and domain) or a heavy penalty type."""
    proposal = proposal or case.current_proposal
    if proposal is None:
        return False
    return rules.hearing_threshold_for(case).applies_to(proposal.fine + proposal.confiscation) or any(
        word in proposal.other_penalties for word in rules.HEARING_PENALTY_WORDS
    )


def record_legal_review(*, case, by, findings: dict, outcome: str, opinion: str, at=None) -> LegalReview:
    """法制审核 of the current proposal: a finding on each of the seven points, by a qualified reviewer who
    did not investigate the case."""
    at = _now(at)
    opinion = _text(opinion, "opinion", _("Write the review opinion."))
    if outcome not in ReviewOutcome.values:
        raise CaseError(_("Choose the outcome of the review."))
    clean = {}
    for key, label in REVIEW_POINTS:
        finding = findings.get(key) if isinstance(findings, dict) else None
        if not isinstance(finding, dict) or not isinstance(finding.get("ok"), bool):
            raise CaseError(
                _("Record a finding on every review point: %(point)s.") % {"point": label},
                field_errors={key: [_("Required.")]},
            )
        clean[key] = {"ok": finding["ok"], "note": str(finding.get("note", "")).replace("\x00", "")[:500]}
    if outcome == ReviewOutcome.PASSED and not all(f["ok"] for f in clean.values()):
        raise CaseError(
            _(
                "A review can pass only when every point is found in order; otherwise return it for correction."
            ),
            code="review_points",
        )
    with transaction.atomic():
        case = lock(case)
        _require_role(
            by, case, Role.LEGAL_REVIEWER, what=_("Only a legal reviewer may record a legal review.")
        )
        credential = valid_credential(by, timezone.localdate(at), CredentialKind.LEGAL_REVIEW)
        if credential is None:
            raise CaseError(_("You hold no valid legal-reviewer appointment."), code="reviewer")
        since = parse_date(rules.FIRST_TIME_REVIEWER_SINCE)
        if (
            credential.first_appointed_on
            and credential.first_appointed_on >= since
            and not credential.legal_qualification
        ):
            raise CaseError(
                _(
                    "A first-time legal reviewer needs the national legal professional qualification (art. 58)."
                ),
                code="reviewer",
            )
        if case.officers.filter(officer=by).exists():
            raise CaseError(_("An officer who investigated the case cannot review it."), code="reviewer")
        if case.current_proposal_id is None or case.status not in (S.PROPOSED, S.NOTIFIED, S.HEARD):
            raise CaseError(_("There is no proposal waiting for review."))
        review = LegalReview.objects.create(
            case=case,
            proposal=case.current_proposal,
            reviewer=by,
            credential=credential,
            findings=clean,
            outcome=outcome,
            opinion=opinion,
            reviewed_at=at,
        )
        _label(
            case,
            "legal-review",
            by=by,
            note=f"v{case.current_proposal.version} {review.get_outcome_display()}: {opinion}",
            at=at,
        )
        _save(case)
    return review


def record_collective_discussion(
    *,
    case,
    by,
    held_at,
    place: str,
    heads_present: str,
    presenter: str,
    opinions: str,
    conclusion: str,
    extension_days: int = 0,
    at=None,
) -> CollectiveDiscussion:
    at = _now(at)
    fields = {
        "place": _text(place, "place", _("Give the place."), max_length=100),
        "heads_present": _text(heads_present, "heads_present", _("Name the heads present."), max_length=300),
        "presenter": _text(presenter, "presenter", _("Name the presenter."), max_length=60),
        "opinions": _text(opinions, "opinions", _("Record the opinions.")),
        "conclusion": _text(conclusion, "conclusion", _("Record the conclusion.")),
    }
    if (
        not isinstance(extension_days, int)
        or isinstance(extension_days, bool)
        or not 0 <= extension_days <= 365
    ):
        raise CaseError(_("The extension is a number of days from 0 to 365."))
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        if case.status not in OPEN_INVESTIGATION:
            raise CaseError(_("Collective discussion takes place before the decision."))
        discussion = CollectiveDiscussion.objects.create(
            case=case,
            proposal=case.current_proposal,
            held_at=held_at,
            recorded_by=by,
            extension_days=extension_days,
            **fields,
        )
        _label(case, "collective-discussion", by=by, note=fields["conclusion"], at=at)
        _save(case)
    return discussion


# --- advance notice and hearing ----------------------------------------------------------------------


def serve_advance_notice(
    *, case, by, served_at, method: str = ServiceMethod.DIRECT, recipient: str = "", at=None
) -> EnforcementCase:
    """事先告知 (art. 44): the intended penalty, facts, reasons, basis and the rights to state, defend and
    (where art. 63 applies) request a hearing within 5 working days."""
    at = _now(at)
    served_at = served_at or at
    if method not in ServiceMethod.values:
        raise CaseError(_("Choose how the notice was served."))
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.head_choice != HeadChoice.PENALTY:
            raise CaseError(
                _("The head has not chosen a penalty at the end of the investigation."), code="head_choice"
            )
        if served_at > at:
            raise CaseError(_("The notice cannot be served in the future."))
        transition(
            case, to=S.NOTIFIED, actor=by, action="notify", note=case.current_proposal.describe(), at=at
        )
        case.notified_proposal = case.current_proposal
        case.notice_served_at = served_at
        case.rights_waived_at = None
        right = hearing_right(case)
        document = issue_case_document(case, "advance_notice", by=by, at=at, extra={"hearing_right": right})
        ServiceRecord.objects.create(
            case=case,
            document=document,
            method=method,
            recipient=(recipient or case.party_name)[:60],
            served_at=served_at,
            servers=", ".join(
                person_name(a.officer) for a in case.officers.filter(is_active=True).select_related("officer")
            )[:120]
            or person_name(by),
            recorded_by=by,
        )
        if right:
            clocks.open_working_deadline(
                case,
                kind="hearing-request",
                label=_("Party may request a hearing (5 working days)"),
                days=rules.HEARING_REQUEST_WORKING_DAYS,
                at=served_at,
                actor=by,
            )
        _save(case)
    return case


def hearing_request_last_day(case) -> date:
    return clocks.working_due(timezone.localdate(case.notice_served_at), rules.HEARING_REQUEST_WORKING_DAYS)


def record_waiver(*, case, by, at=None) -> EnforcementCase:
    """The party's explicit written waiver of statement, defence and hearing (art. 62)."""
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status != S.NOTIFIED:
            raise CaseError(_("A waiver is recorded after the advance notice."))
        if case.rights_waived_at is None:
            case.rights_waived_at = at
            kernel.close_deadline(case, kind="hearing-request", at=at, actor=by)
            _label(case, "waive", by=by, at=at)
            _save(case)
    return case


def request_hearing(*, case, by, requested_at=None, at=None) -> Hearing:
    """The party asks for a hearing: only where art. 63 gives the right, within 5 working days of the
    notice (art. 64(1)). The 90-day limit stops counting until the hearing is held."""
    at = _now(at)
    requested_at = requested_at or at
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status == S.HEARING:
            return case.hearing
        if case.status != S.NOTIFIED:
            raise CaseError(_("A hearing can be requested only after the advance notice."))
        if not hearing_right(case, case.notified_proposal):
            raise CaseError(
                _("The intended penalty does not carry a right to a hearing (art. 63)."),
                code="no_hearing_right",
            )
        last_day = hearing_request_last_day(case)
        requested_on = timezone.localdate(requested_at)
        if requested_on > last_day:
            raise CaseError(
                _(
                    "The hearing had to be requested by %(last)s (5 working days after the notice served on %(served)s); it was asked for on %(asked)s."
                )
                % {
                    "last": date_format(last_day, "DATE_FORMAT"),
                    "served": date_format(timezone.localdate(case.notice_served_at), "DATE_FORMAT"),
                    "asked": date_format(requested_on, "DATE_FORMAT"),
                },
                code="hearing_request_late",
            )
        transition(case, to=S.HEARING, actor=by, action="request-hearing", at=requested_at)
        hearing = Hearing.objects.create(case=case, requested_at=requested_at)
        kernel.close_deadline(case, kind="hearing-request", at=requested_at, actor=by)
        _suspend(case, SuspensionKind.HEARING, requested_on, by=by, at=at)
        _save(case)
    return hearing


def notify_hearing(
    *,
    case,
    by,
    scheduled_at: datetime,
    place: str,
    presider,
    notified_at=None,
    is_public: bool = True,
    at=None,
) -> Hearing:
    """听证通知: time and place at least 7 working days ahead (art. 64(2)); a presider who did not
    investigate."""
    at = _now(at)
    notified_at = notified_at or at
    place = _text(place, "place", _("Give the place of the hearing."), max_length=200)
    if not isinstance(scheduled_at, datetime) or timezone.is_naive(scheduled_at):
        raise CaseError(
            _("Give the date and time of the hearing."), field_errors={"scheduled_at": [_("Required.")]}
        )
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status != S.HEARING:
            raise CaseError(_("No hearing has been requested."))
        if case.officers.filter(officer=presider).exists():
            raise CaseError(
                _("The presider must not be an officer who investigated the case (art. 64)."),
                field_errors={"presider": [_("An investigator.")]},
            )
        earliest = clocks.working_due(timezone.localdate(notified_at), rules.HEARING_NOTICE_WORKING_DAYS)
        if timezone.localdate(scheduled_at) < earliest:
            raise CaseError(
                _(
                    "The party must be told 7 working days ahead: notified on %(notified)s, the hearing can be held on %(earliest)s at the earliest."
                )
                % {
                    "notified": date_format(timezone.localdate(notified_at), "DATE_FORMAT"),
                    "earliest": date_format(earliest, "DATE_FORMAT"),
                },
                code="hearing_notice_short",
                field_errors={"scheduled_at": [_("Too soon.")]},
            )
        hearing = case.hearing
        hearing.notified_at, hearing.scheduled_at, hearing.place, hearing.presider, hearing.is_public = (
            notified_at,
            scheduled_at,
            place,
            presider,
            bool(is_public),
        )
        hearing.save()
        issue_case_document(case, "hearing_notice", by=by, at=at, extra={"hearing": hearing})
        _label(
            case,
            "hearing-notice",
            by=by,
            note=f"{date_format(timezone.localtime(scheduled_at), 'DATETIME_FORMAT')} {place}",
            at=at,
        )
        _save(case)
    return hearing


def hold_hearing(*, case, by, held_at, record: str, party_absent: bool = False, at=None) -> Hearing:
    at = _now(at)
    record = _text(record, "record", _("Write the hearing record."), max_length=20000)
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status != S.HEARING:
            raise CaseError(_("No hearing is pending."))
        hearing = case.hearing
        if hearing.scheduled_at is None:
            raise CaseError(_("Notify the party of the hearing first."))
        if timezone.localdate(held_at) < timezone.localdate(hearing.scheduled_at):
            raise CaseError(_("The hearing cannot be held before the notified date."))
        hearing.held_at, hearing.record, hearing.party_absent = held_at, record, bool(party_absent)
        hearing.save()
        transition(case, to=S.HEARD, actor=by, action="hold-hearing", at=held_at)
        _end_suspension(case, SuspensionKind.HEARING, timezone.localdate(held_at), by=by, at=at)
        issue_case_document(case, "hearing_record", by=by, at=at, extra={"hearing": hearing})
        _save(case)
    return hearing


# --- time not counted, extensions ----------------------------------------------------------------------


def _sync_decision_deadline(case) -> None:
    deadline = clocks.open_deadline_of(case, "decision")
    if deadline is None:
        return
    due = clocks.decision_due_date(case)
    deadline.limit_value = (due - timezone.localdate(deadline.clock_started_at)).days
    clocks.sync_due(deadline, due)


def _suspend(case, kind, started_on, *, by, at):
    if _open_suspension(case, kind) is not None:
        return
    Suspension.objects.create(case=case, kind=kind, started_on=started_on)
    if kind in clocks.DECISION_PAUSES and clocks.open_deadline_of(case, "decision") is not None:
        kernel.pause_deadline(case, kind="decision", at=at, actor=by, note=SuspensionKind(kind).label)
    else:
        _label(case, "suspend", by=by, note=SuspensionKind(kind).label, at=at)


def _end_suspension(case, kind, ended_on, *, by, at):
    suspension = _open_suspension(case, kind)
    if suspension is None:
        return
    if ended_on < suspension.started_on:
        raise CaseError(_("The period cannot end before it began."))
    suspension.ended_on = ended_on
    suspension.save()
    deadline = clocks.open_deadline_of(case, "decision")
    if kind in clocks.DECISION_PAUSES and deadline is not None and deadline.clock_paused_at is not None:
        kernel.resume_deadline(case, kind="decision", at=at, actor=by)
        _sync_decision_deadline(case)
    else:
        _label(case, "suspend-end", by=by, note=SuspensionKind(kind).label, at=at)


def suspend(*, case, by, kind: str, started_on: date, note: str = "", at=None) -> Suspension:
    """A period not counted: public notice or testing (decision limit); review or litigation (late fee)."""
    at = _now(at)
    if kind not in SuspensionKind.values or kind == SuspensionKind.HEARING:
        raise CaseError(_("Choose public notice, testing, review or litigation."))
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case, on_case=False)
        if kind in clocks.DECISION_PAUSES and case.status not in OPEN_INVESTIGATION:
            raise CaseError(_("Only time before the decision can be left out of the decision limit."))
        if kind in clocks.LATE_FEE_PAUSES and case.status not in (S.SERVED, S.COURT):
            raise CaseError(_("Review and litigation periods are recorded after the decision is served."))
        _suspend(case, kind, started_on, by=by, at=at)
        _save(case)
    return _open_suspension(case, kind)


def end_suspension(*, case, by, kind: str, ended_on: date, at=None) -> EnforcementCase:
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case, on_case=False)
        _end_suspension(case, kind, ended_on, by=by, at=at)
        _save(case)
    return case


def extend_decision_limit(*, case, by, days: int, reason: str, at=None) -> EnforcementCase:
    """Beyond 90 days: up to +30 with the head's approval; further only as far as a collective
    discussion of the case set. Refused once the limit has run out."""
    at = _now(at)
    reason = _text(reason, "reason", _("Give the reason for the extension."))
    if not isinstance(days, int) or isinstance(days, bool) or days <= 0:
        raise CaseError(
            _("The extension is a number of days, one or more."), field_errors={"days": [_("Whole days.")]}
        )
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        if case.status not in OPEN_INVESTIGATION:
            raise CaseError(_("Only an undecided case's limit can be extended."))
        due = clocks.decision_due_date(case)
        if timezone.localdate(at) > due:
            raise CaseError(
                _("The decision limit ran out on %(due)s; it can no longer be extended.")
                % {"due": date_format(due, "DATE_FORMAT")},
                code="expired",
            )
        total = case.decision_extension_days + days
        head_days = rules.head_extension_days(case.township_id)
        allowed = head_days + sum(case.discussions.values_list("extension_days", flat=True))
        if total > allowed:
            raise CaseError(
                _(
                    "The head may extend the decision limit by %(head)s days; beyond that (here %(total)s days in all) only as far as a collective discussion of the case decided."
                )
                % {"head": head_days, "total": total},
                code="extension_limit",
            )
        case.decision_extension_days = total
        _sync_decision_deadline(case)
        _label(case, "extend-decision", by=by, note=f"+{days} — {reason}"[:500], at=at)
        _save(case)
    return case


# --- the decision ----------------------------------------------------------------------------------


def decision_blockers(case, at: datetime) -> list[tuple[str, str]]:
    """What stops the decision now, as (code, message); empty when it may be made."""
    found = []
    proposal = case.current_proposal
    if proposal is None:
        return [("proposal", _("There is no proposal to decide."))]
    notified = case.notified_proposal
    if notified is not None and _heavier(proposal, notified):
        found.append(
            (
                "heavier",
                _(
                    "The penalty is heavier than the one in the advance notice (%(notified)s): serve a new notice first (art. 45)."
                )
                % {"notified": notified.describe()},
            )
        )
    if case.status not in (S.NOTIFIED, S.HEARD):
        found.append(("notice", _("The advance notice of this proposal has not been served (art. 44).")))
    if (
        case.status == S.NOTIFIED
        and hearing_right(case, notified)
        and case.rights_waived_at is None
        and timezone.localdate(at) <= hearing_request_last_day(case)
    ):
        found.append(
            (
                "hearing_window",
                _("The party may still request a hearing until %(last)s.")
                % {"last": date_format(hearing_request_last_day(case), "DATE_FORMAT")},
            )
        )
    reasons = legal_review_reasons(case, proposal)
    if reasons:
        latest = case.legal_reviews.filter(proposal=proposal).order_by("-reviewed_at").first()
        if latest is None or latest.outcome != ReviewOutcome.PASSED:
            found.append(
                (
                    "legal_review",
                    _("A passed legal review of this proposal is required (art. 58): %(why)s.")
                    % {"why": "；".join(reasons)},
                )
            )
    if discussion_required(case, proposal) and not case.discussions.filter(proposal=proposal).exists():
        found.append(
            (
                "collective_discussion",
                _("A collective discussion of this proposal by the heads must be recorded (art. 57)."),
            )
        )
    if proposal.outside_band and not proposal.deviation_reason:
        found.append(("outside_band", _("The fine is outside the discretion band without a written reason.")))
    if case.registered_at is not None:
        due = clocks.decision_due_date(case)
        if timezone.localdate(at) > due:
            found.append(
                (
                    "decision_limit",
                    _(
                        "The decision had to be made by %(due)s (90 days from registration, art. 60, plus extensions and time not counted); the head must extend the limit first."
                    )
                    % {"due": date_format(due, "DATE_FORMAT")},
                )
            )
    return found


def _heavier(proposal, notified) -> bool:
    if proposal.pk == notified.pk:
        return False
    return (
        proposal.fine > notified.fine
        or proposal.confiscation > notified.confiscation
        or (proposal.warning and not notified.warning and not notified.fine)
        or bool(proposal.other_penalties and proposal.other_penalties not in notified.other_penalties)
    )


def decide_penalty(*, case, by, at=None) -> EnforcementCase:
    """行政处罚决定 (art. 59), by the head, when every gate is open; numbered, issued, to be served within
    7 working days and published within 7 working days."""
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        if case.status == S.DECIDED:
            return case
        blockers = decision_blockers(case, at)
        if blockers:
            code, message = blockers[0]
            raise CaseError(
                message
                + ("" if len(blockers) == 1 else " " + _("(and %(n)s more)") % {"n": len(blockers) - 1}),
                code=code,
            )
        proposal = case.current_proposal
        transition(case, to=S.DECIDED, actor=by, action="decide", note=proposal.describe(), at=at)
        case.decided_proposal, case.decided_at, case.fine_amount = proposal, at, proposal.fine
        case.decision_number = official_number(case, "decision", at)
        case.decision_document = issue_case_document(case, "decision", by=by, at=at)
        kernel.close_deadline(case, kind="decision", at=at, actor=by)
        clocks.open_working_deadline(
            case,
            kind="service",
            label=_("Serve the decision (7 working days)"),
            days=rules.SERVICE_WORKING_DAYS,
            at=at,
            actor=by,
        )
        publication = rules.publication_limit(case.township_id)
        clocks.open_working_deadline(
            case,
            kind="publication",
            label=_("Publish the decision (%(days)s working days)") % {"days": publication.value},
            days=publication.value,
            at=at,
            actor=by,
        )
        _save(case)
    return case


# the cases' names of their numbered documents -> the legal configuration's document types
DOCUMENT_TYPES = {"decision": "penalty_decision", "no_penalty": "no_penalty_decision"}


def official_number(case, kind: str, at) -> str:
    """The GB/T 9704 number of a document (青综执罚〔2026〕12号), in the township's configured format:
    taken inside the issuing transaction, so a refused step gives its number back."""
    serial = case.number.rsplit("-", 1)[-1]
    return rules.next_document_number(
        township=case.township,
        document_type=DOCUMENT_TYPES.get(kind, kind),
        at=at,
        case_serial=int(serial) if serial.isdigit() else None,
    )


def serve_decision(
    *,
    case,
    by,
    method: str,
    recipient: str,
    served_at=None,
    place: str = "",
    witnesses: str = "",
    notes: str = "",
    published_on: date | None = None,
    at=None,
) -> ServiceRecord:
    """送达 with proof of service. Public notice counts as served 30 days after publication. Service
    starts the 15 days to pay (art. 67)."""
    at = _now(at)
    if method not in ServiceMethod.values:
        raise CaseError(
            _("Choose how the decision was served."), field_errors={"method": [_("Unknown method.")]}
        )
    recipient = _text(recipient, "recipient", _("Name the person who received it."), max_length=60)
    if method == ServiceMethod.LEFT and not witnesses.strip():
        raise CaseError(
            _("A document left at the address needs witnesses or a record."),
            field_errors={"witnesses": [_("Required.")]},
        )
    if method == ServiceMethod.PUBLIC_NOTICE:
        if not isinstance(published_on, date):
            raise CaseError(
                _("Give the date the public notice was published."),
                field_errors={"published_on": [_("Required.")]},
            )
        deemed = clocks.calendar_due(published_on, rules.PUBLIC_NOTICE_SERVICE_DAYS)
        served_at = clocks.end_of_day(deemed) - timedelta(seconds=1)
    served_at = served_at or at
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status == S.SERVED:
            return case.services.get(document=case.decision_document)
        if case.status != S.DECIDED:
            raise CaseError(_("There is no decision waiting to be served."))
        if method != ServiceMethod.PUBLIC_NOTICE and served_at > at:
            raise CaseError(_("Service cannot be recorded in the future."))
        servers = ", ".join(
            person_name(a.officer) for a in case.officers.filter(is_active=True).select_related("officer")
        )[:120] or person_name(by)
        record = ServiceRecord.objects.create(
            case=case,
            document=case.decision_document,
            method=method,
            recipient=recipient,
            place=place[:200],
            served_at=served_at,
            published_on=published_on,
            servers=servers,
            witnesses=witnesses[:120],
            notes=notes[:300],
            recorded_by=by,
        )
        transition(case, to=S.SERVED, actor=by, action="serve", note=record.get_method_display(), at=at)
        case.served_at = served_at
        kernel.close_deadline(case, kind="service", at=at, actor=by)
        if case.fine_amount > 0:
            served_on = timezone.localdate(served_at)
            case.pay_by = clocks.payment_due_date(served_on)
            clocks.open_calendar_deadline(
                case,
                kind="payment",
                label=_("Party pays the fine (15 days)"),
                due=case.pay_by,
                at=served_at,
                actor=by,
            )
        record.proof = issue_case_document(case, "proof_of_service", by=by, at=at, extra={"service": record})
        record.save(update_fields=["proof"])
        _save(case)
    return record


def _late_fee_pauses(case) -> list[tuple[date, date | None]]:
    return [(s.started_on, s.ended_on) for s in case.suspensions.all() if s.kind in clocks.LATE_FEE_PAUSES]


def late_fee_on(case, on: date) -> Decimal:
    """The late fee owed on `on`: on the whole fine after `pay_by`; with instalments, on each unpaid
    instalment after its own day (each capped at its amount, so the total never exceeds the fine)."""
    if case.pay_by is None:
        return Decimal("0.00")
    excluded = _late_fee_pauses(case)
    instalments = [i for i in case.instalments.all() if i.paid_on is None]
    if instalments:
        return sum(
            (clocks.late_fee(fine=i.amount, pay_by=i.due_on, on=on, excluded=excluded) for i in instalments),
            Decimal("0.00"),
        )
    return clocks.late_fee(fine=case.fine_amount, pay_by=case.pay_by, on=on, excluded=excluded)


def next_instalment(case) -> PaymentInstalment | None:
    return case.instalments.filter(paid_on__isnull=True).order_by("sequence").first()


def record_payment(*, case, by, paid_on: date, amount, at=None) -> EnforcementCase:
    """The bank's receipt: the fine plus any late fee due on that day (art. 72)."""
    at = _now(at)
    amount = _money(amount, "amount")
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case, on_case=False)
        if case.status not in (S.SERVED, S.COURT) or case.fine_amount <= 0:
            raise CaseError(_("No fine is waiting to be paid."))
        if case.paid_on:
            return case
        if (
            not isinstance(paid_on, date)
            or paid_on > timezone.localdate(at)
            or paid_on < timezone.localdate(case.served_at)
        ):
            raise CaseError(
                _("The payment date must lie between service and today."),
                field_errors={"paid_on": [_("Out of range.")]},
            )
        instalment = next_instalment(case)
        if instalment is not None:
            return _record_instalment(case, instalment, by=by, paid_on=paid_on, amount=amount, at=at)
        fee = late_fee_on(case, paid_on)
        due = case.fine_amount + fee
        if amount != due:
            raise CaseError(
                _(
                    "On %(day)s the party owes %(due)s yuan (fine %(fine)s + late fee %(fee)s); the receipt says %(amount)s."
                )
                % {
                    "day": date_format(paid_on, "DATE_FORMAT"),
                    "due": f"{due:,.2f}",
                    "fine": f"{case.fine_amount:,.2f}",
                    "fee": f"{fee:,.2f}",
                    "amount": f"{amount:,.2f}",
                },
                code="amount",
                field_errors={"amount": [_("Does not match.")]},
            )
        case.paid_on, case.paid_amount, case.late_fee_paid = paid_on, amount, fee
        kernel.close_deadline(case, kind="payment", at=at, actor=by)
        kernel.close_deadline(case, kind="court-application", at=at, actor=by)
        _label(case, "payment", by=by, note=f"{amount:,.2f}", at=at)
        _save(case)
    return case


def _record_instalment(case, instalment, *, by, paid_on: date, amount: Decimal, at) -> EnforcementCase:
    """One instalment's receipt: its amount plus its own late fee; the last one settles the fine."""
    fee = clocks.late_fee(
        fine=instalment.amount, pay_by=instalment.due_on, on=paid_on, excluded=_late_fee_pauses(case)
    )
    due = instalment.amount + fee
    if amount != due:
        raise CaseError(
            _(
                "On %(day)s instalment %(n)s comes to %(due)s yuan (instalment %(amount_due)s + late fee %(fee)s); the receipt says %(amount)s."
            )
            % {
                "day": date_format(paid_on, "DATE_FORMAT"),
                "n": instalment.sequence,
                "due": f"{due:,.2f}",
                "amount_due": f"{instalment.amount:,.2f}",
                "fee": f"{fee:,.2f}",
                "amount": f"{amount:,.2f}",
            },
            code="amount",
            field_errors={"amount": [_("Does not match.")]},
        )
    instalment.paid_on, instalment.paid_amount, instalment.late_fee_paid = paid_on, amount, fee
    instalment.save(update_fields=["paid_on", "paid_amount", "late_fee_paid"])
    _label(
        case,
        "payment",
        by=by,
        note=_("Instalment %(n)s: %(amount)s") % {"n": instalment.sequence, "amount": f"{amount:,.2f}"},
        at=at,
    )
    following = next_instalment(case)
    if following is None:
        paid = list(case.instalments.all())
        case.paid_on = paid_on
        case.paid_amount = sum((i.paid_amount for i in paid), Decimal("0.00"))
        case.late_fee_paid = sum((i.late_fee_paid for i in paid), Decimal("0.00"))
        kernel.close_deadline(case, kind="payment", at=at, actor=by)
        kernel.close_deadline(case, kind="court-application", at=at, actor=by)
    else:
        deadline = clocks.open_deadline_of(case, "payment")
        if deadline is not None:
            deadline.limit_value = (following.due_on - timezone.localdate(deadline.clock_started_at)).days
            clocks.sync_due(deadline, following.due_on)
    _save(case)
    return case


def _schedule(schedule) -> list[tuple[date, Decimal]]:
    rows = []
    for row in schedule or ():
        try:
            day, amount = row
        except (TypeError, ValueError):
            day, amount = None, None
        if not isinstance(day, date):
            message = _("Each instalment needs a date and an amount.")
            raise CaseError(message, field_errors={"schedule": [message]})
        rows.append((day, _money(amount, "schedule")))
    return rows


def approve_instalments(*, case, by, schedule, reason: str, at=None) -> EnforcementCase:
    """分期缴纳罚款 (art. 66) on the party's application, approved by the head: `schedule` is the list of
    (due date, amount), at least two, on rising dates from today, adding up to the fine exactly. Applied
    for within the payment period; each instalment's late fee runs only after its own day (art. 72); the
    fine counts as paid when the last one is. Approving the same schedule again changes nothing."""
    at = _now(at)
    reason = _text(reason, "reason", _("Give the reason for paying in instalments."))
    rows = _schedule(schedule)
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        existing = [(i.due_on, i.amount) for i in case.instalments.all()]
        if existing:
            if existing == rows:
                return case
            raise CaseError(
                _("Payment in instalments has already been approved for this fine."), code="conflict"
            )
        if case.status != S.SERVED or case.paid_on or case.pay_by is None or case.fine_amount <= 0:
            raise CaseError(_("Only an unpaid fine can be paid in instalments."))
        today = timezone.localdate(at)
        if today > case.pay_by:
            raise CaseError(
                _("The payment period has already run out; instalments are applied for before it ends.")
            )
        message = None
        if len(rows) < 2:
            message = _("Give at least two instalments.")
        elif rows[0][0] < today or any(b[0] <= a[0] for a, b in zip(rows, rows[1:], strict=False)):
            message = _("The instalments fall on rising dates, the first today or later.")
        elif any(amount <= 0 for _day, amount in rows):
            message = _("Every instalment is more than zero.")
        elif sum(amount for _day, amount in rows) != case.fine_amount:
            message = _("The instalments add up to %(total)s yuan, not the fine of %(fine)s yuan.") % {
                "total": f"{sum(amount for _day, amount in rows):,.2f}",
                "fine": f"{case.fine_amount:,.2f}",
            }
        if message:
            raise CaseError(message, field_errors={"schedule": [message]})
        PaymentInstalment.objects.bulk_create(
            PaymentInstalment(
                case=case, sequence=n, due_on=day, amount=amount, approved_by=by, approved_at=at
            )
            for n, (day, amount) in enumerate(rows, start=1)
        )
        case.pay_by = rows[-1][0]
        deadline = clocks.open_deadline_of(case, "payment")
        if deadline is not None:
            deadline.limit_value = (rows[0][0] - timezone.localdate(deadline.clock_started_at)).days
            clocks.sync_due(deadline, rows[0][0])
        plan = "; ".join(f"{date_format(day, 'DATE_FORMAT')} {amount:,.2f}" for day, amount in rows)
        _label(case, "instalments", by=by, note=f"{plan} — {reason}"[:500], at=at)
        _save(case)
    return case


def approve_deferral(*, case, by, until: date, reason: str, at=None) -> EnforcementCase:
    """延期缴纳罚款 (art. 66) on the party's application, approved by the head: the fine is due by `until`,
    and late fees run only after it (art. 72)."""
    at = _now(at)
    reason = _text(reason, "reason", _("Give the reason for the deferral."))
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        if case.status != S.SERVED or case.paid_on or case.pay_by is None:
            raise CaseError(_("Only an unpaid fine can be deferred."))
        if case.instalments.exists():
            raise CaseError(
                _("This fine is paid in instalments; it cannot also be deferred."), code="conflict"
            )
        if not isinstance(until, date) or until <= case.pay_by:
            raise CaseError(
                _("The new date must come after %(day)s.") % {"day": date_format(case.pay_by, "DATE_FORMAT")},
                field_errors={"until": [_("Too early.")]},
            )
        if timezone.localdate(at) > case.pay_by:
            raise CaseError(
                _("The payment period has already run out; a deferral is applied for before it ends.")
            )
        case.pay_by = until
        deadline = clocks.open_deadline_of(case, "payment")
        if deadline is not None:
            deadline.limit_value = (until - timezone.localdate(deadline.clock_started_at)).days
            clocks.sync_due(deadline, until)
        _label(case, "deferral", by=by, note=f"{date_format(until, 'DATE_FORMAT')} — {reason}"[:500], at=at)
        _save(case)
    return case


def serve_reminder(*, case, by, served_on: date, at=None) -> EnforcementCase:
    """催告书 (行政强制法 art. 35) after the payment period ran out unpaid."""
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case, on_case=False)
        if case.status != S.SERVED or case.paid_on or not case.pay_by or served_on <= case.pay_by:
            raise CaseError(_("A reminder is served once the payment period has run out unpaid."))
        case.reminder_served_on = served_on
        _label(case, "reminder", by=by, note=date_format(served_on, "DATE_FORMAT"), at=at)
        _save(case)
    return case


def apply_to_court(*, case, by, applied_on: date, at=None) -> EnforcementCase:
    """Non-litigation enforcement: 10 working days after the reminder (art. 54), within 3 months after the
    review and litigation periods (art. 53)."""
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        if case.status != S.SERVED or case.paid_on:
            raise CaseError(_("Only an unpaid served decision goes to the court."))
        if case.reminder_served_on is None:
            raise CaseError(_("Serve a reminder first (行政强制法 art. 54)."))
        earliest = clocks.working_due(case.reminder_served_on, rules.REMINDER_WORKING_DAYS)
        if applied_on <= earliest:
            raise CaseError(
                _("The reminder gives the party 10 working days, until %(day)s.")
                % {"day": date_format(earliest, "DATE_FORMAT")}
            )
        served_on = timezone.localdate(case.served_at)
        deferred = case.pay_by if case.pay_by and case.pay_by > clocks.payment_due_date(served_on) else None
        start, end = clocks.court_application_window(served_on, deferred_until=deferred)
        if not start <= applied_on <= end:
            raise CaseError(
                _("The court can be asked from %(start)s to %(end)s.")
                % {"start": date_format(start, "DATE_FORMAT"), "end": date_format(end, "DATE_FORMAT")}
            )
        case.court_applied_on = applied_on
        transition(case, to=S.COURT, actor=by, action="apply-to-court", at=at)
        kernel.close_deadline(case, kind="payment", at=at, actor=by)
        _save(case)
    return case


# --- publication ------------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """王** for a person's name: the family name only."""
    name = (name or "").strip()
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


def publish_decision(*, case, by, at=None) -> Publication:
    """公示 within 7 working days: number, party (a person's name and ID masked), violation, penalty,
    basis, organ and date. Warnings alone are published too here (local rules may differ)."""
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case, on_case=False)
        if hasattr(case, "publication"):
            return case.publication
        if case.decided_proposal_id is None or case.status not in (
            S.DECIDED,
            S.SERVED,
            S.COURT,
            S.CLOSING,
            S.CLOSED,
            S.ARCHIVED,
        ):
            raise CaseError(_("Only a penalty decision is published."))
        version = case.power_version
        if case.party_kind == PartyKind.ENTITY and case.entity.kind != "individual":
            party, code = case.entity.name, case.entity.credit_code
        elif case.party_kind == PartyKind.ENTITY:
            party, code = (
                mask_name(case.entity.legal_representative) or case.entity.name,
                case.entity.credit_code,
            )
        else:
            party, code = mask_name(case.person_name), mask_id_number(case.person_id_number)
        publication = Publication.objects.create(
            township=case.township,
            case=case,
            decision_number=case.decision_number,
            party_display=party[:120],
            party_code_display=code[:30],
            violation=case.cause or version.name,
            penalty=case.decided_proposal.describe(),
            basis=version.penalty_provision,
            organ=version.issuing_organ_name,
            decided_on=timezone.localdate(case.decided_at),
            published_at=at,
            published_by=by,
        )
        kernel.close_deadline(case, kind="publication", at=at, actor=by)
        _label(case, "publish", by=by, note=case.decision_number, at=at)
        _save(case)
    return publication


def withdraw_publication(*, case, by, reason: str, at=None) -> Publication:
    at = _now(at)
    reason = _text(reason, "reason", _("Give the reason for the withdrawal."))
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        publication = Publication.objects.select_for_update().filter(case=case).first()
        if publication is None:
            raise CaseError(_("The decision was not published."))
        if publication.withdrawn_at is None:
            publication.withdrawn_at, publication.withdrawal_reason = at, reason
            publication.save()
            kernel.close_deadline(case, kind="withdrawal", at=at, actor=by)
            _label(case, "withdraw", by=by, note=reason, at=at)
            _save(case)
    return publication


def revoke_decision(*, case, by, reason: str, at=None) -> EnforcementCase:
    """A decision revoked or changed (on review, by a court or by the organ): its documents are marked
    revoked and a published decision must be withdrawn within 3 working days (art. 48)."""
    at = _now(at)
    reason = _text(reason, "reason", _("Give the reason for the revocation."))
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        transition(case, to=S.REVOKED, actor=by, action="revoke", note=reason, at=at)
        case.revoked_reason = reason
        if case.decision_document_id:
            revoke_document(document=case.decision_document, reason=reason)
        for kind in ("service", "publication", "payment"):
            kernel.close_deadline(case, kind=kind, at=at, actor=by)
        if Publication.objects.filter(case=case, withdrawn_at__isnull=True).exists():
            withdrawal = rules.withdrawal_limit(case.township_id)
            clocks.open_working_deadline(
                case,
                kind="withdrawal",
                label=_("Withdraw the published decision (%(days)s working days)")
                % {"days": withdrawal.value},
                days=withdrawal.value,
                at=at,
                actor=by,
            )
        _save(case)
    return case


# --- closing ------------------------------------------------------------------------------------


def request_closing(*, case, by, reason: str, at=None) -> EnforcementCase:
    at = _now(at)
    reason = _text(reason, "reason", _("Give the reason for closing."))
    with transaction.atomic():
        case = lock(case)
        _require_officer(by, case)
        if case.status == S.SERVED and case.fine_amount > 0 and not case.paid_on:
            raise CaseError(_("The fine has not been paid: record the payment or apply to the court first."))
        transition(case, to=S.CLOSING, actor=by, action="request-closing", note=reason, at=at)
        case.closing_reason = reason
        _save(case)
    return case


def approve_closing(*, case, by, at=None) -> EnforcementCase:
    """结案审批 by the head; a published decision's publication deadline must be met first."""
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        if case.status == S.CLOSED:
            return case
        if clocks.open_deadline_of(case, "publication") is not None:
            raise CaseError(_("Publish the decision before closing the case."))
        transition(case, to=S.CLOSED, actor=by, action="close", note=case.closing_reason[:200], at=at)
        case.closed_at = at
        issue_case_document(case, "closing", by=by, at=at)
        for deadline in kernel.open_deadlines(case):
            kernel.close_deadline(case, kind=deadline.kind, at=at, actor=by)
        _save(case)
    return case


def send_back_closing(*, case, by, reason: str, at=None) -> EnforcementCase:
    at = _now(at)
    reason = _text(reason, "reason", _("Say what is missing."))
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        transition(case, to=S.SERVED, actor=by, action="reopen-closing", note=reason, at=at)
        _save(case)
    return case


def archive_case(*, case, by, at=None) -> EnforcementCase:
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_role(
            by,
            case,
            Role.DEPARTMENT_HEAD,
            Role.ENFORCEMENT_OFFICER,
            what=_("Only enforcement staff may archive a case."),
        )
        if case.status == S.ARCHIVED:
            return case
        transition(case, to=S.ARCHIVED, actor=by, action="archive", at=at)
        _save(case)
    return case


# --- summary procedure -----------------------------------------------------------------------------


def decide_on_the_spot(
    *,
    department,
    by,
    power_version,
    band,
    form_number: str,
    facts: str,
    place: str,
    warning: bool = False,
    fine=0,
    entity=None,
    person_name_: str = "",
    id_number: str = "",
    phone: str = "",
    address: str = "",
    refused_to_sign: bool = False,
    act_on: date | None = None,
    at=None,
) -> EnforcementCase:
    """简易程序 (art. 51, 52): a warning, or a fine up to 200 yuan (person) / 3,000 yuan (organisation), on a
    pre-numbered form handed over on the spot, then filed with the bureau."""
    at = _now(at)
    fine = _money(fine, "fine")
    form_number = _text(
        form_number, "form_number", _("Give the number of the pre-printed form."), max_length=40
    )
    today = timezone.localdate(at)
    with transaction.atomic():
        case = create_clue(
            township=department.township,
            department=department,
            source=CaseSource.PATROL,
            summary=facts,
            place=place,
            discovered_on=today,
            act_ended_on=act_on or today,
            by=by,
            at=at,
        )
        case = lock(case)
        if EnforcementCase.objects.filter(township=case.township, form_number=form_number).exists():
            raise CaseError(
                _("Form %(number)s has already been used.") % {"number": form_number},
                field_errors={"form_number": [_("Used.")]},
            )
        case.procedure = Procedure.SUMMARY
        case.save(update_fields=["procedure"])
        # the party (validated like a general case)
        case.form_number = form_number
        case.save(update_fields=["form_number"])
        assign_officer(case=case, officer=by, by=by, is_lead=True, at=at)
        set_party(
            case=case,
            by=by,
            entity=entity,
            person_name_=person_name_,
            id_number=id_number,
            phone=phone,
            address=address,
            at=at,
        )
        case.refresh_from_db()
        _check_power_version(case, power_version)
        case.power_version = power_version
        limit = rules.summary_procedure_max_fine(case.township_id, rules.party_type_of(case))
        if not warning and not fine:
            raise CaseError(_("The summary procedure gives a warning or a fine."))
        if fine > limit:
            raise CaseError(
                _(
                    "On the spot, a fine may be at most %(limit)s yuan for %(whom)s (art. 51); use the general procedure."
                )
                % {
                    "limit": f"{limit:,.0f}",
                    "whom": _("an organisation") if case.is_organisation else _("a citizen"),
                },
                code="summary_limit",
                field_errors={"fine": [_("Too high for the summary procedure.")]},
            )
        if not isinstance(band, DiscretionBand) or band.version_id != power_version.pk:
            raise CaseError(_("Choose a discretion band of the matter."))
        if not band_check(band, fine):
            raise CaseError(
                _("On the spot the fine must lie in the band chosen; outside it, use the general procedure."),
                code="outside_band",
            )
        proposal = PenaltyProposal.objects.create(
            case=case,
            version=1,
            band=band,
            warning=bool(warning),
            fine=fine,
            facts=case.summary,
            proposed_by=by,
            proposed_at=at,
        )
        case.current_proposal = case.decided_proposal = case.notified_proposal = proposal
        case.cause = power_version.name[:200]
        case.registered_at = case.decided_at = case.served_at = at
        case.fine_amount = fine
        case.decision_number = form_number
        kernel.close_deadline(case, kind="clue-check", at=at, actor=by)
        transition(case, to=S.SERVED, actor=by, action="decide-on-the-spot", note=proposal.describe(), at=at)
        case.decision_document = issue_case_document(
            case, "on_the_spot", by=by, at=at, extra={"refused_to_sign": refused_to_sign}
        )
        ServiceRecord.objects.create(
            case=case,
            document=case.decision_document,
            method=ServiceMethod.ON_THE_SPOT,
            recipient=case.party_name[:60],
            place=case.place,
            served_at=at,
            servers=person_name(by),
            recorded_by=by,
            notes=_("refused to sign") if refused_to_sign else "",
        )
        clocks.open_working_deadline(
            case,
            kind="filing",
            label=_("File the on-the-spot decision with the bureau"),
            days=rules.SUMMARY_FILING_WORKING_DAYS,
            at=at,
            actor=by,
        )
        if fine > 0:
            case.pay_by = clocks.payment_due_date(today)
            clocks.open_calendar_deadline(
                case,
                kind="payment",
                label=_("Party pays the fine (15 days)"),
                due=case.pay_by,
                at=at,
                actor=by,
            )
        _save(case)
    return case


def file_on_the_spot(*, case, by, at=None) -> EnforcementCase:
    """备案 (art. 52): the head of the squad receives the used form."""
    at = _now(at)
    with transaction.atomic():
        case = lock(case)
        _require_head(by, case)
        if case.procedure != Procedure.SUMMARY:
            raise CaseError(_("Only an on-the-spot decision is filed."))
        if case.filed_at is None:
            case.filed_at = at
            kernel.close_deadline(case, kind="filing", at=at, actor=by)
            _label(case, "file-summary", by=by, note=case.form_number, at=at)
            _save(case)
    return case
