"""What every time-limited case shares: the deadline clock fields, the timeline and the warning events."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.casework.errors import AppendOnlyError


class LimitUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    CLOCK_HOURS = "clock_hours", _("clock hours")


# Units counted in hours from an instant (the others count days from a date).
HOUR_UNITS = (LimitUnit.WORKING_HOURS, LimitUnit.CLOCK_HOURS)


DAY_UNITS = (LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS)


class WarningLevel(models.IntegerChoices):
    NORMAL = 0, _("normal")
    YELLOW = 1, _("yellow warning")
    RED = 2, _("overdue")


class CaseClock(models.Model):
    """Deadline clock of a time-limited case (application, grid event, enforcement case).

    Change the fields only through `township.casework.clock` (start, pause, resume, extend, stop);
    `due_at` and `yellow_at` are precomputed instants, so the warning sweep is one SQL statement.
    For day units, `due_at` is local midnight at the end of the due date.

    Every subclass needs an index on (warning_level, due_at) for the sweep and the warning boards.
    An abstract class cannot name it (index names are global and at most 30 characters), so add it
    with `warning_index` under a short name of your own; the `casework.W001` check reminds you:

        class Application(CaseClock):
            class Meta:
                indexes = [CaseClock.warning_index("appl_warning_due")]
    """

    limit_value = models.PositiveIntegerField(_("time limit"), null=True, blank=True)
    limit_unit = models.CharField(_("time-limit unit"), max_length=16, choices=LimitUnit.choices, blank=True)
    yellow_threshold = models.PositiveIntegerField(
        _("yellow warning threshold"),
        null=True,
        blank=True,
        help_text=_(
            "How much of the time limit remains when the yellow warning starts; empty for the default."
        ),
    )
    clock_started_at = models.DateTimeField(_("clock started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    yellow_at = models.DateTimeField(_("yellow warning from"), null=True, blank=True)
    clock_paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    paused_count = models.PositiveIntegerField(_("times paused"), default=0)
    clock_stopped_at = models.DateTimeField(_("clock stopped at"), null=True, blank=True)
    # no index of its own: every case model has (warning_level, due_at) (warning_index, enforced by a
    # system check), which serves whatever this one would, and each index costs the sweep a write per row
    warning_level = models.SmallIntegerField(
        _("warning level"), choices=WarningLevel.choices, default=WarningLevel.NORMAL
    )
    warning_changed_at = models.DateTimeField(_("warning level changed at"), null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def warning_index(cls, name: str) -> models.Index:
        """The index a concrete case model needs on (warning_level, due_at), under a name unique in the schema."""
        return models.Index(fields=["warning_level", "due_at"], name=name)

    @property
    def due_date(self):
        """The local date the case is due (the last day on which finishing is on time)."""
        if self.due_at is None:
            return None
        due = timezone.localtime(self.due_at)
        # due_at of a day unit is the midnight that ends the due date
        return (due - timedelta(days=1)).date() if self.limit_unit in DAY_UNITS else due.date()

    @property
    def is_clock_running(self) -> bool:
        return (
            self.clock_started_at is not None
            and self.clock_paused_at is None
            and self.clock_stopped_at is None
        )


class TimelineQuerySet(models.QuerySet):
    """Refuses bulk changes: the timeline is append-only (the database refuses them too)."""

    def update(self, **kwargs):
        raise AppendOnlyError("timeline entries cannot be updated")

    def delete(self):
        raise AppendOnlyError("timeline entries cannot be deleted")

    delete.queryset_only = True


class TimelineEntry(models.Model):
    """One step in a case's history: who did what, when (e-supervision, 电子监察).

    Entries are written only by `township.casework.timeline.append_entry`, numbered per case and
    chained by SHA-256, and a database trigger refuses UPDATE and DELETE, so a changed or removed
    entry is both prevented and detectable (`manage.py verify_timeline`).
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("case type")
    )
    object_id = models.BigIntegerField(_("case id"))
    case = GenericForeignKey("content_type", "object_id")
    seq = models.PositiveIntegerField(_("number"))
    # PROTECT: the actor's id is part of the hash, so the user row must outlive the entry.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.SlugField(_("action"), max_length=50, db_index=False)
    from_state = models.CharField(_("from state"), max_length=40, blank=True)
    to_state = models.CharField(_("to state"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_("Internal notes are hidden from the applicant's tracking page."),
    )
    created_at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    entry_hash = models.CharField(_("hash"), max_length=64)

    objects = TimelineQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "seq"], name="casework_timeline_seq_unique"
            ),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="casework_timeline_seq_positive"),
        ]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id} #{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("timeline entries cannot be changed once written")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("timeline entries cannot be deleted")


class WarningEvent(models.Model):
    """A case reached a warning level for a given due time; the unique constraint makes it happen once."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("case type")
    )
    object_id = models.BigIntegerField(_("case id"))
    case = GenericForeignKey("content_type", "object_id")
    level = models.SmallIntegerField(_("warning level"), choices=WarningLevel.choices)
    due_at = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("warning event")
        verbose_name_plural = _("warning events")
        constraints = [
            # due_at is part of it so that a clock that was resumed or extended can warn again.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "level", "due_at"], name="casework_warning_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["content_type", "id"],
                name="casework_warning_pending",
                condition=models.Q(dispatched_at__isnull=True),
            ),
        ]

    def __str__(self):
        return (
            f"{self.content_type_id}:{self.object_id} {self.get_level_display()} @ {self.due_at.isoformat()}"
        )


class Deadline(CaseClock):
    """One of several time limits running on a case at once, each with its own clock and warnings.

    An enforcement case runs 90 calendar days to decide beside 5 working days to ask for a hearing and
    7 to serve; a grid event runs one per step. Change them only through `township.casework.deadlines`.
    The sweep keeps their warning levels like any case's, and hands their warnings to the owning case
    type's listeners (with `event.deadline` set).
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("case type")
    )
    object_id = models.BigIntegerField(_("case id"))
    case = GenericForeignKey("content_type", "object_id")
    township = models.ForeignKey(
        "org.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    kind = models.SlugField(_("kind"), max_length=50)
    label = models.CharField(_("name"), max_length=200)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            CaseClock.warning_index("casework_deadline_warning"),
            models.Index(fields=["content_type", "object_id"], name="casework_deadline_case"),
        ]
        constraints = [
            # One open time limit of a kind per case: opening it again is a retry, not a second clock.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=models.Q(clock_stopped_at__isnull=True),
                name="casework_deadline_open_once",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.content_type_id}:{self.object_id})"


class CaseSerial(models.Model):
    """The last number handed out per township, case series and year; changed only by `next_number`."""

    township = models.ForeignKey(
        "org.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    series = models.CharField(_("series"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    last_serial = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("case number series")
        verbose_name_plural = _("case number series")
        constraints = [
            # next_number() names exactly these columns in its ON CONFLICT clause.
            models.UniqueConstraint(fields=["township", "series", "year"], name="casework_serial_unique"),
        ]

    def __str__(self):
        return f"{self.township_id}/{self.series}/{self.year}: {self.last_serial}"


class UrgingLevel(models.TextChoices):
    URGE = "urge", pgettext_lazy("urging level", "Urge")
    SUPERVISE = "supervise", pgettext_lazy("urging level", "Supervise")


class Urging(models.Model):
    """Someone urged (催办) or put under supervision (督办) the handler of a case; the handler replies."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("case type")
    )
    object_id = models.BigIntegerField(_("case id"))
    case = GenericForeignKey("content_type", "object_id")
    township = models.ForeignKey(
        "org.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    level = models.CharField(pgettext_lazy("urging", "level"), max_length=12, choices=UrgingLevel.choices)
    urged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("urged by")
    )
    urged_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("urged person")
    )
    note = models.TextField(_("note"))
    created_at = models.DateTimeField(_("time"))
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("urging")
        verbose_name_plural = _("urgings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="casework_urging_case"),
            models.Index(
                fields=["urged_user", "created_at"],
                name="casework_urging_open",
                condition=models.Q(replied_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.content_type_id}:{self.object_id}"


class TimelineHead(models.Model):
    """The latest entry of each case's timeline, kept apart from the entries so that removing the newest
    entries (a truncation, which leaves a valid shorter chain) shows: `verify_timelines` compares them.

    Written only by `append_entry` (which also takes its row lock to number entries); a database trigger
    refuses deleting a head or moving it backwards.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("case type")
    )
    object_id = models.BigIntegerField(_("case id"))
    seq = models.PositiveIntegerField(_("number"))
    entry_hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("timeline head")
        verbose_name_plural = _("timeline heads")
        constraints = [
            # append_entry() names exactly these columns in its ON CONFLICT clause.
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="casework_timeline_head_unique"
            ),
        ]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id} #{self.seq}"
