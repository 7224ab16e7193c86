"""Trigram index for catalog search where the server has pg_trgm (the docker-compose PostgreSQL does;
the embedded test server does not, and there the township index and a scan of its few thousand rows
serve). Written as SQL because the index exists only on some servers, so it is not in the model state."""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

INDEX = "service_item_search_trgm"


def create_trigram_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            logger.info("pg_trgm is not available; catalog search runs without a trigram index")
            return
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # e.g. no privilege to create extensions: search still works
            logger.warning("could not enable pg_trgm (%s); catalog search runs without it", exc)
            return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON services_serviceitem "
            "USING gin (search_text gin_trgm_ops) WHERE current_version_id IS NOT NULL"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False)]
