"""Read-only outbox admin: what was sent to whom and why not, with a retry for failed messages."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from township.notify import services
from township.notify.models import OutboxMessage, OutboxStatus
from township.org.admin import ScopedAdmin


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ScopedAdmin):
    list_display = ["created_at", "channel", "masked_recipient", "status", "attempts", "sent_at", "township"]
    list_filter = ["status", "channel"]
    search_fields = ["=recipient", "=idempotency_key"]
    list_select_related = ["township"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    fields = [
        "channel",
        "recipient",
        "subject",
        "body",
        "idempotency_key",
        "status",
        "attempts",
        "last_error",
        "township",
        "created_at",
        "updated_at",
        "sent_at",
        "provider_message_id",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("notify.change_outboxmessage")

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj):
        return obj.masked_recipient

    @admin.action(description=_("Retry the selected failed messages"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        count = services.retry_failed_messages(
            message_ids=queryset.filter(status=OutboxStatus.FAILED).values_list("pk", flat=True)
        )
        self.message_user(
            request,
            gettext("%(n)d messages queued again.") % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )
