from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grid.models.hotline import HotlineExtension, HotlineOrder, HotlineSendBack
from township.org.admin import ReadOnlyScopedAdmin


@admin.register(HotlineOrder)
class HotlineOrderAdmin(ReadOnlyScopedAdmin):
    """Work orders are moved on their pages (township.casework), never edited here."""

    list_display = [
        "hotline_number",
        "number",
        "title",
        "urgency",
        "status",
        "department",
        "received_at",
        "due_at",
    ]
    list_filter = ["status", "urgency", "kind", "source"]
    search_fields = ["hotline_number", "number", "platform_order_id", "title"]
    list_select_related = ["department", "township"]
    date_hierarchy = "received_at"
    exclude = ["caller_phone"]
    readonly_fields = ["masked_caller_phone"]

    @admin.display(description=_("caller's phone"))
    def masked_caller_phone(self, obj):
        return obj.masked_caller_phone


@admin.register(HotlineSendBack)
class HotlineSendBackAdmin(ReadOnlyScopedAdmin):
    list_display = ["order", "department", "reason", "at"]
    list_filter = ["reason"]
    list_select_related = ["order", "department"]

    def scope_queryset(self, queryset, request):
        return queryset.filter(order__in=HotlineOrder.objects.visible_to(request.user))


@admin.register(HotlineExtension)
class HotlineExtensionAdmin(ReadOnlyScopedAdmin):
    list_display = ["order", "amount", "decision", "requested_at", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["order"]

    def scope_queryset(self, queryset, request):
        return queryset.filter(order__in=HotlineOrder.objects.visible_to(request.user))
