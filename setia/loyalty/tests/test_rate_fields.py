"""Percentages and multipliers are typed as the owner says them ("10", "12,5",
"1,5") and stored as whole basis points."""

import pytest
from django.urls import reverse

from setia.lib.forms import BasisPointsField, percent_field, times_field
from setia.loyalty.forms import TierForm
from setia.loyalty.models import Reward, Tier


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("10", 1000), ("12,5", 1250), ("12.5", 1250), ("7 %", 700), ("", 0), ("0", 0)],
)
def test_a_percentage_is_stored_in_basis_points(typed, stored):
    assert percent_field("p").clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"), [("1", 10_000), ("1,5", 15_000), ("×2", 20_000)]
)
def test_a_multiplier_is_stored_in_basis_points(typed, stored):
    assert times_field("m").clean(typed) == stored


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        (percent_field("p"), "sepuluh"),
        (percent_field("p"), "inf"),
        (percent_field("p"), "-Infinity"),
        (percent_field("p"), "nan"),
        (percent_field("p"), "sNaN"),
        (percent_field("p"), "1e400"),
        (percent_field("p"), "12,345"),  # finer than a basis point
        (percent_field("p"), "101"),
        (percent_field("p"), "-5"),
        (times_field("m"), "0,5"),  # a multiplier never lowers points
        (times_field("m"), ""),
    ],
)
def test_bad_rates_are_refused(field, typed):
    from django import forms

    with pytest.raises(forms.ValidationError):
        field.clean(typed)


def test_stored_values_are_shown_the_way_they_are_typed():
    assert BasisPointsField(scale=100).prepare_value(1250) == "12,5"
    assert BasisPointsField(scale=100).prepare_value(1000) == "10"
    assert BasisPointsField(scale=10_000).prepare_value(15_000) == "1,5"
    form = TierForm(instance=Tier(name="Gold", multiplier_bp=20_000))
    assert 'value="2"' in str(form["multiplier_bp"])


@pytest.mark.django_db
def test_the_owner_types_percent_and_multiplier_on_the_pages(owner_client, shop):
    owner_client.post(
        reverse("loyalty:tiers"),
        {"name": "Gold", "min_spend_idr": "0", "multiplier_bp": "2", "is_active": "on"},
    )
    owner_client.post(
        reverse("loyalty:rewards"),
        {
            "name": "Voucher",
            "kind": "percent",
            "points_cost": "50",
            "value_idr": "0",
            "percent_bp": "12,5",
            "cap_idr": "0",
            "is_active": "on",
        },
    )
    assert Tier.objects.get(shop=shop).multiplier_bp == 20_000
    assert Reward.objects.get(shop=shop).percent_bp == 1250
    refused = owner_client.post(
        reverse("loyalty:tiers"),
        {"name": "X", "min_spend_idr": "0", "multiplier_bp": "0,5"},
    )
    assert refused.status_code == 200
    assert Tier.objects.filter(shop=shop).count() == 1


def test_a_new_tier_form_starts_at_times_one():
    assert 'value="1"' in str(TierForm()["multiplier_bp"])
