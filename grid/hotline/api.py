"""The hotline's API: the city platform posts work orders and follow-up results with its API key
(idempotent by its order id); staff read the orders in their scope."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from grid.hotline import services as hotline
from grid.hotline.errors import OrderStateConflict
from grid.models.hotline import (
    FollowUpResult,
    HotlineKind,
    HotlineOrder,
    HotlineSource,
    HotlineStatus,
    HotlineUrgency,
)
from township.api_keys import ApiKeyAuthentication, HasApiKey
from township.api_schema import ErrorSerializer
from township.org.models import ApiClient


class IncomingOrderSerializer(serializers.Serializer):
    platform_order_id = serializers.CharField(max_length=64)
    hotline_number = serializers.CharField(max_length=64)
    urgency = serializers.ChoiceField(choices=HotlineUrgency.choices)
    kind = serializers.ChoiceField(choices=HotlineKind.choices)
    category = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=4000)
    received_at = serializers.DateTimeField()
    caller_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    caller_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    wants_anonymity = serializers.BooleanField(required=False, default=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lng = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True, default=None
    )
    lat = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True, default=None
    )


class ReceivedSerializer(serializers.ModelSerializer):
    class Meta:
        model = HotlineOrder
        fields = ["number", "platform_order_id", "hotline_number", "status"]


class PlatformOrdersView(APIView):
    """The 12345 platform hands over a work order. Sending the same `platform_order_id` again answers
    200 with the order already received (201 the first time), so a retry never makes a second order."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKey]
    api_key_purpose = ApiClient.Purpose.HOTLINE_PLATFORM

    @extend_schema(
        summary="Receive a 12345 work order (platform, with its API key)",
        request=IncomingOrderSerializer,
        responses={
            200: ReceivedSerializer,
            201: ReceivedSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def post(self, request):
        data = IncomingOrderSerializer(data=request.data)
        if not data.is_valid():
            return Response(
                {"detail": _("The work order has faults; nothing was saved."), "errors": data.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        order, created = hotline.receive_order(
            township=request.auth.township,
            incoming=hotline.IncomingOrder(**data.validated_data),
            source=HotlineSource.API,
        )
        return Response(
            ReceivedSerializer(order).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class FollowUpSerializer(serializers.Serializer):
    platform_order_id = serializers.CharField(max_length=64)
    result = serializers.ChoiceField(choices=FollowUpResult.choices)
    unit_at_fault = serializers.BooleanField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PlatformFollowUpView(APIView):
    """The platform reports its follow-up call (回访) of a replied order: closes it, or sends it back to be
    redone when the caller is dissatisfied for the unit's fault."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKey]
    api_key_purpose = ApiClient.Purpose.HOTLINE_PLATFORM

    @extend_schema(
        summary="Report the follow-up call of a work order (platform)",
        request=FollowUpSerializer,
        responses={200: ReceivedSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
    )
    def post(self, request):
        data = FollowUpSerializer(data=request.data)
        if not data.is_valid():
            return Response({"detail": _("The follow-up has faults."), "errors": data.errors}, status=400)
        values = data.validated_data
        order = HotlineOrder.objects.filter(
            township=request.auth.township, platform_order_id=values["platform_order_id"]
        ).first()
        if order is None:
            return Response({"detail": _("No such work order.")}, status=status.HTTP_404_NOT_FOUND)
        if order.status != HotlineStatus.REPLIED:
            raise OrderStateConflict(_("Only a replied order can be followed up."), code="state")
        order = hotline.record_follow_up(
            order=order,
            by=None,
            platform=request.auth,
            result=values["result"],
            unit_at_fault=values["unit_at_fault"],
            note=values["note"],
        )
        return Response(ReceivedSerializer(order).data)


class OrderSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", default=None)
    caller_phone = serializers.CharField(source="masked_caller_phone")

    class Meta:
        model = HotlineOrder
        fields = [
            "id",
            "number",
            "hotline_number",
            "urgency",
            "kind",
            "category",
            "title",
            "content",
            "address",
            "caller_phone",
            "status",
            "department",
            "received_at",
            "assigned_at",
            "signed_at",
            "due_at",
            "warning_level",
            "return_count",
            "redo_count",
            "replied_at",
            "reply",
            "follow_up_result",
        ]


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Work orders in the signed-in staff member's scope (a unit sees its own, the centre its township's);
    the caller's phone is masked."""

    serializer_class = OrderSerializer

    def get_queryset(self):
        queryset = HotlineOrder.objects.visible_to(self.request.user).select_related("department")
        wanted = self.request.query_params.get("status")
        if wanted in HotlineStatus.values:
            queryset = queryset.filter(status=wanted)
        return queryset.order_by("-warning_level", "due_at", "-received_at", "pk")


router = SimpleRouter(trailing_slash=True)
router.register("orders", OrderViewSet, basename="hotline-order")
urlpatterns = [
    path("platform/orders/", PlatformOrdersView.as_view(), name="hotline-platform-orders"),
    path("platform/follow-ups/", PlatformFollowUpView.as_view(), name="hotline-platform-follow-ups"),
    *router.urls,
]
