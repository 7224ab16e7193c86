"""Grid: URL map of the pages."""

from django.urls import path

# --- gridevents ---
from grid.events import views as event_views

event_urls = [
    path("", event_views.home, name="grid-home"),
    path("events/", event_views.event_list, name="grid-events"),
    path("events/report/", event_views.report, name="grid-report"),
    path("events/centre/", event_views.centre, name="grid-centre"),
    path("events/department/", event_views.department, name="grid-department"),
    path("events/<int:pk>/", event_views.event_detail, name="grid-event"),
    path("events/<int:pk>/<slug:action>/", event_views.event_step, name="grid-event-step"),
    path("photos/<int:pk>/", event_views.photo, name="grid-photo"),
]
# --- end gridevents ---

urlpatterns: list = [*event_urls]
