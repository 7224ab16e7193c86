"""Command centre: the rollup tables the dashboard reads (daily, hourly for today, the open snapshot and
the watermark), and performance-rating schemes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DailyRollup(models.Model):
    """One day's count (or sum) of one metric in one township, per dimension value.

    Filled only by `command_center.services.refresh_rollups`, which recomputes whole days and overwrites
    (INSERT … ON CONFLICT DO UPDATE), so a rerun changes nothing. The dimension id is never NULL (0 means
    "none"): a NULL in the unique key would defeat the upsert.
    """

    township = models.ForeignKey("org.Township", on_delete=models.CASCADE, verbose_name=_("township"))
    metric = models.CharField(_("metric"), max_length=60)
    day = models.DateField(_("day"))
    dimension = models.CharField(_("dimension"), max_length=20)
    dimension_id = models.BigIntegerField(_("dimension value"), default=0)
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            # refresh_rollups() names exactly these columns in its ON CONFLICT clause.
            models.UniqueConstraint(
                fields=["township", "metric", "day", "dimension", "dimension_id"],
                name="cc_rollup_unique",
            ),
        ]
        indexes = [models.Index(fields=["metric", "day"], name="cc_rollup_metric_day")]

    def __str__(self):
        return f"{self.day} {self.township_id} {self.metric}[{self.dimension_id}] = {self.value}"


class HourlyRollup(models.Model):
    """One hour's count of one metric in one township, per dimension value: today's figures on the
    dashboard. Filled by `command_center.services.refresh_hours` from the watermark (RollupWatermark)
    to the end of the day, and the whole day again with the daily rollups (late changes); the hour is
    the local hour's start. Hours before yesterday are pruned: the daily rollups hold them."""

    township = models.ForeignKey("org.Township", on_delete=models.CASCADE, verbose_name=_("township"))
    metric = models.CharField(_("metric"), max_length=60)
    hour = models.DateTimeField(_("hour"))
    dimension = models.CharField(_("dimension"), max_length=20)
    dimension_id = models.BigIntegerField(_("dimension value"), default=0)
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("hourly rollup")
        verbose_name_plural = _("hourly rollups")
        constraints = [
            # refresh_hours() names exactly these columns in its ON CONFLICT clause.
            models.UniqueConstraint(
                fields=["township", "metric", "hour", "dimension", "dimension_id"],
                name="cc_hourly_unique",
            ),
        ]
        indexes = [models.Index(fields=["hour", "metric"], name="cc_hourly_hour_metric")]

    def __str__(self):
        return f"{self.hour} {self.township_id} {self.metric}[{self.dimension_id}] = {self.value}"


class OpenSnapshot(models.Model):
    """The "now" figures (open, overdue, in review, red and yellow warnings) per township and dimension
    value, as counted by the last `command_center.services.refresh_open_snapshot` (every minute; warning
    levels themselves move only with the kernel's five-minute sweep). Overwritten in place, rows that no
    longer count deleted, so a rerun over unchanged data changes nothing."""

    township = models.ForeignKey("org.Township", on_delete=models.CASCADE, verbose_name=_("township"))
    metric = models.CharField(_("metric"), max_length=80)
    dimension = models.CharField(_("dimension"), max_length=20)
    dimension_id = models.BigIntegerField(_("dimension value"), default=0)
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("open-cases snapshot")
        verbose_name_plural = _("open-cases snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "metric", "dimension", "dimension_id"], name="cc_open_snapshot_unique"
            ),
        ]

    def __str__(self):
        return f"{self.township_id} {self.metric}[{self.dimension_id}] = {self.value}"


class RollupWatermark(models.Model):
    """How far a rollup has been filled: the change time up to which source rows were processed. The
    hourly job locks its row (SELECT … FOR UPDATE SKIP LOCKED), so a second worker skips the run instead
    of repeating it, and advances it in the same transaction as the rows it wrote."""

    key = models.CharField(_("rollup"), max_length=40, unique=True)
    processed_until = models.DateTimeField(_("processed up to"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rollup watermark")
        verbose_name_plural = _("rollup watermarks")

    def __str__(self):
        return f"{self.key}: {self.processed_until}"


class SubjectKind(models.TextChoices):
    """Who is rated: the rollup dimension a scheme's figures are broken down by."""

    DEPARTMENT = "department", _("Departments")
    GRID = "grid", pgettext_lazy("plural", "Grids")
    WINDOW = "window", _("Windows")


class NothingDue(models.TextChoices):
    """How a scheme scores an indicator with no case due in the month (its rate is undefined)."""

    FULL = "full", _("Full marks")
    NOT_RATED = "not_rated", _("Not rated: left out, the total scaled to the indicators rated")


class RatingScheme(models.Model):
    """A performance-rating scheme (考核评价方案): indicators with weights, targets and deductions, computed
    monthly for each subject. Without a township it is the default of every township that has none."""

    township = models.ForeignKey(
        "org.Township",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
        help_text=_("Empty: the default for every township without a scheme of its own."),
    )
    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("rated"), max_length=12, choices=SubjectKind.choices)
    subtract_deferred = models.BooleanField(
        _("subtract deferred cases from the cases due"),
        default=False,
        help_text=_("Jinhua's variant: on-time closure rate = closed on time ÷ (due − deferred)."),
    )
    nothing_due = models.CharField(
        _("an indicator with nothing due"),
        max_length=12,
        choices=NothingDue.choices,
        default=NothingDue.FULL,
        help_text=_(
            "Full marks rank a department with no cases above one that worked; "
            "not rated leaves the indicator out of its total instead."
        ),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rating scheme")
        verbose_name_plural = _("rating schemes")
        ordering = ["township_id", "subject", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "subject"],
                condition=Q(is_active=True),
                nulls_distinct=False,
                name="cc_one_active_scheme",
                violation_error_message=_("There is already an active scheme for these subjects here."),
            ),
        ]

    def __str__(self):
        return self.name


class RatingIndicator(models.Model):
    """One line of a scheme: full marks at or above the target rate, `deduction_per_point` off for each
    percentage point below it (never below zero), and optionally a deduction per event (rework, overdue)."""

    scheme = models.ForeignKey(
        RatingScheme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("scheme")
    )
    indicator = models.CharField(
        _("indicator"), max_length=60, help_text=_("A rate registered with the command centre.")
    )
    full_score = models.DecimalField(_("full score"), max_digits=5, decimal_places=1)
    target_percent = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=1)
    deduction_per_point = models.DecimalField(
        _("deduction per point below target"), max_digits=4, decimal_places=2, default=1
    )
    event_metric = models.CharField(_("events that deduct"), max_length=60, blank=True)
    deduction_per_event = models.DecimalField(
        _("deduction per event"), max_digits=4, decimal_places=2, default=0
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rating indicator")
        verbose_name_plural = _("rating indicators")
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_score__gt=0, target_percent__gte=0, target_percent__lte=100),
                name="cc_indicator_sane",
                violation_error_message=_("The full score must be positive and the target 0–100 %."),
            ),
        ]

    def __str__(self):
        return f"{self.scheme}: {self.indicator}"

    def clean(self):
        from command_center.metrics import rate_indicators  # noqa: PLC0415 - cycle: the registry reads models

        if self.indicator and self.indicator not in rate_indicators():
            raise ValidationError({"indicator": _("Choose an indicator the command centre knows.")})


class HotlineRoute(models.Model):
    """The dispatch desk's suggestion for 12345 work orders: orders whose category text starts with
    `category` go to `department` (the longest matching entry wins). Edited in the admin; a suggestion
    only, the centre still chooses."""

    township = models.ForeignKey("org.Township", on_delete=models.CASCADE, verbose_name=_("township"))
    category = models.CharField(
        _("hotline category"),
        max_length=80,
        help_text=_("The category text of the work order, or its beginning, e.g. “城市管理-市容环境”."),
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.CASCADE, related_name="+", verbose_name=_("suggested department")
    )

    class Meta:
        verbose_name = _("hotline category route")
        verbose_name_plural = _("hotline category routes")
        ordering = ["township", "category"]
        constraints = [
            models.UniqueConstraint(fields=["township", "category"], name="cc_hotline_route_unique"),
        ]

    def __str__(self):
        return f"{self.category} → {self.department}"

    def clean(self):
        self.category = (self.category or "").strip()
        if not self.category:
            raise ValidationError({"category": _("Give the category text.")})
        if "\x00" in self.category:
            raise ValidationError({"category": _("The text contains a character that is not allowed.")})
        if self.department_id and self.township_id and self.department.township_id != self.township_id:
            raise ValidationError({"department": _("Choose a department of this township.")})
