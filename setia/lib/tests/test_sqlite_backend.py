"""SQLite writers queue for their turn (setia/lib/sqlite_backend) instead of
sleeping in SQLite's busy handler; the turn always ends with the transaction."""

import multiprocessing
import threading
import time

import pytest
from django.db import OperationalError, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as PlainSQLite

from setia.lib.sqlite_backend.base import DatabaseWrapper, WriterTurn

pytestmark = pytest.mark.django_db(transaction=True)


def _wrapper(path, timeout=20):
    settings_dict = {
        **connections.settings["default"],
        "ENGINE": "setia.lib.sqlite_backend",
        "NAME": str(path),
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
    }
    return DatabaseWrapper(settings_dict, alias="writer_turn_test")


def _begin(db):
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(db, how="commit"):
    getattr(db, how)()
    db.set_autocommit(True)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "shop.sqlite3"
    db = _wrapper(path)
    with db.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE log (who TEXT, at REAL)")
    db.close()
    return path


def test_the_backend_is_what_settings_use_for_sqlite(settings):
    from setia.lib import sqlite_backend  # noqa: F401 - importable as an ENGINE

    assert issubclass(DatabaseWrapper, PlainSQLite)


def test_a_second_writer_starts_when_the_first_commits_not_before(database):
    first = _wrapper(database)
    events = []
    _begin(first)
    first.cursor().execute("INSERT INTO log VALUES ('first', 0)")

    def clerk():
        second = _wrapper(database)
        _begin(second)
        events.append(("second began", time.monotonic()))
        second.cursor().execute("INSERT INTO log VALUES ('second', 0)")
        _end(second)
        second.close()

    thread = threading.Thread(target=clerk)
    thread.start()
    time.sleep(0.3)
    assert events == []  # still waiting for its turn
    committed = time.monotonic()
    _end(first)
    thread.join(10)
    assert [name for name, _ in events] == ["second began"]
    assert events[0][1] >= committed
    with first.cursor() as cursor:
        cursor.execute("SELECT who FROM log ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    first.close()


@pytest.mark.parametrize("how", ["rollback", "close"])
def test_the_turn_ends_with_a_rollback_or_a_dropped_connection(database, how):
    first, second = _wrapper(database), _wrapper(database, timeout=5)
    _begin(first)
    first.cursor().execute("INSERT INTO log VALUES ('first', 0)")
    if how == "rollback":
        _end(first, "rollback")
    else:
        first.close()
    started = time.monotonic()
    _begin(second)
    assert time.monotonic() - started < 1
    _end(second)
    second.close()
    first.close()


def test_a_writer_that_waits_too_long_gets_database_is_locked(database):
    first = _wrapper(database)
    _begin(first)
    failed = []

    def clerk():
        second = _wrapper(database, timeout=0.2)
        try:
            _begin(second)
        except OperationalError as exc:
            failed.append(str(exc))
        finally:
            second.close()

    thread = threading.Thread(target=clerk)
    thread.start()
    thread.join(10)
    assert failed and "locked" in failed[0]
    _end(first)
    first.close()


def test_reading_transactions_do_not_queue(database):
    writer = _wrapper(database)
    reader = _wrapper(database)
    reader.settings_dict["OPTIONS"] = {"transaction_mode": "DEFERRED"}
    reader.transaction_mode = "DEFERRED"
    _begin(writer)
    started = time.monotonic()
    _begin(reader)
    reader.cursor().execute("SELECT count(*) FROM log")
    _end(reader)
    assert time.monotonic() - started < 1
    _end(writer)
    reader.close()
    writer.close()


def _hold_turn(lock_path, ready, seconds):
    turn = WriterTurn(lock_path)
    turn.acquire(timeout=5)
    ready.set()
    time.sleep(seconds)
    turn.release()


def test_processes_take_turns_through_the_lock_file(tmp_path):
    lock_path = str(tmp_path / "shop.sqlite3-writer.lock")
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=_hold_turn, args=(lock_path, ready, 0.4))
    child.start()
    assert ready.wait(10)
    turn = WriterTurn(lock_path)
    started = time.monotonic()
    turn.acquire(timeout=5)
    waited = time.monotonic() - started
    turn.release()
    child.join(10)
    assert child.exitcode == 0
    assert waited > 0.2  # it waited for the other process's turn to end


def test_a_process_gives_up_after_the_timeout(tmp_path):
    lock_path = str(tmp_path / "shop.sqlite3-writer.lock")
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=_hold_turn, args=(lock_path, ready, 1.0))
    child.start()
    assert ready.wait(10)
    with pytest.raises(OperationalError):
        WriterTurn(lock_path).acquire(timeout=0.1)
    child.join(10)
