"""Grid API: the user's grids as GeoJSON, and which grid a WGS-84 location is in."""

import math

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from grid.base.selectors import grids_for
from grid.geometry import locate
from grid.models import Grid


def _coordinate(raw, low, high, name):
    text = str(raw or "").strip()
    try:
        value = float(text) if text.isascii() else None
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or not low <= value <= high:
        raise exceptions.ValidationError(
            {
                name: [
                    _("A WGS-84 coordinate in China is between %(low)s and %(high)s.")
                    % {"low": low, "high": high}
                ]
            }
        )
    return value


class GridRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class LocateView(APIView):
    """The grid of a WGS-84 point in the caller's township (borders: the documented tie-break)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("lng", float, required=True),
            OpenApiParameter("lat", float, required=True),
        ],
        responses=inline_serializer(
            "GridLocation", {"grid": GridRefSerializer(allow_null=True), "how": serializers.CharField()}
        ),
    )
    def get(self, request):
        profile = getattr(request.user, "staff_profile", None)
        if profile is None or profile.township_id is None:
            raise exceptions.PermissionDenied(_("Only the staff of a township can look up grids."))
        lng = _coordinate(request.query_params.get("lng"), 70, 140, "lng")
        lat = _coordinate(request.query_params.get("lat"), 0, 56, "lat")
        found = locate(profile.township_id, lng, lat)
        grid = (
            Grid.objects.filter(pk=found.grid_id).values("id", "code", "name").first()
            if found.grid_id
            else None
        )
        return Response({"grid": grid, "how": found.how})


class GridMapView(APIView):
    """The caller's grids as a GeoJSON FeatureCollection (WGS-84)."""

    @extend_schema(
        responses=inline_serializer(
            "GridMap", {"type": serializers.CharField(), "features": serializers.ListField()}
        )
    )
    def get(self, request):
        features = [
            {
                "type": "Feature",
                "id": g["pk"],
                "properties": {
                    "code": g["code"],
                    "name": g["name"],
                    "kind": g["kind"],
                    "village": g["village__code"],
                },
                "geometry": g["boundary"],
            }
            for g in grids_for(request.user)
            .filter(boundary__isnull=False)
            .values("pk", "code", "name", "kind", "village__code", "boundary")[:1000]
        ]
        return Response({"type": "FeatureCollection", "features": features})
