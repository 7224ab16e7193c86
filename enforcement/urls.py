"""Enforcement: URL map of the pages."""

from django.urls import path

urlpatterns: list = []

# --- cases (helper "cases") ---
from enforcement.cases import views as case_views  # noqa: E402

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
