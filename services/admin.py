"""Services: Django admin."""
