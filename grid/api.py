"""Grid: REST API (DRF viewsets and serializers)."""
