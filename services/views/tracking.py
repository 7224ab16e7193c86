"""Services: tracking pages."""

urlpatterns = []
