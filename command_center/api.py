"""Command centre: REST API (DRF viewsets and serializers)."""
