"""Admin of base data: scoped to the user's grids, personal data masked (the full ID number is never shown)."""

from django.contrib import admin

from grid.admin.geo import scoped_grid_choices
from grid.base.services import audit_rows
from grid.models import House, Household, Organisation, Patrol, Person, Place
from township.org.admin import ReadOnlyScopedAdmin, ScopedAdmin


class BaseDataAdmin(ScopedAdmin):
    list_select_related = ["grid"]
    list_filter = ["grid__village"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **scoped_grid_choices(db_field, request, kwargs)
        )

    def save_model(self, request, obj, form, change):
        obj.township_id = obj.grid.township_id
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        detail = "fields=" + ",".join(form.changed_data)
        audit_rows(
            by=request.user,
            request=request,
            action=f"grid.{obj._meta.model_name}.{'change' if change else 'create'}.admin",
            rows=[(obj, detail)],
        )


@admin.register(Person)
class PersonAdmin(BaseDataAdmin):
    list_display = ["name", "masked_id_number", "grid", "household", "residence", "masked_phone"]
    list_select_related = ["grid", "household"]
    search_fields = ["name", "=id_number"]
    raw_id_fields = ["household"]
    readonly_fields = ["masked_id_number", "birth_date", "sex", "updated_by"]
    exclude = ["township", "phone"]

    def get_exclude(self, request, obj=None):
        # a new person needs the number typed in; an existing one shows it masked only
        return ["township"] if obj is None else ["township", "id_number", "phone"]

    def get_readonly_fields(self, request, obj=None):
        return ["updated_by"] if obj is None else [*self.readonly_fields, "masked_phone"]

    def save_model(self, request, obj, form, change):
        obj.fill_from_id_number()
        super().save_model(request, obj, form, change)


@admin.register(Household)
class HouseholdAdmin(BaseDataAdmin):
    list_display = ["number", "head_name", "grid", "address", "masked_phone"]
    search_fields = ["number", "head_name"]
    raw_id_fields = ["house"]
    exclude = ["township"]
    readonly_fields = ["updated_by"]


@admin.register(House)
class HouseAdmin(BaseDataAdmin):
    list_display = ["code", "address", "grid", "kind", "owner_name", "masked_owner_phone"]
    search_fields = ["code", "address"]
    exclude = ["township"]
    readonly_fields = ["updated_by"]


@admin.register(Place)
class PlaceAdmin(BaseDataAdmin):
    list_display = ["name", "kind", "grid", "credit_code", "market_entity", "is_key_fire_risk"]
    list_select_related = ["grid", "market_entity"]
    search_fields = ["name", "=credit_code"]
    raw_id_fields = ["market_entity"]
    exclude = ["township"]
    readonly_fields = ["updated_by"]


@admin.register(Organisation)
class OrganisationAdmin(BaseDataAdmin):
    list_display = ["name", "kind", "grid", "credit_code", "members"]
    search_fields = ["name", "=credit_code"]
    raw_id_fields = ["market_entity"]
    exclude = ["township"]
    readonly_fields = ["updated_by"]


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyScopedAdmin):
    list_display = ["grid", "member", "started_at", "ended_at", "distance_m", "issues_found"]
    list_select_related = ["grid", "member"]
    date_hierarchy = "started_at"
    exclude = ["track"]
