"""Camera and device alerts API: a device's platform posts an alert with its API key (purpose "devices");
the township is the key's. Repeated alerts of one device about one category are merged."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from grid.channels.devices import receive_device_alert
from township.api_keys import ApiKeyAuthentication, HasApiKey
from township.api_schema import ErrorSerializer
from township.org.models import ApiClient


class AlertSerializer(serializers.Serializer):
    device = serializers.CharField(
        max_length=64, help_text=gettext_lazy("The device id registered for the township.")
    )
    category = serializers.CharField(max_length=12, help_text='The category code, e.g. "01.02".')
    time = serializers.DateTimeField(help_text=gettext_lazy("When the device saw it, with its time zone."))
    lng = serializers.CharField(max_length=20, help_text=gettext_lazy("WGS-84 longitude."))
    lat = serializers.CharField(max_length=20, help_text=gettext_lazy("WGS-84 latitude."))
    snapshot = serializers.FileField(
        help_text=gettext_lazy("A JPEG or PNG image, at most MATERIAL_MAX_BYTES.")
    )


class AlertReceivedSerializer(serializers.Serializer):
    number = serializers.CharField(help_text=gettext_lazy("The grid event's number."))
    status = serializers.CharField()
    alert_count = serializers.IntegerField(help_text=gettext_lazy("Alerts merged into this event so far."))
    merged = serializers.BooleanField(
        help_text=gettext_lazy("Whether the alert was added to an event already open.")
    )


class DeviceAlertView(APIView):
    """A device's alert becomes a reported grid event waiting for verification (201); an alert repeating
    one of the same device and category within the merge window is added to that event (200)."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKey]
    api_key_purpose = ApiClient.Purpose.DEVICES
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Receive a camera or device alert (multipart, with its API key)",
        tags=["grid events"],
        request={"multipart/form-data": AlertSerializer},
        responses={
            200: AlertReceivedSerializer,
            201: AlertReceivedSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def post(self, request):
        data = AlertSerializer(data=request.data)
        if not data.is_valid():
            return Response(
                {"detail": _("The alert has faults; nothing was saved."), "errors": data.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        values = data.validated_data
        event, created = receive_device_alert(
            client=request.auth,
            device=values["device"],
            category=values["category"],
            at=values["time"],
            latitude=values["lat"],
            longitude=values["lng"],
            snapshot=values["snapshot"],
        )
        event.intake.refresh_from_db(fields=["alert_count"])
        body = {
            "number": event.number,
            "status": event.status,
            "alert_count": event.intake.alert_count,
            "merged": not created,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
