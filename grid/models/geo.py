"""Grids (网格) below a village or community, and the staff assigned to them."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.org.models import TownshipOwned


class GridKind(models.TextChoices):
    BASIC = "basic", _("Basic grid")
    SPECIALISED = "specialised", _("Specialised grid")


class Grid(TownshipOwned):
    """One grid. Its code extends its village's 12-digit code (a basic grid of village
    320281102201 is 320281102201001); micro-grids extend their grid's code and name it as parent."""

    scope_paths = {"township": "township", "grid": "pk"}  # a grid member sees their own grids

    village = models.ForeignKey(
        "org.Village", on_delete=models.PROTECT, related_name="grids", verbose_name=_("village or community")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent grid"),
        help_text=_("Set for a micro-grid (微网格)."),
    )
    code = models.CharField(
        _("grid code"),
        max_length=24,
        unique=True,
        validators=[
            RegexValidator(r"^[0-9]{15,24}$", _("A grid code is its village's code and 3 or more digits."))
        ],
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=GridKind.choices, default=GridKind.BASIC)
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS-84 longitude/latitude; never GCJ-02.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    # A representative point inside the boundary (for labels and the map), kept with the boundary.
    label_lng = models.DecimalField(
        _("label longitude"), max_digits=10, decimal_places=7, null=True, blank=True
    )
    label_lat = models.DecimalField(
        _("label latitude"), max_digits=10, decimal_places=7, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["township", "code"]
        indexes = [models.Index(fields=["township", "village"], name="grid_township_village")]

    def __str__(self):
        return self.name

    @property
    def level(self) -> int:
        """1 for a grid, 2 for a micro-grid below it."""
        return 1 if self.parent_id is None else 2


class GridRole(models.TextChoices):
    """The roles the grid rules assess (江山市 贺村镇 细则): 网格长, 专职/兼职网格员, 网格指导员, 微网格长."""

    HEAD = "head", _("Grid head")
    FULL_TIME = "full_time", _("Full-time grid member")
    PART_TIME = "part_time", _("Part-time grid member")
    INSTRUCTOR = "instructor", _("Grid instructor")
    MICRO_HEAD = "micro_head", _("Micro-grid head")


class GridStaff(TownshipOwned):
    """Someone assigned to a grid in a role (one head, several members; a person may serve several grids)."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="staff", verbose_name=_("grid"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grid_posts",
        verbose_name=_("person"),
    )
    scope_paths = {"township": "township", "grid": "grid"}

    role = models.CharField(_("role in the grid"), max_length=16, choices=GridRole.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_party_member = models.BooleanField(_("party member"), default=False)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("grid staff assignment")
        verbose_name_plural = _("grid staff assignments")
        ordering = ["grid", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "user", "role"], name="grid_staff_unique_post"),
        ]
        indexes = [models.Index(fields=["user", "grid"], name="grid_staff_user")]

    def __str__(self):
        return f"{self.grid} · {self.get_role_display()}"
