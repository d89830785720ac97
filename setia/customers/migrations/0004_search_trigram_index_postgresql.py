"""A trigram index makes `search_text LIKE '%…%'` an index lookup on PostgreSQL.

SQLite has no such index; there the search walks the (shop, name) index instead
(see bench/customers/README.md), so this migration does nothing there.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_search_trgm ON customers_customer "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS customer_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_fill_search_text"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
