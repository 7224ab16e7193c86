"""Cameras and sensors that raise alerts: registered per township, each in a grid of that township."""

from django.contrib import admin

from grid.admin.geo import scoped_grid_choices
from grid.models import Device
from township.org.admin import ScopedAdmin


@admin.register(Device)
class DeviceAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "grid", "township", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["grid", "township"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **scoped_grid_choices(db_field, request, kwargs)
        )
