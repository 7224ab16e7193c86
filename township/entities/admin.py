from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from grid.models.geo import Grid
from township.entities import services
from township.entities.models import MarketEntity
from township.entities.resources import MarketEntityResource
from township.errors import DomainError, message_user
from township.identifiers import mask_phone
from township.org.admin import ScopedAdmin
from township.org.models import Township


class MarketEntityForm(forms.ModelForm):
    """The model's validation plus the register's own checks (grid in the township, coordinates)."""

    class Meta:
        model = MarketEntity
        fields = ["township", "credit_code", *services.WRITABLE_FIELDS]

    def _post_clean(self):
        super()._post_clean()
        try:
            services.check_entity(self.instance, exclude=[*self.errors, *self._get_validation_exclusions()])
        except DomainError as error:
            for name, texts in error.field_errors.items():
                for text in texts:
                    self.add_error(name if name in self.fields else None, text)


@admin.register(MarketEntity)
class MarketEntityAdmin(ImportExportMixin, ScopedAdmin):
    resource_classes = [MarketEntityResource]
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    list_display = [
        "name",
        "credit_code",
        "kind",
        "legal_representative",
        "industry",
        "licence_status",
        "risk_level",
        "grid",
        "township",
    ]
    list_select_related = ["township", "grid"]
    list_filter = [
        "kind",
        "licence_status",
        "risk_level",
        "industry",
        ("grid", admin.RelatedOnlyFieldListFilter),
        ("township", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["credit_code", "name", "legal_representative", "address"]
    readonly_fields = ["created_at", "updated_at", "masked_phone"]
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description=_("contact phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # identity never changes: cases, inspections and applications quote the code
        return ["township", "credit_code", *self.readonly_fields]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def has_import_permission(self, request):
        return request.user.has_perms(["entities.add_marketentity", "entities.change_marketentity"])

    def has_export_permission(self, request):
        return request.user.has_perm("entities.view_marketentity")

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).visible_to(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MarketEntityForm
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "grid":
            kwargs["queryset"] = Grid.objects.filter(township__in=Township.objects.visible_to(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        values = {
            name: form.cleaned_data[name] for name in services.WRITABLE_FIELDS if name in form.cleaned_data
        }
        try:
            if change:
                saved = services.update_entity(entity=obj, values=values, by=request.user)
            else:
                saved, _created = services.register_entity(
                    township=obj.township, credit_code=obj.credit_code, values=values, by=request.user
                )
        except DomainError as error:  # a race the form could not see
            message_user(self, request, error)
            return
        obj.pk = saved.pk
