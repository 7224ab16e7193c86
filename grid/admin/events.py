"""Grid events in the admin: the catalogue (versioned data, edited by township admins) and a read-only
view of the events (their steps are taken on the event pages, through the services)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grid.events.selectors import events_visible_to
from grid.models import CategoryCatalogue, CategoryLimit, EventCategory, GridEvent
from township.org.admin import ReadOnlyScopedAdmin, ScopedAdmin
from township.org.scope import visible_to


@admin.register(CategoryCatalogue)
class CategoryCatalogueAdmin(ScopedAdmin):
    list_display = ["name", "standard_ref", "version", "effective_from", "effective_to", "township"]
    list_filter = ["standard_ref"]
    list_select_related = ["township"]


class LimitInline(admin.TabularInline):
    model = CategoryLimit
    extra = 0
    fields = ["step", "order", "stage", "amount", "unit"]


@admin.register(EventCategory)
class EventCategoryAdmin(ScopedAdmin):
    list_display = [
        "code_display",
        "major_name",
        "minor_name",
        "kind",
        "responsible_unit",
        "catalogue",
        "is_active",
    ]
    list_filter = ["kind", "is_local_extension", "is_active"]
    list_select_related = ["catalogue"]
    search_fields = ["minor_name", "major_name", "minor_code"]
    inlines = [LimitInline]

    def scope_queryset(self, queryset, request):
        catalogues = visible_to(CategoryCatalogue.objects.all(), request.user)
        return queryset.filter(catalogue__in=catalogues)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "catalogue":
            kwargs["queryset"] = visible_to(CategoryCatalogue.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("code"), ordering="major_code")
    def code_display(self, obj):
        return obj.code


@admin.register(GridEvent)
class GridEventAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "number",
        "category",
        "status",
        "grid",
        "department",
        "reported_at",
        "due_at",
        "warning_level",
    ]
    list_filter = ["status", "warning_level", "is_whistle"]
    list_select_related = ["category", "grid", "department"]
    search_fields = ["number"]
    show_full_result_count = False
    exclude = ["client_key", "clue_type", "clue_id"]

    def scope_queryset(self, queryset, request):
        return queryset.filter(pk__in=events_visible_to(request.user).values("pk"))
