"""Services: hall_auth pages."""

urlpatterns = []
