"""Admin of the care list, expense records (ID numbers masked), warnings and visits."""

from django.contrib import admin

from grid.admin.geo import scoped_grid_choices
from grid.models import CareHousehold, CareWarning, MedicalExpense, VisitRecord, VisitTask
from township.org.admin import ReadOnlyScopedAdmin, ScopedAdmin


@admin.register(CareHousehold)
class CareHouseholdAdmin(ScopedAdmin):
    list_display = ["household", "grid", "categories", "visit_every_days", "last_visited_on", "is_active"]
    list_select_related = ["household", "grid"]
    list_filter = ["is_active"]
    raw_id_fields = ["household"]
    exclude = ["township", "grid"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **scoped_grid_choices(db_field, request, kwargs)
        )

    def save_model(self, request, obj, form, change):
        obj.township_id = obj.household.township_id
        obj.grid_id = obj.household.grid_id
        super().save_model(request, obj, form, change)


@admin.register(MedicalExpense)
class MedicalExpenseAdmin(ReadOnlyScopedAdmin):
    list_display = ["masked_id_number", "spent_on", "amount", "hospital", "care_household", "source"]
    list_select_related = ["care_household__household"]
    exclude = ["id_number", "person"]
    readonly_fields = ["masked_id_number"]
    date_hierarchy = "spent_on"


@admin.register(CareWarning)
class CareWarningAdmin(ReadOnlyScopedAdmin):
    list_display = ["care_household", "grid", "status", "threshold", "raised_at", "closed_at"]
    list_select_related = ["care_household__household", "grid"]
    list_filter = ["status"]
    exclude = ["expense"]


@admin.register(VisitTask)
class VisitTaskAdmin(ReadOnlyScopedAdmin):
    list_display = ["care_household", "grid", "assignee", "status", "reason", "created_at"]
    list_select_related = ["care_household__household", "grid", "assignee"]
    list_filter = ["status"]


@admin.register(VisitRecord)
class VisitRecordAdmin(ReadOnlyScopedAdmin):
    list_display = ["task", "visitor", "visited_at", "refer_to_assistance"]
    list_select_related = ["task__care_household__household", "visitor"]
