"""Demo loyalty program for Butik Wanty (runs after customers and sales).

Reproducible from `rng`: one program version, three tiers, a small rewards
catalogue and a promo code; the last 18 months of member sales replayed through
`record_sale_loyalty`, some members swapping 100 points for Rp 10.000 at a later
visit, then expiry and the tier review as the daily job would run them.
"""

import datetime as dt

from django.db import transaction

from setia.accounts.models import Membership, Role
from setia.loyalty import jobs, ledger, members, programs, services
from setia.loyalty.models import EntryKind, PointsAccount, RewardKind
from setia.sales.models import Sale, SaleStatus

REPLAY_DAYS = 540


def populate(shop, rng, today: dt.date, n_customers: int = 600) -> str:
    owner = (
        Membership.objects.filter(shop=shop, role=Role.OWNER)
        .select_related("user")
        .first()
    )
    by = owner.user if owner else None
    program = programs.save_program(
        shop,
        by=by,
        is_active=True,
        idr_per_point=10_000,
        rounding="floor",
        min_purchase_idr=50_000,
        grosir_lines_earn=False,
        resellers_earn=False,
        excluded_categories=[],
        earn_after_discounts=True,
        earn_and_redeem_same_sale=True,
        point_value_idr=100,
        expiry_months=12,
        welcome_bonus_points=0,
        birthday_bonus_points=50,
        referral_bonus_points=50,
    )
    for name, spend, multiplier, perk in [
        ("Silver", 0, 10_000, "Poin setiap belanja"),
        ("Gold", 2_000_000, 15_000, "Poin ×1,5 dan bungkus kado gratis"),
        ("Platinum", 5_000_000, 20_000, "Poin ×2 dan info koleksi baru lebih dulu"),
    ]:
        programs.save_tier(
            shop,
            by=by,
            name=name,
            min_spend_idr=spend,
            multiplier_bp=multiplier,
            perk=perk,
            is_active=True,
        )
    discount = programs.save_reward(
        shop,
        by=by,
        name="Potongan Rp 10.000",
        kind=RewardKind.DISCOUNT,
        points_cost=100,
        value_idr=10_000,
        is_active=True,
    )
    programs.save_reward(
        shop,
        by=by,
        name="Jilbab segi empat gratis",
        kind=RewardKind.FREE_ITEM,
        points_cost=300,
        value_idr=35_000,
        stock=12,
        is_active=True,
    )
    programs.save_reward(
        shop,
        by=by,
        name="Voucher 15% (maks. Rp 50.000)",
        kind=RewardKind.PERCENT,
        points_cost=450,
        percent_bp=1_500,
        cap_idr=50_000,
        is_active=True,
    )
    programs.save_promo(
        shop,
        by=by,
        code="LEBARAN",
        description="Diskon 10% menjelang Lebaran",
        percent_bp=1_000,
        cap_idr=50_000,
        min_purchase_idr=200_000,
        max_uses=100,
        max_uses_per_customer=1,
        is_active=True,
    )
    sales = (
        Sale.objects.filter(
            shop=shop,
            customer__isnull=False,
            status=SaleStatus.COMPLETED,
            business_on__gt=today - dt.timedelta(days=REPLAY_DAYS),
        )
        .select_related("customer", "shop")
        .order_by("created_at", "id")
    )
    redeemed = 0
    for sale in sales:
        with transaction.atomic():
            account = ledger.lock_account(shop, sale.customer)
            # Some members swap 100 points for Rp 10.000 on a later visit.
            if account.balance >= discount.points_cost and rng.random() < 0.3:
                ledger.post_points(
                    account,
                    kind=EntryKind.REDEEM,
                    points=-discount.points_cost,
                    key=f"demo-redeem:{sale.pk}",
                    by=by,
                    reward=discount,
                    discount_idr=discount.value_idr,
                    program=program,
                    created_at=sale.created_at,
                )
                redeemed += 1
            services.record_sale_loyalty(sale, None, by)
    totals = jobs.run_daily(today)
    top = PointsAccount.objects.filter(shop=shop, customer__isnull=False).order_by(
        "-balance", "id"
    )[:10]
    for account in top.select_related("customer"):
        members.issue_member_card(shop, account.customer, by=by)
        members.issue_own_page_link(shop, account.customer, by=by)
    count = PointsAccount.objects.filter(shop=shop, customer__isnull=False).count()
    return (
        f"{count} members, {redeemed} rewards redeemed, "
        f"{totals['expired']} points expired, 10 member cards"
    )
