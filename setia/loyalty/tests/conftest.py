import copy
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections


@pytest.fixture
def concurrent_db(transactional_db):
    """A database that several threads can write at once, as in a real shop.

    PostgreSQL test databases already are. The SQLite test database lives in
    memory, where concurrent writers fail with "table is locked" instead of
    queueing; so on SQLite the test runs on a migrated file database with the
    production options (WAL, IMMEDIATE transactions, 20 s busy timeout), and the
    in-memory database is put back afterwards.
    """
    original = connections["default"]
    if original.vendor != "sqlite" or not original.is_in_memory_db():
        yield
        return
    with tempfile.TemporaryDirectory() as folder:
        file_settings = copy.deepcopy(connections.settings["default"])
        file_settings["NAME"] = str(Path(folder) / "concurrency.sqlite3")
        memory_settings = connections.settings["default"]
        connections.settings["default"] = file_settings
        connections["default"] = connections.create_connection("default")
        try:
            call_command("migrate", verbosity=0, interactive=False)
            yield
        finally:
            connections["default"].close()
            connections.settings["default"] = memory_settings
            connections["default"] = original
