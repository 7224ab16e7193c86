"""Open311 GeoReport v2 paths, mounted at /open311/v2/; each ends in .xml or .json."""

from django.urls import re_path

from grid.open311 import views

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.DiscoveryView.as_view(), name="open311-discovery"),
    re_path(r"^services" + FMT, views.ServicesView.as_view(), name="open311-services"),
    re_path(
        r"^services/(?P<code>[^/]+?)" + FMT, views.ServiceDefinitionView.as_view(), name="open311-service"
    ),
    re_path(r"^requests" + FMT, views.RequestsView.as_view(), name="open311-requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FMT, views.RequestView.as_view(), name="open311-request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.TokenView.as_view(), name="open311-token"),
]
