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


def _private_file(target: Path) -> bool:
    """Create `target` (or take over an old one) readable by this user only,
    before any data is written: a backup holds every shop's customers, password
    hashes and sessions. Returns whether the file is new."""
    try:
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            created = True
        except FileExistsError:
            # Overwriting an old backup: close it to others before writing.
            fd = os.open(target, os.O_WRONLY)
            created = False
        try:
            os.fchmod(fd, 0o600)  # the umask can only take bits away; be explicit
        finally:
            os.close(fd)
    except OSError as exc:
        raise CommandError(f"cannot write {target}: {exc.strerror}") from exc
    return created


def _discard(target: Path, created: bool) -> None:
    """Remove the file a failed backup created (an old one stays)."""
    if created:
        target.unlink(missing_ok=True)


class Command(BaseCommand):
    help = "Back up the database to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")

    def handle(self, *args, file, **options):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            target = Path(file or f"setia-backup-{stamp}.sqlite3")
            created = _private_file(target)
            connection.ensure_connection()
            try:
                dest = sqlite3.connect(target)
                try:
                    with dest:
                        connection.connection.backup(dest)
                finally:
                    dest.close()
            except BaseException:
                _discard(target, created)
                raise
        elif connection.vendor == "postgresql":
            target = Path(file or f"setia-backup-{stamp}.pgdump")
            created = _private_file(target)
            flags, env = pg_env(db)
            result = subprocess.run(
                ["pg_dump", "-Fc", "--no-owner", "-f", str(target), *flags, db["NAME"]],
                env=env,
                capture_output=True,
                text=True,
                # pg_dump reopens the file; should it ever create one, still 0600.
                umask=0o077,
            )
            if result.returncode != 0:
                _discard(target, created)
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"backup is not supported on {connection.vendor}")
        self.stdout.write(f"backup written to {target}")
