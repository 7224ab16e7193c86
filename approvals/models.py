"""Approvals: review flows per item, review tasks of applications, the chief representatives' rotation and
absences, supplement and extension requests, and periods the law does not count."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.models import Application


class StepKind(models.TextChoices):
    REVIEW = "review", _("Review (opinion)")
    DECISION = "decision", _("Decision")


class ReviewStep(models.Model):
    """One step of an item's review flow. Steps with the same stage run in parallel (several departments'
    opinions); the next stage starts when all of them are done; the last stage is the decision."""

    scope_paths = {"township": "item__township"}  # data scope (township.org.scope)

    item = models.ForeignKey(
        "services.ServiceItem", on_delete=models.CASCADE, related_name="review_steps", verbose_name=_("item")
    )
    stage = models.PositiveSmallIntegerField(_("stage"), default=1)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=StepKind.choices, default=StepKind.REVIEW)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["item", "stage", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "stage", "department"], name="apr_step_unique_per_stage"),
        ]

    def __str__(self):
        return f"{self.stage}. {self.name}"

    def clean(self):
        if self.item_id and self.department_id and self.department.township_id != self.item.township_id:
            raise ValidationError({"department": _("Choose a department of the item's township.")})


class TaskStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier stage")
    ACTIVE = "active", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ReviewTask(models.Model):
    """An application's step in one department, assigned to a chief representative."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="review_tasks", verbose_name=_("application")
    )
    stage = models.PositiveSmallIntegerField(_("stage"))
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=StepKind.choices)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="review_tasks", verbose_name=_("department")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_tasks",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.WAITING
    )
    opinion = models.TextField(_("opinion"), blank=True)
    is_favourable = models.BooleanField(_("favourable"), null=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    # set when the task is made (an application's department never changes): lets the work list find the
    # few steps its department holds in other departments' applications without scanning its own
    crosses_department = models.BooleanField(
        _("step in another department's application"), default=False, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")
        ordering = ["application", "stage", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "stage", "department"], name="apr_task_unique_per_stage"
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="apr_task_dept_status"),
            models.Index(fields=["assignee", "status"], name="apr_task_assignee_status"),
            models.Index(
                fields=["department", "application"],
                condition=Q(crosses_department=True),
                name="apr_task_cross_department",
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.name}"


class Rotation(models.Model):
    """Where a department's round-robin of chief representatives stands."""

    department = models.OneToOneField(
        "org.Department", on_delete=models.CASCADE, related_name="rotation", verbose_name=_("department")
    )
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last assigned to"),
    )

    class Meta:
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")

    def __str__(self):
        return str(self.department)


class Absence(models.Model):
    """A day a chief representative is off the duty roster (leave, training, a trip)."""

    scope_paths = {"township": "user__staff_profile__township"}  # data scope (township.org.scope)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences", verbose_name=_("staff")
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="apr_absence_once_a_day")]

    def __str__(self):
        return f"{self.user} {self.date}"


class SupplementRequest(models.Model):
    """Everything to supplement, asked at once (补正); the clock stands still until it is supplied."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="supplement_requests",
        verbose_name=_("application"),
    )
    items = models.JSONField(_("materials to supplement"))
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"))
    supplied_at = models.DateTimeField(_("supplied"), null=True, blank=True)
    # Items handed in on paper at a window (the clerk ticks them); the others must be uploaded online.
    received_at_window = models.JSONField(_("received at the window"), default=list, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(supplied_at__isnull=True), name="apr_one_open_supplement"
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.requested_at:%Y-%m-%d}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the head's approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    """One extension of at most 10 working days, approved by the department head (art. 42)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="extension_requests",
        verbose_name=_("application"),
    )
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1, days__lte=10), name="apr_extension_1_to_10_days"),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["pending", "approved"]),
                name="apr_one_extension",
            ),
        ]

    def __str__(self):
        return f"{self.application} +{self.days}"


class ExcludedKind(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    TESTING = "testing", _("Testing, inspection or quarantine")
    PUBLIC_NOTICE = "public_notice", _("Public notice")


class ExcludedPeriod(models.Model):
    """A period the law does not count toward the time limit (art. 45); the clock is paused meanwhile."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="excluded_periods", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ExcludedKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )

    class Meta:
        verbose_name = _("excluded period")
        verbose_name_plural = _("excluded periods")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(ended_at__isnull=True),
                name="apr_one_open_excluded_period",
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.get_kind_display()}"


class ReviewCase(Application):
    """The back office's view of an application (a proxy: same rows, approvers' admin)."""

    class Meta:
        proxy = True
        verbose_name = _("application in review")
        verbose_name_plural = _("applications in review")
        permissions = [("decide_application", _("Can decide applications"))]
