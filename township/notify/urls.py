"""Notify: URL map of the staff inbox."""

from django.urls import path

from township.notify import views

urlpatterns = [
    path("", views.inbox, name="notify-inbox"),
    path("<int:pk>/read/", views.inbox_read, name="notify-inbox-read"),
    path("read-all/", views.inbox_read_all, name="notify-inbox-read-all"),
]
