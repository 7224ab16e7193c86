"""Services: public catalog read API (items with their guides and materials, bundles, material types)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from services import selectors
from services.filters import BundleFilterSet, ServiceItemFilterSet
from services.models import MaterialRequirement, MaterialType, ServiceItem, ServiceItemVersion


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

urlpatterns = router.urls
