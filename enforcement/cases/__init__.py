"""Enforcement cases: services (the only writers), selectors, clocks, documents, views, forms."""
