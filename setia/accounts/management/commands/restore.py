"""`setia restore FILE`: replace the database with a backup made by `setia backup`."""

import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from setia.accounts.management.commands.backup import pg_env


class Command(BaseCommand):
    help = "Restore the database from a backup FILE (everything in it is replaced)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask")

    def handle(self, *args, file, yes, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"no such backup file: {source}")
        if (
            not yes
            and input("Replace the whole database with this backup? [y/N] ") != "y"
        ):
            raise CommandError("cancelled")
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise CommandError(f"{source} is not an intact SQLite backup")
                connection.ensure_connection()
                src.backup(connection.connection)
            except sqlite3.DatabaseError as exc:
                raise CommandError(f"{source} is not a SQLite backup: {exc}") from exc
            finally:
                src.close()
        elif connection.vendor == "postgresql":
            connection.close()
            flags, env = pg_env(db)
            result = subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "-d",
                    db["NAME"],
                    *flags,
                    str(source),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"restore is not supported on {connection.vendor}")
        self.stdout.write(f"restored from {source}")
