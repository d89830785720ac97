"""An FTS5 trigram index for "contains" search on SQLite (see search_index.py).

PostgreSQL has the pg_trgm index of 0004 instead, so this does nothing there.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    from setia.customers.search_index import ensure_index

    ensure_index(schema_editor.connection)


def drop_index(apps, schema_editor):
    from setia.customers.search_index import drop_index

    drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_search_trigram_index_postgresql"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
