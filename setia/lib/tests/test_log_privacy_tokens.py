"""A public link's secret never goes to the logs: whoever reads a logged path
could open the customer's own page."""

import logging

from django.conf import settings
from django.db import IntegrityError
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from setia.lib.log_privacy import (
    HIDDEN,
    HideDatabaseErrorText,
    HideSecretPaths,
    hide_secret_paths,
)

TOKEN = "q3L0dZ-secret_Value:Sig-nature_123"
# Routes with a text (not a number) in the path, and whether that text is a
# secret that opens a page. A new one must be sorted here: a secret one also
# belongs in log_privacy.SECRET_PATHS.
TEXT_ROUTES = {"loyalty:own_page": True, "guide:topic": False}


def _record(msg, args=(), exc_info=None, name="django.request"):
    return logging.getLogger(name).makeRecord(
        name, logging.WARNING, __file__, 1, msg, args, exc_info
    )


def _routes(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry.pattern.converters


def test_the_token_of_a_logged_path_is_replaced():
    record = _record("%s: %s", ("Too Many Requests", f"/loyalty/me/{TOKEN}/"))
    assert HideSecretPaths().filter(record)
    assert record.getMessage() == "Too Many Requests: /loyalty/me/[hidden]/"


def test_a_request_line_keeps_the_rest():
    record = _record(
        '"%s" %s %s',
        (f"GET /loyalty/me/{TOKEN}/?x=1 HTTP/1.1", "429", "12"),
        name="django.server",
    )
    HideSecretPaths().filter(record)
    assert record.getMessage() == '"GET /loyalty/me/[hidden]/?x=1 HTTP/1.1" 429 12'


def test_other_records_are_left_alone():
    record = _record("%s: %s", ("Not Found", "/loyalty/members/12/card/"))
    HideSecretPaths().filter(record)
    assert record.args == ("Not Found", "/loyalty/members/12/card/")


def test_a_token_in_a_traceback_is_replaced_and_database_text_still_hidden():
    # In variables: a traceback also prints the source lines that raise.
    detail = "Key (phone)=(+6281234567890) already exists"
    failure = f"failed on /loyalty/me/{TOKEN}/"
    try:
        try:
            raise IntegrityError(detail)
        except IntegrityError as inner:
            raise RuntimeError(failure) from inner
    except RuntimeError as outer:
        record = _record("boom", exc_info=(type(outer), outer, outer.__traceback__))
    # On the logger first, then the handler's filters, as settings.LOGGING has it.
    HideSecretPaths().filter(record)
    handler = logging.StreamHandler()
    handler.addFilter(HideDatabaseErrorText())
    handler.addFilter(HideSecretPaths())
    assert handler.filter(record)
    text = logging.Formatter("%(message)s").format(record)
    assert TOKEN not in text and "+6281234567890" not in text
    assert HIDDEN in text and "/loyalty/me/[hidden]/" in text


def test_every_secret_route_is_covered():
    found = {
        name: sorted(converters)
        for name, converters in _routes()
        if any(type(c).__name__ != "IntConverter" for c in converters.values())
    }
    assert set(found) == set(TEXT_ROUTES), "sort the new route into TEXT_ROUTES"
    for name, secret in TEXT_ROUTES.items():
        path = reverse(name, args=[TOKEN.replace(":", "-")])
        assert (TOKEN.replace(":", "-") not in hide_secret_paths(path)) == secret


def test_settings_put_the_filter_on_every_handler_and_on_django_request():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "hide_secret_paths" in handler.get("filters", []), name
    assert (
        "hide_secret_paths" in settings.LOGGING["loggers"]["django.request"]["filters"]
    )
    assert any(
        isinstance(f, HideSecretPaths)
        for f in logging.getLogger("django.request").filters
    )
