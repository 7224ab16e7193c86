"""Services: evaluations pages."""

urlpatterns = []
