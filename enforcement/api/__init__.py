"""Enforcement: REST API, one module per part; `urlpatterns` collects them (mounted at /api/enforcement/)."""

from enforcement.api import inspections, power
from enforcement.api.cases import urlpatterns as case_urls

urlpatterns: list = [*case_urls, *inspections.urlpatterns, *power.urlpatterns]
