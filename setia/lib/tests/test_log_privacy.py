"""Personal data never goes to logs, not even inside a database error's text
(PostgreSQL's unique-violation DETAIL repeats the phone number)."""

import logging

from django.db import IntegrityError

from setia.lib.log_privacy import HideDatabaseErrorText

PHONE = "+6281234567890"
DETAIL = (
    "duplicate key value violates unique constraint\n"
    f"DETAIL:  Key (shop_id, phone)=(1, {PHONE}) already exists."
)


def _logged(exc: BaseException) -> str:
    """What the console handler of settings.LOGGING writes for a request error."""
    handler = logging.StreamHandler()
    handler.addFilter(HideDatabaseErrorText())
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("django.request")
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - the test raises it itself
        record = logger.makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: /customers/1/edit/",
            (),
            (type(caught), caught, caught.__traceback__),
        )
    assert handler.filter(record)
    return handler.format(record)


def test_a_database_errors_text_is_left_out_but_its_kind_and_place_stay():
    text = _logged(IntegrityError(DETAIL))
    assert PHONE not in text and "phone" not in text
    assert "IntegrityError" in text and "test_log_privacy.py" in text
    assert "Internal Server Error: /customers/1/edit/" in text


def test_a_chained_database_error_is_hidden_too():
    try:
        try:
            raise IntegrityError(DETAIL)
        except IntegrityError as inner:
            raise RuntimeError("saving the customer failed") from inner
    except RuntimeError as outer:
        text = _logged(outer)
    assert PHONE not in text
    assert "saving the customer failed" in text
    # Printed as Python prints a chain: the cause first, then what it caused.
    assert (
        text.index("IntegrityError")
        < text.index("direct cause")
        < text.index("RuntimeError")
    )


def test_other_errors_keep_their_message():
    assert "boom" in _logged(ValueError("boom"))


def test_settings_put_the_filter_on_every_handler():
    from django.conf import settings

    for name, handler in settings.LOGGING["handlers"].items():
        assert "hide_database_error_text" in handler.get("filters", []), name
