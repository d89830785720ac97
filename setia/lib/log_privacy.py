"""Keep personal data out of the logs, even inside a database error's text,
and keep the secret of a public link out of a logged path.

Django logs every server error with its traceback. PostgreSQL's messages repeat
the values that clashed ("Key (shop_id, phone)=(1, +62812…) already exists"), so
a rare race on a unique phone number would write a customer's number to the log.
Written by hand: `logging` has no way to redact one exception's text, and the
traceback (where it failed) is worth keeping.
"""

import logging
import re
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


# Public pages opened by a secret in the path, without a login: whoever reads the
# path can open the page, so a logged path is a leaked key. Django logs the path
# of every 4xx/5xx (the own page's 429 after too many views, for one), and
# runserver logs every request line. Member card codes are never in a URL (they
# are posted), so only the own page's token is here; a new public page with a
# secret in its path belongs in this list (test_log_privacy_tokens checks it).
SECRET_PATHS = [re.compile(r"(/loyalty/me/)[^/\s?#\"']+")]
HIDDEN_PART = "[hidden]"


def hide_secret_paths(text: str) -> str:
    for pattern in SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{HIDDEN_PART}", text)
    return text


def _has_secret(text: str) -> bool:
    return any(pattern.search(text) for pattern in SECRET_PATHS)


class HideSecretPaths(logging.Filter):
    """On a logger or a handler: a record whose message, traceback or stack
    names a public link's secret gets it replaced by a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad record is the handler's to report
            return True
        if _has_secret(message):
            # Formatted here: an argument's own text (not only a str) can hold it.
            record.msg, record.args = hide_secret_paths(message), None
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and not record.exc_text:
            # Run on a logger, before the handlers' HideDatabaseErrorText: a
            # traceback formatted here must leave out database text itself.
            if any(_is_database_error(e) for e, _j in _chain(exc)):
                text = format_without_database_text(exc)
            else:
                text = logging.Formatter().formatException(record.exc_info)
            if _has_secret(text):
                record.exc_text, record.exc_info = hide_secret_paths(text), None
        elif record.exc_text:
            record.exc_text = hide_secret_paths(record.exc_text)
        if record.stack_info:
            record.stack_info = hide_secret_paths(record.stack_info)
        return True
