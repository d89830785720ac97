"""Numbers and names as people type them."""

import random

import pytest
from django.core.exceptions import ValidationError

from setia.customers.normalize import (
    fast_mobile_e164,
    fold,
    name_key,
    search_needle,
    search_text_for,
)
from setia.lib.phones import normalize_phone


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0812-3456-789", "+628123456789"),
        ("0812 3456 7890", "+6281234567890"),
        ("62812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+62 (812) 3456-7890", "+6281234567890"),
        ("(021) 555-1234", "+62215551234"),
        ("021-5551234", "+62215551234"),
        ("0857.1111.2222", "+6285711112222"),
    ],
)
def test_normalisation_table(typed, e164):
    assert normalize_phone(typed) == e164
    # The import's fast path either agrees or leaves the number to phonenumbers.
    assert fast_mobile_e164(typed) in (e164, None)


def test_fast_mobile_path_agrees_with_phonenumbers():
    rng = random.Random(0)
    taken = 0
    for _ in range(3000):
        national = "8" + "".join(
            rng.choice("0123456789") for _ in range(rng.randint(6, 13))
        )
        lead = rng.choice(["0", "62", "+62", "+62 ", "", "00"])
        sep = rng.choice(["", " ", "-", "."])
        typed = lead + sep.join([national[:3], national[3:7], national[7:]])
        fast = fast_mobile_e164(typed)
        if fast is None:
            continue
        taken += 1
        assert fast == normalize_phone(typed), typed
    # Also the invalid ones the regex must leave alone.
    for typed in ["0804-1234-5678", "0812-345", "62812", "+1 812 3456 7890"]:
        assert fast_mobile_e164(typed) is None
    assert taken > 500


@pytest.mark.parametrize("typed", ["", "12345", "0812", "halo kak", "+1 555"])
def test_invalid_numbers_are_refused_with_a_message(typed):
    with pytest.raises(ValidationError) as info:
        normalize_phone(typed)
    assert info.value.messages[0]


def test_fold_drops_accents_case_and_punctuation():
    assert fold("  Renée  O'Brien-Putri ") == "renee o brien putri"


def test_search_text_holds_name_and_both_number_forms():
    text = search_text_for("Siti Aminah", "+6281234567890")
    assert text == "siti aminah 081234567890 6281234567890"


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("0812-3456", "08123456"),
        ("+62 812", "62812"),
        ("Siti", "siti"),
        ("RENÉE", "renee"),
        ("Siti 2", "siti 2"),
    ],
)
def test_search_needle(query, needle):
    assert search_needle(query) == needle


def test_name_key_ignores_honorifics():
    assert name_key("Ibu Siti Aminah") == name_key("siti aminah") == "siti aminah"
    assert name_key("Kak Rina") == "rina"
