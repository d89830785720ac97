"""Tiers by the customer pyramid: members follow their pyramid tier of the latest
analysis; the Owner chooses the basis in the program settings."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from setia.insights import services as insights
from setia.insights.models import CustomerScore
from setia.loyalty import jobs, services, tiers
from setia.loyalty.models import PointsAccount, Tier, TierBasis, TierChange
from setia.loyalty.tests.factories import make_customer, make_program, make_sale
from setia.loyalty.tests.test_views import PROGRAM_POST

pytestmark = pytest.mark.django_db


def shop_with_history(shop, owner, n=16):
    """n members with 1..n purchases of growing size over the last months, so the
    analysis spreads them over all four pyramid tiers."""
    today = timezone.localdate()
    customers = []
    for i in range(n):
        customer = make_customer(shop, name=f"Pelanggan {i}")
        for k in range(i + 1):
            sale = make_sale(
                shop,
                customer,
                [(50_000 * (i + 1), 1, "", False)],
                business_on=today - dt.timedelta(days=7 * k + 1),
            )
            services.record_sale_loyalty(sale, None, owner)
        customers.append(customer)
    return customers


def pyramid_tiers(shop):
    return {
        "platinum": Tier.objects.create(
            shop=shop, name="Platinum", pyramid_level=0, multiplier_bp=20_000
        ),
        "gold": Tier.objects.create(
            shop=shop, name="Gold", pyramid_level=1, multiplier_bp=15_000
        ),
        "silver": Tier.objects.create(shop=shop, name="Silver", pyramid_level=2),
    }


def test_an_analysis_puts_each_member_in_the_tier_of_their_pyramid_level(shop, owner):
    make_program(shop, tier_basis=TierBasis.PYRAMID)
    mapped = pyramid_tiers(shop)
    customers = shop_with_history(shop, owner)
    # Before any analysis nobody has a pyramid level, so nobody has a tier.
    assert not PointsAccount.objects.filter(shop=shop, tier__isnull=False).exists()

    run = insights.score_shop(shop)

    levels = dict(
        CustomerScore.objects.filter(run=run).values_list("customer_id", "tier")
    )
    assert set(levels.values()) == {0, 1, 2, 3}
    expected = {0: mapped["platinum"], 1: mapped["gold"], 2: mapped["silver"]}
    for customer in customers:
        account = PointsAccount.objects.get(customer=customer)
        assert account.tier == expected.get(levels[customer.pk]), customer.name
    changes = TierChange.objects.filter(shop=shop)
    assert changes.count() == sum(1 for lv in levels.values() if lv in expected)
    assert all("Platinum" in c.reason for c in changes.filter(to_tier__name="Platinum"))
    # Nothing changed, so a second pass records nothing.
    assert tiers.refresh_pyramid_tiers(shop) == 0
    assert jobs.refresh_tiers(shop) == 0


def test_the_tier_multiplier_follows_the_pyramid_tier(shop, owner):
    make_program(shop, tier_basis=TierBasis.PYRAMID)
    pyramid_tiers(shop)
    customers = shop_with_history(shop, owner)
    insights.score_shop(shop)
    best = customers[-1]
    assert PointsAccount.objects.get(customer=best).tier.name == "Platinum"
    before = services.points_balance(shop, best)
    services.record_sale_loyalty(
        make_sale(shop, best, [(100_000, 1, "", False)]), None, owner
    )
    # Rp 100.000 earns 10 points, ×2 for Platinum; a sale does not move a pyramid
    # tier (only an analysis does).
    assert services.points_balance(shop, best) - before == 20
    assert PointsAccount.objects.get(customer=best).tier.name == "Platinum"


def test_a_spend_basis_program_ignores_the_analysis(shop, owner):
    make_program(shop, tier_basis=TierBasis.SPEND)
    Tier.objects.create(shop=shop, name="Gold", min_spend_idr=10_000_000)
    pyramid_tiers(shop)
    shop_with_history(shop, owner, n=6)
    insights.score_shop(shop)
    # Spend-based: the pyramid-mapped tiers all start at Rp 0, the top spender
    # spent far below Rp 10.000.000, so everyone sits in a Rp-0 tier.
    assert not PointsAccount.objects.filter(shop=shop, tier__name="Gold").exists()
    assert TierChange.objects.filter(reason__contains="pyramid").count() == 0


def test_switching_the_basis_in_the_settings_moves_members_at_once(
    owner_client, shop, owner
):
    make_program(shop)
    pyramid_tiers(shop)
    customers = shop_with_history(shop, owner)
    run = insights.score_shop(shop)
    best = customers[-1]
    assert CustomerScore.objects.get(run=run, customer=best).tier == 0
    assert PointsAccount.objects.get(customer=best).tier.name != "Platinum"

    response = owner_client.post(
        reverse("loyalty:settings"), {**PROGRAM_POST, "tier_basis": "pyramid"}
    )

    assert response.status_code == 302
    assert PointsAccount.objects.get(customer=best).tier.name == "Platinum"
    page = owner_client.get(reverse("loyalty:tiers")).content.decode()
    assert "Platinum" in page and 'data-testid="unmapped-tiers"' not in page


def test_pages_explain_the_next_tier_by_pyramid_not_by_spend(owner_client, shop, owner):
    make_program(shop, tier_basis=TierBasis.PYRAMID)
    pyramid_tiers(shop)
    shop_with_history(shop, owner)
    insights.score_shop(shop)
    gold_account = (
        PointsAccount.objects.select_related("customer", "tier")
        .filter(shop=shop, tier__name="Gold")
        .first()
    )
    gold_member, gold = gold_account.customer, gold_account.tier
    step = tiers.progress(shop, gold_member, gold)
    assert step.next_tier.name == "Platinum"
    assert step.to_next_tier_idr == 0
    page = owner_client.get(
        reverse("loyalty:member", args=[gold_member.pk])
    ).content.decode()
    assert 'data-testid="next-tier-pyramid"' in page
    assert 'data-testid="next-tier-spend"' not in page
    Tier.objects.create(shop=shop, name="Tanpa level")
    tiers_page = owner_client.get(reverse("loyalty:tiers")).content.decode()
    assert 'data-testid="unmapped-tiers"' in tiers_page


def test_an_unmapped_tier_gets_no_next_tier_hint(shop, owner):
    make_program(shop, tier_basis=TierBasis.PYRAMID)
    pyramid_tiers(shop)
    legacy = Tier.objects.create(shop=shop, name="Lama", multiplier_bp=30_000)
    customer = make_customer(shop)
    assert tiers.progress(shop, customer, legacy).next_tier is None
    assert tiers.progress(shop, customer, None).next_tier.name == "Silver"
