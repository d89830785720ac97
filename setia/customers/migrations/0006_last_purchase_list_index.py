"""An index in the list's full "last purchase" order: (shop, last purchase
newest first with never-bought customers last, name, id).

A search sorted by last purchase can then walk it and stop after one page
instead of sorting every match (bench/customers/README.md). It replaces the
(shop, last_purchase_on) index, whose columns it starts with.

PostgreSQL puts NULLs first in a DESC index unless told NULLS LAST; SQLite
puts them last already and refuses the words in an index, so the database
side is written per vendor. The model state is the SQLite form, which is also
what a SQLite table rebuild recreates.
"""

from django.db import migrations, models

NAME = "customer_shop_last_buy_name"


def create_index(apps, schema_editor):
    nulls = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {NAME} ON customers_customer "
        f"(shop_id, last_purchase_on DESC{nulls}, name, id)"
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0005_search_trigram_index_sqlite"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="customer",
            name="customer_shop_last_buy",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="customer",
                    index=models.Index(
                        fields=["shop", "-last_purchase_on", "name", "id"],
                        name=NAME,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(create_index, drop_index)],
        ),
    ]
