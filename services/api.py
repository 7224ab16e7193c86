"""Services: REST API (DRF viewsets and serializers)."""
