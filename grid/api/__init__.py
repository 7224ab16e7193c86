"""Grid: REST API (DRF viewsets and serializers), mounted at /api/grid/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from grid.api.base import VIEWSETS, ExpenseFeedView
from grid.api.devices import DeviceAlertView
from grid.api.events import urlpatterns as event_urlpatterns
from grid.api.geo import GridMapView, LocateView

router = SimpleRouter()
for _kind, _viewset in VIEWSETS.items():
    router.register(f"base/{_kind}", _viewset, basename=f"grid-base-{_kind}")

urlpatterns = [
    *event_urlpatterns,
    path("devices/alerts/", DeviceAlertView.as_view(), name="grid-api-device-alerts"),
    path("locate/", LocateView.as_view(), name="grid-api-locate"),
    path("map/", GridMapView.as_view(), name="grid-api-map"),
    path("care/expenses/", ExpenseFeedView.as_view(), name="grid-api-expenses"),
    *router.urls,
]
