"""Verification pages, mounted at /verify/ by the root URL map."""

from django.urls import path

from township.documents import views

urlpatterns = [
    path("", views.verify_lookup, name="documents-verify-lookup"),
    path("<str:number>/pdf/", views.download_pdf, name="documents-pdf"),
    # path, not str: a pasted number with a slash in it still gets the clear "not a number" page
    path("<path:number>/", views.verify, name="documents-verify"),
]
