"""Enforcement: REST API (DRF viewsets and serializers)."""
