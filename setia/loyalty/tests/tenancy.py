"""Shop A's loyalty records for the tenancy walk (see accounts/tests/test_tenancy)."""

from setia.loyalty import members, programs, services
from setia.loyalty.models import BuyGetOffer, CouponRule, PromoCode, Reward, Tier
from setia.loyalty.tests.factories import make_customer, make_program

TOKEN_PUBLIC = {"loyalty:own_page"}


def make_objects(shop, owner):
    make_program(shop)
    customer = make_customer(shop, name="Rahasia-Member-Loyalitas-A")
    tier = Tier.objects.create(shop=shop, name="Rahasia-Tier-A", min_spend_idr=0)
    reward = Reward.objects.create(shop=shop, name="Rahasia-Hadiah-A", points_cost=5)
    promo = PromoCode.objects.create(
        shop=shop, code="RAHASIAPROMOA", discount_idr=5_000
    )
    rule = CouponRule.objects.create(
        shop=shop, name="Rahasia-Kupon-A", min_spend_idr=1, discount_idr=5_000
    )
    offer = BuyGetOffer.objects.create(
        shop=shop, name="Rahasia-Tawaran-A", buy_category="Rahasia-Kategori-A"
    )
    programs.adjust_points(
        shop, customer, 40, reason="Rahasia-Alasan-A", by=owner, idempotency_key="t"
    )
    services.refresh_tier(shop, customer, reason="setup")
    card = members.issue_member_card(shop, customer, by=owner)
    link = members.issue_own_page_link(shop, customer, by=owner)
    return (
        {
            "customer_id": customer.pk,
            "tier_id": tier.pk,
            "reward_id": reward.pk,
            "promo_id": promo.pk,
            "rule_id": rule.pk,
            "offer_id": offer.pk,
            "token": members.own_page_token(link),
        },
        [
            "Rahasia-Member-Loyalitas-A",
            "Rahasia-Tier-A",
            "Rahasia-Hadiah-A",
            "RAHASIAPROMOA",
            "Rahasia-Kupon-A",
            "Rahasia-Tawaran-A",
            "Rahasia-Alasan-A",
            card.display_code,
        ],
    )
