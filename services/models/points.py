"""Services: the window network below the hall: service points (the hall and village or community
points), their staff and windows, where each application was received, hand-over lists of forwarded
paper materials, home visits (上门特办) and self-service terminals."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from services.errors import HomeVisitNotPossible
from township.casework.workflow import Move, Workflow
from township.identifiers import mask_id_number, mask_phone, validate_id_number, validate_mobile_phone
from township.org.models import TownshipOwned, TownshipScopedQuerySet


class PointKind(models.TextChoices):
    HALL = "hall", _("Township service hall")
    VILLAGE = "village", _("Village or community service point")


class ServicePoint(TownshipOwned):
    """Where residents are served: the township's hall (one) or a village or community point."""

    kind = models.CharField(_("kind"), max_length=8, choices=PointKind.choices, default=PointKind.VILLAGE)
    village = models.OneToOneField(
        "org.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_point",
        verbose_name=_("village or community"),
    )
    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Z]{4,16}$", _("Use 4 to 16 digits or capital letters."))],
        help_text=_("For a village point usually its village's 12-digit statistical code."),
    )
    name = models.CharField(_("name"), max_length=80)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    windows = models.ManyToManyField(
        "org.ServiceWindow", blank=True, related_name="service_points", verbose_name=_("windows")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["township", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["township"], condition=Q(kind="hall"), name="svc_point_one_hall_per_township"
            ),
            models.CheckConstraint(
                condition=Q(kind="hall", village__isnull=True) | Q(kind="village", village__isnull=False),
                name="svc_point_village_iff_village_kind",
                violation_error_message=_("A village point belongs to a village; the hall to none."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_hall(self) -> bool:
        return self.kind == PointKind.HALL


class PointStaffQuerySet(TownshipScopedQuerySet):
    township_path = "point__township"


class PointStaff(models.Model):
    """A staff member's service point: window clerks who take applications there, and the village staff
    and grid members of its agent team who visit residents at home. One point per person."""

    class Duty(models.TextChoices):
        CLERK = "clerk", _("Clerk at the point")
        AGENT = "agent", _("Agent team (home visits)")

    point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="staff", verbose_name=_("service point")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="service_point_staff",
        verbose_name=_("staff member"),
    )
    duty = models.CharField(_("duty"), max_length=8, choices=Duty.choices, default=Duty.CLERK)

    scope_paths = {"township": "point__township"}
    objects = PointStaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("point staff")
        verbose_name_plural = _("point staff")

    def __str__(self):
        return f"{self.point} · {self.user}"


class ReceptionQuerySet(TownshipScopedQuerySet):
    township_path = "point__township"


class Reception(models.Model):
    """Where an application was received: at which point, by whom, and whether the point accepted it
    itself or forwarded it to the hall (代收代办). Its number and receipt date are the application's."""

    application = models.OneToOneField(
        "services.Application",
        on_delete=models.CASCADE,
        related_name="reception",
        verbose_name=_("application"),
    )
    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="receptions", verbose_name=_("service point")
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received"))
    is_forwarded = models.BooleanField(_("forwarded to the hall"), default=False)
    handover = models.ForeignKey(
        "services.Handover",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receptions",
        verbose_name=_("hand-over list"),
    )
    home_visit = models.OneToOneField(
        "services.HomeVisit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reception",
        verbose_name=_("home visit"),
    )
    # a forwarded application's receipt of receiving (收件凭证): its number, query code and tracking QR
    slip = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receipt of receiving"),
    )

    scope_paths = {"township": "point__township"}
    objects = ReceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("reception at a point")
        verbose_name_plural = _("receptions at points")
        indexes = [
            models.Index(fields=["point", "received_at"], name="svc_reception_point_time"),
            models.Index(
                fields=["point"],
                condition=Q(is_forwarded=True, handover__isnull=True),
                name="svc_reception_to_hand_over",
            ),
        ]

    def __str__(self):
        return f"{self.point} · {self.application}"


class Handover(TownshipOwned):
    """A hand-over list 交接单: the paper materials of forwarded applications travelling from a village
    point to the hall, numbered and QR-verifiable, signed for when they arrive."""

    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("service point")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    created_at = models.DateTimeField(_("sent"))
    document = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hand-over list"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received at the hall"), null=True, blank=True)

    class Meta:
        verbose_name = _("hand-over list")
        verbose_name_plural = _("hand-over lists")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["township", "received_at"], name="svc_handover_open")]

    def __str__(self):
        return self.document.number if self.document_id else f"#{self.pk}"


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", pgettext_lazy("home visit", "Application taken")
    CANCELLED = "cancelled", pgettext_lazy("home visit", "Cancelled")


class VisitReason(models.TextChoices):
    ELDERLY = "elderly", _("Elderly")
    DISABLED = "disabled", _("Disabled")
    NO_TRANSPORT = "no_transport", _("No transport")
    OTHER = "other", _("Other difficulty")


V = VisitStatus
VISIT_WORKFLOW = Workflow(
    states=VisitStatus,
    moves=[
        Move("schedule", _("Home visit scheduled"), sources=[V.REQUESTED, V.SCHEDULED], target=V.SCHEDULED),
        Move("take", _("Application taken at home"), sources=[V.SCHEDULED], target=V.DONE),
        Move("cancel", _("Home visit cancelled"), sources=[V.REQUESTED, V.SCHEDULED], target=V.CANCELLED),
    ],
    labels={"request": _("Home visit requested")},
    error_class=HomeVisitNotPossible,
)


class HomeVisit(TownshipOwned):
    """A request for a home visit 上门特办 (elderly, disabled, no transport): scheduled for a village staff
    member or grid member, who takes the application at home as the resident's agent, with consent."""

    scope_paths = {"township": "township", "owner": "assigned_to"}

    number = models.CharField(_("visit number"), max_length=30, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=VisitStatus.choices, default=V.REQUESTED)
    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="home_visits", verbose_name=_("service point")
    )
    item = models.ForeignKey(
        "services.ServiceItem",
        on_delete=models.PROTECT,
        related_name="home_visits",
        verbose_name=_("service item"),
    )
    resident_name = models.CharField(_("resident's name"), max_length=60)
    resident_id_number = models.CharField(
        _("resident's identity number"), max_length=18, validators=[validate_id_number]
    )
    resident_phone = models.CharField(_("phone"), max_length=20, validators=[validate_mobile_phone])
    address = models.CharField(_("address"), max_length=200)
    reason = models.CharField(_("reason"), max_length=12, choices=VisitReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    requested_at = models.DateTimeField(_("requested"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_visits",
        verbose_name=_("visiting staff member"),
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    application = models.OneToOneField(
        "services.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_visit",
        verbose_name=_("application taken"),
    )

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["scheduled_for", "requested_at"]
        indexes = [models.Index(fields=["assigned_to", "status", "scheduled_for"], name="svc_visit_agent")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(assigned_to__isnull=False, scheduled_for__isnull=False),
                name="svc_visit_scheduled_has_agent",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.resident_id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.resident_phone)


class SelfServiceTerminal(TownshipOwned):
    """A self-service machine 自助终端 at a point, signed in with its own account; that account is locked
    to the terminal's pages (township.devices) and holds no staff role."""

    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="terminals", verbose_name=_("service point")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="terminal",
        verbose_name=_("terminal account"),
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    # A result is printed here only when its guide version allows self-service printing
    # (ServiceItemVersion.self_service_print); listing items narrows this machine to those (e.g. one
    # without the paper for certificates). No items listed: every result its guide allows.
    printable_items = models.ManyToManyField(
        "services.ServiceItem",
        blank=True,
        related_name="+",
        verbose_name=_("items whose results it may print"),
        help_text=_("Leave empty to print every result whose guide allows self-service printing."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("self-service terminal")
        verbose_name_plural = _("self-service terminals")
        ordering = ["township", "code"]

    def __str__(self):
        return self.name


class TerminalTrackingCode(models.Model):
    """A code for tracking by identity number at a self-service terminal: sent by SMS to the phone given
    on the applications of that number. A row is written for every request, whether or not applications
    exist (then no SMS goes out and no code matches), so the answer tells nobody whether they do. Only a
    keyed hash of the identity number is kept, and the phone only until the code is sent; the code is stored hashed, valid for minutes, a few
    attempts, used once."""

    terminal = models.ForeignKey(
        SelfServiceTerminal,
        on_delete=models.CASCADE,
        related_name="tracking_codes",
        verbose_name=_("self-service terminal"),
    )
    id_hash = models.CharField(_("identity number hash"), max_length=64)
    # the phone of the newest application, kept only until the worker has sent the code
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # empty until the code is sent, and for ever when no application has this identity number
    code_hash = models.CharField(_("code hash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("terminal tracking code")
        verbose_name_plural = _("terminal tracking codes")
        indexes = [
            models.Index(fields=["id_hash", "-created_at"], name="svc_termcode_id_recent"),
            models.Index(fields=["terminal", "-created_at"], name="svc_termcode_terminal_recent"),
        ]

    def __str__(self):
        return f"{self.terminal} · {self.created_at:%Y-%m-%d %H:%M}"


__all__ = [
    "VISIT_WORKFLOW",
    "Handover",
    "HomeVisit",
    "PointKind",
    "PointStaff",
    "Reception",
    "SelfServiceTerminal",
    "ServicePoint",
    "TerminalTrackingCode",
    "VisitReason",
    "VisitStatus",
]
