"""Enforcement cases under the Administrative Penalty Law: one row per case from the clue to the archive,
moved only by enforcement.cases.services through the kernel's workflow (every step is a timeline entry,
the full-process record of art. 47), with its time limits as kernel deadlines.

Around the case: the officers assigned to it (art. 42) with their enforcement credentials, recusals
(art. 43), interview and site-inspection records, evidence of the eight kinds (art. 46) with SHA-256,
preservation / sealing / seizure, penalty proposals (a new version on every change, so a legal review and
an advance notice are tied to what they saw), legal reviews with the seven points, collective
discussions, the hearing, service records, suspensions (hearing, public notice, testing, review,
litigation) and the publication of the decision.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.casework.workflow import InvalidTransition, Move, Workflow
from township.identifiers import mask_id_number, mask_phone, validate_id_number
from township.org.models import TownshipOwned

# --- the case ------------------------------------------------------------------------------------------


class CaseSource(models.TextChoices):
    PATROL = "patrol", _("Patrol")
    GRID_EVENT = "grid_event", _("Grid event")
    COMPLAINT = "complaint", _("Complaint or report")
    RANDOM_INSPECTION = "random_inspection", _("Random inspection")
    HOTLINE = "hotline", _("Hotline order")
    TRANSFER = "transfer", _("Transfer or assignment")
    DEVICE = "device", _("Electronic monitoring")


class Procedure(models.TextChoices):
    GENERAL = "general", _("General procedure")
    SUMMARY = "summary", _("Summary procedure (on the spot)")


class CaseStatus(models.TextChoices):
    CLUE = "clue", _("Clue being checked")
    REGISTRATION_PENDING = "registration_pending", _("Registration awaiting the head")
    NOT_REGISTERED = "not_registered", _("Not registered")
    INVESTIGATING = "investigating", _("Under investigation")
    PROPOSED = "proposed", _("Penalty proposed")
    NOTIFIED = "notified", _("Advance notice served")
    HEARING = "hearing", _("Hearing requested")
    HEARD = "heard", _("Hearing held")
    DECIDED = "decided", _("Decided")
    SERVED = "served", _("Decision served, being executed")
    TRANSFERRED = "transferred", _("Transferred to the judiciary")
    COURT = "court", _("Applied to the court for enforcement")
    CLOSING = "closing", _("Closing awaiting the head")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")
    REVOKED = "revoked", _("Decision revoked")


class HeadChoice(models.TextChoices):
    """The head's choice at the end of the investigation (art. 57)."""

    PENALTY = "penalty", _("Penalty")
    NO_PENALTY_MINOR = "no_penalty_minor", _("No penalty: minor first offence, promptly corrected")
    NOT_ESTABLISHED = "not_established", _("No penalty: facts not established")
    TRANSFER = "transfer", _("Transfer to the judiciary")


class PartyKind(models.TextChoices):
    ENTITY = "entity", _("Market entity")
    PERSON = "person", _("Natural person")


class CaseNotPossible(InvalidTransition):
    """The case's state does not allow the step."""


S = CaseStatus
_OPEN_STATES = [S.INVESTIGATING, S.PROPOSED, S.NOTIFIED, S.HEARING, S.HEARD]
WORKFLOW = Workflow(
    states=CaseStatus,
    error_class=CaseNotPossible,
    moves=[
        # a clue handed to the bureau by another loop goes to the squad that will check it
        Move("pass-to-squad", _("Passed to a squad"), sources=[S.CLUE], target=S.CLUE),
        Move(
            "request-registration",
            _("Registration requested"),
            sources=[S.CLUE],
            target=S.REGISTRATION_PENDING,
        ),
        Move("register", _("Registered (立案)"), sources=[S.REGISTRATION_PENDING], target=S.INVESTIGATING),
        Move(
            "not-register",
            _("Not registered"),
            sources=[S.CLUE, S.REGISTRATION_PENDING],
            target=S.NOT_REGISTERED,
        ),
        Move("propose", _("Penalty proposed"), sources=[S.INVESTIGATING, S.PROPOSED], target=S.PROPOSED),
        Move(
            "repropose",
            _("Proposal changed after the notice"),
            sources=[S.NOTIFIED, S.HEARD],
            target=S.PROPOSED,
        ),
        Move(
            "choose-no-penalty",
            _("No penalty chosen"),
            sources=[S.INVESTIGATING, S.PROPOSED],
            target=S.DECIDED,
        ),
        Move(
            "choose-not-established", _("Facts not established"), sources=[S.INVESTIGATING], target=S.CLOSING
        ),
        Move(
            "choose-transfer",
            _("Transferred to the judiciary"),
            sources=[S.INVESTIGATING],
            target=S.TRANSFERRED,
        ),
        Move("notify", _("Advance notice served"), sources=[S.PROPOSED], target=S.NOTIFIED),
        Move("request-hearing", _("Hearing requested"), sources=[S.NOTIFIED], target=S.HEARING),
        Move("hold-hearing", _("Hearing held"), sources=[S.HEARING], target=S.HEARD),
        Move("decide", _("Penalty decided"), sources=[S.NOTIFIED, S.HEARD], target=S.DECIDED),
        Move("decide-on-the-spot", _("Decided on the spot"), sources=[S.CLUE], target=S.SERVED),
        Move("serve", _("Decision served"), sources=[S.DECIDED], target=S.SERVED),
        Move("apply-to-court", _("Applied to the court"), sources=[S.SERVED], target=S.COURT),
        Move(
            "request-closing",
            _("Closing requested"),
            sources=[S.SERVED, S.COURT, S.TRANSFERRED],
            target=S.CLOSING,
        ),
        Move("close", _("Closed"), sources=[S.CLOSING], target=S.CLOSED),
        Move("reopen-closing", _("Closing sent back"), sources=[S.CLOSING], target=S.SERVED),
        Move("archive", _("Archived"), sources=[S.CLOSED], target=S.ARCHIVED),
        Move(
            "revoke",
            _("Decision revoked"),
            sources=[S.DECIDED, S.SERVED, S.COURT, S.CLOSING, S.CLOSED],
            target=S.REVOKED,
        ),
    ],
    labels={
        "clue": _("Clue recorded"),
        "check-extended": _("Clue check extended"),
        "party": _("Party recorded"),
        "assign-officer": _("Officer assigned"),
        "withdraw-officer": _("Officer withdrawn (no longer in the case's squad)"),
        "recusal": _("Recusal applied for"),
        "recusal-decided": _("Recusal decided"),
        "interview": _("Interview recorded"),
        "site-inspection": _("Site inspection recorded"),
        "evidence": _("Evidence added"),
        "preservation-requested": _("Preservation requested"),
        "preservation-approved": _("Preservation approved"),
        "preservation-decided": _("Preserved evidence decided"),
        "sealing-extended": _("Sealing or seizure extended"),
        "order-to-correct": _("Order to correct issued"),
        "legal-review": _("Legal review"),
        "collective-discussion": _("Collective discussion"),
        "waive": _("Rights waived in writing"),
        "hearing-notice": _("Hearing notified"),
        "suspend": _("Time not counted from"),
        "suspend-end": _("Time counted again"),
        "extend-decision": _("Decision limit extended"),
        "education": _("Education recorded"),
        "publish": _("Decision published"),
        "withdraw": _("Publication withdrawn"),
        "payment": _("Fine paid"),
        "deferral": _("Payment deferred"),
        "instalments": _("Payment in instalments approved"),
        "reminder": _("Reminder served"),
        "file-summary": _("On-the-spot decision filed"),
        "document": _("Document issued"),
    },
)


class EnforcementCase(TownshipOwned):
    """One enforcement case, from the clue (案件来源) to the archive; `department` is the squad."""

    scope_paths = {"township": "township", "department": "department"}

    number = models.CharField(_("number"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=24, choices=CaseStatus.choices, default=S.CLUE)
    procedure = models.CharField(
        _("procedure"), max_length=10, choices=Procedure.choices, default=Procedure.GENERAL
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="enforcement_cases", verbose_name=_("squad")
    )
    # the clue
    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    source_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source record type"),
    )
    source_id = models.BigIntegerField(_("source record id"), null=True, blank=True)
    summary = models.TextField(_("what was found"))
    place = models.CharField(_("place"), max_length=200)
    lng = models.DecimalField(_("longitude"), max_digits=10, decimal_places=7, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=10, decimal_places=7, null=True, blank=True)
    discovered_on = models.DateField(_("discovered on"))
    act_ended_on = models.DateField(
        _("date of the act"), help_text=_("For a continuing act, the day it ended (art. 36).")
    )
    act_continuing = models.BooleanField(_("the act is still going on"), default=False)
    concerns_safety = models.BooleanField(
        _("concerns life, health, safety or financial security"), default=False
    )
    caused_harm = models.BooleanField(_("caused harmful consequences"), default=False)
    is_complex = models.BooleanField(_("complex or serious (collective discussion)"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"))
    # the party
    party_kind = models.CharField(_("party"), max_length=8, choices=PartyKind.choices, blank=True)
    entity = models.ForeignKey(
        "entities.MarketEntity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enforcement_cases",
        verbose_name=_("market entity"),
    )
    person_name = models.CharField(_("name"), max_length=60, blank=True)
    person_id_number = models.CharField(
        _("identity number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    person_phone = models.CharField(_("phone"), max_length=20, blank=True)
    person_address = models.CharField(_("address"), max_length=200, blank=True)
    # the matter (power list) and registration
    power_version = models.ForeignKey(
        "enforcement.PowerMatterVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("power-list matter"),
    )
    cause = models.CharField(_("cause of action (案由)"), max_length=200, blank=True)
    registration_opinion = models.TextField(_("handler's opinion"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registration approved by"),
    )
    not_registered_reason = models.TextField(_("reason for not registering"), blank=True)
    check_extended = models.BooleanField(_("clue check extended"), default=False)
    # end of investigation
    head_choice = models.CharField(_("head's choice"), max_length=20, choices=HeadChoice.choices, blank=True)
    investigation_report = models.TextField(_("end-of-investigation report"), blank=True)
    education_record = models.TextField(_("education given (art. 33)"), blank=True)
    is_repeat_offence = models.BooleanField(_("repeat offender"), default=False)
    # the penalty path
    current_proposal = models.ForeignKey(
        "enforcement.PenaltyProposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current proposal"),
    )
    notified_proposal = models.ForeignKey(
        "enforcement.PenaltyProposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposal in the advance notice"),
    )
    notice_served_at = models.DateTimeField(_("advance notice served"), null=True, blank=True)
    rights_waived_at = models.DateTimeField(_("rights waived in writing"), null=True, blank=True)
    decision_extension_days = models.PositiveIntegerField(_("decision limit extended by (days)"), default=0)
    decided_proposal = models.ForeignKey(
        "enforcement.PenaltyProposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided penalty"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_number = models.CharField(_("decision number (文号)"), max_length=60, blank=True)
    decision_document = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision document"),
    )
    served_at = models.DateTimeField(_("decision served"), null=True, blank=True)
    # execution
    fine_amount = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    pay_by = models.DateField(_("pay by"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    late_fee_paid = models.DecimalField(
        _("late fee paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reminder_served_on = models.DateField(_("reminder served on"), null=True, blank=True)
    court_applied_on = models.DateField(_("applied to the court on"), null=True, blank=True)
    closing_reason = models.TextField(_("reason for closing"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    # summary procedure
    form_number = models.CharField(_("pre-numbered form"), max_length=40, blank=True)
    filed_at = models.DateTimeField(_("filed with the bureau"), null=True, blank=True)
    # the earliest open time limit, kept by the services (the officers' list sorts on it)
    next_due_at = models.DateTimeField(_("next time limit"), null=True, blank=True)
    next_due_label = models.CharField(_("next step"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="enforcement_case_source_whole",
            ),
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="enforcement_case_one_per_source",
            ),
            models.UniqueConstraint(
                fields=["township", "form_number"],
                condition=~Q(form_number=""),
                name="enforcement_case_form_number_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["township", "department", "status", "next_due_at"], name="enf_case_worklist"
            ),
            models.Index(fields=["next_due_at"], name="enf_case_next_due"),
            models.Index(fields=["entity", "power_version"], name="enf_case_entity"),
            models.Index(
                fields=["person_id_number"], name="enf_case_person", condition=~Q(person_id_number="")
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def party_name(self) -> str:
        if self.party_kind == PartyKind.ENTITY and self.entity_id:
            return self.entity.name
        return self.person_name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.person_id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.person_phone)

    @property
    def party_code_masked(self) -> str:
        if self.party_kind == PartyKind.ENTITY and self.entity_id:
            return self.entity.credit_code
        return self.masked_id_number

    @property
    def is_organisation(self) -> bool:
        """Summary-procedure and hearing limits differ for a citizen and an organisation; an individual
        business (个体工商户) is fined as the natural person who runs it."""
        return self.party_kind == PartyKind.ENTITY and self.entity_id and self.entity.kind != "individual"


# --- people ---------------------------------------------------------------------------------------------


class CredentialKind(models.TextChoices):
    ENFORCEMENT = "enforcement", _("Enforcement ID (执法证)")
    LEGAL_REVIEW = "legal_review", _("Legal reviewer")


class OfficerCredential(TownshipOwned):
    """An officer's enforcement ID (art. 42, 55) or a legal reviewer's appointment (art. 58)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enforcement_credentials",
        verbose_name=_("officer"),
    )
    kind = models.CharField(
        _("kind"), max_length=14, choices=CredentialKind.choices, default=CredentialKind.ENFORCEMENT
    )
    number = models.CharField(_("certificate number"), max_length=40)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    first_appointed_on = models.DateField(_("first appointed on"), null=True, blank=True)
    legal_qualification = models.CharField(
        _("national legal professional qualification no."), max_length=40, blank=True
    )
    is_revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("officer credential")
        verbose_name_plural = _("officer credentials")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="officer_credential_unique")]

    def __str__(self):
        return self.number

    def is_valid_on(self, day) -> bool:
        return not self.is_revoked and self.valid_from <= day <= self.valid_until


class CaseOfficer(models.Model):
    case = models.ForeignKey(
        EnforcementCase, on_delete=models.CASCADE, related_name="officers", verbose_name=_("case")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enforcement_assignments",
        verbose_name=_("officer"),
    )
    credential = models.ForeignKey(
        OfficerCredential, on_delete=models.PROTECT, related_name="+", verbose_name=_("credential")
    )
    is_lead = models.BooleanField(_("lead officer"), default=False)
    is_active = models.BooleanField(_("on the case"), default=True)
    assigned_at = models.DateTimeField(_("assigned at"))

    class Meta:
        verbose_name = _("case officer")
        verbose_name_plural = _("case officers")
        constraints = [models.UniqueConstraint(fields=["case", "officer"], name="case_officer_once")]
        indexes = [models.Index(fields=["officer", "is_active"], name="case_officer_mine")]

    def __str__(self):
        return f"{self.case_id}/{self.officer_id}"


class RecusalOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted: officer withdrawn")
    REFUSED = "refused", _("Refused")


class Recusal(models.Model):
    """A recusal application (art. 43): the head decides; the investigation goes on meanwhile."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="recusals")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    applied_by = models.CharField(_("applied for by"), max_length=60)
    reason = models.TextField(_("reason"))
    applied_at = models.DateTimeField(_("applied at"))
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=RecusalOutcome.choices, default=RecusalOutcome.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")

    def __str__(self):
        return f"{self.case_id}: {self.officer_id}"


# --- investigation -------------------------------------------------------------------------------------


class RecordKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview record (询问笔录)")
    SITE_INSPECTION = "site_inspection", _("Site-inspection record (现场检查笔录)")


class InvestigationRecord(models.Model):
    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(_("kind"), max_length=16, choices=RecordKind.choices)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    place = models.CharField(_("place"), max_length=200)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("officers"))
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorder")
    )
    subject_name = models.CharField(_("interviewee or party present"), max_length=60, blank=True)
    subject_id_number = models.CharField(
        _("identity number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    subject_relation = models.CharField(_("relationship to the case"), max_length=60, blank=True)
    weather = models.CharField(_("weather"), max_length=30, blank=True)
    witness = models.CharField(_("invited witness"), max_length=60, blank=True)
    content = models.TextField(_("questions and answers, or findings"))
    refused_to_sign = models.BooleanField(_("refused to sign"), default=False)
    document = models.ForeignKey(
        "documents.IssuedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("investigation record")
        verbose_name_plural = _("investigation records")
        ordering = ["started_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"


class EvidenceKind(models.TextChoices):
    """The eight kinds of art. 46."""

    DOCUMENTARY = "documentary", _("Documentary evidence (书证)")
    PHYSICAL = "physical", _("Physical evidence (物证)")
    AUDIOVISUAL = "audiovisual", _("Audio-visual material (视听资料)")
    ELECTRONIC = "electronic", _("Electronic data (电子数据)")
    WITNESS = "witness", _("Witness testimony (证人证言)")
    STATEMENT = "statement", _("Party's statement (当事人的陈述)")
    EXPERT = "expert", _("Expert opinion (鉴定意见)")
    RECORD = "record", _("Inspection or site record (勘验笔录、现场笔录)")


def evidence_upload_to(instance, filename):
    return f"enforcement/evidence/{instance.case_id}/{instance.sha256[:2]}/{instance.sha256}"


class EvidenceItem(models.Model):
    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="evidence")
    record = models.ForeignKey(
        InvestigationRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    title = models.CharField(_("description"), max_length=200)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    mime_type = models.CharField(_("file type"), max_length=60, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    collected_at = models.DateTimeField(_("collected at"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("collected by")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence")
        ordering = ["collected_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "sha256"], condition=~Q(sha256=""), name="evidence_file_once_per_case"
            ),
        ]

    def __str__(self):
        return self.title


class MeasureKind(models.TextChoices):
    PRESERVATION = "preservation", _("Evidence preservation (先行登记保存)")
    SEALING = "sealing", _("Sealing (查封)")
    SEIZURE = "seizure", _("Seizure (扣押)")


class MeasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting the head")
    IN_FORCE = "in_force", _("In force")
    DECIDED = "decided", _("Decided")
    RELEASED = "released", _("Released")
    REFUSED = "refused", _("Refused by the head")


class PreservationMeasure(models.Model):
    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind"), max_length=12, choices=MeasureKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.REQUESTED
    )
    items = models.TextField(_("items (name, specification, quantity)"))
    storage_place = models.CharField(_("kept at"), max_length=200)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("decision on the items"), blank=True)
    document = models.ForeignKey(
        "documents.IssuedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("preservation or coercive measure")
        verbose_name_plural = _("preservation and coercive measures")

    def __str__(self):
        return self.get_kind_display()

    @property
    def deadline_kind(self) -> str:
        return f"measure-{self.pk}"


# --- the penalty ---------------------------------------------------------------------------------------


class PenaltyProposal(models.Model):
    """One version of the intended penalty; any change is a new version (review and notice see one)."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="proposals")
    version = models.PositiveIntegerField(_("version"))
    band = models.ForeignKey(
        "enforcement.DiscretionBand",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("discretion band"),
    )
    warning = models.BooleanField(_("warning"), default=False)
    fine = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    confiscation = models.DecimalField(
        _("confiscation of illegal gains (yuan)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    other_penalties = models.CharField(_("other penalties"), max_length=200, blank=True)
    facts = models.TextField(_("facts and evidence"))
    outside_band = models.BooleanField(_("outside the discretion band"), default=False)
    deviation_reason = models.TextField(_("reason for leaving the band"), blank=True)
    mitigating_ground = models.CharField(
        _("ground for a reduced penalty (arts 30–33)"), max_length=200, blank=True
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("penalty proposal")
        verbose_name_plural = _("penalty proposals")
        ordering = ["case", "version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="penalty_proposal_version")]

    def __str__(self):
        return f"v{self.version}"

    def describe(self) -> str:
        parts = []
        if self.warning:
            parts.append(str(_("warning")))
        if self.fine:
            parts.append(str(_("a fine of %(amount)s yuan")) % {"amount": f"{self.fine:,.2f}"})
        if self.confiscation:
            parts.append(
                str(_("confiscation of %(amount)s yuan of illegal gains"))
                % {"amount": f"{self.confiscation:,.2f}"}
            )
        if self.other_penalties:
            parts.append(self.other_penalties)
        return "；".join(parts) or str(_("no penalty"))


REVIEW_POINTS = (
    ("body", _("The body is lawful and the officers qualified")),
    ("facts", _("The facts are clear and the evidence conclusive")),
    ("basis", _("The basis is applied correctly and the discretion benchmark used properly")),
    ("procedure", _("The procedure is lawful and the party's rights protected")),
    ("powers", _("The organ did not exceed its powers")),
    ("documents", _("The documents are complete")),
    ("judiciary", _("Whether the case should go to the judiciary")),
)


class ReviewOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    RETURNED = "returned", _("Returned for correction")
    NOT_PASSED = "not_passed", _("Not passed")


class LegalReview(models.Model):
    """法制审核 (art. 58) of one proposal version: a finding on each of the seven points."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="legal_reviews")
    proposal = models.ForeignKey(PenaltyProposal, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    credential = models.ForeignKey(OfficerCredential, on_delete=models.PROTECT, related_name="+")
    findings = models.JSONField(_("findings per review point"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome.choices)
    opinion = models.TextField(_("opinion"))
    reviewed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("legal review")
        verbose_name_plural = _("legal reviews")
        ordering = ["reviewed_at"]

    def __str__(self):
        return f"{self.case_id} v{self.proposal_id}: {self.outcome}"


class CollectiveDiscussion(models.Model):
    """重大复杂案件集体讨论 (art. 57(2)), of one proposal version."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="discussions")
    proposal = models.ForeignKey(
        PenaltyProposal, on_delete=models.PROTECT, null=True, blank=True, related_name="discussions"
    )
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=100)
    heads_present = models.CharField(_("heads present"), max_length=300)
    presenter = models.CharField(_("presenter"), max_length=60)
    opinions = models.TextField(_("opinions"))
    conclusion = models.TextField(_("conclusion"))
    extension_days = models.PositiveIntegerField(
        _("further extension of the decision limit (days)"), default=0
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("collective discussion")
        verbose_name_plural = _("collective discussions")

    def __str__(self):
        return f"{self.case_id} {self.held_at:%Y-%m-%d}"


class Hearing(models.Model):
    case = models.OneToOneField(EnforcementCase, on_delete=models.CASCADE, related_name="hearing")
    requested_at = models.DateTimeField(_("requested at"))
    notified_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    scheduled_at = models.DateTimeField(_("to be held at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    presider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_public = models.BooleanField(_("public"), default=True)
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    record = models.TextField(_("hearing record"), blank=True)
    party_absent = models.BooleanField(_("party absent without good reason"), default=False)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self):
        return f"{self.case_id}"


class SuspensionKind(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    TESTING = "testing", _("Testing, inspection or appraisal")
    REVIEW = "review", _("Administrative review")
    LITIGATION = "litigation", _("Administrative litigation")


class Suspension(models.Model):
    """A period not counted: towards the 90-day decision limit (hearing, public notice, testing), or
    towards the late fee (review, litigation; art. 73). `ended_on` empty while it lasts."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(_("kind"), max_length=14, choices=SuspensionKind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("period not counted")
        verbose_name_plural = _("periods not counted")
        ordering = ["started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="suspension_ordered",
            ),
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(ended_on__isnull=True),
                name="suspension_one_open_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.started_on}"


class ServiceMethod(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("Handed over on the spot")
    DIRECT = "direct", _("Direct service")
    LEFT = "left", _("Left at the address")
    ELECTRONIC = "electronic", _("Electronic (with consent)")
    POST = "post", _("Post")
    ENTRUSTED = "entrusted", _("Entrusted or forwarded")
    PUBLIC_NOTICE = "public_notice", _("Public notice")


class ServiceRecord(models.Model):
    """送达回证: how one document reached the party, and the date it counts as served."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="services")
    document = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("document served"),
    )
    method = models.CharField(_("method"), max_length=14, choices=ServiceMethod.choices)
    recipient = models.CharField(_("recipient"), max_length=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    served_at = models.DateTimeField(_("counts as served at"))
    published_on = models.DateField(_("public notice published on"), null=True, blank=True)
    servers = models.CharField(_("served by"), max_length=120)
    witnesses = models.CharField(_("witnesses"), max_length=120, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    proof = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proof of service"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        constraints = [models.UniqueConstraint(fields=["document"], name="service_once_per_document")]

    def __str__(self):
        return f"{self.case_id} {self.method}"


class Publication(TownshipOwned):
    """A decision as published (公示), with the party's personal data masked; withdrawn with a reason."""

    case = models.OneToOneField(EnforcementCase, on_delete=models.CASCADE, related_name="publication")
    decision_number = models.CharField(_("decision number"), max_length=60)
    party_display = models.CharField(_("party (as published)"), max_length=120)
    party_code_display = models.CharField(_("code (as published)"), max_length=30, blank=True)
    violation = models.TextField(_("violation"))
    penalty = models.TextField(_("penalty"))
    basis = models.TextField(_("basis"))
    organ = models.CharField(_("organ"), max_length=80)
    decided_on = models.DateField(_("decided on"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("published decision")
        verbose_name_plural = _("published decisions")
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["township", "-published_at"], name="enf_publication_list")]

    def __str__(self):
        return self.decision_number


class PaymentInstalment(models.Model):
    """One instalment of a fine the head allowed to be paid in parts (分期缴纳, art. 66): due on its own
    day, paid with its own receipt; a late fee (art. 72) runs on an instalment only after its day."""

    case = models.ForeignKey(
        EnforcementCase, on_delete=models.CASCADE, related_name="instalments", verbose_name=_("case")
    )
    sequence = models.PositiveSmallIntegerField(_("instalment"))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    late_fee_paid = models.DecimalField(
        _("late fee paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("payment instalment")
        verbose_name_plural = _("payment instalments")
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="enf_instalment_once"),
            models.UniqueConstraint(fields=["case", "due_on"], name="enf_instalment_day_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="enf_instalment_positive"),
        ]

    def __str__(self):
        return f"{self.case_id}/{self.sequence}"


__all__ = [
    "REVIEW_POINTS",
    "WORKFLOW",
    "CaseNotPossible",
    "CaseOfficer",
    "CaseSource",
    "CaseStatus",
    "CollectiveDiscussion",
    "CredentialKind",
    "EnforcementCase",
    "EvidenceItem",
    "EvidenceKind",
    "HeadChoice",
    "Hearing",
    "InvestigationRecord",
    "LegalReview",
    "MeasureKind",
    "MeasureStatus",
    "OfficerCredential",
    "PartyKind",
    "PaymentInstalment",
    "PenaltyProposal",
    "PreservationMeasure",
    "Procedure",
    "Publication",
    "RecordKind",
    "Recusal",
    "RecusalOutcome",
    "ReviewOutcome",
    "ServiceMethod",
    "ServiceRecord",
    "Suspension",
    "SuspensionKind",
]
