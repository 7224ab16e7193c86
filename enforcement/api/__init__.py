"""Enforcement: REST API, one module per part; `urlpatterns` collects them (mounted at /api/enforcement/)."""

urlpatterns: list = []

# --- cases (helper "cases") ---
from enforcement.api.cases import urlpatterns as case_urls  # noqa: E402

urlpatterns += case_urls
# --- end cases ---
