"""Services: hall pages."""

urlpatterns = []
