"""Services API: the public catalog (items with guides and materials, bundles, material types), the
caller's applications, and tracking by number and query code."""

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from services import selectors
from services.filters import ApplicationFilterSet, BundleFilterSet, ServiceItemFilterSet
from services.models import (
    ApplicantKind,
    Application,
    ApplicationMaterial,
    Bundle,
    DeliveryMethod,
    MaterialRequirement,
    MaterialType,
    ServiceItem,
    ServiceItemVersion,
)
from services.selectors.applications import applications_visible_to, public_timeline, resident_applications
from services.services.intake import (
    Applicant,
    IntakeError,
    start_online_application,
    submit_application,
    update_draft,
    withdraw_application,
)
from services.services.materials import attach_material
from services.views.hall import WITHDRAWABLE


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
        queryset = selectors.listed_items()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(selectors.materials_prefetch())
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
            selectors.bundle_materials(bundle, self._items(bundle)), many=True
        ).data

    @extend_schema_field(DepartmentItemsSerializer(many=True))
    def get_departments(self, bundle):
        fan_out = selectors.bundle_items_by_department(bundle, self._items(bundle))
        return DepartmentItemsSerializer(
            [{"department": d, "items": items} for d, items in fan_out.items()], many=True
        ).data

    def _items(self, bundle):
        if not hasattr(bundle, "_listed_items"):
            bundle._listed_items = selectors.bundle_listed_items(bundle)
        return bundle._listed_items


class BundleViewSet(viewsets.ReadOnlyModelViewSet):
    """ "One thing, one go" bundles: the items, the union of their materials asked once, and the
    departments an application fans out to."""

    permission_classes = [AllowAny]
    filterset_class = BundleFilterSet
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return selectors.active_bundles().order_by("township__code", "code")

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


class ChildSerializer(serializers.Serializer):
    number = serializers.CharField()
    item = serializers.CharField(source="item_version.name")
    department = serializers.CharField(source="department.name")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    due_date = serializers.DateField(allow_null=True)


class ApplicationSerializer(serializers.ModelSerializer):
    """What the caller may know of an application: never the full identity number in a list."""

    title = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    item_code = serializers.CharField(source="item.implementation_code", read_only=True, default=None)
    department = serializers.CharField(source="department.name", read_only=True, default=None)
    applicant_id_number = serializers.CharField(source="masked_id_number", read_only=True)
    due_date = serializers.DateField(read_only=True, allow_null=True)
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
            "title",
            "item_code",
            "bundle",
            "department",
            "applicant_kind",
            "applicant_name",
            "applicant_id_number",
            "enterprise_name",
            "delivery_method",
            "submitted_at",
            "accepted_at",
            "due_date",
            "receipt_url",
            "children",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_receipt_url(self, application):
        if not application.receipt_id:
            return None
        return reverse("services-application-document", args=[application.pk, "receipt"])


class DraftCreateSerializer(serializers.Serializer):
    item = serializers.CharField(required=False, help_text="Implementation code of the item.")
    bundle = serializers.IntegerField(required=False)

    def validate(self, data):
        if not data.get("item") and not data.get("bundle"):
            raise serializers.ValidationError(_("Choose a listed service item or bundle."))
        if data.get("item") and data.get("bundle"):
            raise serializers.ValidationError(_("Choose either a service item or a bundle, not both."))
        return data


class DraftForItemSerializer(serializers.Serializer):
    item = serializers.CharField(min_length=1, help_text="Implementation code of the item.")


class DraftForBundleSerializer(serializers.Serializer):
    bundle = serializers.IntegerField(help_text="Id of the bundle.")


# The schema says what the serializer checks: a draft is for an item or for a bundle, never for neither.
DRAFT_REQUEST = PolymorphicProxySerializer(
    component_name="DraftCreate",
    serializers=[DraftForItemSerializer, DraftForBundleSerializer],
    resource_type_field_name=None,
)


class ApplicantUpdateSerializer(serializers.Serializer):
    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    applicant_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    applicant_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    enterprise_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    credit_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices, default=DeliveryMethod.WINDOW)
    postal_address = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MaterialUploadSerializer(serializers.Serializer):
    requirement = serializers.IntegerField()
    file = serializers.FileField()


class MaterialOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationMaterial
        fields = ["id", "requirement", "original_name", "content_type", "size", "uploaded_at"]


def _intake_error(error: IntakeError) -> Response:
    return Response(
        {"detail": error.message, "errors": error.field_errors}, status=status.HTTP_400_BAD_REQUEST
    )


class ApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Applications the caller may see: residents their own (and those they applied for as an agent),
    staff their township's. Residents create drafts, fill them in, upload materials, submit, withdraw."""

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
                    queryset=Application.objects.select_related("item_version", "department").order_by("pk"),
                )
            )
            .order_by("-created_at", "-pk")
        )

    def _own(self, pk):
        """Residents act only on their own; staff act through the workbench, not here."""
        return get_object_or_404(resident_applications(self.request.user), pk=pk)

    @extend_schema(request=DRAFT_REQUEST, responses={201: ApplicationSerializer})
    def create(self, request):
        data = DraftCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = bundle = None
        if data.validated_data.get("item"):
            item = ServiceItem.objects.filter(
                implementation_code=data.validated_data["item"], current_version__isnull=False
            ).first()
        elif data.validated_data.get("bundle"):
            bundle = Bundle.objects.filter(pk=data.validated_data["bundle"], is_active=True).first()
        if item is None and bundle is None:
            return Response({"detail": _("Choose a listed service item or bundle.")}, status=400)
        if getattr(request.user, "staff_profile", None) is not None:
            # A staff account is nobody's resident account: the workbench receives applications.
            return Response(
                {
                    "detail": _(
                        "Staff accounts do not apply online; receive the application at the workbench."
                    )
                },
                status=400,
            )
        try:
            # One transaction with the read-back, so that no failure leaves a half-made draft behind.
            with transaction.atomic():
                application = start_online_application(resident=request.user, item=item, bundle=bundle)
                created = self.get_queryset().get(pk=application.pk)
        except IntakeError as error:
            return _intake_error(error)
        return Response(ApplicationSerializer(created).data, status=201)

    @extend_schema(request=ApplicantUpdateSerializer, responses={200: ApplicationSerializer})
    def partial_update(self, request, pk=None):
        application = self._own(pk)
        data = ApplicantUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            update_draft(
                application=application,
                by=request.user,
                applicant=Applicant(
                    kind=values.get("applicant_kind", ApplicantKind.PERSON),
                    name=values.get("applicant_name", ""),
                    id_number=values.get("applicant_id_number", ""),
                    phone=values.get("applicant_phone", ""),
                    enterprise_name=values.get("enterprise_name", ""),
                    credit_code=values.get("credit_code", ""),
                ),
                note=values.get("note", ""),
                delivery={
                    "method": values.get("delivery_method"),
                    "address": values.get("postal_address", ""),
                },
            )
        except IntakeError as error:
            return _intake_error(error)
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(request=MaterialUploadSerializer, responses={201: MaterialOutSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def materials(self, request, pk=None):
        application = self._own(pk)
        data = MaterialUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            material = attach_material(
                application=application,
                requirement_id=data.validated_data["requirement"],
                upload=data.validated_data["file"],
                by=request.user,
            )
        except IntakeError as error:
            return _intake_error(error)
        return Response(MaterialOutSerializer(material).data, status=201)

    @extend_schema(request=None, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        try:
            application = submit_application(application=self._own(pk), by=request.user)
        except IntakeError as error:
            return _intake_error(error)
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(request=None, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = self._own(pk)
        if application.status not in WITHDRAWABLE:
            return Response({"detail": _("This application can no longer be withdrawn.")}, status=400)
        try:
            withdraw_application(
                application=application, by=request.user, reason=str(request.data.get("reason", ""))
            )
        except IntakeError as error:
            return _intake_error(error)
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)


class TrackingStepSerializer(serializers.Serializer):
    time = serializers.DateTimeField(source="created_at")
    state = serializers.CharField(source="state_label")
    department = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_department(self, entry):
        child = getattr(entry, "child", None)
        return child.department.name if child is not None and child.department_id else None


class TrackingSerializer(serializers.Serializer):
    """Tracking without personal data: no names, identity numbers or phones."""

    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    department = serializers.CharField(source="department.name", default=None)
    accepted_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    steps = TrackingStepSerializer(many=True)


class TrackingView(APIView):
    """Track an application by its number and query code (no sign-in; wrong codes are rate-limited)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("number", str, required=True),
            OpenApiParameter("code", str, required=True, description="The six-digit query code."),
        ],
        responses={200: TrackingSerializer},
    )
    def get(self, request):
        from services.views.tracking import lookup

        application, error = lookup(
            request, request.query_params.get("number", ""), request.query_params.get("code", "")
        )
        if application is None:
            return Response({"detail": error}, status=404)
        application.steps = public_timeline(application)
        return Response(TrackingSerializer(application).data)


router.register("applications", ApplicationViewSet, basename="services-application")
urlpatterns = [*router.urls, path("tracking/", TrackingView.as_view(), name="services-api-tracking")]
