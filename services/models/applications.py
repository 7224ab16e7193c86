"""Services: applications (one per item, or a bundle with one child per item), their materials, and the
resident's reusable material library."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from services.errors import ApplicationNotPossible
from township.casework.models import CaseClock
from township.casework.workflow import Move, Workflow
from township.identifiers import (
    mask_id_number,
    mask_phone,
    validate_credit_code,
    validate_id_number,
    validate_mobile_phone,
)
from township.org.models import TownshipOwned, TownshipScopedQuerySet


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting pre-review")
    NOTIFIED = "notified", _("Materials incomplete (one-time notice issued)")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    IN_REVIEW = "in_review", _("In review")
    SUPPLEMENT = "supplement", _("Supplement requested")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    RESULT_READY = "result_ready", _("Result ready")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed on the spot")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationStatus
# Everything still open before a decision; an application can be withdrawn from any of these.
_BEFORE_DECISION = [S.DRAFT, S.SUBMITTED, S.NOTIFIED, S.ACCEPTED, S.IN_REVIEW, S.SUPPLEMENT]
# The one table of allowed moves. The back office (approvals) moves an application between ACCEPTED and
# RESULT_READY; the labels are what every timeline shows.
WORKFLOW = Workflow(
    states=ApplicationStatus,
    moves=[
        Move(
            "submit",
            pgettext_lazy("timeline", "Submitted"),
            sources=[S.DRAFT, S.NOTIFIED],
            target=S.SUBMITTED,
        ),
        Move("accept", _("Accepted"), sources=[S.SUBMITTED, S.NOTIFIED], target=S.ACCEPTED),
        Move("notify", _("One-time notice issued"), sources=[S.SUBMITTED, S.NOTIFIED], target=S.NOTIFIED),
        Move("refuse", _("Not accepted"), sources=[S.SUBMITTED, S.NOTIFIED], target=S.NOT_ACCEPTED),
        Move("complete", _("Completed on the spot"), sources=[S.SUBMITTED, S.NOTIFIED], target=S.COMPLETED),
        Move("start-review", _("Review started"), sources=[S.ACCEPTED], target=S.IN_REVIEW),
        Move("request-supplement", _("Supplement requested"), sources=[S.IN_REVIEW], target=S.SUPPLEMENT),
        Move("supply-supplement", _("Supplement supplied"), sources=[S.SUPPLEMENT], target=S.IN_REVIEW),
        Move("approve", _("Approved"), sources=[S.ACCEPTED, S.IN_REVIEW], target=S.APPROVED),
        Move("deny", pgettext_lazy("decision", "Denied"), sources=[S.ACCEPTED, S.IN_REVIEW], target=S.DENIED),
        Move("result-ready", _("Result ready"), sources=[S.APPROVED, S.DENIED], target=S.RESULT_READY),
        Move("deliver", _("Result delivered"), sources=[S.RESULT_READY], target=S.DELIVERED),
        Move("withdraw", _("Withdrawn"), sources=_BEFORE_DECISION, target=S.WITHDRAWN),
    ],
    error_class=ApplicationNotPossible,
    labels={
        "draft": _("Draft started"),
        "receive": _("Received at the window"),
        "forward": _("Received at a village service point and forwarded to the service hall"),
        "hand-over": _("Papers sent to the service hall on a hand-over list"),
        "papers-received": _("Papers received at the service hall"),
        "self-print": _("Result slip printed at a self-service terminal"),
        "assign": _("Assigned"),
        "reassign": _("Reassigned"),
        "opinion": _("Opinion given"),
        "request-extension": _("Extension requested"),
        "extend": _("Time limit extended"),
        "refuse-extension": _("Extension refused"),
        "pause": _("Clock paused (excluded period)"),
        "resume": _("Clock resumed"),
        "upload": _("Material uploaded"),
        "delete-draft": _("Draft deleted"),
    },
)
# Which states may follow which: read from the workflow, for pages that ask "could this still change?".
TRANSITIONS: dict[str, set[str]] = {state: WORKFLOW.targets(state) for state in ApplicationStatus.values}
# States in which the deadline clock runs (or is paused for a supplement).
OPEN_STATES = {S.ACCEPTED, S.IN_REVIEW, S.SUPPLEMENT}
FINISHED_STATES = {S.NOT_ACCEPTED, S.DELIVERED, S.COMPLETED, S.WITHDRAWN}
# What residents may still edit themselves.
EDITABLE_STATES = {S.DRAFT, S.NOTIFIED}


class Channel(models.TextChoices):
    WINDOW = "window", _("At the window")
    ONLINE = "online", _("Online hall")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    ENTERPRISE = "enterprise", _("Enterprise or organisation")


class ConsentMethod(models.TextChoices):
    SIGNED = "signed", _("Signed power of attorney")
    IN_PERSON = "in_person", _("Confirmed in person")
    PHONE = "phone", _("Confirmed by phone call")


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("Pick up at the window")
    POST = "post", _("By post")


class ApplicationQuerySet(TownshipScopedQuerySet):
    def of_resident(self, user):
        return self.filter(resident=user) if getattr(user, "is_authenticated", False) else self.none()


class Application(TownshipOwned, CaseClock):
    """One request for one service item (or, with `bundle`, the parent of one child per bundled item)."""

    # data scope (township.org.scope): the back office sees its department's, a resident their own
    scope_paths = {"township": "township", "department": "department", "owner": "resident"}

    number = models.CharField(_("application number"), max_length=30, unique=True, null=True, blank=True)
    query_code = models.CharField(_("query code"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    item = models.ForeignKey(
        "services.ServiceItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("service item"),
    )
    item_version = models.ForeignKey(
        "services.ServiceItemVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("guide version"),
    )
    bundle = models.ForeignKey(
        "services.Bundle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("bundle"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("bundle application"),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("responsible department"),
    )
    # Applicant
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=12, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("applicant name"), max_length=60, blank=True)
    applicant_id_number = models.CharField(
        _("applicant identity number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    applicant_phone = models.CharField(
        _("applicant phone"), max_length=20, blank=True, validators=[validate_mobile_phone]
    )
    enterprise_name = models.CharField(_("enterprise name"), max_length=120, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("resident account"),
        db_index=False,  # (resident, -created_at) below serves every look-up by resident
    )
    # Agent service 代办: who applied on the applicant's behalf, and how the applicant agreed.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agent_applications",
        verbose_name=_("agent account"),
    )
    agent_name = models.CharField(_("agent name"), max_length=60, blank=True)
    agent_id_number = models.CharField(
        _("agent identity number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    agent_relation = models.CharField(_("agent's relation to the applicant"), max_length=60, blank=True)
    consent_method = models.CharField(
        _("how the applicant consented"), max_length=12, choices=ConsentMethod.choices, blank=True
    )
    consent_note = models.CharField(_("consent note"), max_length=200, blank=True)
    # Intake
    window = models.ForeignKey(
        "org.ServiceWindow",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("window"),
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accepted_applications",
        verbose_name=_("clerk"),
    )
    checklist = models.JSONField(_("material checklist"), default=dict, blank=True)
    form_data = models.JSONField(_("application form"), default=dict, blank=True)
    note = models.TextField(_("applicant's note"), blank=True)
    refusal_reason = models.TextField(_("reason for not accepting"), blank=True)
    result_summary = models.TextField(_("result"), blank=True)
    receipt = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptance receipt"),
    )
    notice = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("latest one-time notice"),
    )
    result = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("result document"),
    )
    # Delivery of the result
    delivery_method = models.CharField(
        _("delivery of the result"),
        max_length=8,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.WINDOW,
    )
    postal_address = models.CharField(_("postal address"), max_length=200, blank=True)
    postal_tracking_number = models.CharField(_("postal tracking number"), max_length=40, blank=True)
    # Milestones
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            CaseClock.warning_index("svc_app_warning_due"),
            models.Index(fields=["township", "status", "due_at"], name="svc_app_township_status_due"),
            models.Index(fields=["resident", "-created_at"], name="svc_app_resident_created"),
            models.Index(fields=["township", "-accepted_at"], name="svc_app_township_accepted"),
            # tracking by identity number at a self-service terminal
            models.Index(fields=["township", "applicant_id_number"], name="svc_app_township_applicant"),
            # the back office's work list: a department's open applications, most urgent first; with the
            # columns the command centre's open snapshot counts, so it counts from this index alone
            models.Index(
                fields=["department", "-warning_level", "due_at"],
                condition=Q(status__in=["accepted", "in_review", "supplement"]),
                include=["township", "parent", "bundle", "status"],
                name="svc_app_dept_open_urgency",
            ),
            # --- command2: the command centre's live figures of today and its warning counts ---
            models.Index(
                fields=["township", "submitted_at"],
                condition=Q(submitted_at__isnull=False),
                name="svc_app_township_submitted",
            ),
            # completed on the day: COALESCE(clock_stopped_at, finished_at), as command_center reads it (one
            # expression index serves both columns; finished_at alone is only read through __date)
            models.Index(
                models.F("township"),
                Coalesce("clock_stopped_at", "finished_at"),
                name="svc_app_township_completed",
            ),
            models.Index(fields=["township", "due_at"], name="svc_app_township_due"),
            # the command centre's hourly job reads the rows changed since its watermark
            models.Index(fields=["updated_at"], name="svc_app_updated"),
            # the open red and yellow rows of the warning board and the dashboard's warning counts
            models.Index(
                fields=["township", "warning_level", "due_at"],
                condition=Q(
                    clock_started_at__isnull=False, clock_stopped_at__isnull=True, warning_level__in=[1, 2]
                ),
                name="svc_app_open_warning",
            ),
            # --- end command2 ---
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False),
                name="svc_app_numbered_after_intake",
                violation_error_message=_("Only a draft may be without an application number."),
            ),
            models.CheckConstraint(
                condition=Q(item__isnull=False) | Q(bundle__isnull=False),
                name="svc_app_item_or_bundle",
                violation_error_message=_("An application is for a service item or a bundle."),
            ),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def is_bundle(self) -> bool:
        return self.bundle_id is not None and self.parent_id is None

    @property
    def title(self) -> str:
        if self.item_version_id:
            return self.item_version.name
        return self.bundle.name if self.bundle_id else ""

    @property
    def applicant_display(self) -> str:
        if self.applicant_kind == ApplicantKind.ENTERPRISE:
            return self.enterprise_name
        return self.applicant_name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.applicant_id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.applicant_phone) if self.applicant_phone else ""

    @property
    def is_editable_by_resident(self) -> bool:
        return self.channel == Channel.ONLINE and self.status in EDITABLE_STATES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATES


def material_upload_to(instance, filename: str) -> str:
    # Random names: the stored path reveals nothing and cannot be guessed; files are never served
    # from MEDIA_URL, only through views that check permission.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/applications/{uuid.uuid4().hex}.{ext}"


def library_upload_to(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/library/{uuid.uuid4().hex}.{ext}"


class ApplicationMaterialQuerySet(TownshipScopedQuerySet):
    township_path = "application__township"


class ApplicationMaterial(models.Model):
    """A file handed in for one material requirement of an application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="materials", verbose_name=_("application")
    )
    requirement = models.ForeignKey(
        "services.MaterialRequirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("material requirement"),
    )
    # For a file handed in for a supplement (no checklist line): which requested material it is.
    supplement_item = models.CharField(_("supplemented material"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    from_library = models.ForeignKey(
        "services.ResidentMaterial",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reused from the material library"),
    )

    objects = ApplicationMaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("application material")
        verbose_name_plural = _("application materials")
        ordering = ["requirement__order", "uploaded_at"]

    def __str__(self):
        return self.original_name


class ResidentMaterial(models.Model):
    """A document in a resident's material library, collected once and reused (一次采集、反复使用)."""

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="library_materials",
        verbose_name=_("resident"),
    )
    material_type = models.ForeignKey(
        "services.MaterialType", on_delete=models.PROTECT, related_name="+", verbose_name=_("material type")
    )
    file = models.FileField(_("file"), upload_to=library_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("library material")
        verbose_name_plural = _("library materials")
        ordering = ["material_type", "-uploaded_at"]
        indexes = [models.Index(fields=["resident", "material_type"], name="svc_library_resident_type")]

    def __str__(self):
        return self.original_name
