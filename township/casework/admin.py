"""Read-only admin views of timelines and warning events: evidence is looked at, never edited."""

from django.contrib import admin

from township.casework.models import TimelineEntry, WarningEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "content_type",
        "object_id",
        "seq",
        "action",
        "actor_label",
        "to_state",
        "is_internal",
    ]
    list_filter = ["content_type", "is_internal", "action"]
    search_fields = ["=object_id", "actor_label", "note"]
    ordering = ["-created_at", "-id"]
    list_select_related = ["content_type"]
    date_hierarchy = "created_at"


@admin.register(WarningEvent)
class WarningEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "content_type", "object_id", "level", "due_at", "dispatched_at"]
    list_filter = ["content_type", "level"]
    search_fields = ["=object_id"]
    ordering = ["-created_at", "-id"]
    list_select_related = ["content_type"]
