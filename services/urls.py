"""Services: URL map of the pages (public catalog for now)."""

from django.urls import path

from services.views import catalog as views

urlpatterns = [
    path("", views.search, name="services-search"),
    path("items/<str:code>/", views.guide, name="services-guide"),
    path("items/<str:code>/v<int:number>/", views.guide_version, name="services-guide-version"),
    path("bundles/<int:pk>/", views.bundle, name="services-bundle"),
    path("materials/<int:pk>/<str:kind>/", views.material_file, name="services-material-file"),
]
