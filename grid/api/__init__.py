"""Grid: REST API (DRF viewsets and serializers), mounted at /api/grid/."""

# --- gridevents ---
from grid.api.events import urlpatterns as event_urlpatterns

# --- end gridevents ---

urlpatterns = [*event_urlpatterns]
