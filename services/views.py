"""Services: pages."""
