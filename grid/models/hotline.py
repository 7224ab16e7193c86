"""12345 hotline work orders (工单): received from the city platform, dispatched to a unit, signed for,
handled, replied to the caller and the platform, followed up by a call, and redone when the caller is
dissatisfied for the unit's fault. The order's own clock is the reply limit, started at sign-for (签收);
the dispatch and sign-for limits are kernel deadlines of their own."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grid.hotline.errors import OrderNotPossible
from township.casework.models import CaseClock
from township.casework.workflow import Move, Workflow
from township.identifiers import mask_phone
from township.org.models import TownshipOwned


class HotlineUrgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency (life, property, public health)")
    UTILITIES = "utilities", _("Water, power, gas, heating; extreme weather")
    GENERAL = "general", _("General request")
    COMPLEX = "complex", _("Complex or difficult")


class HotlineKind(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", pgettext_lazy("hotline order kind", "Complaint")
    REPORT = "report", _("Report of a violation")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")


class HotlineSource(models.TextChoices):
    API = "api", _("Platform API")
    IMPORT = "import", _("Excel import")
    MANUAL = "manual", _("Entered by hand")


class HotlineStatus(models.TextChoices):
    RECEIVED = "received", _("Received, waiting for dispatch")
    ASSIGNED = "assigned", _("Dispatched, waiting to be signed for")
    SIGNED = "signed", _("Signed for, being handled")
    RETURNED = "returned", _("Sent back to the centre")
    REPLIED = "replied", _("Replied, waiting for the follow-up call")
    CLOSED = "closed", pgettext_lazy("hotline order", "Closed")


class FollowUpResult(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class ReturnReason(models.TextChoices):
    NOT_OUR_REMIT = "remit", _("Outside our remit")
    WRONG_AREA = "area", _("Outside our area")
    DUPLICATE = "duplicate", _("Duplicate of another order")
    UNCLEAR = "unclear", _("Request unclear, cannot be handled")
    OTHER = "other", pgettext_lazy("reason", "Other")


S = HotlineStatus

HOTLINE_WORKFLOW = Workflow(
    states=HotlineStatus,
    moves=[
        Move("dispatch", _("Dispatched to a unit"), sources=[S.RECEIVED, S.RETURNED], target=S.ASSIGNED),
        Move(
            "force-assign", _("Assigned by the centre after review"), sources=[S.RETURNED], target=S.ASSIGNED
        ),
        Move("sign", _("Signed for by the unit"), sources=[S.ASSIGNED], target=S.SIGNED),
        Move("send-back", _("Sent back by the unit"), sources=[S.ASSIGNED, S.SIGNED], target=S.RETURNED),
        Move("reply", _("Replied to the caller"), sources=[S.SIGNED], target=S.REPLIED),
        Move("close", _("Closed after the follow-up call"), sources=[S.REPLIED], target=S.CLOSED),
        Move("redo", _("To be handled again (caller dissatisfied)"), sources=[S.REPLIED], target=S.SIGNED),
    ],
    labels={
        "receive": _("Received from the 12345 hotline"),
        "extension-request": _("Extension requested"),
        "extension-approve": _("Extension approved"),
        "extension-refuse": _("Extension refused"),
        "follow-up": _("Follow-up call"),
        "convert": _("Passed on"),
    },
    error_class=OrderNotPossible,
)


class HotlineOrder(TownshipOwned, CaseClock):
    """One work order of the city hotline, with the platform's own number kept for every reply."""

    scope_paths = {"township": "township", "department": "department"}

    number = models.CharField(_("number"), max_length=40, unique=True)
    platform_order_id = models.CharField(_("platform order id"), max_length=64)
    hotline_number = models.CharField(_("hotline order number"), max_length=64)
    source = models.CharField(_("received through"), max_length=8, choices=HotlineSource.choices)
    urgency = models.CharField(_("urgency"), max_length=12, choices=HotlineUrgency.choices)
    kind = models.CharField(_("kind of request"), max_length=12, choices=HotlineKind.choices)
    category = models.CharField(_("category"), max_length=80, blank=True)
    title = models.CharField(pgettext_lazy("work order", "title"), max_length=200)
    content = models.TextField(_("what the caller said"))
    caller_name = models.CharField(_("caller's name"), max_length=60, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=20, blank=True)
    wants_anonymity = models.BooleanField(_("caller asked for confidentiality"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=10, decimal_places=7, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=10, decimal_places=7, null=True, blank=True)
    received_at = models.DateTimeField(_("received by the platform"))
    status = models.CharField(_("status"), max_length=10, choices=HotlineStatus.choices, default=S.RECEIVED)
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_orders",
        verbose_name=_("handling unit"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    assigned_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    is_forced = models.BooleanField(_("assigned by the centre (no further send-back)"), default=False)
    return_count = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply = models.TextField(_("reply to the caller"), blank=True)
    follow_up_result = models.CharField(
        _("follow-up result"), max_length=12, choices=FollowUpResult.choices, blank=True
    )
    follow_up_unit_at_fault = models.BooleanField(
        _("dissatisfied for the unit's fault"), null=True, blank=True
    )
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    redo_count = models.PositiveSmallIntegerField(_("times redone"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # What the order became (a grid event, an application enquiry, an enforcement clue): the link back.
    passed_to_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    passed_to_id = models.PositiveBigIntegerField(null=True, blank=True)
    passed_to = GenericForeignKey("passed_to_type", "passed_to_id")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("hotline work order")
        verbose_name_plural = _("hotline work orders")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "platform_order_id"], name="hotline_platform_order_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["assigned", "signed", "replied"]) | Q(department__isnull=False),
                name="hotline_handled_has_unit",
            ),
        ]
        indexes = [
            CaseClock.warning_index("hotline_warning_due"),
            models.Index(fields=["township", "status", "-received_at"], name="hotline_township_status"),
            models.Index(fields=["department", "status"], name="hotline_department_status"),
        ]

    def __str__(self):
        return f"{self.hotline_number} {self.title}"

    @property
    def masked_caller_phone(self) -> str:
        return mask_phone(self.caller_phone)


class HotlineSendBack(models.Model):
    """One send-back (退单) by a unit, with its reason: counted against the unit."""

    order = models.ForeignKey(HotlineOrder, on_delete=models.CASCADE, related_name="send_backs")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=12, choices=ReturnReason.choices)
    explanation = models.TextField(_("explanation and legal basis"))
    suggested_department = models.ForeignKey(
        "org.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested unit"),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("sent back at"))

    class Meta:
        verbose_name = _("send-back")
        verbose_name_plural = _("send-backs")
        ordering = ["order", "at"]
        indexes = [models.Index(fields=["department", "at"], name="hotline_sendback_unit")]

    def __str__(self):
        return f"{self.order} · {self.get_reason_display()}"


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", pgettext_lazy("extension", "Pending")
    APPROVED = "approved", pgettext_lazy("extension", "Approved")
    REFUSED = "refused", pgettext_lazy("extension", "Refused")


class HotlineExtension(models.Model):
    """An extension of the reply limit, asked before the deadline and decided by the centre."""

    order = models.ForeignKey(HotlineOrder, on_delete=models.CASCADE, related_name="extensions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    amount = models.PositiveIntegerField(
        _("extension"), help_text=_("In the unit of the order's reply limit.")
    )
    reason = models.TextField(_("reason and legal basis"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=ExtensionDecision.choices, default=ExtensionDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["order", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(decision="pending"), name="hotline_one_pending_extension"
            ),
        ]

    def __str__(self):
        return f"{self.order} +{self.amount}"
