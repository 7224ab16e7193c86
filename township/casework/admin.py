"""Read-only admin views of timelines, warning events, deadlines and urgings: evidence is looked at, never
edited, and only for the cases the user may see."""

from django.contrib import admin

from township.casework.models import Deadline, TimelineEntry, Urging, WarningEvent
from township.casework.selectors import attached_to_visible_cases
from township.org.admin import ReadOnlyScopedAdmin


class CaseAttachedAdmin(ReadOnlyScopedAdmin):
    def scope_queryset(self, queryset, request):
        return attached_to_visible_cases(queryset, request.user)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(CaseAttachedAdmin):
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
    list_filter = ["content_type", "is_internal"]
    search_fields = ["=object_id", "actor_label", "note"]
    ordering = ["-created_at", "-id"]
    list_select_related = ["content_type"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(WarningEvent)
class WarningEventAdmin(CaseAttachedAdmin):
    list_display = ["created_at", "content_type", "object_id", "level", "due_at", "dispatched_at"]
    list_filter = ["content_type", "level"]
    search_fields = ["=object_id"]
    ordering = ["-created_at", "-id"]
    list_select_related = ["content_type"]
    show_full_result_count = False


@admin.register(Deadline)
class DeadlineAdmin(CaseAttachedAdmin):
    list_display = ["label", "content_type", "object_id", "due_at", "warning_level", "clock_stopped_at"]
    list_filter = ["content_type", "warning_level"]
    search_fields = ["=object_id", "label"]
    list_select_related = ["content_type"]


@admin.register(Urging)
class UrgingAdmin(CaseAttachedAdmin):
    list_display = [
        "created_at",
        "level",
        "content_type",
        "object_id",
        "urged_by",
        "urged_user",
        "replied_at",
    ]
    list_filter = ["level", "content_type"]
    list_select_related = ["content_type", "urged_by", "urged_user"]
