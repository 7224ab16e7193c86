"""Credit records and repair. Records are written here only; each knows its publication period, which
ends by itself at the maximum; repair is applied for and decided with reasons."""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from enforcement.credit import rules
from enforcement.models import (
    CreditBand,
    CreditRecord,
    CreditRepair,
    CreditSource,
    RepairStatus,
)
from township.documents.models import IssuedDocument
from township.documents.services import issue_document
from township.errors import Conflict, DomainError
from township.org.roles import Role, has_role
from township.org.scope import in_scope


class CreditError(DomainError):
    pass


def _score_delta(source: str, band: str = "", outcome: str = "") -> int:
    table = rules.score_rules()
    if source == CreditSource.PENALTY:
        return int(table["penalty"].get(band, 0))
    if source == CreditSource.INSPECTION:
        return int(table["inspection"].get(outcome, 0))
    return int(table.get(source, 0))


def record_penalty(
    *,
    entity,
    department,
    band: str,
    decision_number: str,
    decided_on: date,
    summary: str,
    by=None,
    reference: str = "",
) -> CreditRecord:
    """The credit entry of a penalty decision, with its publication period by band (from the decision's
    date). A retried call with the same reference returns the entry already made."""
    if band not in CreditBand.values:
        raise CreditError(_("Choose the band of the penalty (minor, general or serious)."))
    if not decision_number.strip() or not summary.strip():
        raise CreditError(_("Give the decision number and a summary."))
    if decided_on > timezone.localdate():
        raise CreditError(_("The decision date cannot be in the future."))
    period = rules.band_period(band)
    return _create(
        entity=entity,
        department=department,
        source=CreditSource.PENALTY,
        band=band,
        decision_number=decision_number.strip(),
        decided_on=decided_on,
        summary=summary.strip(),
        published=period.published,
        publish_from=decided_on,
        repair_from=rules.add_months(decided_on, period.min_months),
        publish_until=rules.add_months(decided_on, period.max_months),
        score_delta=_score_delta(CreditSource.PENALTY, band),
        recorded_by=by,
        source_reference=reference or decision_number.strip(),
    )


def record_integrity_finding(
    *, entity, department, decided_on: date, summary: str, by=None, reference: str = ""
):
    """E.g. false materials in a one-window application (the Hetang "integrity record"): published for a year."""
    if not summary.strip():
        raise CreditError(_("Give a summary of the finding."))
    return _create(
        entity=entity,
        department=department,
        source=CreditSource.INTEGRITY,
        decided_on=decided_on,
        summary=summary.strip(),
        published=True,
        publish_from=decided_on,
        repair_from=rules.add_months(decided_on, 3),
        publish_until=rules.add_months(decided_on, 12),
        score_delta=_score_delta(CreditSource.INTEGRITY),
        recorded_by=by,
        source_reference=reference,
    )


def record_inspection_result(*, task, by=None) -> CreditRecord:
    """A published random-inspection result joins the entity's record (shown for three years)."""
    day = task.inspected_on
    return _create(
        entity=task.entity,
        department=task.draw.plan.lead_department,
        source=CreditSource.INSPECTION,
        decided_on=day,
        summary=f"{task.draw.plan.name}：{task.get_outcome_display()}",
        published=True,
        publish_from=timezone.localdate(),
        repair_from=None,
        publish_until=rules.add_months(day, 36),
        score_delta=_score_delta(CreditSource.INSPECTION, outcome=task.outcome),
        recorded_by=by,
        source_reference=f"inspection-task-{task.pk}",
    )


def _create(**values) -> CreditRecord:
    entity = values["entity"]
    reference = values.get("source_reference", "")
    if reference:
        existing = CreditRecord.objects.filter(
            township_id=entity.township_id, source=values["source"], source_reference=reference
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return CreditRecord.objects.create(township_id=entity.township_id, **values)
    except IntegrityError:
        return CreditRecord.objects.get(
            township_id=entity.township_id, source=values["source"], source_reference=reference
        )


# --- repair -----------------------------------------------------------------------------------------


def apply_for_repair(
    *,
    record: CreditRecord,
    corrected: bool,
    duties_performed: bool,
    commitment_signed: bool,
    evidence: str = "",
    applied_on: date | None = None,
) -> CreditRepair:
    applied_on = applied_on or timezone.localdate()
    if "\x00" in (evidence or ""):
        raise CreditError(_("Null characters are not allowed."))
    with transaction.atomic():
        record = CreditRecord.objects.select_for_update().get(pk=record.pk)
        if record.repaired_at is not None:
            raise Conflict(_("This record has already been repaired."))
        if record.source not in (CreditSource.PENALTY, CreditSource.INTEGRITY):
            raise CreditError(_("Only penalty and integrity records are repaired."))
        if record.repairs.filter(status=RepairStatus.SUBMITTED).exists():
            raise Conflict(_("A repair application for this record is already waiting for a decision."))
        if record.repair_from and applied_on < record.repair_from:
            raise CreditError(
                _("Repair can be applied for from %(date)s, when the minimum publication period has run.")
                % {"date": date_format(record.repair_from)}
            )
        return CreditRepair.objects.create(
            township_id=record.township_id,
            record=record,
            applied_on=applied_on,
            corrected=corrected,
            duties_performed=duties_performed,
            commitment_signed=commitment_signed,
            evidence=(evidence or "").strip(),
        )


def decide_repair(*, repair: CreditRepair, by, grant: bool, reasons: str) -> CreditRepair:
    """Staff decide with reasons. Granting needs every condition: the minimum period run, the breach
    corrected, the duties performed and the commitment signed; publication then stops at once."""
    reasons = (reasons or "").strip()
    if not reasons or "\x00" in reasons:
        raise CreditError(
            _("State the reasons for the decision."), field_errors={"reasons": [_("Required.")]}
        )
    with transaction.atomic():
        repair = CreditRepair.objects.select_for_update().select_related("record").get(pk=repair.pk)
        if repair.status != RepairStatus.SUBMITTED:
            raise Conflict(_("This repair application has already been decided."))
        if not (
            in_scope(repair, by)
            and has_role(by, Role.DEPARTMENT_HEAD, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN)
        ):
            raise CreditError(_("You may not decide this repair application."))
        record = CreditRecord.objects.select_for_update().get(pk=repair.record_id)
        today = timezone.localdate()
        if grant:
            missing = []
            if record.repair_from and today < record.repair_from:
                missing.append(
                    _("the minimum publication period runs until %(date)s")
                    % {"date": date_format(record.repair_from)}
                )
            if not repair.corrected:
                missing.append(_("the breach is not corrected"))
            if not repair.duties_performed:
                missing.append(_("the penalty's duties are not performed"))
            if not repair.commitment_signed:
                missing.append(_("the credit commitment is not signed"))
            if missing:
                raise CreditError(
                    _("Repair cannot be granted: %(missing)s.") % {"missing": "; ".join(missing)}
                )
            record.repaired_at = timezone.now()
            record.save(update_fields=["repaired_at"])
        repair.status = RepairStatus.REPAIRED if grant else RepairStatus.REFUSED
        repair.reasons = reasons
        repair.decided_by = by
        repair.decided_at = timezone.now()
        repair.save(update_fields=["status", "reasons", "decided_by", "decided_at"])
    return repair


def repair_notice_context(record: CreditRecord) -> dict:
    """What the credit-repair notice (信用修复告知书) says; served together with the decision ("两书同达")."""
    period = rules.band_period(record.band) if record.band else None
    return {
        "entity": record.entity,
        "decision_number": record.decision_number,
        "band": record.get_band_display(),
        "published": record.published,
        "publish_until": record.publish_until,
        "repair_from": record.repair_from,
        "min_months": period.min_months if period else None,
        "conditions": [
            _("the minimum publication period has run"),
            _("the breach is corrected and every duty under the penalty performed"),
            _("a public credit commitment is signed"),
        ],
    }


REPAIR_NOTICE = "credit_repair_notice"


def existing_repair_notice(record: CreditRecord):
    return (
        IssuedDocument.objects.filter(
            doc_type=REPAIR_NOTICE,
            content_type=ContentType.objects.get_for_model(CreditRecord),
            object_id=record.pk,
            is_revoked=False,
        )
        .order_by("-issued_at")
        .first()
    )


def issue_repair_notice(*, record: CreditRecord, by) -> IssuedDocument:
    """The credit-repair notice (信用修复告知书) of a record: numbered and QR-verifiable, served together
    with the decision ("两书同达"). Issued once per record; asking again returns the same document."""
    if record.source not in (CreditSource.PENALTY, CreditSource.INTEGRITY):
        raise CreditError(_("A repair notice is issued for penalty and integrity records only."))
    if not in_scope(record, by):
        raise CreditError(_("You may not issue documents for this record."))
    with transaction.atomic():
        CreditRecord.objects.select_for_update().get(pk=record.pk)  # one notice even when asked twice at once
        existing = existing_repair_notice(record)
        if existing is not None:
            return existing
        return issue_document(
            township=record.township,
            doc_type=REPAIR_NOTICE,
            title=_("Credit repair notice"),
            template_name="enforcement/pdf/credit_repair_notice.html",
            context={**repair_notice_context(record), "record": record, "department": record.department},
            subject=record,
            issued_by=by,
        )
