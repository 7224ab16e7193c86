"""Services: URL map of the pages."""

urlpatterns: list = []
