"""Services: workbench pages."""

urlpatterns = []
