"""Grid: URL map of the pages."""

from django.urls import path

# --- gridbase ---
from grid.base import views as base_views
from grid.care import views as care_views
from grid.geo import views as geo_views
from grid.patrols import views as patrol_views

# --- end gridbase ---

urlpatterns: list = [
    # --- gridbase ---
    path("base/", base_views.base_home, name="grid-base-home"),
    path("base/import/", base_views.base_import, name="grid-base-import"),
    path("base/<str:kind>/", base_views.base_list, name="grid-base-list"),
    path("base/<str:kind>/new/", base_views.base_edit, name="grid-base-new"),
    path("base/<str:kind>/<int:pk>/", base_views.base_edit, name="grid-base-edit"),
    path("patrol/", patrol_views.patrol, name="grid-patrol"),
    path("visits/", care_views.visits, name="grid-visits"),
    path("visits/<int:pk>/", care_views.visit, name="grid-visit"),
    path("care/", care_views.care_list, name="grid-care-list"),
    path("care/expenses/import/", care_views.expense_import, name="grid-expense-import"),
    path("overview/", geo_views.overview, name="grid-overview"),
    # --- end gridbase ---
]
