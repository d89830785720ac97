"""Demo loyalty program for Butik Wanty (runs after customers and sales).

Reproducible from `rng`: one program version, three tiers, a small rewards
catalogue, a promo code, a next-order coupon rule and a buy-2-get-1 hijab offer;
the last 18 months of member sales replayed in memory
with the real earn rule (`earn_basis` logic, `points_for`, tier multipliers by
rolling spend), some members swapping 100 points for Rp 10.000 at a later visit,
then expiry, birthdays and the tier review through the daily job's services.
Entries are written in bulk: replaying 3 000 sales one transaction each takes a
minute, in bulk a second.
"""

import datetime as dt

from setia.accounts.models import Membership, Role
from setia.loyalty import jobs, ledger, members, programs, promotions, services
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
    # Promotions waiting at the counter (the replayed history predates them).
    promotions.save_coupon_rule(
        shop,
        by=by,
        name="Belanja Rp 500.000, kupon Rp 25.000",
        min_spend_idr=500_000,
        discount_idr=25_000,
        valid_days=30,
        is_active=True,
    )
    promotions.save_offer(
        shop,
        by=by,
        name="Hijab beli 2 gratis 1",
        buy_category="hijab",
        buy_qty=2,
        get_qty=1,
        percent_off_bp=10_000,
        is_active=True,
    )
    redeemed = _replay_sales(shop, program, discount, rng, today, by)
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


def _replay_sales(shop, program, discount, rng, today, by) -> int:
    from collections import defaultdict

    from setia.customers.models import CustomerType
    from setia.loyalty.models import ONE_X_BP, PointsEntry, Tier
    from setia.sales.models import SaleLine

    sales = list(
        Sale.objects.filter(
            shop=shop,
            customer__isnull=False,
            status=SaleStatus.COMPLETED,
            business_on__gt=today - dt.timedelta(days=REPLAY_DAYS),
        )
        .select_related("customer")
        .order_by("created_at", "id")
    )
    lines = defaultdict(list)
    for line in SaleLine.objects.filter(sale__in=[s.pk for s in sales]).select_related(
        "product"
    ):
        lines[line.sale_id].append(line)
    tiers = list(Tier.objects.filter(shop=shop).order_by("-min_spend_idr"))
    spend_history = defaultdict(list)  # customer id -> [(date, total)]
    balances = defaultdict(int)
    entries, redeemed = [], 0
    for sale in sales:
        customer = sale.customer
        history = spend_history[customer.pk]
        window_start = sale.business_on - dt.timedelta(days=services.TIER_WINDOW_DAYS)
        spend = sum(total for day, total in history if day > window_start)
        tier = next((t for t in tiers if t.min_spend_idr <= spend), None)
        history.append((sale.business_on, sale.total_idr - sale.returned_idr))
        if balances[customer.pk] >= discount.points_cost and rng.random() < 0.3:
            balances[customer.pk] -= discount.points_cost
            redeemed += 1
            entries.append(
                (
                    customer,
                    PointsEntry(
                        shop=shop,
                        kind=EntryKind.REDEEM,
                        points=-discount.points_cost,
                        reward=discount,
                        discount_idr=discount.value_idr,
                        program_version=program,
                        idempotency_key=f"demo-redeem:{sale.pk}",
                        created_at=sale.created_at,
                        created_by=by,
                    ),
                )
            )
        if customer.customer_type == CustomerType.RESELLER and not (
            program.resellers_earn
        ):
            continue
        if sale.total_idr < program.min_purchase_idr:
            continue
        sale_lines = lines[sale.pk]
        all_total = sum(line.line_total_idr for line in sale_lines)
        eligible = sum(
            line.line_total_idr
            for line in sale_lines
            if services._line_earns(line, program)
        )
        if all_total <= 0:
            continue
        share = (sale.discount_idr + sale.reward_discount_idr) * eligible // all_total
        multiplier = tier.multiplier_bp if tier else ONE_X_BP
        points = services.points_for(max(0, eligible - share), program, multiplier)
        if points <= 0:
            continue
        balances[customer.pk] += points
        entries.append(
            (
                customer,
                PointsEntry(
                    shop=shop,
                    kind=EntryKind.EARN,
                    points=points,
                    program_version=program,
                    sale_id=sale.pk,
                    basis_idr=max(0, eligible - share),
                    multiplier_bp=multiplier,
                    expires_on=ledger.expiry_for(program, sale.business_on),
                    idempotency_key=f"sale:{sale.pk}:earn",
                    created_at=sale.created_at,
                    created_by=by,
                ),
            )
        )
    customers = {customer.pk: customer for customer, _entry in entries}
    accounts = {
        account.customer_id: account
        for account in PointsAccount.objects.bulk_create(
            [
                PointsAccount(shop=shop, customer=customer, balance=balances[pk])
                for pk, customer in customers.items()
            ]
        )
    }
    if not all(account.pk for account in accounts.values()):
        accounts = {
            a.customer_id: a
            for a in PointsAccount.objects.filter(shop=shop, customer__isnull=False)
        }
    for customer, entry in entries:
        entry.account = accounts[customer.pk]
    PointsEntry.objects.bulk_create([entry for _customer, entry in entries])
    return redeemed
