"""Command centre: Django admin for the rating schemes (configurable weights, targets and deductions)."""

from django.contrib import admin

from command_center.models import HotlineRoute, RatingIndicator, RatingScheme
from township.org.admin import ScopedAdmin


class RatingIndicatorInline(admin.TabularInline):
    model = RatingIndicator
    extra = 0
    fields = (
        "order",
        "indicator",
        "full_score",
        "target_percent",
        "deduction_per_point",
        "event_metric",
        "deduction_per_event",
    )


@admin.register(RatingScheme)
class RatingSchemeAdmin(ScopedAdmin):
    list_display = ("name", "township", "subject", "is_active")
    list_filter = ("subject", "is_active")
    inlines = [RatingIndicatorInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser and "township" in form.base_fields:
            # Only a superuser sets the default scheme of every township.
            form.base_fields["township"].required = True
        return form


@admin.register(HotlineRoute)
class HotlineRouteAdmin(ScopedAdmin):
    """The hotline category → department suggestions of the dispatch desk."""

    list_display = ("category", "department", "township")
    search_fields = ("category",)
    list_select_related = ("department", "township")
