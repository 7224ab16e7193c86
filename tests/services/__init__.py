"""Tests of the service catalog."""
