"""Services: URL map of the pages; each topic's views module keeps its own `urlpatterns`."""

from django.urls import include, path

from services.views import catalog as views

urlpatterns = [
    path("", views.search, name="services-search"),
    path("items/<str:code>/", views.guide, name="services-guide"),
    path("items/<str:code>/v<int:number>/", views.guide_version, name="services-guide-version"),
    path("bundles/<int:pk>/", views.bundle, name="services-bundle"),
    path("materials/<int:pk>/<str:kind>/", views.material_file, name="services-material-file"),
    path("workbench/", include("services.views.workbench")),
    path("hall/", include("services.views.hall")),
    path("hall/account/", include("services.views.hall_auth")),
    path("files/", include("services.views.files")),
    path("track/", include("services.views.tracking")),
    path("queue/", include("services.views.queue")),
    path("evaluations/", include("services.views.evaluations")),
]
