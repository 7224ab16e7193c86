"""Admin of grids and grid staff, with the GeoJSON boundary import (all or nothing, each fault listed)."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grid.errors import BoundaryImportRejected
from grid.geo.services import import_boundaries
from grid.models import Grid, GridStaff
from township.org.admin import ScopedAdmin
from township.org.models import Village
from township.org.scope import visible_to


class BoundaryImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("GeoJSON file (WGS-84)"))


def scoped_grid_choices(db_field, request, kwargs):
    if db_field.name in ("grid", "parent"):
        kwargs["queryset"] = visible_to(Grid.objects.select_related("village"), request.user)
    elif db_field.name == "village":
        kwargs["queryset"] = visible_to(Village.objects.all(), request.user)
    return kwargs


class GridStaffInline(admin.TabularInline):
    model = GridStaff
    extra = 0
    fields = ["user", "role", "phone", "is_party_member", "since", "until"]
    raw_id_fields = ["user"]


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "village", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["village", "parent"]
    exclude = ["boundary", "label_lng", "label_lat"]
    inlines = [GridStaffInline]
    change_list_template = "grid/geo/admin_grid_changelist.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **scoped_grid_choices(db_field, request, kwargs)
        )

    def get_urls(self):
        return [
            path(
                "import-boundaries/",
                self.admin_site.admin_view(self.import_view),
                name="grid_grid_import_boundaries",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        profile = getattr(request.user, "staff_profile", None)
        if profile is None or profile.township is None:
            raise PermissionDenied(_("Imports are made by the staff of one township."))
        form = BoundaryImportForm(request.POST or None, request.FILES or None)
        faults = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > 30 * 1024 * 1024:
                    raise BoundaryImportRejected(_("The file is larger than 30 MB."), [])
                try:
                    data = json.loads(upload.read().decode("utf-8-sig"))
                except (UnicodeDecodeError, ValueError):
                    raise BoundaryImportRejected(_("The file is not GeoJSON (UTF-8 JSON)."), []) from None
                report = import_boundaries(
                    township=profile.township, data=data, by=request.user, request=request
                )
            except BoundaryImportRejected as error:
                form.add_error(None, error.message)
                faults = error.faults
            else:
                self.message_user(
                    request,
                    _("Imported: %(villages)d villages, %(created)d new grids, %(updated)d redrawn.")
                    % report,
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:grid_grid_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "faults": faults,
            "opts": self.model._meta,
            "title": _("Import grid boundaries"),
        }
        return TemplateResponse(request, "grid/geo/admin_import_boundaries.html", context)


@admin.register(GridStaff)
class GridStaffAdmin(ScopedAdmin):
    list_display = ["grid", "user", "role", "phone", "is_party_member", "since", "until"]
    list_filter = ["role", "is_party_member"]
    search_fields = ["grid__code", "grid__name", "user__username", "user__first_name"]
    list_select_related = ["grid", "user"]
    raw_id_fields = ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **scoped_grid_choices(db_field, request, kwargs)
        )
