"""Admin of double-random inspections: the matter list and the inspector register (with conflicts and
Excel import/export), plans with strata and a "draw" action, draws (read only), tasks."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from enforcement.inspections.resources import InspectionMatterResource, InspectorResource
from enforcement.inspections.services import draw_plan as draw_plan_service
from enforcement.inspections.services import verify_draw
from enforcement.models import (
    Draw,
    InspectionMatter,
    InspectionPlan,
    InspectionTask,
    Inspector,
    InspectorConflict,
    PlanStratum,
)
from township.errors import DomainError, message_user
from township.org.admin import ReadOnlyScopedAdmin, ScopedAdmin


@admin.register(InspectionMatter)
class InspectionMatterAdmin(ImportExportMixin, ScopedAdmin):
    resource_classes = [InspectionMatterResource]
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    list_display = ["code", "name", "department", "method", "ratio_percent", "frequency", "is_active"]
    list_filter = ["method", "is_active", ("department", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["department", "township"]
    search_fields = ["code", "name", "legal_basis"]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).visible_to(request.user)


class ConflictInline(admin.TabularInline):
    model = InspectorConflict
    extra = 0
    raw_id_fields = ["entity"]
    readonly_fields = ["declared_at"]


@admin.register(Inspector)
class InspectorAdmin(ImportExportMixin, ScopedAdmin):
    resource_classes = [InspectorResource]
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    list_display = ["code", "name", "department", "domains", "is_leader", "is_expert", "is_active"]
    list_filter = ["is_active", "is_leader", "is_expert", ("department", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["department", "township"]
    search_fields = ["code", "name", "domains"]
    raw_id_fields = ["user"]
    inlines = [ConflictInline]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).visible_to(request.user)


class StratumInline(admin.TabularInline):
    model = PlanStratum
    extra = 1


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ScopedAdmin):
    list_display = ["code", "name", "lead_department", "starts_on", "ends_on", "team_size", "status"]
    list_filter = ["status", ("lead_department", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["lead_department", "township"]
    search_fields = ["code", "name"]
    filter_horizontal = ["matters", "grids"]
    readonly_fields = ["status", "created_by", "created_at"]
    inlines = [StratumInline]
    actions = ["draw_selected"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_department":
            from township.org.models import Department  # noqa: PLC0415 - admin-only choice

            kwargs["queryset"] = Department.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "matters":
            kwargs["queryset"] = InspectionMatter.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Draw the selected plans (first draw only)"))
    def draw_selected(self, request, queryset):
        for plan in queryset:
            try:
                draw = draw_plan_service(plan=plan, by=request.user)
            except DomainError as error:
                message_user(self, request, error)
            else:
                self.message_user(
                    request,
                    _("%(plan)s drawn: %(n)d entities.") % {"plan": plan, "n": len(draw.result["entities"])},
                    messages.SUCCESS,
                )


@admin.register(Draw)
class DrawAdmin(ReadOnlyScopedAdmin):
    list_display = ["plan", "number", "replaces", "seed", "snapshot_hash", "drawn_by", "drawn_at", "verified"]
    list_select_related = ["plan", "replaces__plan", "drawn_by"]
    search_fields = ["plan__code", "seed", "snapshot_hash"]

    @admin.display(description=_("verifies"), boolean=True)
    def verified(self, obj):
        return None  # verification re-runs the draw: on the change page and with `manage.py verify_draw`

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Draw._meta.fields] + ["verification"]

    @admin.display(description=_("verification"))
    def verification(self, obj):
        problems = verify_draw(obj)
        return "; ".join(problems) if problems else _("The draw verifies.")


@admin.register(InspectionTask)
class InspectionTaskAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "draw",
        "entity",
        "stratum",
        "status",
        "outcome",
        "publish_by",
        "published_at",
        "clue_reference",
    ]
    list_filter = ["status", "outcome"]
    list_select_related = ["draw__plan", "entity"]
    search_fields = ["entity__name", "entity__credit_code"]
