"""`setia backup FILE`: a consistent copy of the whole database.

SQLite uses its online-backup API (safe while the shop is open); PostgreSQL uses
pg_dump's custom format.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    """Connection flags and environment for pg_dump / pg_restore."""
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


class Command(BaseCommand):
    help = "Back up the database to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")

    def handle(self, *args, file, **options):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            target = Path(file or f"setia-backup-{stamp}.sqlite3")
            connection.ensure_connection()
            dest = sqlite3.connect(target)
            try:
                with dest:
                    connection.connection.backup(dest)
            finally:
                dest.close()
        elif connection.vendor == "postgresql":
            target = Path(file or f"setia-backup-{stamp}.pgdump")
            flags, env = pg_env(db)
            result = subprocess.run(
                ["pg_dump", "-Fc", "--no-owner", "-f", str(target), *flags, db["NAME"]],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"backup is not supported on {connection.vendor}")
        self.stdout.write(f"backup written to {target}")
