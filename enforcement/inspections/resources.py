"""Excel/CSV import and export of the inspection-matter list and the inspector register, keyed by
township and code; all or nothing; a re-import updates."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from enforcement.models import InspectionMatter, Inspector
from township.org.models import Department, Township
from township.spreadsheets import TextWidget, YesNoWidget, cell_text


class _TownshipResource(resources.ModelResource):
    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs
        )

    def before_import(self, dataset, **kwargs):
        if dataset.headers:
            dataset.headers = [cell_text(h) for h in dataset.headers]
        user = kwargs.get("user") or self.user
        self.townships = Township.objects.visible_to(user) if user is not None else Township.objects.all()

    def _township(self, value):
        township = self.townships.filter(code=cell_text(value)).first()
        if township is None:
            raise ValueError(
                _("Unknown township “%(code)s”, or not one you may manage.") % {"code": cell_text(value)}
            )
        return township

    def _department(self, township, value):
        department = Department.objects.filter(township=township, code=cell_text(value)).first()
        if department is None:
            raise ValueError(
                _("Unknown department code “%(code)s” in %(township)s.")
                % {"code": cell_text(value), "township": township}
            )
        return department

    def get_instance(self, instance_loader, row):
        try:
            township = self._township(row.get("township"))
        except ValueError:
            return None
        return self._meta.model.objects.filter(township=township, code=cell_text(row.get("code"))).first()

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "township":
            if instance.pk is None:
                instance.township = self._township(row.get("township"))
            return
        if field.column_name == "department":
            instance.department = self._department(self._township(row.get("township")), row.get("department"))
            return
        value = row.get(field.column_name)
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(_("Null characters are not allowed."))
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def export_field(self, field, instance, **kwargs):
        if field.column_name == "township":
            return instance.township.code
        if field.column_name == "department":
            return instance.department.code
        return super().export_field(field, instance, **kwargs)


MATTER_COLUMNS = (
    "township",
    "department",
    "code",
    "name",
    "legal_basis",
    "method",
    "object_type",
    "industry_codes",
    "frequency",
    "ratio_percent",
    "unit",
    "is_active",
)


class InspectionMatterResource(_TownshipResource):
    township = fields.Field(attribute="township", column_name="township", widget=TextWidget())
    department = fields.Field(attribute="department", column_name="department", widget=TextWidget())
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=YesNoWidget())

    class Meta:
        model = InspectionMatter
        fields = MATTER_COLUMNS
        export_order = MATTER_COLUMNS
        import_id_fields = ("township", "code")
        clean_model_instances = True
        skip_unchanged = True
        skip_html_diff = True

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Inspection-matter list")


INSPECTOR_COLUMNS = (
    "township",
    "department",
    "code",
    "name",
    "username",
    "domains",
    "is_leader",
    "is_expert",
    "is_active",
)


class InspectorResource(_TownshipResource):
    township = fields.Field(attribute="township", column_name="township", widget=TextWidget())
    department = fields.Field(attribute="department", column_name="department", widget=TextWidget())
    username = fields.Field(attribute="user", column_name="username", widget=TextWidget())
    is_leader = fields.Field(attribute="is_leader", column_name="is_leader", widget=YesNoWidget())
    is_expert = fields.Field(attribute="is_expert", column_name="is_expert", widget=YesNoWidget())
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=YesNoWidget())

    class Meta:
        model = Inspector
        fields = INSPECTOR_COLUMNS
        export_order = INSPECTOR_COLUMNS
        import_id_fields = ("township", "code")
        clean_model_instances = True
        skip_unchanged = True
        skip_html_diff = True

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Inspector register")

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "username":
            township = self._township(row.get("township"))
            user = (
                get_user_model()
                .objects.filter(username=cell_text(row.get("username")), staff_profile__township=township)
                .first()
            )
            if user is None:
                raise ValueError(
                    _("No staff member “%(name)s” in %(township)s.")
                    % {"name": cell_text(row.get("username")), "township": township}
                )
            instance.user = user
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def export_field(self, field, instance, **kwargs):
        if field.column_name == "username":
            return instance.user.username
        return super().export_field(field, instance, **kwargs)
