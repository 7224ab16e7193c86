"""Enforcement: URL map of the pages."""

from django.urls import path

from enforcement.credit import views as credit_views
from enforcement.inspections import views as inspections
from enforcement.power import views as power_views

urlpatterns: list = [
    # ---- power list and procedure, public (helper "power") ----
    path("powers/", power_views.power_list, name="enforcement-power-list"),
    path("powers/<str:township_code>/<str:code>/", power_views.power_matter, name="enforcement-power-matter"),
    path("procedure/", power_views.procedure, name="enforcement-procedure"),
]
# --- helper "entities" (issue 14): inspections and credit ---
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
# --- helper "inspections2": staff pages of credit records and repair ---
urlpatterns += [
    path("staff/credit/", credit_views.record_list, name="enforcement-credit-staff"),
    path("staff/credit/<str:pk>/", credit_views.record_detail, name="enforcement-credit-staff-record"),
]
