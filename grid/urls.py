"""Grid: URL map of the pages."""

from django.urls import path

from grid.base import views as base_views
from grid.care import views as care_views
from grid.channels import views as channel_views
from grid.events import views as event_views
from grid.geo import views as geo_views
from grid.hotline import views as hotline_views
from grid.patrols import views as patrol_views

urlpatterns = [
    # --- gridevents ---
    path("", event_views.home, name="grid-home"),
    path("events/", event_views.event_list, name="grid-events"),
    path("events/report/", event_views.report, name="grid-report"),
    path("events/centre/", event_views.centre, name="grid-centre"),
    path("events/department/", event_views.department, name="grid-department"),
    path("events/<int:pk>/", event_views.event_detail, name="grid-event"),
    path("events/<int:pk>/<slug:action>/", event_views.event_step, name="grid-event-step"),
    path("photos/<int:pk>/", event_views.photo, name="grid-photo"),
    # --- end gridevents ---
    # --- channels: residents' reports, tracking, the follow-up question ---
    path("report/", channel_views.report, name="grid-report-problem"),
    path("report/nearby/", channel_views.nearby, name="grid-report-nearby"),
    path("report/support/", channel_views.support, name="grid-report-support"),
    path("report/sent/", channel_views.reported, name="grid-reported"),
    path("track/", channel_views.track_moved, name="grid-track"),  # the one page is services-track
    path("fixed/<str:token>/", channel_views.follow_up, name="grid-follow-up"),
    # --- end channels ---
    # --- hotline work orders ---
    path("hotline/", hotline_views.order_list, name="grid-hotline-orders"),
    path("hotline/import/", hotline_views.import_orders_page, name="grid-hotline-import"),
    path("hotline/<int:pk>/", hotline_views.order_detail, name="grid-hotline-order"),
    path("hotline/<int:pk>/<slug:action>/", hotline_views.order_action, name="grid-hotline-action"),
    # --- end hotline ---
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
