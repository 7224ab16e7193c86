"""The uniform enforcement documents (统一执法文书), issued through township.documents: numbered,
QR-verifiable PDFs in the project's Chinese fonts, each carrying the fields the reference lists (§11) and
the name of the organ it goes out under (the township for a handed-down matter, the entrusting organ
for an entrusted one). Legal citations come from the case's power-list version, never fixed text.

One template renders them all from rows (label, value) and paragraphs built here per document.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.power import rules
from township.documents.services import issue_document
from township.documents.types import register_document_type
from township.org.models import person_name

# kind -> (document type code, number prefix, label)
DOCUMENT_TYPES = {
    "registration": ("enf_registration", "ZFLA", gettext_lazy("Registration approval form")),
    "interview": ("enf_interview", "ZFXW", gettext_lazy("Interview record")),
    "site_inspection": ("enf_inspection", "ZFJC", gettext_lazy("Site-inspection record")),
    "preservation": (
        "enf_preservation",
        "ZFBC",
        gettext_lazy("Notice of evidence preservation or coercive measure"),
    ),
    "order_to_correct": ("enf_correct", "ZFZG", gettext_lazy("Order to correct")),
    "advance_notice": ("enf_notice", "ZFGZ", gettext_lazy("Advance notice of administrative penalty")),
    "hearing_notice": ("enf_hearing_notice", "ZFTZ", gettext_lazy("Hearing notice")),
    "hearing_record": ("enf_hearing_record", "ZFTJ", gettext_lazy("Hearing record")),
    "decision": ("enf_decision", "ZFJD", gettext_lazy("Administrative penalty decision")),
    "no_penalty": ("enf_no_penalty", "ZFBF", gettext_lazy("Decision not to impose a penalty")),
    "on_the_spot": ("enf_on_the_spot", "ZFDC", gettext_lazy("On-the-spot administrative penalty decision")),
    "proof_of_service": ("enf_service", "ZFSD", gettext_lazy("Proof of service")),
    "closing": ("enf_closing", "ZFJA", gettext_lazy("Case closing approval form")),
}


def register_types() -> None:
    for code, prefix, label in DOCUMENT_TYPES.values():
        register_document_type(code, label, prefix)


def _date(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    return date_format(value, "DATE_FORMAT")


def _party_rows(case) -> list[tuple[str, str]]:
    if case.party_kind == "entity" and case.entity_id:
        entity = case.entity
        return [
            (_("Party"), entity.name),
            (_("Unified social credit code"), entity.credit_code),
            (_("Legal representative"), entity.legal_representative or "—"),
            (_("Address"), entity.address or "—"),
        ]
    return [
        (_("Party"), case.person_name),
        (_("Identity number"), case.masked_id_number),
        (_("Address"), case.person_address or "—"),
    ]


def _officer_rows(case) -> list[tuple[str, str]]:
    officers = case.officers.filter(is_active=True).select_related("officer", "credential")
    return [
        (
            _("Officers"),
            "；".join(f"{person_name(a.officer)}（{_('ID')} {a.credential.number}）" for a in officers)
            or "—",
        )
    ]


def _basis_rows(case) -> list[tuple[str, str]]:
    version = case.power_version
    if version is None:
        return []
    return [
        (_("Matter"), f"{version.matter.code} {version.name}"),
        (_("Provision violated"), version.violated_provision),
        (_("Penalty provision"), version.penalty_provision),
    ]


def _remedies() -> str:
    return _(
        "If you disagree with this decision, you may apply for administrative review within %(review)s days "
        "of receiving it, or bring an administrative lawsuit before the people's court within %(months)s months."
    ) % {"review": rules.REVIEW_DAYS, "months": rules.LITIGATION_MONTHS}


def _payment() -> str:
    return _(
        "Pay the fine at the designated bank or electronic payment channel within %(days)s days of receiving "
        "this decision. If you do not, a late fee of 3%% of the fine is added for every day, up to the amount "
        "of the fine (art. 72), and the bureau may apply to the people's court for enforcement."
    ) % {"days": rules.PAYMENT_DAYS}


def build(case, kind: str, extra: dict) -> tuple[str, list, list]:
    """(title, rows, paragraphs) of a document."""
    proposal = case.decided_proposal or case.current_proposal
    label = str(DOCUMENT_TYPES[kind][2])
    rows: list[tuple[str, str]] = [(_("Case number"), case.number)]
    paragraphs: list[str] = []
    title = label
    if kind == "registration":
        rows += [
            (_("Cause of action"), case.cause),
            (_("Source"), case.get_source_display()),
            (_("Discovered on"), _date(case.discovered_on)),
        ]
        rows += _party_rows(case) + _basis_rows(case) + _officer_rows(case)
        rows += [
            (_("Brief facts"), case.summary),
            (_("Handler's opinion"), case.registration_opinion),
            (_("Approved by the head"), f"{person_name(case.registered_by)} {_date(case.registered_at)}"),
        ]
    elif kind in ("interview", "site_inspection"):
        record = extra["record"]
        rows += [
            (_("Time"), f"{_date(record.started_at)} — {_date(record.ended_at)}"),
            (_("Place"), record.place),
            (_("Officers"), "；".join(person_name(o) for o in record.officers.all())),
            (_("Recorder"), person_name(record.recorder)),
        ]
        if record.subject_name:
            rows.append(
                (
                    _("Interviewee or party present"),
                    record.subject_name
                    + (f"（{record.subject_relation}）" if record.subject_relation else ""),
                )
            )
        if record.weather:
            rows.append((_("Weather"), record.weather))
        if record.witness:
            rows.append((_("Invited witness"), record.witness))
        photos = record.evidence.count()
        if photos:
            rows.append((_("Photos attached"), str(photos)))
        paragraphs.append(record.content)
        if record.refused_to_sign:
            paragraphs.append(_("The party refused to sign."))
    elif kind == "preservation":
        measure = extra["measure"]
        rows += _party_rows(case) + [
            (_("Measure"), measure.get_kind_display()),
            (_("Items"), measure.items),
            (_("Kept at"), measure.storage_place),
            (_("Reason"), measure.reason),
        ]
        paragraphs.append(
            _(
                "Until the bureau decides (within %(days)s working days for preserved evidence), the items must not be destroyed or moved."
            )
            % {"days": rules.PRESERVATION_DECISION_WORKING_DAYS}
        )
    elif kind == "order_to_correct":
        rows += _party_rows(case) + _basis_rows(case)
        paragraphs.append(case.summary)
        paragraphs.append(
            _("You are ordered to correct the following by %(day)s: %(what)s")
            % {"day": _date(extra["correct_by"]), "what": extra["requirement"]}
        )
    elif kind == "advance_notice":
        rows += _party_rows(case) + _basis_rows(case) + [(_("Intended penalty"), proposal.describe())]
        paragraphs.append(proposal.facts)
        paragraphs.append(
            _(
                "Under articles 44 and 45 of the Administrative Penalty Law you have the right to state your case and to defend yourself; the bureau will hear and review what you say, and will not impose a heavier penalty because you defend yourself."
            )
        )
        if extra.get("hearing_right"):
            paragraphs.append(
                _(
                    "Under articles 63 and 64 you may request a hearing within %(days)s working days of receiving this notice; if you do not, you are taken to have waived it."
                )
                % {"days": rules.HEARING_REQUEST_WORKING_DAYS}
            )
    elif kind in ("hearing_notice", "hearing_record"):
        hearing = extra["hearing"]
        rows += _party_rows(case) + [
            (_("Time"), _date(hearing.held_at or hearing.scheduled_at)),
            (_("Place"), hearing.place),
            (_("Presider"), person_name(hearing.presider) if hearing.presider_id else "—"),
        ]
        if kind == "hearing_record":
            paragraphs.append(hearing.record)
            if hearing.party_absent:
                paragraphs.append(
                    _("The party was absent without good reason and is taken to have waived the hearing.")
                )
        else:
            paragraphs.append(
                _(
                    "The hearing is held in public unless state secrets, business secrets or privacy are involved. You may bring one or two representatives and ask for the presider's recusal."
                )
            )
    elif kind in ("decision", "no_penalty", "on_the_spot"):
        title = f"{label} {case.decision_number}"
        rows = [(_("Decision number"), case.decision_number), *rows, *_party_rows(case), *_basis_rows(case)]
        paragraphs.append(proposal.facts if proposal else case.summary)
        if kind == "no_penalty":
            paragraphs.append(
                _(
                    "The violation is minor, it is a first offence and it was promptly corrected: under article 33 no penalty is imposed. Education given: %(education)s"
                )
                % {"education": case.education_record}
            )
        else:
            rows.append((_("Penalty"), proposal.describe()))
            if proposal.fine:
                paragraphs.append(_payment())
        if kind == "on_the_spot":
            rows.append((_("Time and place"), f"{_date(case.decided_at)} {case.place}"))
            if extra.get("refused_to_sign"):
                paragraphs.append(_("The party refused to sign."))
        paragraphs.append(_remedies())
    elif kind == "proof_of_service":
        service = extra["service"]
        rows += _party_rows(case) + [
            (
                _("Document served"),
                f"{service.document.type_label} {case.decision_number or service.document.number}",
            ),
            (_("Method"), service.get_method_display()),
            (_("Recipient"), service.recipient),
            (_("Counts as served on"), _date(service.served_at)),
            (_("Place"), service.place or "—"),
            (_("Served by"), service.servers),
        ]
        if service.witnesses:
            rows.append((_("Witnesses"), service.witnesses))
        if service.published_on:
            rows.append((_("Public notice published on"), _date(service.published_on)))
        paragraphs.append(
            _("The decision will be published on the bureau's public page with personal data masked.")
        )
    elif kind == "closing":
        rows += [
            (_("Cause of action"), case.cause or "—"),
            *_party_rows(case),
            (_("Registered"), _date(case.registered_at)),
            (_("Decision"), case.decision_number or "—"),
        ]
        if case.paid_on:
            rows.append((_("Paid"), f"{case.paid_amount:,.2f} {_date(case.paid_on)}"))
        rows.append((_("Reason for closing"), case.closing_reason or "—"))
    return title, rows, paragraphs


def issue_case_document(case, kind: str, *, by, at, extra: dict | None = None):
    """Issue one document of the case (in the caller's transaction); returns the IssuedDocument."""
    doc_type = DOCUMENT_TYPES[kind][0]
    title, rows, paragraphs = build(case, kind, extra or {})
    organ = case.power_version.issuing_organ_name if case.power_version_id else case.township.name
    return issue_document(
        township=case.township,
        doc_type=doc_type,
        title=title,
        template_name="enforcement/cases/pdf/document.html",
        context={"case": case, "rows": rows, "paragraphs": paragraphs, "authority": organ, "masthead": organ},
        subject=case,
        issued_by=by,
        issued_at=at,
    )
