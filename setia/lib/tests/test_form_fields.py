"""Rupiah, counts and dates as an Indonesian phone types and shows them.

A number box reads "15.000" as fifteen and a date box drops "28-11-2026"; the
shop's forms use text boxes that read the thousands dots and ISO date boxes.
"""

import datetime as dt
import importlib
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.apps import apps
from django.utils import translation

from setia.lib.form_fields import CountField, DateInput, RupiahField

# ---- a browser, as far as posting a form back unchanged goes ----


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._fields = None
        self._select = None  # [name, first option, chosen]
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {key: "" if value is None else value for key, value in attrs}
        if tag == "form":
            self._fields = []
            self.forms.append(self._fields)
        elif self._fields is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            # What a browser does with a value its box cannot hold: drops it.
            if kind == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                value = ""
            if kind == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", value):
                value = ""
            self._fields.append((a["name"], value))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            if self._select[1] is None:
                self._select[1] = self._option
            if "selected" in a:
                self._select[2] = self._option
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select is not None:
            name, first, chosen = self._select
            self._fields.append((name, chosen if chosen is not None else first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The parser keeps the newline after <textarea>; browsers drop it.
            name, text = self._textarea
            self._fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_as_posted(html: str, field: str) -> dict[str, list[str]]:
    """The values a browser would post back from the page's form that holds
    `field`, untouched; a date box whose value is not YYYY-MM-DD posts empty."""
    reader = _FormReader()
    reader.feed(html)
    for fields in reader.forms:
        if any(name == field for name, _value in fields):
            data: dict[str, list[str]] = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"no form with {field!r} on the page")


def input_tag(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert match, f"no input {name!r}"
    return match[0]


# ---- RupiahField ----


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("150.000", 150_000),
        ("150000", 150_000),
        ("150rb", 150_000),
        ("150 rb", 150_000),
        ("150RB", 150_000),
        ("150k", 150_000),
        ("150 ribu", 150_000),
        ("Rp 150.000", 150_000),
        ("rp150.000", 150_000),
        ("Rp. 150.000,-", 150_000),
        ("Rp\u00a0150.000", 150_000),
        ("1,5jt", 1_500_000),
        ("1.5jt", 1_500_000),
        ("1,25 juta", 1_250_000),
        ("2,5rb", 2_500),
        ("3.000.000", 3_000_000),
        ("1,000,000", 1_000_000),
        (" 15.000 ", 15_000),
        ("0", 0),
    ],
)
def test_rupiah_is_read_the_way_the_shop_types_it(typed, amount):
    assert RupiahField().clean(typed) == amount


@pytest.mark.parametrize(
    "typed", ["lima ribu", "abc", "12ab", "15.000.00.0", "1.500.5", "0.500", "Rp", "-"]
)
def test_rupiah_junk_is_refused(typed):
    with pytest.raises(forms.ValidationError) as caught:
        RupiahField().clean(typed)
    assert caught.value.code == "invalid"


@pytest.mark.parametrize("typed", ["15,5", "15.50", "150.000,50", "1,2345rb"])
def test_decimals_of_a_rupiah_are_refused_not_cut(typed):
    with pytest.raises(forms.ValidationError):
        RupiahField().clean(typed)


def test_an_ambiguous_amount_with_a_suffix_is_refused():
    # 1.250jt is 1 250 juta to some and 1,25 juta to others.
    with pytest.raises(forms.ValidationError):
        RupiahField().clean("1.250jt")


def test_error_messages_are_clear_in_indonesian_and_english():
    with translation.override("id"):
        with pytest.raises(forms.ValidationError) as caught:
            RupiahField().clean("15,5")
        assert caught.value.messages == [
            "Rupiah tidak pakai desimal: ketik rupiah utuh, misalnya 15.500."
        ]
        with pytest.raises(forms.ValidationError) as caught:
            RupiahField().clean("abc")
        assert "150.000" in caught.value.messages[0]
        assert "Ketik" in caught.value.messages[0]
    with translation.override("en"):
        with pytest.raises(forms.ValidationError) as caught:
            RupiahField().clean("15,5")
        assert caught.value.messages == [
            "Rupiah has no decimals: type whole rupiah, e.g. 15.500."
        ]


def test_negatives_are_refused_unless_the_field_allows_them():
    with pytest.raises(forms.ValidationError) as caught:
        RupiahField().clean("-5.000")
    assert caught.value.code == "min_value"
    assert RupiahField(allow_negative=True).clean("-5.000") == -5_000
    assert RupiahField(allow_negative=True).clean("-Rp 5.000") == -5_000
    assert RupiahField(allow_negative=True).clean("Rp \u22125.000") == -5_000


def test_limits_are_named_in_rupiah():
    with translation.override("en"):
        with pytest.raises(forms.ValidationError) as caught:
            RupiahField(min_value=1).clean("0")
        assert caught.value.messages == ["At least Rp 1."]
        with pytest.raises(forms.ValidationError) as caught:
            RupiahField().clean("99999999999999999999999")
        assert caught.value.messages == ["At most Rp 1.000.000.000.000."]


def test_a_model_forms_whole_bigint_range_is_narrowed_not_widened():
    field = RupiahField(min_value=-(2**63), max_value=2**63 - 1)
    with pytest.raises(forms.ValidationError):
        field.clean("-1")
    with pytest.raises(forms.ValidationError):
        field.clean(str(2**62))


def test_empty_is_none_or_required():
    assert RupiahField(required=False).clean("") is None
    assert RupiahField(required=False).clean("  ") is None
    with pytest.raises(forms.ValidationError) as caught:
        RupiahField().clean("")
    assert caught.value.code == "required"


def test_rupiah_is_a_text_box_with_a_digit_keyboard_showing_thousands_dots():
    class Form(forms.Form):
        spend = RupiahField()

    html = str(Form(initial={"spend": 150_000})["spend"])
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html
    assert 'value="150.000"' in html
    # What the owner typed comes back as typed when the form has an error.
    assert 'value="15,5"' in str(Form({"spend": "15,5"})["spend"])
    assert Form({"spend": "150.000"}, initial={"spend": 150_000}).has_changed() is False


# ---- CountField ----


@pytest.mark.parametrize(
    ("typed", "count"),
    [("1.000", 1_000), ("1000", 1_000), ("12", 12), ("1 000", 1_000)],
)
def test_counts_read_thousands_dots(typed, count):
    assert CountField().clean(typed) == count


@pytest.mark.parametrize("typed", ["1,5", "1.5", "sepuluh", "-3", "Rp 1.000", "1rb"])
def test_bad_counts_are_refused(typed):
    with pytest.raises(forms.ValidationError):
        CountField().clean(typed)


def test_a_count_that_may_take_off_allows_a_minus():
    assert CountField(allow_negative=True).clean("-1.000") == -1_000
    assert CountField(allow_negative=True).clean("\u2212250") == -250


# ---- DateInput ----


def test_a_date_box_holds_an_iso_date_in_indonesian():
    class Form(forms.Form):
        on = forms.DateField(widget=DateInput())

    with translation.override("id"):
        html = str(Form(initial={"on": dt.date(2026, 11, 28)})["on"])
        assert 'type="date"' in html
        assert 'value="2026-11-28"' in html
        # What the browser posts back, and what an owner may type elsewhere.
        for typed in ("2026-11-28", "28-11-2026", "28/11/2026"):
            form = Form({"on": typed})
            assert form.is_valid(), typed
            assert form.cleaned_data["on"] == dt.date(2026, 11, 28)


# ---- every form of the shop ----

FORM_MODULES = [
    "setia.accounts.forms",
    "setia.campaigns.forms",
    "setia.customers.forms",
    "setia.insights.forms",
    "setia.loyalty.forms",
    "setia.sales.forms",
]


def _all_form_fields():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, form_class in vars(module).items():
            if (
                isinstance(form_class, type)
                and issubclass(form_class, forms.BaseForm)
                and form_class.__module__ == module_name
            ):
                for field_name, field in form_class.base_fields.items():
                    yield f"{name}.{field_name}", field_name, field


def test_every_rupiah_field_reads_thousands_dots():
    assert apps.ready
    money = [
        (label, field)
        for label, name, field in _all_form_fields()
        if name.endswith("_idr") or name == "idr_per_point"
    ]
    assert len(money) >= 15
    wrong = [label for label, field in money if not isinstance(field, RupiahField)]
    assert wrong == []


def test_no_form_has_a_number_box_that_cuts_thousands():
    # A point count "1.000" in a number box is saved as 1.
    number_boxes = [
        label
        for label, _name, field in _all_form_fields()
        if getattr(field.widget, "input_type", "") == "number"
        and ("point" in label or "_idr" in label or "stock" in label)
    ]
    assert number_boxes == []


def test_every_date_box_carries_iso_dates():
    dates = [
        (label, field)
        for label, _name, field in _all_form_fields()
        if isinstance(field, forms.DateField)
    ]
    assert len(dates) >= 7
    wrong = [label for label, field in dates if not isinstance(field.widget, DateInput)]
    assert wrong == []


def test_the_restock_date_comes_up_filled_in_indonesian():
    from setia.sales.forms import RestockForm

    with translation.override("id"):
        box = str(RestockForm()["received_on"])
    assert 'type="date"' in box
    assert re.search(r'value="\d{4}-\d{2}-\d{2}"', box), box
