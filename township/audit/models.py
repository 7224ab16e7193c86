"""The audit log (MLPS 2.0 level 3, Cybersecurity Law art. 21, PIPL): sign-ins, state-changing actions and
views of full personal data, with who, what, which object, outcome, address and time.

A small model of our own rather than django-auditlog or django-pghistory: those record model changes
(field diffs), while what must be kept here are events that change no row (a failed sign-in, a view of
an identity number) and the outcome of each request. Rows are written only through
`township.audit.services`; a database trigger refuses changing any row and deleting one younger than the
legal minimum of six months, so the application cannot edit its own trail. Run the application under a
database role that does not own the tables, so that it cannot drop the trigger either (docs/security.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.org.models import TownshipScopedQuerySet


class AuditKind(models.TextChoices):
    SIGN_IN = "sign-in", _("Signed in")
    SIGN_IN_FAILED = "sign-in-failed", _("Sign-in failed")
    SIGN_OUT = "sign-out", _("Signed out")
    ACTION = "action", pgettext_lazy("audit", "Action")
    PERSONAL_DATA = "personal-data", _("Viewed personal data")


class AuditOutcome(models.TextChoices):
    OK = "ok", pgettext_lazy("audit outcome", "Done")
    REFUSED = "refused", pgettext_lazy("audit outcome", "Refused")
    FAILED = "failed", pgettext_lazy("audit outcome", "Failed")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AuditKind.choices)
    # The user's id and name as they were: the trail outlives the account.
    user_id_at_event = models.BigIntegerField(_("user id"), null=True, blank=True)
    username = models.CharField(_("user"), max_length=150, blank=True)
    township = models.ForeignKey(
        "org.Township", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("township")
    )
    action = models.CharField(_("action"), max_length=120, blank=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.OK
    )
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    objects = TownshipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["township", "-at"], name="audit_township_at"),
            models.Index(fields=["username", "-at"], name="audit_user_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.kind} {self.action}"


RETENTION_MINIMUM_DAYS = 183  # six months, whatever AUDIT_RETENTION_DAYS says


def retention_days() -> int:
    return max(int(getattr(settings, "AUDIT_RETENTION_DAYS", 365)), RETENTION_MINIMUM_DAYS)
