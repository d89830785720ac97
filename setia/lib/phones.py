"""WhatsApp numbers normalised to E.164 with the `phonenumbers` library."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return `raw` as E.164 (``+6281234567890``) or raise ValidationError.

    Understands local forms (``0812-3456-789``), the country code without a plus
    (``62812…``) and landlines with an area code (``(021) 555-1234``).
    """
    region = region or settings.PHONE_REGION
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="empty")
    digits = "".join(ch for ch in text if ch.isdigit())
    # "62812..." typed without the plus is common in Indonesia; phonenumbers would
    # read it as a local number starting with 62.
    if not text.startswith("+") and digits.startswith("62") and len(digits) >= 10:
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."),
            code="unparseable",
            params={"value": raw},
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number."),
            code="invalid",
            params={"value": raw},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """``+6281234567890`` → ``0812-3456-7890`` style national format."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def wa_link(e164: str, text: str = "") -> str:
    """A click-to-chat link: ``https://wa.me/6281234567890?text=…``."""
    from urllib.parse import quote

    url = f"https://wa.me/{e164.lstrip('+')}"
    return f"{url}?text={quote(text)}" if text else url
