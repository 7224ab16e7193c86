"""The audit log in the admin: read-only, searchable, scoped to the township (county admins: county)."""

from django.contrib import admin

from township.audit.models import AuditEvent
from township.org.admin import ReadOnlyScopedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyScopedAdmin):
    list_display = ["at", "username", "kind", "action", "object_id", "outcome", "status_code", "address"]
    list_filter = ["kind", "outcome"]
    search_fields = ["=username", "action", "=object_id", "=address"]
    date_hierarchy = "at"
    show_full_result_count = False
