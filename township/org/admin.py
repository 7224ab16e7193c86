from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from township.org.models import (
    ApiClient,
    County,
    Department,
    ResidentAccount,
    ServiceWindow,
    StaffProfile,
    Township,
)
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


@admin.register(ApiClient)
class ApiClientAdmin(ScopedAdmin):
    """Keys for the hotline platform, Open311 clients, cameras and feeds: issued here (shown once), revoked
    here; a key is never shown again and never edited."""

    list_display = [
        "name",
        "purpose",
        "township",
        "key_prefix",
        "rate_per_minute",
        "is_active",
        "last_used_at",
    ]
    list_filter = ["purpose", "is_active"]
    search_fields = ["name", "key_prefix"]
    list_select_related = ["township"]
    fields = ["township", "name", "purpose", "rate_per_minute"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return (
            ["township", "purpose", "key_prefix", "created_at", "created_by", "revoked_at", "last_used_at"]
            if obj
            else []
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return [
            *self.fields,
            "key_prefix",
            "is_active",
            "created_at",
            "created_by",
            "revoked_at",
            "last_used_at",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        from township.api_keys import issue_api_key  # noqa: PLC0415 - api_keys imports DRF, which reads settings late

        client, key = issue_api_key(
            township=obj.township,
            name=obj.name,
            purpose=obj.purpose,
            by=request.user,
            rate_per_minute=obj.rate_per_minute,
        )
        obj.pk, obj.key_prefix, obj.key_hash = client.pk, client.key_prefix, client.key_hash
        obj._state.adding = False
        self.message_user(
            request,
            gettext("The key of %(name)s is %(key)s — copy it now: it is not shown again.")
            % {"name": client.name, "key": key},
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        from township.api_keys import revoke_api_key  # noqa: PLC0415 - as above

        for client in queryset:
            revoke_api_key(client=client)
        self.message_user(request, gettext("Keys revoked."), messages.SUCCESS)
