"""The rows the data migrations seed, put back after a transactional test flushed the tables.

The migrations' own functions are called (they are idempotent), so the defaults a test sees are the ones
a new database gets, not a copy that could drift."""

from importlib import import_module

from django.apps import apps

SEEDING_MIGRATIONS = [
    ("command_center.migrations.0002_default_rating_scheme", "create"),
    ("enforcement.migrations.0003_seed_legal_config", "seed"),
]


def restore_seeded_rows() -> None:
    for module, function in SEEDING_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)
