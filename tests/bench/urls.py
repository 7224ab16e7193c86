"""The site's URLs plus `/bench/pk/<id>/`: one primary-key lookup through the same middleware, the
yardstick the tracking page is measured against."""

from django.http import HttpResponse
from django.urls import include, path

from services.models import Application


def plain_pk(request, pk):
    number, status = Application.objects.filter(pk=pk).values_list("number", "status").get()
    return HttpResponse(f"{number} {status}", content_type="text/plain")


urlpatterns = [path("bench/pk/<int:pk>/", plain_pk), path("", include("township.urls"))]
