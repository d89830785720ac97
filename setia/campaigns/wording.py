"""The message text: placeholders filled per customer, and the opt-out line."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Customers read Indonesian whatever language the staff's screens are in, and
# UU PDP (Law 27/2022) lets them refuse direct marketing: every message says how.
OPT_OUT_LINE = "Balas STOP kalau tidak mau menerima pesan lagi."

PLACEHOLDERS = {
    "nama": "name",  # the customer's name
    "toko": "shop",  # the shop's name
}
_BRACED = re.compile(r"\{([^{}]*)\}")


def check_placeholders(text: str) -> None:
    """Refuse a {word} the message cannot fill, so no customer gets "{nma}"."""
    unknown = sorted({m for m in _BRACED.findall(text) if m not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Setia cannot fill %(marks)s. Use {nama} or {toko}."),
            code="placeholder",
            params={"marks": ", ".join(f"{{{m}}}" for m in unknown)},
        )


def personalise(text: str, *, customer_name: str, shop_name: str) -> str:
    """The message for one customer, ending with the opt-out line.

    Plain replacement, not str.format: braces an owner types stay as typed.
    """
    values = {"nama": customer_name, "toko": shop_name}
    body = _BRACED.sub(lambda m: values.get(m.group(1), m.group(0)), text.strip())
    return f"{body}\n\n{OPT_OUT_LINE}"
