"""Admin of credit records (read only: written by services) and repair applications."""

from django.contrib import admin

from enforcement.models import CreditRecord, CreditRepair
from township.org.admin import ReadOnlyScopedAdmin


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "entity",
        "source",
        "band",
        "decision_number",
        "decided_on",
        "published",
        "repair_from",
        "publish_until",
        "repaired_at",
    ]
    list_filter = ["source", "band", "published"]
    list_select_related = ["entity", "department"]
    search_fields = ["entity__name", "entity__credit_code", "decision_number"]


@admin.register(CreditRepair)
class CreditRepairAdmin(ReadOnlyScopedAdmin):
    list_display = ["record", "applied_on", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["record__entity", "decided_by"]
