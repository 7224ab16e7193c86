"""Double random, one public (双随机、一公开): "one list, two registers" (the inspection-matter list, the
market-entity register in township.entities, the inspector register with declared conflicts), plans
with strata, append-only reproducible draws, the inspection tasks they create and their results.

A draw is verifiable: the candidate lists are stored as a snapshot with its SHA-256, the seed is
recorded before the draw, and the algorithm (enforcement.inspections.algorithm, documented there) uses
only HMAC-SHA256, so anyone can re-run it from the stored record. A redraw is a new row naming the
draw it replaces and why; no draw is ever changed or deleted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.casework.models import CaseClock
from township.entities.models import RiskLevel
from township.org.models import TownshipOwned


class InspectionMethod(models.TextChoices):
    SITE = "site", _("Site inspection")
    PAPER = "paper", _("Paper review")
    ONLINE = "online", _("Online monitoring")


class SamplingUnit(models.TextChoices):
    ENTITY = "entity", _("By entity")
    GRID = "grid", _("By grid")


class InspectionMatter(TownshipOwned):
    """One line of the random-inspection matter list: no inspection without a legal basis."""

    scope_paths = {"township": "township", "department": "department"}

    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("inspection matter"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    method = models.CharField(
        _("method"), max_length=10, choices=InspectionMethod.choices, default=InspectionMethod.SITE
    )
    object_type = models.CharField(_("object of inspection"), max_length=120)
    industry_codes = models.CharField(
        _("industry codes"),
        max_length=200,
        blank=True,
        help_text=_("GB/T 4754 class prefixes the matter applies to, separated by commas (empty: all)."),
    )
    frequency = models.CharField(_("frequency"), max_length=60, blank=True)
    ratio_percent = models.DecimalField(
        _("ratio (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        default=5,
    )
    unit = models.CharField(
        _("sampled"), max_length=10, choices=SamplingUnit.choices, default=SamplingUnit.ENTITY
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspection matter")
        verbose_name_plural = _("inspection-matter list")
        ordering = ["township", "department", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="inspection_matter_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Inspector(TownshipOwned):
    """A qualified officer in the inspector register (执法检查人员库)."""

    scope_paths = {"township": "township", "department": "department"}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inspector_entries",
        verbose_name=_("officer"),
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    code = models.CharField(
        _("certificate number"), max_length=40, help_text=_("The enforcement certificate number (执法证号).")
    )
    name = models.CharField(_("name"), max_length=60)
    domains = models.CharField(_("domains"), max_length=200, blank=True)
    is_leader = models.BooleanField(_("may lead a team"), default=False)
    is_expert = models.BooleanField(_("expert"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspector register")
        ordering = ["township", "department", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="inspector_code_unique"),
            models.UniqueConstraint(fields=["township", "user"], name="inspector_user_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class InspectorConflict(models.Model):
    """A declared conflict of interest: this inspector is never drawn for this entity."""

    inspector = models.ForeignKey(
        Inspector, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("inspector")
    )
    entity = models.ForeignKey(
        "entities.MarketEntity", on_delete=models.CASCADE, related_name="+", verbose_name=_("market entity")
    )
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "entity"], name="inspector_conflict_unique"),
        ]

    def __str__(self):
        return f"{self.inspector} × {self.entity}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("inspection plan", "Draft")
    DRAWN = "drawn", _("Drawn")
    DONE = "done", pgettext_lazy("inspection plan", "Done")


class InspectionPlan(TownshipOwned):
    """A department's plan, or a joint one (several departments' matters on the same entities in one
    visit: "inspected at most once"). The population filter and the strata decide who may be drawn."""

    scope_paths = {"township": "township", "department": "lead_department"}

    code = models.CharField(_("task code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    lead_department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead department")
    )
    matters = models.ManyToManyField(
        InspectionMatter, related_name="plans", verbose_name=_("inspection matters")
    )
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period to"))
    industry_codes = models.CharField(
        _("industries"),
        max_length=200,
        blank=True,
        help_text=_("GB/T 4754 class prefixes, separated by commas."),
    )
    grids = models.ManyToManyField("grid.Grid", blank=True, related_name="+", verbose_name=_("grids"))
    risk_levels = models.JSONField(_("risk levels"), default=list, blank=True)
    team_size = models.PositiveSmallIntegerField(
        _("inspectors per entity"), default=2, validators=[MinValueValidator(2), MaxValueValidator(9)]
    )
    requires_leader = models.BooleanField(
        _("each team has a leader"),
        default=False,
        help_text=_("One inspector of each team is drawn from those who may lead a team."),
    )
    requires_expert = models.BooleanField(
        _("each team has an expert"),
        default=False,
        help_text=_("One inspector of each team is drawn from the experts."),
    )
    publish_drawn_list = models.BooleanField(_("publish the drawn list"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["township", "-starts_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="inspection_plan_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The period ends before it starts.")})


class PlanStratum(models.Model):
    """A stratum of a plan's population with its own ratio (higher for high risk or low credit). An
    entity falls into the first stratum (by order) whose conditions it meets; a stratum with no
    condition takes everyone left."""

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.CASCADE, related_name="strata", verbose_name=_("plan")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=60)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, blank=True)
    credit_grades = models.CharField(
        _("credit grades"),
        max_length=8,
        blank=True,
        help_text=_("Township credit grades, e.g. CD (empty: any)."),
    )
    ratio_percent = models.DecimalField(
        _("ratio (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("stratum")
        verbose_name_plural = _("strata")
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return f"{self.name} {self.ratio_percent}%"


class Draw(TownshipOwned):
    """One draw of a plan, append-only. The seed and the snapshot (with its hash) are stored before the
    result is computed; `record_hash` seals the whole record, so a changed row is detected."""

    scope_paths = {"township": "township", "department": "plan__lead_department"}

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="draws", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(_("draw number"))
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces draw"),
    )
    reason = models.TextField(_("reason"), blank=True)
    algorithm = models.CharField(_("algorithm"), max_length=40)
    seed = models.CharField(_("seed"), max_length=128)
    seed_recorded_at = models.DateTimeField(_("seed recorded"))
    snapshot = models.JSONField(_("candidate snapshot"))
    snapshot_hash = models.CharField(_("snapshot SHA-256"), max_length=64)
    result = models.JSONField(_("result"), null=True, blank=True)
    result_hash = models.CharField(_("result SHA-256"), max_length=64, blank=True)
    record_hash = models.CharField(_("record SHA-256"), max_length=64, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by")
    )
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="draw_number_unique"),
        ]

    def __str__(self):
        return f"{self.plan.code} #{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A draw is append-only: performing it fills its result once (services).")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A draw is never deleted; a redraw is a new row.")

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "replaced_by")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("inspection task", "To inspect")
    RECORDED = "recorded", _("Result recorded")
    PUBLISHED = "published", pgettext_lazy("inspection result", "Published")
    CANCELLED = "cancelled", _("Cancelled by a redraw")


class InspectionOutcome(models.TextChoices):
    NO_PROBLEM = "no_problem", _("No problem found")
    CORRECTED = "corrected", _("Problems corrected on the spot")
    ORDERED = "ordered", _("Ordered to correct by a deadline")
    NOT_FOUND = "not_found", _("Not found at its address")
    TRANSFERRED = "transferred", _("Transferred as an enforcement clue")


class InspectionTask(TownshipOwned, CaseClock):
    """One drawn entity of a draw, with the team drawn for it, and its result.

    Its clock is the publication limit: started when the result is recorded (from the inspection day,
    INSPECTION_PUBLISH_WORKING_DAYS working days), stopped when it is published. The kernel's sweep keeps
    the warning level, so an unpublished result goes yellow, then red on the command centre's warning
    board, and the team, the departments' heads and the command centre are told (a registered case type,
    enforcement/apps.py)."""

    scope_paths = {"township": "township", "department": "draw__plan__lead_department"}

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("draw"))
    entity = models.ForeignKey(
        "entities.MarketEntity",
        on_delete=models.PROTECT,
        related_name="inspection_tasks",
        verbose_name=_("market entity"),
    )
    stratum = models.CharField(_("stratum"), max_length=60)
    inspectors = models.ManyToManyField(Inspector, related_name="tasks", verbose_name=_("team"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=12, choices=InspectionOutcome.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    correct_by = models.DateField(_("correct by"), null=True, blank=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    publish_by = models.DateField(_("publish by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    clue_reference = models.CharField(_("enforcement clue"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["draw", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "entity"], name="inspection_task_unique"),
        ]
        indexes = [
            models.Index(fields=["township", "status", "publish_by"], name="inspection_task_publish"),
            CaseClock.warning_index("inspection_task_warning"),
        ]

    def __str__(self):
        return f"{self.draw} · {self.entity}"

    @property
    def published_on_time(self) -> bool | None:
        if self.publish_by is None:
            return None
        if self.published_at is None:
            return None
        return self.published_at.date() <= self.publish_by


class InspectionPhoto(models.Model):
    task = models.ForeignKey(
        InspectionTask, on_delete=models.CASCADE, related_name="photos", verbose_name=_("task")
    )
    image = models.FileField(_("photo"), upload_to="inspections/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self):
        return f"{self.task} · {self.sha256[:12]}"
