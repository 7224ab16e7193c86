"""Enforcement: URL map of the pages."""

from django.urls import path

# --- helper "entities" (issue 14): inspections and credit ---
from enforcement.inspections import views as inspections

urlpatterns: list = []

urlpatterns += [
    path("inspections/draws/", inspections.draws, name="enforcement-draws"),
    path("inspections/draws/<str:pk>/", inspections.draw_detail, name="enforcement-draw"),
    path("inspections/mine/", inspections.my_tasks, name="enforcement-my-inspections"),
    path("inspections/tasks/<str:pk>/", inspections.task_result, name="enforcement-inspection-task"),
    path(
        "credit/<str:township_code>/<str:credit_code>/",
        inspections.credit_page,
        name="enforcement-credit-entity",
    ),
]
# --- end "entities" ---
