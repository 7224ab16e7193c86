"""Services: Django admin for the catalog, scoped to the user's township, with Excel import/export.

Published guides are read-only here: "Revise" opens a draft copy, "Publish" puts the draft live and
retires the old version, so an application always keeps the exact guide it was made under.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from services.models import (
    GUIDE_FIELDS,
    Bundle,
    BundleItem,
    Delivery,
    Handover,
    HomeVisit,
    ItemType,
    MaterialRequirement,
    MaterialType,
    PointStaff,
    Reception,
    SelfServiceTerminal,
    ServiceItem,
    ServiceItemVersion,
    ServicePoint,
    VersionStatus,
)
from services.resources import MaterialRequirementResource, ServiceItemResource
from services.selectors.search import search_queryset
from services.services import catalog
from services.services.catalog import MATERIAL_FIELDS
from township.org.admin import ReadOnlyScopedAdmin, ScopedAdmin
from township.org.models import ServiceWindow, Township, Village
from township.spreadsheets import PairsWidget


@admin.register(MaterialType)
class MaterialTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


# ---- items -----------------------------------------------------------------------------------------


class ServiceItemAddForm(forms.ModelForm):
    """A new item: its identity plus the few guide elements version 1 cannot do without."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    item_type = forms.ChoiceField(label=gettext_lazy("Item type"), choices=ItemType.choices)
    legal_limit_days = forms.IntegerField(label=gettext_lazy("Legal limit (working days)"), min_value=0)
    promised_limit_days = forms.IntegerField(
        label=gettext_lazy("Promised limit (working days)"),
        min_value=0,
        help_text=gettext_lazy("0 for an immediate item."),
    )

    class Meta:
        model = ServiceItem
        fields = ["township", "department", "basic_code", "implementation_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementation_code"].required = False
        self.fields["implementation_code"].help_text = _(
            "Leave empty to use the department's credit code followed by the basic code."
        )

    def guide(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "item_type": data["item_type"],
            "legal_limit_days": data["legal_limit_days"],
            "promised_limit_days": data["promised_limit_days"],
            "is_immediate": data["promised_limit_days"] == 0,
        }

    def clean(self):
        data = super().clean()
        department = data.get("department")
        if department and data.get("basic_code") and not data.get("implementation_code"):
            data["implementation_code"] = catalog.default_implementation_code(department, data["basic_code"])
        if not self.errors:
            try:
                ServiceItemVersion(**self.guide()).full_clean(exclude=["item", "version"])
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class VersionInline(admin.TabularInline):
    model = ServiceItemVersion
    fields = ["version", "name", "status", "published_at", "retired_at", "change_note", "open"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ["-version"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Open"))
    def open(self, version):
        url = reverse("admin:services_serviceitemversion_change", args=[version.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


class ListedFilter(admin.SimpleListFilter):
    title = gettext_lazy("in the catalog")
    parameter_name = "listed"

    def lookups(self, request, model_admin):
        return [("yes", _("Published")), ("no", _("Not published"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(current_version__isnull=self.value() == "no")
        return queryset


@admin.register(ServiceItem)
class ServiceItemAdmin(ImportExportMixin, ScopedAdmin):
    resource_classes = [ServiceItemResource, MaterialRequirementResource]
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    list_display = [
        "basic_code",
        "display_name",
        "department",
        "item_type",
        "version_number",
        "is_listed",
        "township",
    ]
    list_select_related = ["township", "department", "current_version"]
    list_filter = [
        ListedFilter,
        "current_version__item_type",
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["basic_code", "implementation_code", "search_name"]
    readonly_fields = ["created_at", "updated_at", "current_version"]
    inlines = [VersionInline]
    actions = ["revise_selected", "withdraw_selected"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ServiceItemAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "township",
                "department",
                "basic_code",
                "implementation_code",
                "name",
                "item_type",
                "legal_limit_days",
                "promised_limit_days",
            ]
        return [
            "township",
            "department",
            "basic_code",
            "implementation_code",
            "current_version",
            "created_at",
            "updated_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # identity never changes: applications and other places quote these codes
        return ["township", "basic_code", "implementation_code", *self.readonly_fields]

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return search_queryset(queryset, search_term), False

    def save_model(self, request, obj, form, change):
        if not change:
            item = catalog.create_item(
                township=obj.township,
                department=obj.department,
                basic_code=obj.basic_code,
                implementation_code=obj.implementation_code,
                guide=form.guide(),
                by=request.user,
            )
            obj.pk = item.pk
            obj.refresh_from_db()
        elif "department" in form.changed_data:
            catalog.reassign_item(item=obj, department=obj.department, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        draft = obj.versions.filter(status=VersionStatus.DRAFT).first()
        self.message_user(request, _("Item created. Fill in its guide and materials, then publish it."))
        return HttpResponseRedirect(reverse("admin:services_serviceitemversion_change", args=[draft.pk]))

    def has_delete_permission(self, request, obj=None):
        # items are withdrawn, not deleted, once they have been published (applications point at them)
        if obj is not None and obj.versions.exclude(status=VersionStatus.DRAFT).exists():
            return False
        return super().has_delete_permission(request, obj)

    def has_import_permission(self, request):
        return request.user.has_perms(["services.add_serviceitem", "services.change_serviceitem"])

    def has_export_permission(self, request):
        return request.user.has_perm("services.view_serviceitem")

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).visible_to(request.user)

    @admin.display(description=gettext_lazy("Name"))
    def display_name(self, item):
        return item.current_version.name if item.current_version_id else item.name

    @admin.display(description=gettext_lazy("Item type"))
    def item_type(self, item):
        return item.current_version.get_item_type_display() if item.current_version_id else "—"

    @admin.display(description=gettext_lazy("Version"))
    def version_number(self, item):
        return item.current_version.version if item.current_version_id else "—"

    @admin.display(description=gettext_lazy("Published"), boolean=True)
    def is_listed(self, item):
        return item.current_version_id is not None

    @admin.action(
        description=gettext_lazy("Open a draft revision of the selected items"), permissions=["change"]
    )
    def revise_selected(self, request, queryset):
        for item in queryset:
            try:
                catalog.revise_item(item=item, by=request.user)
            except catalog.CatalogError as exc:
                self.message_user(request, f"{item}: {exc.message}", messages.ERROR)
        self.message_user(request, _("Drafts are open under “Service guide versions”."))

    @admin.action(
        description=gettext_lazy("Withdraw the selected items from the catalog"), permissions=["change"]
    )
    def withdraw_selected(self, request, queryset):
        for item in queryset:
            try:
                catalog.withdraw_item(item=item, by=request.user)
            except catalog.CatalogError as exc:
                self.message_user(request, f"{item}: {exc.message}", messages.ERROR)


# ---- versions --------------------------------------------------------------------------------------


class PairsField(forms.CharField):
    """Steps or FAQ edited as lines of "first | second"."""

    def __init__(self, first, second, **kwargs):
        self.pairs = PairsWidget(first, second)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return self.pairs.render(value) if isinstance(value, list) else value

    def to_python(self, value):
        try:
            return self.pairs.clean(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class VersionForm(forms.ModelForm):
    delivery_options = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Delivery of the result"),
        choices=Delivery.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    process_steps = PairsField(
        "title",
        "description",
        label=gettext_lazy("Process steps"),
        help_text=gettext_lazy("One step a line: title | description."),
    )
    faq = PairsField(
        "question",
        "answer",
        label=gettext_lazy("Frequently asked questions"),
        help_text=gettext_lazy("One a line: question | answer."),
    )

    class Meta:
        model = ServiceItemVersion
        fields = ["change_note", *GUIDE_FIELDS]


class MaterialInline(admin.TabularInline):
    model = MaterialRequirement
    extra = 0
    autocomplete_fields = ["material_type"]
    fields = list(MATERIAL_FIELDS)
    ordering = ["order", "id"]

    def _editable(self, request, obj, allowed):
        return allowed and (obj is None or obj.is_draft)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj, super().has_add_permission(request, obj))

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj, super().has_change_permission(request, obj))

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj, super().has_delete_permission(request, obj))


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(ScopedAdmin):
    form = VersionForm
    change_form_template = "services/admin/version_change_form.html"
    list_display = ["name", "version", "status", "item_code", "department", "published_at"]
    list_select_related = ["item__department", "item__township"]
    list_filter = ["status", "item_type", ("item__department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "item__basic_code", "item__implementation_code"]
    inlines = [MaterialInline]
    actions = ["publish_selected"]
    fieldsets = [
        (None, {"fields": ["item", "version", "status", "change_note", "published_at", "published_by"]}),
        (
            gettext_lazy("Guide"),
            {
                "fields": [
                    "name",
                    "item_type",
                    "delegated_level",
                    "service_object",
                    "conditions",
                    "legal_basis",
                    "special_procedures",
                ]
            },
        ),
        (
            gettext_lazy("Time limits"),
            {
                "fields": [
                    "legal_limit_days",
                    "promised_limit_days",
                    "is_immediate",
                    "yellow_threshold_days",
                ]
            },
        ),
        (
            gettext_lazy("Fees, visits and delivery"),
            {
                "fields": [
                    "is_free",
                    "fees",
                    "fee_basis",
                    "allows_online",
                    "at_most_one_visit",
                    "visits_required",
                    "delivery_options",
                    "self_service_print",
                ]
            },
        ),
        (gettext_lazy("Process and questions"), {"fields": ["process_steps", "faq"]}),
        (
            gettext_lazy("Place and contacts"),
            {
                "fields": [
                    "place",
                    "hours",
                    "enquiry_phone",
                    "complaint_phone",
                    "keywords",
                ]
            },
        ),
    ]
    readonly_fields = ["item", "version", "status", "published_at", "published_by"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # only a draft may go, one at a time
        return actions

    def has_add_permission(self, request):
        return False  # versions come from "Add service item" and "Revise"

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.is_draft and super().has_delete_permission(request, obj)

    @admin.display(description=gettext_lazy("Basic code"), ordering="item__basic_code")
    def item_code(self, version):
        return version.item.basic_code

    @admin.display(description=gettext_lazy("Department"))
    def department(self, version):
        return version.item.department

    def save_model(self, request, obj, form, change):
        # a draft is edited through the catalog action, which locks the item and validates
        catalog.revise_item(
            item=obj.item,
            changes={name: getattr(obj, name) for name in GUIDE_FIELDS},
            by=request.user,
            change_note=obj.change_note,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(require_POST(self.publish_view)),
                name="services_serviceitemversion_publish",
            ),
            path(
                "<int:pk>/revise/",
                self.admin_site.admin_view(require_POST(self.revise_view)),
                name="services_serviceitemversion_revise",
            ),
            *super().get_urls(),
        ]

    def _version_for(self, request, pk):
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("services.change_serviceitemversion"):
            raise PermissionDenied
        return version

    def publish_view(self, request, pk):
        version = self._version_for(request, pk)
        try:
            catalog.publish_version(version=version, by=request.user)
        except (catalog.CatalogError, ValidationError) as exc:
            message = exc.message if isinstance(exc, catalog.CatalogError) else "; ".join(exc.messages)
            self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, _("Version %(n)d is published.") % {"n": version.version})
        return HttpResponseRedirect(reverse("admin:services_serviceitemversion_change", args=[version.pk]))

    def revise_view(self, request, pk):
        version = self._version_for(request, pk)
        draft = catalog.revise_item(item=version.item, by=request.user)
        self.message_user(
            request, _("Draft version %(n)d is open; publish it when it is ready.") % {"n": draft.version}
        )
        return HttpResponseRedirect(reverse("admin:services_serviceitemversion_change", args=[draft.pk]))

    @admin.action(description=gettext_lazy("Publish the selected drafts"), permissions=["change"])
    def publish_selected(self, request, queryset):
        published = 0
        for version in queryset.filter(status=VersionStatus.DRAFT):
            try:
                catalog.publish_version(version=version, by=request.user)
                published += 1
            except (catalog.CatalogError, ValidationError) as exc:
                message = exc.message if isinstance(exc, catalog.CatalogError) else "; ".join(exc.messages)
                self.message_user(request, f"{version}: {message}", messages.ERROR)
        self.message_user(request, _("%(n)d drafts published.") % {"n": published})


# ---- bundles ---------------------------------------------------------------------------------------


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 1
    autocomplete_fields = ["item"]
    fields = ["order", "item"]
    ordering = ["order", "id"]


@admin.register(Bundle)
class BundleAdmin(ScopedAdmin):
    list_display = ["code", "name", "township", "item_count", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["township"]
    search_fields = ["code", "name"]
    inlines = [BundleItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("bundle_items"))

    @admin.display(description=gettext_lazy("Items"), ordering="item_count")
    def item_count(self, bundle):
        return bundle.item_count


# ---- the window network: service points, their staff, terminals, receptions and hand-over lists ----------


def _townships_of(request):
    return Township.objects.visible_to(request.user)


class SameTownshipForm(forms.ModelForm):
    """Every row a point or terminal refers to belongs to the point's own township: a village, a window,
    a staff member or an item of another township is refused with a message, never saved."""

    def _township(self):
        township = self.cleaned_data.get("township")
        if township is None and self.cleaned_data.get("point") is not None:
            township = self.cleaned_data["point"].township
        return township

    def clean(self):
        data = super().clean()
        township = self._township()
        if township is None:
            return data
        wrong = _("This belongs to another township.")
        for name in ("village", "point"):
            value = data.get(name)
            if value is not None and value.township_id != township.pk:
                self.add_error(name, wrong)
        for name in ("windows", "printable_items"):
            values = data.get(name)
            if values is not None and any(v.township_id != township.pk for v in values):
                self.add_error(name, wrong)
        user = data.get("user")
        profile = getattr(user, "staff_profile", None) if user is not None else None
        if profile is not None and profile.township_id not in (None, township.pk):
            self.add_error("user", wrong)
        return data


class ServicePointForm(SameTownshipForm):
    class Meta:
        model = ServicePoint
        fields = [
            "township",
            "kind",
            "village",
            "code",
            "name",
            "address",
            "phone",
            "hours",
            "windows",
            "is_active",
        ]


class PointStaffInline(admin.TabularInline):
    model = PointStaff
    extra = 0
    fields = ["user", "duty"]
    raw_id_fields = ["user"]


@admin.register(ServicePoint)
class ServicePointAdmin(ScopedAdmin):
    form = ServicePointForm
    list_display = ["code", "name", "kind", "village", "township", "hours", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["township", "village"]
    search_fields = ["code", "name", "address"]
    filter_horizontal = ["windows"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = Village.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "windows":
            kwargs["queryset"] = ServiceWindow.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PointStaffForm(SameTownshipForm):
    class Meta:
        model = PointStaff
        fields = ["point", "user", "duty"]


@admin.register(PointStaff)
class PointStaffAdmin(ScopedAdmin):
    form = PointStaffForm
    list_display = ["user", "point", "duty"]
    list_filter = ["duty"]
    list_select_related = ["user", "point"]
    search_fields = ["user__username", "user__first_name", "point__name"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "point":
            kwargs["queryset"] = ServicePoint.objects.visible_to(request.user)
        elif db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(
                staff_profile__township__in=_townships_of(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TerminalForm(SameTownshipForm):
    class Meta:
        model = SelfServiceTerminal
        fields = ["township", "point", "user", "code", "name", "printable_items", "is_active"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if (
            user.is_staff
            or user.is_superuser
            or hasattr(user, "staff_profile")
            or hasattr(user, "resident")
            or user.groups.exists()
        ):
            raise ValidationError(
                _("A terminal needs an account of its own: no staff role, no staff or resident profile.")
            )
        return user


@admin.register(SelfServiceTerminal)
class SelfServiceTerminalAdmin(ScopedAdmin):
    """Terminals and their accounts. An item's result is printed only when its published guide allows
    self-service printing; a terminal listing items prints only those (no list: every allowed item)."""

    form = TerminalForm
    list_display = ["code", "name", "point", "township", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["point", "township"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["printable_items"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "point":
            kwargs["queryset"] = ServicePoint.objects.visible_to(request.user)
        elif db_field.name == "user":
            # accounts with no role or profile of their own: a terminal's, or a new one made for it
            kwargs["queryset"] = get_user_model().objects.filter(
                Q(terminal__isnull=True) | Q(terminal__township__in=_townships_of(request)),
                staff_profile__isnull=True,
                resident__isnull=True,
                is_staff=False,
                is_superuser=False,
                groups__isnull=True,
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "printable_items":
            kwargs["queryset"] = ServiceItem.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Reception)
class ReceptionAdmin(ReadOnlyScopedAdmin):
    """Where each application was received: written by the intake steps, looked at here."""

    list_display = ["application", "point", "received_by", "received_at", "is_forwarded", "handover"]
    list_filter = ["is_forwarded"]
    list_select_related = ["application", "point", "received_by", "handover__document"]
    search_fields = ["application__number"]
    date_hierarchy = "received_at"


@admin.register(Handover)
class HandoverAdmin(ReadOnlyScopedAdmin):
    list_display = ["__str__", "point", "created_by", "created_at", "received_by", "received_at"]
    list_select_related = ["point", "document", "created_by", "received_by"]
    search_fields = ["document__number"]
    date_hierarchy = "created_at"


@admin.register(HomeVisit)
class HomeVisitAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "status", "point", "item", "assigned_to", "scheduled_for"]
    list_filter = ["status", "reason"]
    list_select_related = ["point", "item", "assigned_to"]
    search_fields = ["number"]
    exclude = ["resident_id_number", "resident_phone"]
    readonly_fields = ["masked_id_number", "masked_phone"]
