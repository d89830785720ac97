"""Input errors raised by :mod:`setia.analytics`, worded in English and Indonesian."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmountFormatError",
    "AnalyticsInputError",
    "DateFormatError",
    "EmptyInputError",
    "MissingColumnError",
    "MalformedCsvError",
    "TooLittleDataError",
    "format_lines",
]


class AnalyticsInputError(ValueError):
    """Input the analytics cannot use, with a message in English and Indonesian.

    Parameters
    ----------
    message_en, message_id : str
        The same explanation in English and in Indonesian.

    Attributes
    ----------
    code : str
        Stable machine-readable error kind, for callers that translate or branch.
    """

    code = "invalid_input"

    def __init__(self, message_en: str, message_id: str) -> None:
        self.message_en = message_en
        self.message_id = message_id
        super().__init__(f"{message_en} / {message_id}")


class EmptyInputError(AnalyticsInputError):
    """The file or arrays hold no purchase rows."""

    code = "empty_input"


class MissingColumnError(AnalyticsInputError):
    """A required CSV column is not in the header."""

    code = "missing_column"


class MalformedCsvError(AnalyticsInputError):
    """Rows whose number of fields differs from the header."""

    code = "malformed_csv"


class DateFormatError(AnalyticsInputError):
    """Dates that are not ``YYYY-MM-DD``, ``DD/MM/YYYY`` or ``DD-MM-YYYY``."""

    code = "bad_date"


class AmountFormatError(AnalyticsInputError):
    """Amounts that cannot be read as numbers or rupiah text."""

    code = "bad_amount"


class TooLittleDataError(AnalyticsInputError):
    """Too few purchases or customers for the requested analysis."""

    code = "too_little_data"


def format_lines(lines: Sequence[int], limit: int = 5) -> str:
    """Return ``"2, 7, 9"`` (at most `limit` numbers, then ``"…"``).

    Examples
    --------
    >>> format_lines([2, 3, 4, 5, 6, 7])
    '2, 3, 4, 5, 6, …'
    """
    shown = ", ".join(str(int(n)) for n in list(lines)[:limit])
    return shown + (", …" if len(lines) > limit else "")
