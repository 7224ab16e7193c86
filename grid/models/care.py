"""Early warning for vulnerable households (Jiangyin's "smart assistance", 智慧救助): a care list of
households with visit schedules; medical-expense records matched by ID number; an expense over the
configured threshold for a listed household raises one warning and one home-visit task for its grid
member, whose visit record closes both."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.casework.workflow import Move, Workflow
from township.identifiers import mask_id_number, validate_id_number
from township.org.models import TownshipOwned


class CareCategory(models.TextChoices):
    LOW_INCOME = "low_income", _("Minimum living allowance (低保)")
    EXTREME_POVERTY = "extreme_poverty", _("Extreme poverty (特困)")
    SEVERE_DISABILITY = "severe_disability", _("Severe disability")
    LIVING_ALONE_ELDERLY = "living_alone_elderly", _("Elderly living alone")


class CareHousehold(TownshipOwned):
    """A household on the care list, with how often its grid member visits."""

    scope_paths = {"township": "township", "grid": "grid"}

    household = models.OneToOneField(
        "grid.Household", on_delete=models.PROTECT, related_name="care", verbose_name=_("household")
    )
    grid = models.ForeignKey("grid.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    categories = ArrayField(
        models.CharField(max_length=24, choices=CareCategory.choices), verbose_name=_("care categories")
    )
    visit_every_days = models.PositiveSmallIntegerField(_("visit every (days)"), default=30)
    last_visited_on = models.DateField(_("last visited"), null=True, blank=True)
    is_active = models.BooleanField(_("on the care list"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("household on the care list")
        verbose_name_plural = _("care list")
        ordering = ["grid", "household"]

    def __str__(self):
        return str(self.household)

    @property
    def category_labels(self) -> list[str]:
        labels = dict(CareCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class ExpenseSource(models.TextChoices):
    CSV = "csv", _("CSV import")
    API = "api", _("Data feed")


class MedicalExpense(TownshipOwned):
    """One medical-expense record from the medical-insurance data, matched to a person by ID number.
    `record_key` (the feed's record id, or a digest of the record) makes a re-import a no-op."""

    record_key = models.CharField(_("record key"), max_length=64)
    id_number = models.CharField(_("identity number"), max_length=18, validators=[validate_id_number])
    person = models.ForeignKey(
        "grid.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    care_household = models.ForeignKey(
        CareHousehold,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("household on the care list"),
    )
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("out-of-pocket amount (yuan)"), max_digits=12, decimal_places=2)
    hospital = models.CharField(_("hospital"), max_length=120, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=ExpenseSource.choices)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("medical-expense record")
        verbose_name_plural = _("medical-expense records")
        ordering = ["-spent_on"]
        constraints = [
            models.UniqueConstraint(fields=["township", "record_key"], name="grid_expense_key_unique")
        ]

    def __str__(self):
        return f"{self.masked_id_number} {self.spent_on} {self.amount}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class WarningStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed by a visit")


class CareWarning(TownshipOwned):
    """An expense over the threshold for a listed household: one per expense record."""

    scope_paths = {"township": "township", "grid": "grid"}

    care_household = models.ForeignKey(
        CareHousehold,
        on_delete=models.PROTECT,
        related_name="warnings",
        verbose_name=_("household on the care list"),
    )
    grid = models.ForeignKey("grid.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    expense = models.OneToOneField(
        MedicalExpense,
        on_delete=models.PROTECT,
        related_name="warning",
        verbose_name=_("medical-expense record"),
    )
    threshold = models.DecimalField(_("threshold (yuan)"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=8, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("care warning")
        verbose_name_plural = _("care warnings")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["grid", "status"], name="grid_care_warning_open")]

    def __str__(self):
        return f"{self.care_household} · {self.expense.amount}"


class VisitStatus(models.TextChoices):
    OPEN = "open", _("To visit")
    DONE = "done", _("Visited")


V = VisitStatus
VISIT_WORKFLOW = Workflow(
    states=VisitStatus,
    moves=[Move("visit", _("Visited"), sources=[V.OPEN], target=V.DONE)],
    labels={"raise": _("Visit task raised")},
)


class VisitTask(TownshipOwned):
    """A home visit (入户走访) to a household on the care list, assigned to its grid member, with a kernel
    deadline (kind "visit") so it shows on the warning boards."""

    scope_paths = {"township": "township", "grid": "grid", "owner": "assignee"}

    care_household = models.ForeignKey(
        CareHousehold,
        on_delete=models.PROTECT,
        related_name="visit_tasks",
        verbose_name=_("household on the care list"),
    )
    grid = models.ForeignKey("grid.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    warning = models.OneToOneField(
        CareWarning,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_task",
        verbose_name=_("care warning"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grid member"),
    )
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=8, choices=VisitStatus.choices, default=VisitStatus.OPEN
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("home-visit task")
        verbose_name_plural = _("home-visit tasks")
        ordering = ["status", "-created_at"]
        indexes = [models.Index(fields=["grid", "status"], name="grid_visit_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["care_household"],
                condition=Q(status="open", warning__isnull=True),
                name="grid_visit_one_scheduled",
            )
        ]

    def __str__(self):
        return f"{self.care_household} · {self.reason}"


class VisitRecord(TownshipOwned):
    """What the grid member found on the visit; it closes the task and its warning."""

    scope_paths = {"township": "township", "grid": "task__grid"}

    task = models.OneToOneField(
        VisitTask, on_delete=models.PROTECT, related_name="record", verbose_name=_("task")
    )
    visited_at = models.DateTimeField(_("visited"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("visitor")
    )
    finding = models.TextField(_("what was found"))
    help_needed = models.TextField(_("help needed"), blank=True)
    refer_to_assistance = models.BooleanField(_("refer to an assistance application"), default=False)
    referral_note = models.CharField(_("referral"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("visit record")
        verbose_name_plural = _("visit records")
        ordering = ["-visited_at"]

    def __str__(self):
        return f"{self.task} · {self.visited_at:%Y-%m-%d}"
