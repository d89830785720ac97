"""Template filters available in every template (registered as builtins)."""

from django import template

from setia.lib.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """``{{ 125000|rupiah }}`` → ``Rp 125.000``."""
    if value is None or value == "":
        return "–"
    return format_rupiah(int(value))


@register.filter
def percent(value, digits: int = 0) -> str:
    """``{{ 0.253|percent }}`` → ``25%`` (Indonesian decimal comma)."""
    if value is None:
        return "–"
    text = f"{float(value) * 100:.{int(digits)}f}".replace(".", ",")
    return f"{text}%"
