"""Market-entity register: URL map of the pages."""

from django.urls import path

from township.entities import views

urlpatterns = [
    path("lookup/", views.lookup, name="entities-lookup"),
]
