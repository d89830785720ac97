"""The visitor's address, for rate limits and login lockouts."""

from django.conf import settings


def client_address(request) -> str:
    """The visitor's address; behind the shop's own proxy, the one it saw.

    Only when Setia is told it runs behind a proxy (SETIA_BEHIND_PROXY, which
    also sets SECURE_PROXY_SSL_HEADER): otherwise X-Forwarded-For is whatever
    the visitor wrote.
    """
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The proxy appends the address it saw; earlier entries are client-made.
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "unknown")


def login_guard_address(request) -> str | None:
    """The address django-axes counts failed logins by; None when there is none
    (the test client's force_login): axes stores it in an IP-address column."""
    address = client_address(request)
    return None if address == "unknown" else address
