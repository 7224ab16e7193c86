"""The outbox: one row per SMS, e-mail or message to an external platform, sent by a Celery task and kept as the record of what was sent."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.identifiers import mask_phone
from township.org.models import TownshipScopedQuerySet


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    # Another organisation's system we report back to (the city 12345 platform): the body is JSON.
    PLATFORM = "platform", _("External platform")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxQuerySet(TownshipScopedQuerySet):
    """Scoped like township rows; messages without a township are visible to superusers only."""


class OutboxMessage(models.Model):
    """A message to send exactly once, identified by the caller's idempotency key.

    Rows are created by `township.notify.services.send_sms` / `send_email` and changed only by the
    delivery service; `attempts` counts delivery attempts made, successful or not.
    """

    Channel = Channel
    Status = OutboxStatus

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # SET_NULL: the record of what was sent outlives a township's removal.
    township = models.ForeignKey(
        "org.Township",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="notify_outbox_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="notify_outbox_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OutboxStatus.values), name="notify_outbox_status_valid"
            ),
            models.CheckConstraint(condition=~models.Q(body=""), name="notify_outbox_body_not_empty"),
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False) | ~models.Q(status="sent"),
                name="notify_outbox_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.masked_recipient} [{self.idempotency_key}]"

    @property
    def masked_recipient(self) -> str:
        if self.channel == Channel.SMS:
            return mask_phone(self.recipient)
        if self.channel == Channel.PLATFORM:
            return self.recipient
        name, _at, domain = self.recipient.partition("@")
        return f"{name[:1]}***@{domain}" if domain else self.recipient


class InboxItem(models.Model):
    """An in-app message to one staff member (warnings, assignments); one row per idempotency key."""

    user = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="inbox_items", verbose_name=_("recipient")
    )
    township = models.ForeignKey(
        "org.Township", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("township")
    )
    title = models.CharField(pgettext_lazy("message", "title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notify_inbox_user_unread")]

    def __str__(self):
        return self.title
