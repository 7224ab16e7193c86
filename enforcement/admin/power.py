"""Enforcement admin: the power list (versions, bands, Excel import/export) and the legal configuration.

Versions in force are read-only: "Revise" opens a draft copy with its bands, "Publish" puts it in force
and supersedes the old one, so a case always keeps the exact provisions and bands it was decided under.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from enforcement.models import (
    DiscretionBand,
    DocumentNumberFormat,
    EnforcementRuleSet,
    HearingThreshold,
    PowerMatter,
    PowerMatterVersion,
    PowerStatus,
)
from enforcement.models.power import CONTENT_FIELDS
from enforcement.power import services
from enforcement.power.resources import PowerMatterResource
from township.errors import message_user
from township.org.admin import ScopedAdmin


class VersionInline(admin.TabularInline):
    model = PowerMatterVersion
    fields = ["version", "name", "status", "published_at", "retired_at", "change_note", "open"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-version"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Open"))
    def open(self, version):
        url = reverse("admin:enforcement_powermatterversion_change", args=[version.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


class PowerMatterAddForm(forms.ModelForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)

    class Meta:
        model = PowerMatter
        fields = ["township", "code"]


@admin.register(PowerMatter)
class PowerMatterAdmin(ImportExportMixin, ScopedAdmin):
    resource_classes = [PowerMatterResource]
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    list_display = ["code", "display_name", "kind", "domain", "version_number", "is_listed", "township"]
    list_select_related = ["township", "current_version"]
    list_filter = ["current_version__kind", "current_version__domain", "current_version__channel"]
    search_fields = ["code", "current_version__name", "current_version__source_department"]
    inlines = [VersionInline]
    actions = ["revise_selected", "recall_selected"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PowerMatterAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["township", "code", "name"] if obj is None else ["township", "code", "current_version"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["township", "code", "current_version"]

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def save_model(self, request, obj, form, change):
        if change:
            return
        township = obj.township
        matter = services.create_matter(
            township=township,
            code=obj.code,
            content={
                "name": form.cleaned_data["name"],
                "domain": "",
                "violated_provision": "",
                "penalty_provision": "",
                "source_department": "",
                "channel": "handed_down",
                "issuing_organ_name": f"{township.name}人民政府",
            },
            by=request.user,
        )
        obj.pk = matter.pk
        obj.refresh_from_db()

    def response_add(self, request, obj, post_url_continue=None):
        draft = obj.versions.filter(status=PowerStatus.DRAFT).first()
        self.message_user(request, _("Matter created. Fill in its provisions and bands, then publish it."))
        return HttpResponseRedirect(reverse("admin:enforcement_powermatterversion_change", args=[draft.pk]))

    def has_delete_permission(self, request, obj=None):
        # a matter that was ever published is recalled, not deleted (cases point at its versions)
        if obj is not None and obj.versions.exclude(status=PowerStatus.DRAFT).exists():
            return False
        return super().has_delete_permission(request, obj)

    def has_import_permission(self, request):
        return request.user.has_perms(["enforcement.add_powermatter", "enforcement.change_powermatter"])

    def has_export_permission(self, request):
        return request.user.has_perm("enforcement.view_powermatter")

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).visible_to(request.user)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    @admin.display(description=gettext_lazy("Name"))
    def display_name(self, matter):
        return matter.current_version.name if matter.current_version_id else matter.code

    @admin.display(description=gettext_lazy("Kind"))
    def kind(self, matter):
        return matter.current_version.get_kind_display() if matter.current_version_id else "—"

    @admin.display(description=gettext_lazy("Domain"))
    def domain(self, matter):
        return matter.current_version.domain if matter.current_version_id else "—"

    @admin.display(description=gettext_lazy("Version"))
    def version_number(self, matter):
        return matter.current_version.version if matter.current_version_id else "—"

    @admin.display(description=gettext_lazy("On the list"), boolean=True)
    def is_listed(self, matter):
        return matter.current_version_id is not None

    @admin.action(
        description=gettext_lazy("Open a draft revision of the selected matters"), permissions=["change"]
    )
    def revise_selected(self, request, queryset):
        for matter in queryset:
            try:
                services.revise_matter(matter=matter, by=request.user)
            except services.PowerListError as exc:
                message_user(self, request, exc)
        self.message_user(request, _("Drafts are open under “Power-list matter versions”."))

    @admin.action(
        description=gettext_lazy("Recall the selected matters from the list"), permissions=["change"]
    )
    def recall_selected(self, request, queryset):
        for matter in queryset:
            try:
                services.recall_matter(matter=matter, by=request.user)
            except services.PowerListError as exc:
                message_user(self, request, exc)


class BandForm(forms.ModelForm):
    harm_levels = SimpleArrayField(
        forms.CharField(max_length=8), required=False, label=gettext_lazy("Harm levels it applies to")
    )

    class Meta:
        model = DiscretionBand
        fields = [
            "tier",
            "position",
            "conditions",
            "amount_basis",
            "fine_min",
            "fine_max",
            "multiple_min",
            "multiple_max",
            "other_penalties",
            "harm_levels",
            "first_offence_only",
            "requires_correction",
            "measure_min",
            "measure_below",
        ]


class BandInline(admin.StackedInline):
    model = DiscretionBand
    form = BandForm
    extra = 0
    ordering = ["position", "pk"]
    fields = [
        ("tier", "position"),
        "conditions",
        ("amount_basis", "fine_min", "fine_max", "multiple_min", "multiple_max"),
        "other_penalties",
        ("harm_levels", "first_offence_only", "requires_correction"),
        ("measure_min", "measure_below"),
    ]

    def _editable(self, obj, allowed):
        return allowed and (obj is None or obj.is_draft)

    def has_add_permission(self, request, obj=None):
        return self._editable(obj, super().has_add_permission(request, obj))

    def has_change_permission(self, request, obj=None):
        return self._editable(obj, super().has_change_permission(request, obj))

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj, super().has_delete_permission(request, obj))


class VersionForm(forms.ModelForm):
    class Meta:
        model = PowerMatterVersion
        fields = ["change_note", *CONTENT_FIELDS]


@admin.register(PowerMatterVersion)
class PowerMatterVersionAdmin(ScopedAdmin):
    form = VersionForm
    list_display = ["name", "version", "status", "matter_code", "domain", "source_department", "published_at"]
    list_select_related = ["matter__township"]
    list_filter = ["status", "kind", "channel", "domain"]
    search_fields = ["name", "matter__code", "source_department"]
    inlines = [BandInline]
    actions = ["publish_selected"]
    readonly_fields = ["matter", "version", "status", "published_at", "published_by", "retired_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "matter",
                    "version",
                    "status",
                    "change_note",
                    "published_at",
                    "published_by",
                    "retired_at",
                ]
            },
        ),
        (
            gettext_lazy("Matter"),
            {
                "fields": [
                    "name",
                    "kind",
                    "domain",
                    "violated_provision",
                    "penalty_provision",
                    "legal_penalty",
                    "measure_label",
                ]
            },
        ),
        (
            gettext_lazy("Channel and organ"),
            {
                "fields": [
                    "source_department",
                    "channel",
                    "channel_reference",
                    "entrusting_organ",
                    ("entrusted_from", "entrusted_until"),
                    "issuing_organ_name",
                ]
            },
        ),
        (
            gettext_lazy("Review and validity"),
            {
                "fields": [
                    "first_offence_exemption",
                    "legal_review_required",
                    ("effective_from", "effective_until"),
                ]
            },
        ),
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.is_draft and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.discard_draft(version=obj, by=request.user)

    @admin.display(description=gettext_lazy("Code"), ordering="matter__code")
    def matter_code(self, version):
        return version.matter.code

    def save_model(self, request, obj, form, change):
        # a draft is edited through the service, which locks the matter and validates
        try:
            services.revise_matter(
                matter=obj.matter,
                changes={name: getattr(obj, name) for name in CONTENT_FIELDS},
                by=request.user,
                change_note=obj.change_note,
            )
        except services.PowerListError as exc:
            message_user(self, request, exc)

    def get_urls(self):
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(require_POST(self.publish_view)),
                name="enforcement_powermatterversion_publish",
            ),
            path(
                "<int:pk>/revise/",
                self.admin_site.admin_view(require_POST(self.revise_view)),
                name="enforcement_powermatterversion_revise",
            ),
            *super().get_urls(),
        ]

    def _version_for(self, request, pk):
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("enforcement.change_powermatterversion"):
            raise PermissionDenied
        return version

    def publish_view(self, request, pk):
        version = self._version_for(request, pk)
        try:
            services.publish_version(version=version, by=request.user)
        except services.PowerListError as exc:
            message_user(self, request, exc)
        else:
            self.message_user(request, _("Version %(n)d is in force.") % {"n": version.version})
        return HttpResponseRedirect(reverse("admin:enforcement_powermatterversion_change", args=[version.pk]))

    def revise_view(self, request, pk):
        version = self._version_for(request, pk)
        draft = services.revise_matter(matter=version.matter, by=request.user)
        self.message_user(
            request, _("Draft version %(n)d is open; publish it when it is ready.") % {"n": draft.version}
        )
        return HttpResponseRedirect(reverse("admin:enforcement_powermatterversion_change", args=[draft.pk]))

    @admin.action(description=gettext_lazy("Publish the selected drafts"), permissions=["change"])
    def publish_selected(self, request, queryset):
        published = 0
        for version in queryset.filter(status=PowerStatus.DRAFT):
            try:
                services.publish_version(version=version, by=request.user)
                published += 1
            except services.PowerListError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)
        self.message_user(request, _("%(n)d drafts published.") % {"n": published})


# ---- legal configuration ---------------------------------------------------------------------------


@admin.register(HearingThreshold)
class HearingThresholdAdmin(admin.ModelAdmin):
    """Province-wide rules: county admins and superusers edit them (they hold the permissions)."""

    list_display = ["province", "domain", "party_type", "amount", "inclusive", "is_confirmed", "source"]
    list_filter = ["party_type", "is_confirmed", "province"]
    search_fields = ["domain", "source"]


@admin.register(EnforcementRuleSet)
class EnforcementRuleSetAdmin(ScopedAdmin):
    """A township's own rules (the default row, without a township, only superusers see)."""

    list_display = [
        "__str__",
        "clue_check_working_days",
        "decision_calendar_days",
        "head_extension_calendar_days",
        "publish_penalty_working_days",
        "withdraw_working_days",
    ]
    list_select_related = ["township"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "township":
            field.required = not request.user.is_superuser
        return field


@admin.register(DocumentNumberFormat)
class DocumentNumberFormatAdmin(ScopedAdmin):
    list_display = ["document_type", "type_code", "pattern", "sequence_source", "township"]
    list_filter = ["document_type", "sequence_source"]
    list_select_related = ["township"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "township":
            field.required = not request.user.is_superuser
        return field
