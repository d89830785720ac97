"""Form fields that show stored integers the way a shop owner reads them.

Rates are stored as integer basis points (1 % = 100, ×1 = 10 000) so no float
ever touches money; the owner types "10" for 10 %, "12,5" for 12.5 % or "1,5"
for ×1.5, with a comma or a point.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

PERCENT_BP = 100  # basis points in 1 %
TIMES_BP = 10_000  # basis points in ×1


class BasisPointsField(forms.CharField):
    """A percentage (scale 100) or a multiplier (scale 10 000) typed as a decimal
    number, cleaned to whole basis points."""

    def __init__(self, *, scale=PERCENT_BP, min_bp=0, max_bp=None, **kwargs):
        self.scale, self.min_bp, self.max_bp = scale, min_bp, max_bp
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            number = Decimal(value) / self.scale
            text = format(number.normalize(), "f")
            return text.replace(".", ",")
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").strip().replace(" ", "")
        text = text.rstrip("%").lstrip("×xX").replace(",", ".")
        if not text:
            # Empty means none: 0 % (a percentage left out), or "required" fails.
            return None if self.required else 0
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        # "inf" and "nan" parse as Decimals but are no rate.
        if number is None or not number.is_finite():
            raise forms.ValidationError(
                _("Enter a number, e.g. 10 or 12,5."), code="invalid"
            )
        bp = number * self.scale
        if bp != bp.to_integral_value():
            raise forms.ValidationError(_("Too many decimals."), code="precision")
        return int(bp)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < self.min_bp or (self.max_bp is not None and value > self.max_bp):
            raise forms.ValidationError(
                _("Must be between %(low)s and %(high)s."),
                code="range",
                params={
                    "low": self.prepare_value(self.min_bp),
                    "high": self.prepare_value(self.max_bp),
                },
            )


def percent_field(label, *, required=False, max_bp=100 * PERCENT_BP, **kwargs):
    return BasisPointsField(
        label=label, required=required, scale=PERCENT_BP, max_bp=max_bp, **kwargs
    )


def times_field(label, **kwargs):
    return BasisPointsField(
        label=label, scale=TIMES_BP, min_bp=TIMES_BP, max_bp=10 * TIMES_BP, **kwargs
    )
