"""Filters shared by pages, API and admin lists: the catalog and the applications."""

import django_filters
from django.utils.translation import gettext_lazy as _

from services.models import Application, Bundle, ItemType, ServiceItem, ServiceObject
from services.selectors.search import search_queryset
from township.fields import ReportDateField, StrictBooleanField


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class DateFilter(django_filters.DateFilter):
    field_class = ReportDateField


class ServiceItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_query", label=_("Search"), help_text=_("Name, code, keyword or pinyin (e.g. xsr).")
    )
    township = django_filters.CharFilter(
        field_name="township__code", label=_("Township"), help_text=_("Division code of the township.")
    )
    department = django_filters.CharFilter(
        field_name="department__code", label=_("Department"), help_text=_("Department code, e.g. SHSY.")
    )
    item_type = django_filters.ChoiceFilter(
        field_name="current_version__item_type", choices=ItemType.choices, label=_("Item type")
    )
    service_object = django_filters.ChoiceFilter(
        method="filter_service_object", choices=ServiceObject.choices, label=_("For")
    )
    is_immediate = BooleanFilter(field_name="current_version__is_immediate", label=_("Immediate item"))
    allows_online = BooleanFilter(
        field_name="current_version__allows_online", label=_("Can be applied for online")
    )

    class Meta:
        model = ServiceItem
        fields = [
            "q",
            "township",
            "department",
            "item_type",
            "service_object",
            "is_immediate",
            "allows_online",
        ]

    def filter_query(self, queryset, name, value):
        return search_queryset(queryset, value)

    def filter_service_object(self, queryset, name, value):
        # an item for "both" serves persons and organisations alike
        if value == ServiceObject.BOTH:
            return queryset.filter(current_version__service_object=value)
        return queryset.filter(current_version__service_object__in=[value, ServiceObject.BOTH])

    @property
    def qs(self):
        queryset = super().qs
        if not (self.form.is_valid() and self.form.cleaned_data.get("q")):
            queryset = queryset.order_by("department__code", "search_name", "pk")
        return queryset


class BundleFilterSet(django_filters.FilterSet):
    township = django_filters.CharFilter(
        field_name="township__code", label=_("Township"), help_text=_("Division code of the township.")
    )

    class Meta:
        model = Bundle
        fields = ["township"]


class ApplicationFilterSet(django_filters.FilterSet):
    """Filters of application lists; no list uses it yet (the API has its own, in services/api.py)."""

    submitted_from = DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_to = DateFilter(field_name="submitted_at", lookup_expr="date__lte")
    item = django_filters.CharFilter(field_name="item__implementation_code")
    # By id, like the schema says: an unknown department lists nothing instead of a 400.
    department = django_filters.NumberFilter(field_name="department_id")

    class Meta:
        model = Application
        fields = ["status", "channel", "department", "item"]
