from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(sender, using, **kwargs):
    # A later migration that rebuilds customers_customer on SQLite drops the
    # search triggers with the old table; put them back.
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from setia.customers.search_index import MIGRATION, ensure_index

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    applied = MigrationRecorder(connection).applied_migrations()
    if ("customers", MIGRATION) in applied:
        ensure_index(connection)


class CustomersConfig(AppConfig):
    name = "setia.customers"
    verbose_name = _("Customers")

    def ready(self):
        post_migrate.connect(
            _ensure_search_index, sender=self, dispatch_uid="customers_search_index"
        )
