"""Keep personal data out of the logs, even inside a database error's text.

Django logs every server error with its traceback. PostgreSQL's messages repeat
the values that clashed ("Key (shop_id, phone)=(1, +62812…) already exists"), so
a rare race on a unique phone number would write a customer's number to the log.
Written by hand: `logging` has no way to redact one exception's text, and the
traceback (where it failed) is worth keeping.
"""

import logging
import traceback

from django.db import DatabaseError

HIDDEN = "(text left out: a database error can hold personal data)"
_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _is_database_error(exc: BaseException) -> bool:
    module = type(exc).__module__
    return isinstance(exc, DatabaseError) or module.startswith(("psycopg", "sqlite3"))


def _chain(exc: BaseException) -> list[tuple[BaseException, str]]:
    """The exception and those before it, oldest first, each with the line
    Python prints after it."""
    chain, seen = [], set()
    joint = ""
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append((exc, joint))
        if exc.__cause__ is not None:
            exc, joint = exc.__cause__, _CAUSE
        elif exc.__context__ is not None and not exc.__suppress_context__:
            exc, joint = exc.__context__, _CONTEXT
        else:
            exc = None
    # Python prints the oldest first, each followed by the line that led from
    # it to the next: the joint stored with it.
    chain.reverse()
    return chain


def format_without_database_text(exc: BaseException) -> str:
    parts = []
    for error, joint in _chain(exc):
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(error.__traceback__))
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        text = HIDDEN if _is_database_error(error) else str(error)
        parts.append(f"{kind}: {text}\n" if text else f"{kind}\n")
        parts.append(joint)
    return "".join(parts).rstrip("\n")


class HideDatabaseErrorText(logging.Filter):
    """On a handler: a record whose exception chain holds a database error gets
    its traceback with those errors' text left out."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and any(_is_database_error(e) for e, _j in _chain(exc)):
            record.exc_text = format_without_database_text(exc)
            # exc_text alone is printed; without exc_info no handler re-formats
            # the original (Formatter.format only builds exc_text when missing).
            record.exc_info = None
        return True
