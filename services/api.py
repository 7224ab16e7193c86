"""Services API: the public catalog (items with guides and materials, bundles, material types), the
caller's applications, and tracking by number and query code."""

import django_filters
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from services.errors import IntakeError
from services.filters import BundleFilterSet, ServiceItemFilterSet
from services.models import (
    ApplicantKind,
    Application,
    ApplicationMaterial,
    ApplicationStatus,
    Bundle,
    Channel,
    ConsentMethod,
    DeliveryMethod,
    MaterialRequirement,
    MaterialType,
    ServiceItem,
    ServiceItemVersion,
)
from services.selectors import catalog as catalog_selectors
from services.selectors.applications import applications_visible_to, resident_applications
from services.services.checklist import checklist_lines
from services.services.intake import (
    Agent,
    Applicant,
    MaterialsIncomplete,
    start_online_application,
    submit_application,
    update_draft,
    withdraw_application,
)
from services.services.materials import attach_material
from services.views.hall import WITHDRAWABLE
from services.views.tracking import TOO_MANY_LOOKUPS
from services.views.tracking import lookup as tracking_lookup
from township.api_schema import ErrorSerializer as SchemaErrorSerializer
from township.identifiers import validate_id_number
from township.org.models import scope_for


class DepartmentRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MaterialTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaterialType
        fields = ["code", "name", "description"]


class StepSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True)


class FaqSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField(required=False, allow_blank=True)


class MaterialSerializer(serializers.ModelSerializer):
    material_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    blank_form_url = serializers.SerializerMethodField()
    sample_url = serializers.SerializerMethodField()

    class Meta:
        model = MaterialRequirement
        fields = [
            "order",
            "name",
            "material_type",
            "original_count",
            "copy_count",
            "medium",
            "necessity",
            "condition",
            "source",
            "notes",
            "acceptance_standard",
            "blank_form_url",
            "sample_url",
        ]

    def _file_url(self, material, kind):
        if not getattr(material, kind):
            return None
        url = reverse("services-material-file", args=[material.pk, kind])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_blank_form_url(self, material):
        return self._file_url(material, "blank_form")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_sample_url(self, material):
        return self._file_url(material, "sample")


class GuideSerializer(serializers.ModelSerializer):
    """One edition of a service guide with every element of the national standard."""

    item_type_label = serializers.CharField(source="get_item_type_display")
    process_steps = StepSerializer(many=True)
    faq = FaqSerializer(many=True)
    materials = MaterialSerializer(many=True)

    class Meta:
        model = ServiceItemVersion
        fields = [
            "version",
            "published_at",
            "name",
            "item_type",
            "item_type_label",
            "delegated_level",
            "service_object",
            "legal_basis",
            "conditions",
            "special_procedures",
            "legal_limit_days",
            "promised_limit_days",
            "is_immediate",
            "is_free",
            "fees",
            "fee_basis",
            "allows_online",
            "at_most_one_visit",
            "visits_required",
            "delivery_options",
            "process_steps",
            "faq",
            "place",
            "hours",
            "enquiry_phone",
            "complaint_phone",
            "keywords",
            "materials",
        ]


class ServiceItemSerializer(serializers.ModelSerializer):
    """An item as a list shows it: identity and the headline facts of its published guide."""

    township = serializers.CharField(source="township.code")
    department = DepartmentRefSerializer()
    name = serializers.CharField(source="current_version.name")
    item_type = serializers.CharField(source="current_version.item_type")
    version = serializers.IntegerField(source="current_version.version")
    legal_limit_days = serializers.IntegerField(source="current_version.legal_limit_days")
    promised_limit_days = serializers.IntegerField(source="current_version.promised_limit_days")
    is_immediate = serializers.BooleanField(source="current_version.is_immediate")
    allows_online = serializers.BooleanField(source="current_version.allows_online")
    at_most_one_visit = serializers.BooleanField(source="current_version.at_most_one_visit")
    guide_url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceItem
        fields = [
            "implementation_code",
            "basic_code",
            "township",
            "department",
            "name",
            "item_type",
            "version",
            "legal_limit_days",
            "promised_limit_days",
            "is_immediate",
            "allows_online",
            "at_most_one_visit",
            "guide_url",
        ]

    @extend_schema_field(serializers.URLField())
    def get_guide_url(self, item):
        url = reverse("services-guide", args=[item.implementation_code])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ServiceItemDetailSerializer(ServiceItemSerializer):
    guide = GuideSerializer(source="current_version")

    class Meta(ServiceItemSerializer.Meta):
        fields = [*ServiceItemSerializer.Meta.fields, "guide"]


class ServiceItemViewSet(viewsets.ReadOnlyModelViewSet):
    """The published catalog: search with `q` (name, code, keyword, pinyin), filter by township,
    department, type; an item's detail is its current guide with the material list."""

    permission_classes = [AllowAny]
    filterset_class = ServiceItemFilterSet
    lookup_field = "implementation_code"
    lookup_value_regex = "[0-9A-Z]+"

    def get_queryset(self):
        queryset = catalog_selectors.listed_items()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(catalog_selectors.materials_prefetch())
        return queryset

    def get_serializer_class(self):
        return ServiceItemDetailSerializer if self.action == "retrieve" else ServiceItemSerializer


class BundleMaterialSerializer(serializers.Serializer):
    name = serializers.CharField()
    material_type = serializers.CharField(source="material_type.code", allow_null=True, read_only=True)
    necessity = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField())
    original_count = serializers.IntegerField()
    copy_count = serializers.IntegerField()
    medium = serializers.CharField()
    source = serializers.CharField()
    items = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_items(self, obj):
        return [item.implementation_code for item in obj.items]


class DepartmentItemsSerializer(serializers.Serializer):
    department = DepartmentRefSerializer()
    items = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_items(self, obj):
        return [item.implementation_code for item in obj["items"]]


class BundleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    township = serializers.CharField(source="township.code")
    items = serializers.SerializerMethodField()

    @extend_schema_field(ServiceItemSerializer(many=True))
    def get_items(self, bundle):
        items = [link.item for link in bundle.bundle_items.all() if link.item.current_version_id]
        return ServiceItemSerializer(items, many=True, context=self.context).data


class BundleDetailSerializer(BundleSerializer):
    materials = serializers.SerializerMethodField()
    departments = serializers.SerializerMethodField()

    @extend_schema_field(BundleMaterialSerializer(many=True))
    def get_materials(self, bundle):
        return BundleMaterialSerializer(
            catalog_selectors.bundle_materials(bundle, self._items(bundle)), many=True
        ).data

    @extend_schema_field(DepartmentItemsSerializer(many=True))
    def get_departments(self, bundle):
        fan_out = catalog_selectors.bundle_items_by_department(bundle, self._items(bundle))
        return DepartmentItemsSerializer(
            [{"department": d, "items": items} for d, items in fan_out.items()], many=True
        ).data

    def _items(self, bundle):
        if not hasattr(bundle, "_listed_items"):
            bundle._listed_items = catalog_selectors.bundle_listed_items(bundle)
        return bundle._listed_items


class BundleViewSet(viewsets.ReadOnlyModelViewSet):
    """ "One thing, one go" bundles: the items, the union of their materials asked once, and the
    departments an application fans out to."""

    permission_classes = [AllowAny]
    filterset_class = BundleFilterSet
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return catalog_selectors.active_bundles().order_by("township__code", "code")

    def get_serializer_class(self):
        return BundleDetailSerializer if self.action == "retrieve" else BundleSerializer


class MaterialTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The reusable material library: a stored material of a type satisfies requirements of it."""

    permission_classes = [AllowAny]
    queryset = MaterialType.objects.order_by("code")
    serializer_class = MaterialTypeSerializer
    lookup_field = "code"
    filterset_fields: list[str] = []


router = SimpleRouter()
router.register("catalog/items", ServiceItemViewSet, basename="services-catalog-item")
router.register("catalog/bundles", BundleViewSet, basename="services-catalog-bundle")
router.register("catalog/material-types", MaterialTypeViewSet, basename="services-catalog-material-type")


# --- applications and tracking ---------------------------------------------------------------------

MAX_ID = 2**31 - 1  # primary keys are 32-bit: a larger number is bad input, not a database error


def _is_staff_reader(user) -> bool:
    """Staff who read applications of their township (the same test as `applications_visible_to`)."""
    return scope_for(user)[0] != "none" and user.has_perm("services.view_application")


def _is_party(application: Application, user) -> bool:
    """The resident who applies or the agent who applied for them: they see their own data in full."""
    return user.pk is not None and user.pk in (application.resident_id, application.agent_id)


class ApplicationFilterSet(django_filters.FilterSet):
    """Filters of the API's application list. Not the unused one in services/filters.py: here a bundle
    matches through its parts, and department is a code that only staff may filter by."""

    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    item = django_filters.CharFilter(
        method="filter_item",
        help_text=gettext_lazy(
            "Implementation code of a service item; a bundle matches when one of its parts does."
        ),
    )
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at",
        lookup_expr="date__gte",
        help_text=gettext_lazy("Submitted on or after (local date)."),
    )
    submitted_to = django_filters.DateFilter(
        field_name="submitted_at",
        lookup_expr="date__lte",
        help_text=gettext_lazy("Submitted on or before (local date)."),
    )
    department = django_filters.CharFilter(
        method="filter_department",
        help_text=gettext_lazy(
            "Department code (staff only; ignored for residents). A bundle matches when one of "
            "its parts is the department's."
        ),
    )

    class Meta:
        model = Application
        fields = ["status", "channel", "item", "submitted_from", "submitted_to", "department"]

    def filter_item(self, queryset, name, value):
        parts = Application.objects.filter(
            Q(item__implementation_code=value) | Q(children__item__implementation_code=value)
        )
        return queryset.filter(pk__in=parts.values("pk"))

    def filter_department(self, queryset, name, value):
        if self.request is None or not _is_staff_reader(self.request.user):
            return queryset
        parts = Application.objects.filter(Q(department__code=value) | Q(children__department__code=value))
        return queryset.filter(pk__in=parts.values("pk"))


# The body of every refusal (a message for the user and, per field, what to correct): one schema component.
ErrorSerializer = SchemaErrorSerializer


class MissingMaterialSerializer(serializers.Serializer):
    requirement = serializers.IntegerField()
    name = serializers.CharField()


class SubmitErrorSerializer(serializers.Serializer):
    """A refused submission: the message, the fields to correct and the materials still missing."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    missing = MissingMaterialSerializer(many=True, required=False)


class ChildSerializer(serializers.Serializer):
    """A part of a bundle application: the department that handles one of its items."""

    number = serializers.CharField(allow_null=True)
    item_code = serializers.CharField(source="item.implementation_code", default=None)
    item = serializers.CharField(source="item_version.name", default=None)
    department = serializers.CharField(source="department.name", default=None)
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    due_date = serializers.DateField(allow_null=True)


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as a list shows it. The identity number and phone are always masked here; only
    the parties (resident, agent) see the query code."""

    title = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    item_code = serializers.CharField(source="item.implementation_code", read_only=True, default=None)
    department = serializers.CharField(source="department.name", read_only=True, default=None)
    applicant_id_number = serializers.SerializerMethodField()
    applicant_phone = serializers.SerializerMethodField()
    query_code = serializers.SerializerMethodField()
    due_date = serializers.DateField(read_only=True, allow_null=True)
    is_editable = serializers.BooleanField(source="is_editable_by_resident", read_only=True)
    receipt_url = serializers.SerializerMethodField()
    children = ChildSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "query_code",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "title",
            "item_code",
            "bundle",
            "department",
            "applicant_kind",
            "applicant_name",
            "enterprise_name",
            "applicant_id_number",
            "applicant_phone",
            "delivery_method",
            "created_at",
            "submitted_at",
            "accepted_at",
            "due_date",
            "finished_at",
            "is_editable",
            "receipt_url",
            "children",
        ]
        read_only_fields = fields

    def _reveals(self, application) -> bool:
        return False

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(serializers.CharField())
    def get_applicant_id_number(self, application):
        if self._reveals(application):
            return application.applicant_id_number
        return application.masked_id_number

    @extend_schema_field(serializers.CharField())
    def get_applicant_phone(self, application):
        if self._reveals(application):
            return application.applicant_phone
        return application.masked_phone

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_query_code(self, application):
        user = self._user()
        if application.number and user is not None and _is_party(application, user):
            return application.query_code
        return None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_receipt_url(self, application):
        if not application.receipt_id:
            return None
        url = reverse("services-application-document", args=[application.pk, "receipt"])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class UploadedFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationMaterial
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, material):
        url = reverse("services-application-file", args=[material.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ChecklistLineSerializer(serializers.Serializer):
    """A material the application asks for, with the files uploaded for it; upload to `requirement`."""

    requirement = serializers.IntegerField(source="key")
    name = serializers.CharField()
    necessity = serializers.CharField()
    necessity_label = serializers.CharField()
    condition = serializers.CharField()
    original_count = serializers.IntegerField()
    copy_count = serializers.IntegerField()
    is_needed = serializers.BooleanField()
    files = UploadedFileSerializer(many=True)


class ApplicationDetailSerializer(ApplicationSerializer):
    """One application: the parties see their own data in full, staff still see it masked."""

    materials = serializers.SerializerMethodField()
    supplementary_files = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "note",
            "postal_address",
            "agent_name",
            "agent_relation",
            "materials",
            "supplementary_files",
        ]
        read_only_fields = fields

    def _reveals(self, application) -> bool:
        user = self._user()
        return user is not None and _is_party(application, user)

    def _files(self, application) -> list:
        if not hasattr(application, "_api_files"):
            application._api_files = list(application.materials.all())
        return application._api_files

    @extend_schema_field(ChecklistLineSerializer(many=True))
    def get_materials(self, application):
        files = self._files(application)
        lines = checklist_lines(application, {})
        for line in lines:
            line.files = [f for f in files if f.requirement_id in line.requirement_ids]
        return ChecklistLineSerializer(lines, many=True, context=self.context).data

    @extend_schema_field(UploadedFileSerializer(many=True))
    def get_supplementary_files(self, application):
        extra = [f for f in self._files(application) if f.requirement_id is None]
        return UploadedFileSerializer(extra, many=True, context=self.context).data


class AgentInputSerializer(serializers.Serializer):
    """Applying on someone else's behalf (agent service 代办): who the agent is and how they agreed."""

    name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    id_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, validators=[validate_id_number]
    )
    relation = serializers.CharField(max_length=60, required=False, allow_blank=True)
    consent_method = serializers.ChoiceField(choices=ConsentMethod.choices)
    consent_note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class DraftCreateSerializer(serializers.Serializer):
    item = serializers.CharField(
        required=False, max_length=40, help_text=gettext_lazy("Implementation code of the service item.")
    )
    bundle = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=gettext_lazy("Bundle id.")
    )
    agent = AgentInputSerializer(
        required=False, help_text=gettext_lazy("Only when applying on someone else's behalf.")
    )

    def validate(self, data):
        if not data.get("item") and not data.get("bundle"):
            raise serializers.ValidationError(_("Choose a listed service item or bundle."))
        if data.get("item") and data.get("bundle"):
            raise serializers.ValidationError(_("Choose either a service item or a bundle, not both."))
        return data


class DraftForItemSerializer(serializers.Serializer):
    item = serializers.CharField(
        min_length=1, max_length=40, help_text=gettext_lazy("Implementation code of the item.")
    )
    agent = AgentInputSerializer(
        required=False, help_text=gettext_lazy("Only when applying on someone else's behalf.")
    )


class DraftForBundleSerializer(serializers.Serializer):
    bundle = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=gettext_lazy("Id of the bundle.")
    )
    agent = AgentInputSerializer(
        required=False, help_text=gettext_lazy("Only when applying on someone else's behalf.")
    )


# The schema says what the serializer checks: a draft is for an item or for a bundle, never for neither.
DRAFT_REQUEST = PolymorphicProxySerializer(
    component_name="DraftCreate",
    serializers=[DraftForItemSerializer, DraftForBundleSerializer],
    resource_type_field_name=None,
)


class ApplicantUpdateSerializer(serializers.Serializer):
    """The fields of a draft the applicant fills in; fields left out keep their value."""

    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices, required=False)
    applicant_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    applicant_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    enterprise_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    credit_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices, required=False)
    postal_address = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MaterialUploadSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "The `requirement` of a line in the application's `materials`; leave it out only for "
            "a supplementary document the reviewer asked for."
        ),
    )
    file = serializers.FileField(help_text=gettext_lazy("A PDF, JPEG or PNG scan or photo."))


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RefusedInput(Exception):
    """Bad input caught at the edge; becomes a 400 in the same shape as an IntakeError."""

    def __init__(self, errors):
        self.errors = errors


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise RefusedInput(serializer.errors)
    return serializer.validated_data


def _refused(detail, errors=None, **extra) -> Response:
    body = {"detail": str(detail), "errors": errors or {}, **extra}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _intake_error(error: IntakeError) -> Response:
    extra = {}
    if isinstance(error, MaterialsIncomplete):
        extra["missing"] = [{"requirement": int(line.key), "name": line.name} for line in error.lines]
    return _refused(error.message, error.field_errors, **extra)


ERRORS = {400: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="Applications the caller may see"),
    retrieve=extend_schema(
        summary="One application, with its materials",
        responses={200: ApplicationDetailSerializer, 404: ErrorSerializer},
    ),
)
class ApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Applications the caller may see: residents their own (and those they applied for as an agent),
    staff their township's. Residents create drafts, fill them in, upload materials, submit, withdraw;
    every change goes through the intake services, and staff act through the workbench, not here."""

    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilterSet
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return (
            applications_visible_to(self.request.user)
            .filter(parent__isnull=True)
            .select_related("item")
            .prefetch_related(
                Prefetch(
                    "children",
                    queryset=Application.objects.select_related(
                        "item", "item_version", "department"
                    ).order_by("pk"),
                )
            )
            .order_by("-created_at", "-pk")
        )

    def get_serializer_class(self):
        if self.action == "list":
            return ApplicationSerializer
        return ApplicationDetailSerializer

    def handle_exception(self, exc):
        if isinstance(exc, RefusedInput):
            return _refused(_("Please correct the marked fields."), exc.errors)
        if isinstance(exc, IntakeError):
            return _intake_error(exc)
        return super().handle_exception(exc)

    def _own(self, pk) -> Application:
        """Residents act only on their own applications (as applicant or agent); anyone else gets 404."""
        return get_object_or_404(resident_applications(self.request.user), pk=pk)

    def _fresh(self, application, *, status_code=status.HTTP_200_OK) -> Response:
        application = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(application).data, status=status_code)

    @extend_schema(
        summary="Start a draft for a service item or a bundle",
        request=DRAFT_REQUEST,
        responses={201: ApplicationDetailSerializer, 400: ErrorSerializer},
    )
    def create(self, request):
        values = _validated(DraftCreateSerializer, request.data)
        if getattr(request.user, "staff_profile", None) is not None and "agent" not in values:
            # A staff account applies only on someone's behalf (a grid member's agent service 代办);
            # for anything else the workbench receives applications.
            return _refused(
                _(
                    "Staff accounts apply online only on someone's behalf; "
                    "receive the application at the workbench."
                )
            )
        item = bundle = None
        if values.get("item"):
            item = (
                ServiceItem.objects.select_related("township", "department", "current_version")
                .filter(implementation_code=values["item"], current_version__isnull=False)
                .first()
            )
            if item is None:
                raise RefusedInput({"item": [_("There is no listed service item with this code.")]})
        else:
            bundle = (
                Bundle.objects.select_related("township").filter(pk=values["bundle"], is_active=True).first()
            )
            if bundle is None:
                raise RefusedInput({"bundle": [_("There is no bundle with this id.")]})
        agent = None
        if "agent" in values:
            given = values["agent"]
            agent = Agent(
                name=given.get("name", ""),
                id_number=given.get("id_number", ""),
                relation=given.get("relation", ""),
                consent_method=given["consent_method"],
                consent_note=given.get("consent_note", ""),
                user=request.user,
            )
        # One transaction with the read-back, so that no failure leaves a half-made draft behind.
        with transaction.atomic():
            application = start_online_application(
                resident=request.user, item=item, bundle=bundle, agent=agent
            )
            return self._fresh(application, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Fill in the applicant's details of a draft",
        request=ApplicantUpdateSerializer,
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        application = self._own(pk)
        values = _validated(ApplicantUpdateSerializer, request.data)
        update_draft(
            application=application,
            by=request.user,
            applicant=Applicant(
                kind=values.get("applicant_kind", application.applicant_kind),
                name=values.get("applicant_name", application.applicant_name),
                id_number=values.get("applicant_id_number", application.applicant_id_number),
                phone=values.get("applicant_phone", application.applicant_phone),
                enterprise_name=values.get("enterprise_name", application.enterprise_name),
                credit_code=values.get("credit_code", application.credit_code),
            ),
            note=values.get("note", application.note),
            delivery={
                "method": values.get("delivery_method", application.delivery_method),
                "address": values.get("postal_address", application.postal_address),
            },
        )
        return self._fresh(application)

    @extend_schema(
        summary="Upload a file for one of the application's materials",
        request={"multipart/form-data": MaterialUploadSerializer},
        responses={201: UploadedFileSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def materials(self, request, pk=None):
        application = self._own(pk)
        values = _validated(MaterialUploadSerializer, request.data)
        material = attach_material(
            application=application,
            requirement_id=values.get("requirement") or "",
            upload=values["file"],
            by=request.user,
        )
        return Response(UploadedFileSerializer(material, context={"request": request}).data, status=201)

    @extend_schema(
        summary="Submit a draft to the service hall",
        request=None,
        responses={200: ApplicationDetailSerializer, 400: SubmitErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = submit_application(application=self._own(pk), by=request.user)
        return self._fresh(application)

    @extend_schema(
        summary="Withdraw an application before it is decided",
        request=WithdrawSerializer,
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = self._own(pk)
        values = _validated(WithdrawSerializer, request.data)
        if application.status not in WITHDRAWABLE:
            return _refused(_("This application can no longer be withdrawn."))
        withdraw_application(application=application, by=request.user, reason=values.get("reason", ""))
        return self._fresh(application)


class TrackingQuerySerializer(serializers.Serializer):
    number = serializers.CharField(max_length=30)
    code = serializers.CharField(max_length=8)


class TrackingStepSerializer(serializers.Serializer):
    time = serializers.DateTimeField(source="at")
    step = serializers.CharField(source="label")
    state = serializers.CharField(source="state_label")
    department = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_department(self, row):
        child = row.part_obj
        return (child.department_name or None) if child is not None else None


class TrackingPartSerializer(serializers.Serializer):
    number = serializers.CharField(allow_null=True)
    item = serializers.CharField(source="item_name", allow_null=True)
    department = serializers.CharField(source="department_name", allow_null=True)
    status_label = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)


class TrackingSerializer(serializers.Serializer):
    """What anyone holding the number and query code may see: progress, never personal data (no names,
    identity numbers, phones, addresses or notes)."""

    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    status_label = serializers.CharField()
    department = serializers.CharField(source="department_name", allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    parts = TrackingPartSerializer(many=True)
    steps = TrackingStepSerializer(many=True, source="timeline")


class TrackingView(APIView):
    """Track an application by its number and query code, without signing in. Failed lookups count
    against the client's address together with the tracking page's, so codes cannot be guessed."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Track an application by number and query code",
        parameters=[
            OpenApiParameter(
                "number", str, required=True, description=gettext_lazy("The application number.")
            ),
            OpenApiParameter(
                "code", str, required=True, description=gettext_lazy("The six-digit query code.")
            ),
        ],
        responses={200: TrackingSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer},
    )
    def get(self, request):
        query = TrackingQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return _refused(_("Enter the application number and the query code."), query.errors)
        application, error = tracking_lookup(
            request, query.validated_data["number"], query.validated_data["code"]
        )
        if application is None:
            limited = error is TOO_MANY_LOOKUPS
            code = status.HTTP_429_TOO_MANY_REQUESTS if limited else status.HTTP_404_NOT_FOUND
            return Response({"detail": str(error)}, status=code)
        return Response(TrackingSerializer(application).data)


router.register("applications", ApplicationViewSet, basename="services-application")
urlpatterns = [*router.urls, path("tracking/", TrackingView.as_view(), name="services-api-tracking")]
