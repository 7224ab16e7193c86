"""Services: queue tickets of the service hall (walk-in from the kiosk, priority from an appointment)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from services.errors import TicketNotPossible
from township.casework.workflow import Move, Workflow
from township.org.models import TownshipOwned


class TicketKind(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    APPOINTMENT = "appointment", _("Appointment (priority)")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped (did not come)")
    CANCELLED = "cancelled", _("Cancelled")


T = TicketStatus
# Tickets are short-lived hall records, not casework: their moves are checked but not put on a timeline.
TICKET_WORKFLOW = Workflow(
    states=TicketStatus,
    records_timeline=False,
    error_class=TicketNotPossible,
    moves=[
        Move("call", _("Called"), sources=[T.WAITING], target=T.CALLED),
        Move("recall", _("Called again"), sources=[T.CALLED], target=T.CALLED),
        Move("serve", _("Being served"), sources=[T.CALLED], target=T.SERVING),
        Move("finish", pgettext_lazy("queue ticket", "Done"), sources=[T.CALLED, T.SERVING], target=T.DONE),
        Move("skip", _("Did not come"), sources=[T.CALLED], target=T.SKIPPED),
        Move(
            "transfer",
            _("Sent to another window"),
            sources=[T.CALLED, T.SERVING, T.SKIPPED],
            target=T.WAITING,
        ),
        Move("cancel", _("Cancelled"), sources=[T.WAITING], target=T.CANCELLED),
    ],
)


class QueueTicket(TownshipOwned):
    """A numbered place in the hall's queue for one day. Appointment tickets are called first."""

    service_date = models.DateField(_("service date"))
    kind = models.CharField(_("kind"), max_length=12, choices=TicketKind.choices, default=TicketKind.WALK_IN)
    prefix = models.CharField(_("prefix"), max_length=2, default="A")
    seq = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("ticket number"), max_length=8)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=0, help_text=_("Higher is called first; appointments get 10.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    appointment = models.OneToOneField(
        "services.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket",
        verbose_name=_("appointment"),
    )
    item = models.ForeignKey(
        "services.ServiceItem", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("item")
    )
    phone = models.CharField(_("phone for the call SMS"), max_length=20, blank=True)
    # A ticket transferred to one window waits for that window only.
    target_window = models.ForeignKey(
        "org.ServiceWindow",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transferred to window"),
    )
    window = models.ForeignKey(
        "org.ServiceWindow",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("window"),
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clerk"),
    )
    issued_at = models.DateTimeField(pgettext_lazy("queue ticket", "issued"))
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(_("times called"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["-service_date", "-priority", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "service_date", "number"], name="svc_ticket_unique_number_per_day"
            ),
        ]
        indexes = [
            models.Index(
                fields=["township", "service_date", "-priority", "issued_at"],
                condition=Q(status="waiting"),
                name="svc_ticket_waiting",
            ),
            models.Index(fields=["township", "service_date", "status"], name="svc_ticket_day_status"),
        ]

    def __str__(self):
        return self.number
