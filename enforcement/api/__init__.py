"""Enforcement: REST API (DRF viewsets and serializers), one module per part."""
