"""Patrols (巡查): a grid member starts a patrol, may add track points, and ends it with what was found."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.org.models import TownshipOwned


class Patrol(TownshipOwned):
    scope_paths = {"township": "township", "grid": "grid", "owner": "member"}

    grid = models.ForeignKey(
        "grid.Grid", on_delete=models.PROTECT, related_name="patrols", verbose_name=_("grid")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grid_patrols",
        verbose_name=_("grid member"),
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # [[lng, lat, "ISO time"], ...] in WGS-84, as the phone sent them
    track = models.JSONField(_("track points"), default=list, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), default=0)
    findings = models.TextField(_("what was found"), blank=True)
    issues_found = models.PositiveSmallIntegerField(_("problems found"), default=0)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at"]
        constraints = [
            # one patrol under way per member at a time
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_at__isnull=True), name="grid_patrol_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "started_at"], name="grid_patrol_grid_day"),
            models.Index(fields=["member", "started_at"], name="grid_patrol_member_day"),
        ]

    def __str__(self):
        return f"{self.grid} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> int | None:
        if self.ended_at is None:
            return None
        return int((self.ended_at - self.started_at).total_seconds() // 60)
