"""Run code in a real thread with its own database connection (race tests)."""

import threading

from django.db import connections


def in_thread(fn, done: threading.Event | None = None):
    """Start `fn`; returns (thread, box). The box gets ("ok", result) or
    ("error", repr of the exception) under "outcome"; `done` is set at the end."""
    box: dict = {}

    def run():
        try:
            box["outcome"] = ("ok", fn())
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            box["outcome"] = ("error", repr(exc))
        finally:
            connections.close_all()
            if done is not None:
                done.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box
