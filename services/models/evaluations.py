"""Services: evaluations 好差评 (five levels) and the rectification of bad reviews."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from services.errors import RectificationNotPossible
from township.casework.models import CaseClock
from township.casework.workflow import Move, Workflow
from township.org.models import TownshipOwned


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


BAD_LEVELS = {Level.DISSATISFIED, Level.VERY_DISSATISFIED}


class EvaluationChannel(models.TextChoices):
    ONLINE = "online", _("Online hall")
    SMS = "sms", _("SMS link")
    WINDOW = "window", _("Rating device at the window")


class Evaluation(TownshipOwned):
    """One rating: per application (一事一评) or per window visit (一次一评)."""

    application = models.OneToOneField(
        "services.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation",
        verbose_name=_("application"),
    )
    ticket = models.OneToOneField(
        "services.QueueTicket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation",
        verbose_name=_("queue ticket"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=EvaluationChannel.choices)
    window = models.ForeignKey(
        "org.ServiceWindow", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("window")
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clerk"),
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("department")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewer_phone = models.CharField(_("reviewer's phone"), max_length=20, blank=True)
    is_named = models.BooleanField(_("named review"), default=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="svc_eval_level_1_to_5"),
            models.CheckConstraint(
                condition=Q(application__isnull=False) | Q(ticket__isnull=False),
                name="svc_eval_of_application_or_visit",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "-created_at"], name="svc_eval_township_created"),
            models.Index(fields=["department", "level"], name="svc_eval_department_level"),
            models.Index(fields=["clerk", "level"], name="svc_eval_clerk_level"),
            models.Index(fields=["window", "level"], name="svc_eval_window_level"),
        ]

    def __str__(self):
        return f"{self.get_level_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class RectificationCategory(models.TextChoices):
    FIX_NOW = "fix_now", _("Clear and reasonable: fix at once")
    LEDGER = "ledger", _("Complex: ledger with a deadline")
    EXPLAIN = "explain", _("No legal basis: explain")
    APPEAL = "appeal", _("Mistaken or malicious: appeal")


class RectificationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("rectification", "Open")
    RECTIFIED = "rectified", _("Rectified, awaiting follow-up")
    CLOSED = "closed", _("Closed after follow-up")


R = RectificationStatus
RECTIFICATION_WORKFLOW = Workflow(
    states=RectificationStatus,
    moves=[
        Move("rectify", _("Rectification recorded"), sources=[R.OPEN], target=R.RECTIFIED),
        Move("close", _("Closed: the reviewer is satisfied"), sources=[R.RECTIFIED], target=R.CLOSED),
        Move("reopen", _("Reopened: the reviewer is not satisfied"), sources=[R.RECTIFIED], target=R.OPEN),
    ],
    labels={"open": _("Opened by a bad review"), "classify": _("Verified and sorted")},
    error_class=RectificationNotPossible,
)


class Rectification(TownshipOwned, CaseClock):
    """The case a bad review opens: verified, sorted, rectified within a deadline, followed up."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.PROTECT, related_name="rectification", verbose_name=_("evaluation")
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("responsible department"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    category = models.CharField(
        _("category"), max_length=10, choices=RectificationCategory.choices, blank=True
    )
    verification = models.TextField(_("verification findings"), blank=True)
    measures = models.TextField(_("rectification measures"), blank=True)
    rectified_at = models.DateTimeField(_("rectified"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-created_at"]
        indexes = [
            CaseClock.warning_index("svc_rect_warning_due"),
            models.Index(fields=["township", "status", "due_at"], name="svc_rect_township_status"),
        ]

    def __str__(self):
        return f"{self.evaluation} ({self.get_status_display()})"


class FollowUp(models.Model):
    """A call back to the reviewer (回访) and what they said."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("rectification")
    )
    contacted_at = models.DateTimeField(_("contacted at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    is_satisfied = models.BooleanField(_("reviewer satisfied"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["contacted_at"]

    def __str__(self):
        return f"{self.rectification} · {self.contacted_at:%Y-%m-%d}"
