"""Approvals: URL map of the pages: supervision and urging, supplements at the window."""

from django.urls import path

from approvals import views

urlpatterns = [
    path("supervision/", views.supervision, name="approvals-supervision"),
    path(
        "supervision/applications/<int:pk>/", views.supervised_timeline, name="approvals-supervised-timeline"
    ),
    path("supervision/applications/<int:pk>/urge/", views.urge, name="approvals-urge"),
    path("applications/<int:pk>/supplement/", views.supplement_at_window, name="approvals-supplement-window"),
    path(
        "applications/<int:pk>/supplement-supplied/",
        views.supplement_supplied,
        name="approvals-supplement-supplied",
    ),
]
