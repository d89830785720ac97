"""Tiers: by rolling 12-month spend, or by the customer pyramid tier of the latest
analysis, as the program version says. Every change is recorded with its reason."""

import copy
import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.accounts.models import cached_shop_setting
from setia.insights import services as insights
from setia.loyalty import ledger
from setia.loyalty.models import PointsAccount, Tier, TierBasis, TierChange

TIER_WINDOW_DAYS = 365
COMPLETED = "completed"
PYRAMID_NAMES = dict(Tier._meta.get_field("pyramid_level").flatchoices)
UPDATE_BATCH = 5_000


def rolling_spend(shop, customer, today: dt.date | None = None) -> int:
    """What the customer spent in the last 12 months, net of returns.

    Written as SQL by hand: every sale to a member runs it inside the sale's
    write transaction (on SQLite the other clerks wait for that), and the ORM
    spends ~0.4 ms building this aggregate against ~0.02 ms to run it.
    """
    today = today or timezone.localdate()
    sale = apps.get_model("sales", "Sale")._meta
    quote = connection.ops.quote_name
    column = {f.name: quote(f.column) for f in sale.concrete_fields}
    sql = (
        f"SELECT COALESCE(SUM({column['total_idr']}), 0), "  # noqa: S608
        f"COALESCE(SUM({column['returned_idr']}), 0) FROM {quote(sale.db_table)} "
        f"WHERE {column['shop']} = %s AND {column['customer']} = %s "
        f"AND {column['status']} = %s "
        f"AND {column['business_on']} > %s AND {column['business_on']} <= %s"
    )
    adapt = connection.ops.adapt_datefield_value
    start = today - dt.timedelta(days=TIER_WINDOW_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [shop.pk, customer.pk, COMPLETED, adapt(start), adapt(today)],
        )
        total, returned = cursor.fetchone()
    return max(0, int(total) - int(returned))


def tier_basis(shop) -> str:
    program = ledger.current_program(shop)
    return program.tier_basis if program is not None else TierBasis.SPEND


@dataclass(frozen=True)
class _ShopTiers:
    any_tier: bool  # active or not: a member may still hold a retired tier
    active: tuple[Tier, ...]  # highest minimum spend first, then newest


def _shop_tiers(shop) -> _ShopTiers:
    """The shop's tiers, from the per-process rules cache inside a settings
    scope (tiers are sale rules: saving one changes the shop's settings token).
    Every sale to a member reads them inside the sale's write transaction, where
    on SQLite each query makes the other clerks wait."""

    def read() -> _ShopTiers:
        tiers = list(Tier.objects.filter(shop=shop).order_by("-min_spend_idr", "-id"))
        return _ShopTiers(bool(tiers), tuple(t for t in tiers if t.is_active))

    return cached_shop_setting(shop, "tiers", read)


def tier_for_spend(shop, spend_idr: int) -> Tier | None:
    for tier in _shop_tiers(shop).active:
        if tier.min_spend_idr <= spend_idr:
            # A copy: the cached rows are shared by the threads of this process.
            return copy.copy(tier)
    return None


def tiers_by_pyramid_level(shop) -> dict[int, Tier]:
    """The active tier each pyramid level reaches; with two tiers on one level the
    one with the bigger multiplier wins, so a customer is never short-changed."""
    mapped = sorted(
        (t for t in _shop_tiers(shop).active if t.pyramid_level is not None),
        key=lambda t: (t.multiplier_bp, t.pk),
    )
    return {tier.pyramid_level: copy.copy(tier) for tier in mapped}


@dataclass
class TierProgress:
    """What the member needs for the next tier, for the pages that show it."""

    basis: str
    next_tier: Tier | None
    to_next_tier_idr: int = 0
    next_pyramid_name: str = ""


def progress(shop, customer, tier: Tier | None) -> TierProgress:
    basis = tier_basis(shop)
    if basis == TierBasis.PYRAMID:
        # Pyramid levels are ranks among the shop's customers (0 = Platinum), so
        # the next tier is the one mapped to a better level, not a spend figure.
        if tier is not None and tier.pyramid_level is None:
            # A tier from before the switch to the pyramid, not mapped to a
            # level: nothing sensible to point at until the next analysis.
            return TierProgress(basis, None)
        by_level = tiers_by_pyramid_level(shop)
        current = tier.pyramid_level if tier is not None else None
        better = sorted(
            level
            for level in by_level
            if (current is None or level < current) and by_level[level] != tier
        )
        if not better:
            return TierProgress(basis, None)
        level = better[-1]
        return TierProgress(
            basis, by_level[level], next_pyramid_name=str(PYRAMID_NAMES[level])
        )
    tiers = Tier.objects.filter(shop=shop, is_active=True)
    if tier is not None:
        tiers = tiers.filter(min_spend_idr__gt=tier.min_spend_idr)
    upcoming = tiers.order_by("min_spend_idr", "id").first()
    if upcoming is None:
        return TierProgress(basis, None)
    spend = rolling_spend(shop, customer)
    if upcoming.min_spend_idr <= spend:
        # Already earned (a Rp 0 entry tier for a new member, or spend not yet
        # refreshed into a tier): "Rp 0 more to reach Silver" is nonsense, so
        # point at the first tier the spend has not reached, if any.
        upcoming = (
            tiers.filter(min_spend_idr__gt=spend)
            .order_by("min_spend_idr", "id")
            .first()
        )
        if upcoming is None:
            return TierProgress(basis, None)
    return TierProgress(
        basis, upcoming, to_next_tier_idr=upcoming.min_spend_idr - spend
    )


def next_tier(shop, tier: Tier | None) -> Tier | None:
    """The next tier up by spend (kept for callers that only need the tier)."""
    tiers = Tier.objects.filter(shop=shop, is_active=True)
    if tier is not None:
        tiers = tiers.filter(min_spend_idr__gt=tier.min_spend_idr)
    return tiers.order_by("min_spend_idr", "id").first()


def refresh_tier(shop, customer, *, reason: str, today=None) -> TierChange | None:
    """Move the member to the tier their spend or pyramid tier earns, recording why."""
    with transaction.atomic():
        account = ledger.lock_account(shop, customer)
        return _refresh_locked_tier(shop, account, customer, reason, today)


def _refresh_locked_tier(shop, account, customer, reason, today=None):
    if not _shop_tiers(shop).any_tier and account.tier_id is None:
        return None
    spend = 0
    if tier_basis(shop) == TierBasis.PYRAMID:
        score = insights.score_of(customer)
        if score is None:
            # Not analysed yet (a new customer): keep the tier until the next run.
            return None
        tier = tiers_by_pyramid_level(shop).get(score.tier)
        reason = _pyramid_reason(score.tier)
    else:
        spend = rolling_spend(shop, customer, today)
        tier = tier_for_spend(shop, spend)
    if tier == account.tier:
        return None
    change = TierChange.objects.create(
        shop=shop,
        account=account,
        from_tier=account.tier,
        to_tier=tier,
        spend_idr=spend,
        reason=reason[:200],
    )
    account.tier = tier
    account.save(update_fields=["tier"])
    return change


def _pyramid_reason(level: int) -> str:
    return _("customer pyramid: %(level)s in the latest analysis") % {
        "level": PYRAMID_NAMES.get(level, level)
    }


def refresh_pyramid_tiers(shop) -> int:
    """Put every member in the tier of their pyramid level in the latest finished
    analysis, in bulk (a shop may have 100,000 members). Members the analysis has
    not seen keep their tier. Returns how many changed."""
    if tier_basis(shop) != TierBasis.PYRAMID:
        return 0
    run = insights.latest_run(shop)
    if run is None:
        return 0
    score_model = apps.get_model("insights", "CustomerScore")
    levels = dict(
        score_model.objects.filter(run=run).values_list("customer_id", "tier")
    )
    by_level = tiers_by_pyramid_level(shop)
    accounts = PointsAccount.objects.filter(shop=shop, customer__isnull=False)
    changes: list[TierChange] = []
    moves: dict[int | None, list[int]] = {}
    for pk, customer_id, tier_id in accounts.values_list(
        "pk", "customer_id", "tier_id"
    ):
        if customer_id not in levels:
            continue
        level = levels[customer_id]
        target = by_level.get(level)
        target_id = target.pk if target is not None else None
        if target_id == tier_id:
            continue
        changes.append(
            TierChange(
                shop=shop,
                account_id=pk,
                from_tier_id=tier_id,
                to_tier_id=target_id,
                reason=_pyramid_reason(level)[:200],
            )
        )
        moves.setdefault(target_id, []).append(pk)
    with transaction.atomic():
        TierChange.objects.bulk_create(changes, batch_size=UPDATE_BATCH)
        for target_id, pks in moves.items():
            for start in range(0, len(pks), UPDATE_BATCH):
                # Only the tier column: balances are updated under the account
                # lock by sales at the same time and must not be overwritten.
                PointsAccount.objects.filter(
                    pk__in=pks[start : start + UPDATE_BATCH]
                ).update(tier_id=target_id)
    return len(changes)
