"""Usability fixes in loyalty: tier progress for a new member, reward percentages."""

import pytest
from django.urls import reverse

from setia.loyalty.models import Reward, Tier
from setia.loyalty.tests.factories import make_customer, make_program

pytestmark = pytest.mark.django_db


def test_new_member_is_not_told_rp_0_more_to_reach_a_free_tier(staff_client, shop):
    make_program(shop)
    Tier.objects.create(shop=shop, name="Silver", min_spend_idr=0)
    Tier.objects.create(shop=shop, name="Gold", min_spend_idr=1_000_000)
    customer = make_customer(shop, name="Bu Baru")  # no sale, no tier yet

    for url in (
        reverse("customers:detail", args=[customer.pk]),
        reverse("loyalty:member", args=[customer.pk]),
    ):
        page = staff_client.get(url).content.decode()
        assert "Kurang Rp 0 " not in page and "Rp 0 lagi" not in page, url
        # The next step that means something: Gold, the whole Rp 1.000.000 away.
        assert 'data-testid="next-tier-spend"' in page, url
        assert "Rp 1.000.000" in page and "Gold" in page, url


def test_nothing_to_reach_when_the_only_tier_is_already_earned(staff_client, shop):
    make_program(shop)
    Tier.objects.create(shop=shop, name="Silver", min_spend_idr=0)
    customer = make_customer(shop)
    page = staff_client.get(reverse("customers:detail", args=[customer.pk]))
    text = page.content.decode()
    assert 'data-testid="next-tier-spend"' not in text
    assert "Kurang Rp 0" not in text


@pytest.mark.parametrize(
    ("bp", "shown"),
    [(1500, "15%"), (1250, "12,5%"), (1225, "12,25%"), (50, "0,5%"), (10000, "100%")],
)
def test_percentage_rewards_show_a_percentage_not_basis_points(
    staff_client, shop, bp, shown
):
    Reward.objects.create(
        shop=shop, name="Diskon", kind="percent", points_cost=50, percent_bp=bp
    )
    page = staff_client.get(reverse("loyalty:rewards")).content.decode()
    assert f'<span data-testid="reward-percent">{shown}</span>' in page
    assert " bp" not in page
