"""Enforcement: URL map of the pages."""

from django.urls import path

from enforcement.power import views as power_views

urlpatterns: list = [
    # ---- power list and procedure, public (helper "power") ----
    path("powers/", power_views.power_list, name="enforcement-power-list"),
    path("powers/<str:township_code>/<str:code>/", power_views.power_matter, name="enforcement-power-matter"),
    path("procedure/", power_views.procedure, name="enforcement-procedure"),
]
