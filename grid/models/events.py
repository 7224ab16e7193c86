"""Grid events (网格事件) and their six-step loop, with the event catalogue as versioned data.

A catalogue (`CategoryCatalogue`) is one version of a classification (GB/T 30428.2-2013, a local list),
effective for a period; its entries (`EventCategory`) carry the 大类/小类 codes, the responsible unit, the
filing and closing conditions and one time limit per step (`CategoryLimit`), each in its own unit, with
optional stages (私搭乱建: stop work 4 working hours, penalty 7 working days, demolition 20 working days).
An event keeps the entry it was filed under, so a new catalogue version never changes old events.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grid.errors import EventNotPossible
from township.casework.models import CaseClock, LimitUnit
from township.casework.workflow import Move, Workflow
from township.org.models import TownshipOwned


class CategoryCatalogue(TownshipOwned):
    """One version of an event classification in use in a township."""

    name = models.CharField(_("name"), max_length=120)
    standard_ref = models.CharField(
        _("standard"),
        max_length=60,
        help_text=_(
            "The standard or local rule the codes follow, e.g. “GB/T 30428.2-2013” or “local:township”."
        ),
    )
    version = models.CharField(_("version"), max_length=20)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    class Meta:
        verbose_name = _("event catalogue")
        verbose_name_plural = _("event catalogues")
        ordering = ["township", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "standard_ref", "version"], name="grid_catalogue_version_unique"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.version}"


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("Component (部件)")
    EVENT = "event", _("Event (事件)")


class EventCategory(models.Model):
    """One 小类 of a catalogue version. The uniqueness key includes the kind: a code may exist as both."""

    catalogue = models.ForeignKey(
        CategoryCatalogue, on_delete=models.CASCADE, related_name="categories", verbose_name=_("catalogue")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=CategoryKind.choices, default=CategoryKind.EVENT
    )
    major_code = models.CharField(
        _("major category code"), max_length=8, validators=[RegexValidator(r"^[0-9]{2,4}$")]
    )
    major_name = models.CharField(_("major category"), max_length=60)
    minor_code = models.CharField(
        _("sub-category code"), max_length=8, validators=[RegexValidator(r"^[0-9A-Za-z]{2,4}$")]
    )
    minor_name = models.CharField(_("sub-category"), max_length=60)
    other_code = models.CharField(
        _("code in another standard"), max_length=20, blank=True, help_text=_("E.g. the GB/T 47678 code.")
    )
    is_local_extension = models.BooleanField(_("local extension"), default=False)
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    responsible_unit = models.CharField(
        _("responsible unit"), max_length=80, blank=True, help_text=_("As the catalogue names it.")
    )
    filing_condition = models.TextField(_("filing condition"), blank=True)
    closing_condition = models.TextField(_("closing condition"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")
        ordering = ["catalogue", "kind", "major_code", "minor_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "kind", "major_code", "minor_code"], name="grid_category_code_unique"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.major_name}·{self.minor_name}"

    @property
    def code(self) -> str:
        return f"{self.major_code}.{self.minor_code}"


class LimitStep(models.TextChoices):
    REGISTER = "register", _("Verify and register")
    HANDLE = "handle", _("Handle and feed back")
    CHECK = "check", _("Check on site")


class CategoryLimit(models.Model):
    """The time limit of one step (or one stage of the handling step) of a category, in its own unit."""

    category = models.ForeignKey(
        EventCategory, on_delete=models.CASCADE, related_name="limits", verbose_name=_("category")
    )
    step = models.CharField(_("step"), max_length=12, choices=LimitStep.choices, default=LimitStep.HANDLE)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    stage = models.CharField(
        _("stage"), max_length=40, blank=True, help_text=_("For handling in stages, e.g. “stop work”.")
    )
    amount = models.PositiveIntegerField(_("time limit"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("time-limit unit"), max_length=16, choices=LimitUnit.choices)

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        ordering = ["category", "step", "order"]
        constraints = [
            models.UniqueConstraint(fields=["category", "step", "order"], name="grid_category_limit_unique"),
        ]

    def __str__(self):
        return f"{self.stage or self.get_step_display()}: {self.amount} {self.get_unit_display()}"


class EventStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    REJECTED = "rejected", _("Rejected")
    SELF_HANDLED = "self_handled", _("Handled on the spot")
    REGISTERED = "registered", _("Registered")
    DISPATCHED = "dispatched", _("Dispatched")
    RETURNED = "returned", _("Sent back")
    IN_PROGRESS = "in_progress", _("Being handled")
    FED_BACK = "fed_back", _("Awaiting check")
    CLOSED = "closed", _("Closed")
    EVALUATED = "evaluated", _("Evaluated")


class RejectReason(models.TextChoices):
    INVALID = "invalid", _("Not a valid event")
    DUPLICATE = "duplicate", _("Duplicate of an open event")
    OUT_OF_SCOPE = "out_of_scope", _("Outside the grid's remit")


class Satisfaction(models.IntegerChoices):
    UNSATISFIED = 1, _("Unsatisfied")
    BASICALLY = 2, _("Basically satisfied")
    SATISFIED = 3, _("Satisfied")


S = EventStatus
# The six steps (六步闭环): report → verify and register → dispatch (or whistle) → handle and feed back →
# check and close → evaluate. A failed check is rework (返工), back to handling.
EVENT_WORKFLOW_MOVES = [
    Move("register", _("Verified and registered"), sources=[S.REPORTED], target=S.REGISTERED),
    Move("reject", _("Rejected"), sources=[S.REPORTED], target=S.REJECTED),
    Move("dispatch", _("Dispatched"), sources=[S.REGISTERED, S.RETURNED], target=S.DISPATCHED),
    Move("whistle", _("Whistle blown (吹哨)"), sources=[S.REGISTERED, S.RETURNED], target=S.DISPATCHED),
    Move("send-back", _("Sent back by the department"), sources=[S.DISPATCHED], target=S.RETURNED),
    Move("force-assign", _("Assigned by the command centre"), sources=[S.RETURNED], target=S.IN_PROGRESS),
    Move("accept", _("Signed for"), sources=[S.DISPATCHED], target=S.IN_PROGRESS),
    Move("feed-back", _("Handled and fed back"), sources=[S.DISPATCHED, S.IN_PROGRESS], target=S.FED_BACK),
    Move("check-pass", _("Checked on site and closed"), sources=[S.FED_BACK], target=S.CLOSED),
    Move("rework", _("Check failed: rework"), sources=[S.FED_BACK], target=S.IN_PROGRESS),
    Move("evaluate", _("Evaluated"), sources=[S.CLOSED], target=S.EVALUATED),
    # the reporter says it is not fixed after all (within GRID_REOPEN_DAYS of closing): back to its unit
    Move("reopen", _("Reopened: not fixed"), sources=[S.CLOSED, S.EVALUATED], target=S.IN_PROGRESS),
]
EVENT_LABELS = {
    "report": _("Reported"),
    "self-handle": _("Reported as handled on the spot"),
    "photo": _("Photo added"),
    "on-site": _("Reported on site"),
    "stage-done": _("Stage done"),
    "deferral-request": _("Deferral requested"),
    "deferral-approve": _("Deferral approved"),
    "deferral-refuse": _("Deferral refused"),
    "enforcement-clue": _("Passed to enforcement as a clue"),
    "service-application": _("Agent-service application linked"),
    "support": _("Another resident reported the same"),
    "alert": _("Repeated alert merged"),
    "follow-up": _("Reporter answered the follow-up question"),
}
EVENT_WORKFLOW = Workflow(
    states=EventStatus, moves=EVENT_WORKFLOW_MOVES, labels=EVENT_LABELS, error_class=EventNotPossible
)
OPEN_STATES = frozenset({S.REPORTED, S.REGISTERED, S.DISPATCHED, S.RETURNED, S.IN_PROGRESS, S.FED_BACK})
HANDLING_STATES = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.FED_BACK})
DONE_STATES = frozenset({S.CLOSED, S.EVALUATED})


class GridEvent(TownshipOwned, CaseClock):
    """One event in a grid, run through the six-step loop.

    The event's own clock is the handling limit: it starts at dispatch (the clock starts when the centre
    issues the order), moves to the next stage's limit when a stage is done, is extended by an approved
    deferral, and stops when the event is closed; closed by `due_at` is on time (按期结案). Registration,
    on-site reporting after a whistle and the check are extra deadlines (township.casework.deadlines).
    """

    scope_paths = {"township": "township", "department": "department", "owner": "reporter", "grid": "grid"}

    number = models.CharField(_("number"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=EventStatus.choices, default=S.REPORTED)
    category = models.ForeignKey(
        EventCategory, on_delete=models.PROTECT, related_name="events", verbose_name=_("category")
    )
    grid = models.ForeignKey(
        "grid.Grid", on_delete=models.PROTECT, related_name="events", verbose_name=_("grid")
    )
    village = models.ForeignKey(
        "org.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village or community")
    )
    description = models.TextField(_("description"), max_length=2000)
    address = models.CharField(_("address"), max_length=256, blank=True)
    # WGS-84, as the phone reports it
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    # the grid member (or resident) who reported it; empty for reports from the hotline, Open311 clients
    # and cameras, whose reporter is on `event.intake` (grid.models.channels)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reporter"),
    )
    reported_at = models.DateTimeField(_("reported at"))
    # a retried report (the phone sent it twice) finds the first one by this key
    client_key = models.CharField(_("client key"), max_length=40, blank=True)

    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=16, choices=RejectReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duplicate of"),
    )
    # the handling (lead) department; None until dispatched
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("grid event", "handling department"),
    )
    dispatched_at = models.DateTimeField(_("first dispatched at"), null=True, blank=True)
    # the latest dispatch (or force-assignment): the send-back window and the handling clock start here
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    is_whistle = models.BooleanField(_("whistle (吹哨)"), default=False)
    is_forced = models.BooleanField(_("assigned by the centre"), default=False)
    stage = models.PositiveSmallIntegerField(_("stage"), default=1)
    fed_back_at = models.DateTimeField(_("fed back at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("rework"), default=0)
    deferral_count = models.PositiveSmallIntegerField(_("deferrals"), default=0)
    satisfaction = models.PositiveSmallIntegerField(
        _("reporter's satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    # links: an enforcement clue (whatever model the enforcement app uses) and an agent-service application
    clue_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clue_id = models.BigIntegerField(null=True, blank=True)
    service_application = models.ForeignKey(
        "services.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grid_events",
        verbose_name=_("agent-service application"),
    )

    class Meta:
        verbose_name = _("grid event")
        verbose_name_plural = _("grid events")
        ordering = ["-reported_at", "-pk"]
        indexes = [
            CaseClock.warning_index("grid_event_warning"),
            models.Index(fields=["township", "status", "-reported_at"], name="grid_event_list"),
            # Open311 GET requests (grid.open311): a township's newest first, in a date range
            models.Index(fields=["township", "-reported_at", "-id"], name="grid_event_recent"),
            models.Index(fields=["grid", "-reported_at"], name="grid_event_grid"),
            models.Index(fields=["department", "status", "due_at"], name="grid_event_department"),
            # the duplicate search: same category, a box around the point, open states only
            models.Index(
                fields=["category", "latitude", "longitude"],
                name="grid_event_nearby",
                condition=models.Q(
                    status__in=["reported", "registered", "dispatched", "returned", "in_progress", "fed_back"]
                ),
            ),
            models.Index(fields=["township", "due_at"], name="grid_event_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "client_key"],
                name="grid_event_report_once",
                condition=~models.Q(client_key=""),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


def photo_upload_to(instance, filename: str) -> str:
    import uuid  # noqa: PLC0415 - only here

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/grid/{uuid.uuid4().hex}.{ext}"


class PhotoKind(models.TextChoices):
    REPORT = "report", _("At the report")
    FEEDBACK = "feedback", _("After handling")
    CHECK = "check", _("At the check")


class EventPhoto(models.Model):
    event = models.ForeignKey(
        GridEvent, on_delete=models.CASCADE, related_name="photos", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PhotoKind.choices)
    file = models.FileField(_("file"), upload_to=photo_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # empty for photos that came with a report from outside (a camera's snapshot, an anonymous resident)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class Summons(models.Model):
    """A department summoned by a whistle (吹哨报到): it must report on site by `due_at`."""

    event = models.ForeignKey(
        GridEvent, on_delete=models.CASCADE, related_name="summonses", verbose_name=_("event")
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    is_lead = models.BooleanField(_("lead unit"), default=False)
    summoned_at = models.DateTimeField(_("summoned at"))
    due_at = models.DateTimeField(_("report on site by"))
    reported_at = models.DateTimeField(_("reported on site at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("whistle summons")
        verbose_name_plural = _("whistle summonses")
        ordering = ["event", "-is_lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "department"], name="grid_summons_once"),
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(is_lead=True), name="grid_summons_one_lead"
            ),
        ]
        indexes = [models.Index(fields=["department", "event"], name="grid_summons_department")]

    def __str__(self):
        return f"{self.event} · {self.department}"

    @property
    def on_time(self) -> bool | None:
        return None if self.reported_at is None else self.reported_at <= self.due_at


class SendBack(models.Model):
    """A department sent an order back (退单) with its reasons."""

    event = models.ForeignKey(
        GridEvent, on_delete=models.CASCADE, related_name="send_backs", verbose_name=_("event")
    )
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("sent back at"))
    reason = models.TextField(_("reasons"), max_length=1000)

    class Meta:
        verbose_name = _("send-back")
        verbose_name_plural = _("send-backs")
        ordering = ["event", "at"]

    def __str__(self):
        return f"{self.event} ← {self.department}"


class DeferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Deferral(models.Model):
    """A deferral (延期) of the handling limit, requested before the deadline and approved by the centre."""

    event = models.ForeignKey(
        GridEvent, on_delete=models.CASCADE, related_name="deferrals", verbose_name=_("event")
    )
    status = models.CharField(_("status"), max_length=10, choices=DeferralStatus.choices, default="requested")
    amount = models.PositiveIntegerField(_("extra time"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=16, choices=LimitUnit.choices)
    reason = models.TextField(_("reason"), max_length=1000)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("deferral")
        verbose_name_plural = _("deferrals")
        ordering = ["event", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(status="requested"), name="grid_deferral_one_pending"
            ),
        ]

    def __str__(self):
        return f"{self.event} +{self.amount} {self.get_unit_display()}"
