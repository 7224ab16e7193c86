"""Grid API: base data of the caller's grids (read-only, personal data masked), and the medical-expense
feed (POST records; idempotent by record id)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from grid.base.selectors import KINDS, RELATED
from grid.care.services import import_expenses
from grid.errors import ImportRejected
from grid.models import ExpenseSource, House, Household, Organisation, Person, Place
from grid.permissions import may_import_expenses
from township.fields import parse_pk
from township.org.scope import visible_to


class PersonSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    id_number = serializers.CharField(source="masked_id_number")
    phone = serializers.CharField(source="masked_phone")
    household = serializers.CharField(source="household.number", allow_null=True, default=None)

    class Meta:
        model = Person
        fields = [
            "id",
            "grid",
            "household",
            "name",
            "id_number",
            "sex",
            "birth_date",
            "phone",
            "relation",
            "residence",
            "tags",
        ]


class HouseholdSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    phone = serializers.CharField(source="masked_phone")

    class Meta:
        model = Household
        fields = ["id", "grid", "number", "head_name", "address", "phone"]


class HouseSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    owner_phone = serializers.CharField(source="masked_owner_phone")

    class Meta:
        model = House
        fields = [
            "id",
            "grid",
            "code",
            "address",
            "building",
            "unit",
            "floor",
            "room",
            "kind",
            "use",
            "owner_name",
            "owner_phone",
            "lng",
            "lat",
        ]


class PlaceSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    phone = serializers.CharField(source="masked_phone")
    market_entity = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Place
        fields = [
            "id",
            "grid",
            "name",
            "kind",
            "credit_code",
            "market_entity",
            "address",
            "contact_name",
            "phone",
            "is_key_fire_risk",
            "lng",
            "lat",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    phone = serializers.CharField(source="masked_phone")

    class Meta:
        model = Organisation
        fields = ["id", "grid", "name", "kind", "credit_code", "address", "contact_name", "phone", "members"]


SERIALIZERS = {
    "persons": PersonSerializer,
    "households": HouseholdSerializer,
    "houses": HouseSerializer,
    "places": PlaceSerializer,
    "organisations": OrganisationSerializer,
}


def _viewset(kind):
    model = KINDS[kind]

    class BaseDataViewSet(viewsets.ReadOnlyModelViewSet):
        serializer_class = SERIALIZERS[kind]
        queryset = model.objects.none()

        def get_queryset(self):
            rows = visible_to(model.objects.select_related(*RELATED[kind]), self.request.user).order_by("pk")
            grid = self.request.query_params.get("grid")
            if grid is not None:
                rows = rows.filter(grid_id=parse_pk(grid))
            return rows

    BaseDataViewSet.__name__ = f"{model.__name__}ViewSet"
    BaseDataViewSet.__qualname__ = BaseDataViewSet.__name__
    return BaseDataViewSet


VIEWSETS = {kind: _viewset(kind) for kind in KINDS}


class ExpenseRecordSerializer(serializers.Serializer):
    record_id = serializers.CharField(max_length=60, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=24)
    date = serializers.CharField(max_length=20)
    amount = serializers.CharField(max_length=20)
    hospital = serializers.CharField(max_length=120, required=False, allow_blank=True)


class ExpenseFeedView(APIView):
    """Medical-expense records from the medical-insurance feed: all or nothing; records already received
    (same record id, or same content) are counted as known and change nothing."""

    @extend_schema(
        request=inline_serializer("ExpenseFeed", {"records": ExpenseRecordSerializer(many=True)}),
        responses=inline_serializer(
            "ExpenseFeedResult",
            {
                "received": serializers.IntegerField(),
                "new": serializers.IntegerField(),
                "known": serializers.IntegerField(),
                "warnings": serializers.IntegerField(),
            },
        ),
    )
    def post(self, request):
        if not may_import_expenses(request.user):
            raise exceptions.PermissionDenied(
                _("Medical-expense records are imported by the township's administrators.")
            )
        profile = getattr(request.user, "staff_profile", None)
        if profile is None or profile.township is None:
            raise exceptions.PermissionDenied(_("Imports are made by the staff of one township."))
        records = request.data.get("records") if isinstance(request.data, dict) else None
        if not isinstance(records, list):
            raise exceptions.ValidationError({"records": [_("Send a list of records.")]})
        try:
            report = import_expenses(
                township=profile.township,
                records=records,
                source=ExpenseSource.API,
                by=request.user,
                request=request,
            )
        except ImportRejected as error:
            return Response(
                {
                    "detail": error.message,
                    "errors": [
                        {"record": row - 1, "field": field, "message": message}
                        for row, field, message in error.row_errors
                    ],
                },
                status=400,
            )
        return Response(report)
