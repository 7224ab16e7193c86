"""Organisation pages: the staff member's own township at a glance."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from township.org.models import Department, ServiceWindow


@login_required
def my_township(request):
    departments = (
        Department.objects.visible_to(request.user).select_related("township").order_by("township", "code")
    )
    windows = (
        ServiceWindow.objects.visible_to(request.user)
        .select_related("township")
        .order_by("township", "number")
    )
    return render(request, "org/my_township.html", {"departments": departments, "windows": windows})
