"""The staff inbox: warnings, urgings and assignments addressed to the signed-in user."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from township.notify.models import InboxItem
from township.notify.services import mark_inbox_read

PAGE = 200


@login_required
@require_GET
def inbox(request):
    items = InboxItem.objects.filter(user=request.user).order_by("-read_at", "-created_at")
    unread = items.filter(read_at__isnull=True).order_by("-created_at")[:PAGE]
    read = items.filter(read_at__isnull=False).order_by("-created_at")[:PAGE]
    return render(request, "notify/inbox.html", {"items": [*unread, *read][:PAGE]})


@login_required
@require_POST
def inbox_read(request, pk):
    """Mark one message read and open what it is about."""
    item = get_object_or_404(InboxItem, pk=pk, user=request.user)
    mark_inbox_read(user=request.user, item_ids=[item.pk])
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts={request.get_host()}):
        return redirect(item.url)
    return redirect("notify-inbox")


@login_required
@require_POST
def inbox_read_all(request):
    mark_inbox_read(user=request.user)
    return redirect("notify-inbox")
