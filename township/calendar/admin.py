"""Admin for calendar overrides: where a township admin enters the State Council's holiday schedule."""

from django.contrib import admin
from django.db.models.functions import ExtractYear
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from township.calendar.models import CalendarOverride


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request)
            .annotate(year=ExtractYear("date"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(date__year=self.value())
        return queryset


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_working_day", "name", "note", "updated_at"]
    list_filter = [YearFilter, "is_working_day"]
    search_fields = ["name", "note"]
    ordering = ["date"]
    date_hierarchy = "date"
    fields = ["date", "is_working_day", "name", "note"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")
