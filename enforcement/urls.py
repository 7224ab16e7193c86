"""Enforcement: URL map of the pages."""

from django.urls import path

from enforcement.cases import views as case_views
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
# --- cases (helper "cases") ---
urlpatterns += [
    path("cases/", case_views.my_cases, name="enforcement-my-cases"),
    path("cases/new/", case_views.new_clue, name="enforcement-new-clue"),
    path("cases/<str:pk>/", case_views.case_detail, name="enforcement-case"),
    path("cases/<str:pk>/steps/<slug:step>/", case_views.case_step, name="enforcement-case-step"),
    path("cases/<str:pk>/evidence/<str:item>/", case_views.evidence_file, name="enforcement-evidence-file"),
    path(
        "cases/<str:pk>/measures/<str:measure>/approve/",
        case_views.approve_measure,
        name="enforcement-approve-measure",
    ),
    path("on-the-spot/", case_views.summary_form, name="enforcement-summary"),
    path("review/", case_views.review_queue, name="enforcement-review-queue"),
    path("review/<str:pk>/", case_views.review_case, name="enforcement-review"),
    path("approvals/", case_views.head_queue, name="enforcement-head-queue"),
    path("public/decisions/", case_views.public_decisions, name="enforcement-public-decisions"),
    path(
        "public/decisions/<str:township_code>/",
        case_views.public_decisions,
        name="enforcement-public-decisions-township",
    ),
    path("public/procedure/", case_views.public_procedure, name="enforcement-public-procedure"),
]
# --- end cases ---
# --- helper "inspections2": staff pages of credit records and repair ---
urlpatterns += [
    path("staff/credit/", credit_views.record_list, name="enforcement-credit-staff"),
    path("staff/credit/<str:pk>/", credit_views.record_detail, name="enforcement-credit-staff-record"),
]
