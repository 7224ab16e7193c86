"""Patrols: start, track, end; daily statistics."""
