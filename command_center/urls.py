"""Command centre: URL map of the pages."""

urlpatterns: list = []
