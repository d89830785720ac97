"""Django's SQLite backend, with write transactions queueing for their turn.

SQLite lets one transaction write at a time. Django opens each `atomic()` block
with `BEGIN IMMEDIATE` (settings: transaction_mode), and a second writer then
waits in SQLite's busy handler, which sleeps in steps of 1, 2, 5, 10 … 100 ms
and checks again: a writer that could have started the moment the lock was free
often sleeps on for 10–25 ms. Twenty clerks saving at once lost 55–100 ms at
p95 that way (bench/sales/README.md). Here writers queue instead: a lock per
database file wakes the next thread of this process as soon as the previous
transaction ends, and a lock file (flock) orders the processes of
`setia serve --processes N`. No library offers this for Django, hence by hand.
SQLite's own locking is unchanged underneath: writes outside `atomic()` and
other programs still take turns through the busy handler as before.
"""

from __future__ import annotations

import errno
import os
import threading
import time

from django.db.backends.sqlite3 import base as sqlite3_base
from django.db.utils import OperationalError

try:
    import fcntl
except ImportError:  # Windows: one process (waitress) there, threads queue alone
    fcntl = None

# How often the one waiting thread of a process retries the lock file. Only the
# wait for another *process* polls; threads of one process wake at once.
_FILE_RETRY_SECONDS = 0.0005


class WriterTurn:
    """Exclusive turn to write one SQLite database file, across threads and
    processes. Re-entrant use is not needed: Django starts a transaction only in
    the outermost `atomic()`."""

    def __init__(self, path: str | None):
        self.path = path
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._fd_pid: int | None = None

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            raise OperationalError("database is locked (waited for a writer)")
        try:
            self._lock_file(deadline)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        try:
            if self._fd is not None and self._fd_pid == os.getpid():
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _lock_file(self, deadline: float) -> None:
        if self.path is None or fcntl is None:
            return
        if self._fd_pid != os.getpid():
            # A descriptor inherited over fork() shares its lock with the parent:
            # every process opens its own.
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._fd_pid = os.getpid()
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            if time.monotonic() > deadline:
                raise OperationalError("database is locked (waited for a writer)")
            time.sleep(_FILE_RETRY_SECONDS)


_turns: dict[str, WriterTurn] = {}
_turns_lock = threading.Lock()


def writer_turn(database: str, in_memory: bool) -> WriterTurn:
    with _turns_lock:
        turn = _turns.get(database)
        if turn is None:
            lock_path = None if in_memory else f"{database}-writer.lock"
            turn = _turns[database] = WriterTurn(lock_path)
        return turn


class DatabaseWrapper(sqlite3_base.DatabaseWrapper):
    _turn: WriterTurn | None = None

    def _start_transaction_under_autocommit(self):
        # Only write transactions queue: a BEGIN DEFERRED reader never waits.
        if self.transaction_mode in ("IMMEDIATE", "EXCLUSIVE"):
            turn = writer_turn(
                str(self.settings_dict["NAME"]), self.is_in_memory_db()
            )
            turn.acquire(float(self.settings_dict["OPTIONS"].get("timeout", 5)))
            self._turn = turn
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self) -> None:
        turn, self._turn = self._turn, None
        if turn is not None:
            turn.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._end_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._end_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._end_turn()
