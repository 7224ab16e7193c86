"""Services: queue pages."""

urlpatterns = []
