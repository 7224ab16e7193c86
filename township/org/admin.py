from django.contrib import admin

from township.org.models import County, Department, ResidentAccount, ServiceWindow, StaffProfile, Township
from township.org.scope import visible_to


class ScopedAdmin(admin.ModelAdmin):
    """The one scoped admin base: lists and change pages show only the rows in the user's data scope
    (township.org.scope), and foreign-key choices offer only the user's townships and departments.
    Override `scope_queryset` for a model whose scope is not its own fields (e.g. timeline entries)."""

    def scope_queryset(self, queryset, request):
        return visible_to(queryset, request.user)

    def get_queryset(self, request):
        return self.scope_queryset(super().get_queryset(request), request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "township":
            kwargs["queryset"] = Township.objects.visible_to(request.user)
        elif db_field.name == "department":
            kwargs["queryset"] = Department.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyScopedAdmin(ScopedAdmin):
    """Evidence and records that are looked at, never edited in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_code", "county"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("county").visible_to(request.user)


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "township", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["township"]


@admin.register(ServiceWindow)
class ServiceWindowAdmin(ScopedAdmin):
    list_display = ["number", "name", "kind", "township", "is_open"]
    list_filter = ["kind", "is_open"]
    list_select_related = ["township"]
    filter_horizontal = ["departments"]


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedAdmin):
    list_display = ["user", "township", "department", "title", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "township", "department"]


@admin.register(ResidentAccount)
class ResidentAccountAdmin(ScopedAdmin):
    list_display = ["real_name", "masked_phone", "masked_id_number", "home_township", "created_at"]
    list_select_related = ["home_township"]
    search_fields = ["real_name", "phone"]
    exclude = ["id_number"]
    readonly_fields = ["masked_id_number"]
