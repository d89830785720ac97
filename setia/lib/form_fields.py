"""Form fields for rupiah, counts and dates that survive an Indonesian phone.

A browser number field (type="number") reads "15.000" as fifteen: the dot is
its decimal point, so the Indonesian thousands dot cut Rp 15.000 to Rp 15. And
a date field (type="date") only takes "2026-11-28": the Indonesian
"28-11-2026" showed up blank, and saving the form unchanged erased the date.
These fields are text inputs with a digit keyboard that read the dots as
thousands, and date inputs that always carry ISO dates.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

# One reader of typed amounts for the whole app (the sale screen uses it too).
from setia.lib.money import (
    MAX_RUPIAH,
    RupiahDecimals,
    UnreadableAmount,
    format_rupiah,
    parse_count,
    parse_rupiah,
)

MAX_COUNT = 2_147_483_647  # the largest PositiveIntegerField on every database


class _WholeNumberField(forms.Field):
    """A whole number, with the range narrowed to what the shop can mean."""

    limit = MAX_COUNT
    invalid_message = _("Type a whole number, e.g. 1.000.")

    def __init__(
        self, *, allow_negative=False, min_value=None, max_value=None, **kwargs
    ):
        # A ModelForm passes the database's whole range (min −2^63 for a
        # BigIntegerField); the field only narrows it, never widens it.
        low = -self.limit if allow_negative else 0
        self.min_value = low if min_value is None else max(low, min_value)
        self.max_value = self.limit if max_value is None else min(self.limit, max_value)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
        super().__init__(**kwargs)

    @staticmethod
    def digits(number: int) -> str:
        grouped = f"{abs(number):,}".replace(",", ".")
        return f"-{grouped}" if number < 0 else grouped

    def show(self, number: int) -> str:
        """The number as an error message names it."""
        return self.digits(number)

    def prepare_value(self, value):
        # Shown again the way it is typed: 150000 as "150.000".
        if isinstance(value, int) and not isinstance(value, bool):
            return self.digits(value)
        return value

    def parse(self, text: str) -> int:
        return parse_count(text)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if not text:
            return None
        try:
            return self.parse(text)
        except RupiahDecimals:
            raise forms.ValidationError(
                _("Rupiah has no decimals: type whole rupiah, e.g. 15.500."),
                code="decimals",
            ) from None
        except UnreadableAmount:
            raise forms.ValidationError(self.invalid_message, code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < self.min_value:
            if self.min_value == 0:
                raise forms.ValidationError(
                    _("Must not be negative."), code="min_value"
                )
            raise forms.ValidationError(
                _("At least %(limit)s."),
                code="min_value",
                params={"limit": self.show(self.min_value)},
            )
        if value > self.max_value:
            raise forms.ValidationError(
                _("At most %(limit)s."),
                code="max_value",
                params={"limit": self.show(self.max_value)},
            )


class CountField(_WholeNumberField):
    """Points, pieces or uses typed with or without thousands dots: "1.000" is a
    thousand, not one. Decimals are refused."""


class RupiahField(_WholeNumberField):
    """Whole rupiah typed the shop way: "150.000", "150000", "150rb", "Rp 150.000",
    "1,5jt". Refuses junk, decimals of a rupiah and (unless allow_negative) a
    minus; cleans to an int and shows it again as "150.000"."""

    limit = MAX_RUPIAH
    invalid_message = _("Type an amount in rupiah, e.g. 150.000, 150rb or 1,5jt.")

    def show(self, number: int) -> str:
        return format_rupiah(number)

    def parse(self, text: str) -> int:
        return parse_rupiah(text)


class DateInput(forms.DateInput):
    """<input type="date"> with its value in the one format the browser takes
    (2026-11-28). Django's Indonesian DATE_INPUT_FORMATS would write
    "28-11-2026", which a date input drops: the phone showed the box empty and
    saving erased the date. Django's DateField accepts ISO besides the local
    formats, so what the browser posts back is read."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)
