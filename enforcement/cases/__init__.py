"""Enforcement cases: services (the only writers), selectors, clocks, limits, documents, views, forms."""
