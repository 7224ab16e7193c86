"""Approvals: REST API (DRF viewsets and serializers)."""
