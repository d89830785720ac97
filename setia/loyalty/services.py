"""Loyalty at the counter: what the sales app calls inside its sale transaction.

Stable contract for `setia.sales`: `Redemption`, `quote_redemption`,
`record_sale_loyalty`, `reverse_sale_return`, `reverse_sale_void`,
`sale_screen_context`, `find_customer_by_member_code`, `add_store_credit`,
`spend_store_credit`. Sales models are reached through `django.apps` at call time,
so this module imports nothing from `setia.sales`.
"""

import math
from fractions import Fraction

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.lib.money import offer_set_weights, sale_share_weights
from setia.loyalty import ledger
from setia.loyalty.models import (
    ONE_X_BP,
    EntryKind,
    MemberCard,
    PointsAccount,
    PointsEntry,
    ProgramVersion,
    Reward,
    Rounding,
    StoreCreditAccount,
    StoreCreditEntry,
)
from setia.loyalty.promotions import open_coupons
from setia.loyalty.redemption import (
    Redemption,
    _redeem,
    lock_reward,
    quote_redemption,
    redeem_points,
    reward_discount,
)
from setia.loyalty.tiers import (
    TIER_WINDOW_DAYS,
    _refresh_locked_tier,
    next_tier,
    refresh_tier,
    rolling_spend,
    tier_for_spend,
)

RESELLER = "reseller"
COMPLETED = "completed"

__all__ = [
    "TIER_WINDOW_DAYS",
    "Redemption",
    "add_store_credit",
    "affordable_rewards",
    "award_referral_bonus",
    "earn_basis",
    "find_customer_by_member_code",
    "next_tier",
    "points_balance",
    "points_for",
    "quote_redemption",
    "record_sale_loyalty",
    "redeem_points",
    "refresh_tier",
    "reverse_sale_return",
    "reverse_sale_void",
    "reward_discount",
    "rolling_spend",
    "sale_screen_context",
    "spend_store_credit",
    "store_credit_back_on_void",
    "store_credit_balance",
    "tier_for_spend",
]


# ---- Earning ----


def _sale_models():
    return apps.get_model("sales", "SaleLine"), apps.get_model("sales", "SaleReturn")


def _line_earns(line, program: ProgramVersion) -> bool:
    if line.is_grosir_price and not program.grosir_lines_earn:
        return False
    excluded = {name.strip().casefold() for name in program.excluded_categories}
    category = (getattr(line.product, "category", "") or "").strip().casefold()
    return not (category and category in excluded)


def _line_value(line, program: ProgramVersion) -> int:
    """What a line counts for in the earn basis.

    Pieces a buy-X-get-Y offer gave away (`promo_discount_idr`) never earn, in
    either mode: "before discounts" ignores the clerk's discounts, rewards and
    codes, not the price of goods given away. After discounts it is the line
    total, which is already net of the offer and of the clerk's line discount.
    """
    if program.earn_after_discounts:
        return line.line_total_idr
    return line.quantity * line.unit_price_idr - (line.promo_discount_idr or 0)


def _return_weights(lines: list, program: ProgramVersion) -> list[int]:
    """Each earning line's part of the earn basis as returns see it.

    An offer's discount belongs to its whole set: the sales app shares it over
    the bought and the free pieces (`offer_share_idr`) when it refunds them, and
    the points follow the money (a returned free piece takes back the points on
    the part of the set's price it refunds, a returned paid piece only its
    share), with the same weights (`offer_set_weights`).

    Shares may move between lines only when the offers' sets lie wholly on
    lines that earn: a set half in an excluded category (or on grosir lines that
    earn nothing) would carry points onto goods that earned none, and sales from
    before `offer_share_idr` have no shares at all. Then each line weighs what
    it put into the basis.
    """
    given_away = sum(line.promo_discount_idr or 0 for line in lines)
    shared = sum(line.offer_share_idr or 0 for line in lines)
    if given_away > 0 and given_away == shared:
        return offer_set_weights(lines, lambda line: _line_value(line, program))
    return [max(0, _line_value(line, program)) for line in lines]


def earn_basis(sale, program: ProgramVersion, lines=None) -> tuple[int, int]:
    """(rupiah that earns points, rupiah of the lines that may earn) for a sale.

    `lines`: the sale's lines with their products, when the caller has them."""
    if lines is None:
        sale_line_model, _return = _sale_models()
        lines = list(
            sale_line_model.objects.filter(sale=sale).select_related("product")
        )
    all_total = sum(line.line_total_idr for line in lines)
    eligible = [line for line in lines if _line_earns(line, program)]
    eligible_total = sum(line.line_total_idr for line in eligible)
    if not program.earn_after_discounts:
        # The price of the pieces paid for, before the clerk's line and order
        # discounts, rewards and promo codes.
        gross = sum(_line_value(line, program) for line in eligible)
        return max(0, gross), eligible_total
    order_discounts = (
        (sale.discount_idr or 0)
        + (sale.reward_discount_idr or 0)
        + (getattr(sale, "promo_discount_idr", 0) or 0)
    )
    if all_total <= 0:
        return 0, eligible_total
    # An order-level discount is shared by the lines in proportion to their totals.
    share = order_discounts * eligible_total // all_total
    return max(0, eligible_total - share), eligible_total


def points_for(amount_idr: int, program: ProgramVersion, multiplier_bp: int) -> int:
    """Whole points for an amount; the earn rule's rounding, never money rounding."""
    numerator = amount_idr * multiplier_bp
    denominator = program.idr_per_point * ONE_X_BP
    if program.rounding == Rounding.NEAREST:
        return (numerator + denominator // 2) // denominator
    return numerator // denominator


def _customer_earns(customer, program: ProgramVersion) -> bool:
    is_reseller = getattr(customer, "customer_type", "") == RESELLER
    return program.resellers_earn or not is_reseller


def _earn_for_sale(sale, account, program, *, redeemed: bool, by, lines) -> None:
    if program is None or not program.is_active:
        return
    if sale.status != COMPLETED or not _customer_earns(sale.customer, program):
        return
    if redeemed and not program.earn_and_redeem_same_sale:
        return
    if sale.total_idr < program.min_purchase_idr:
        return
    basis, _eligible_total = earn_basis(sale, program, lines)
    multiplier = account.tier.multiplier_bp if account.tier_id else ONE_X_BP
    points = points_for(basis, program, multiplier)
    if points <= 0:
        return
    ledger.post_points(
        account,
        kind=EntryKind.EARN,
        points=points,
        key=f"sale:{sale.pk}:earn",
        by=by,
        program=program,
        sale_id=sale.pk,
        basis_idr=basis,
        multiplier_bp=multiplier,
        expires_on=ledger.expiry_for(program, sale.business_on),
        created_at=sale.created_at,
        # A sale saved in this transaction has no entries yet: no need to look.
        key_is_new=lines is not None,
    )


def record_sale_loyalty(sale, redemption: Redemption | None, by, lines=None) -> None:
    """Write the sale's redeem and earn entries; safe to call twice for one sale.

    `lines`: the lines of a sale saved in this same transaction, with their
    products (`record_sale` passes them). This runs inside the sale's write
    transaction, where on SQLite every query makes the other clerks wait, so
    a new sale's lines are not read back and its new entry key not looked up.
    """
    customer = sale.customer
    if customer is None:
        if redemption is not None and redemption.points:
            raise ValidationError(
                _("Choose a member before redeeming points."), code="no_customer"
            )
        return
    shop = sale.shop
    program = ledger.current_program(shop)
    redeemed = redemption is not None and redemption.points > 0
    if program is None and not redeemed:
        return
    # Inside record_sale no savepoint: an error here fails the whole sale anyway.
    with transaction.atomic(savepoint=lines is None):
        if redeemed:
            lock_reward(shop, redemption.reward_id)
        account = ledger.lock_account(shop, customer)
        if redeemed:
            _redeem(
                shop,
                account,
                redemption,
                key=f"sale:{sale.pk}:redeem",
                by=by,
                sale_id=sale.pk,
                at=sale.created_at,
            )
        _award_welcome_bonus(shop, account, customer, program, by)
        _earn_for_sale(sale, account, program, redeemed=redeemed, by=by, lines=lines)
        _refresh_locked_tier(
            shop, account, customer, _("after sale %(number)s") % {"number": sale}
        )
        if getattr(customer, "referred_by_id", None) is not None:
            award_referral_bonus(sale, by=by)


def _award_welcome_bonus(shop, account, customer, program, by) -> None:
    if program is None or not program.is_active or not program.welcome_bonus_points:
        return
    ledger.post_points(
        account,
        kind=EntryKind.BONUS,
        points=program.welcome_bonus_points,
        key=f"welcome:{customer.pk}",
        by=by,
        program=program,
        reason=_("Welcome bonus"),
        expires_on=ledger.expiry_for(program, timezone.localdate()),
    )


def _referral_keys(customer_pk: int) -> Q:
    """The referral bonus entries a referred customer's purchases paid."""
    return Q(idempotency_key=f"referral:{customer_pk}") | Q(
        idempotency_key__startswith=f"referral:{customer_pk}:sale:"
    )


def _referral_still_held(shop, customer_pk: int) -> bool:
    """Whether a bonus paid for this referred customer was not wholly taken back
    by the void of the sale that paid it. Two small queries, whatever the count:
    this runs on every paid sale of a referred customer."""
    # Also a bonus paid by a sale that is this customer's only since a merge:
    # its key names the duplicate, which no longer exists.
    own_sales = apps.get_model("sales", "Sale").objects.filter(
        shop=shop, customer_id=customer_pk
    )
    paid = dict(
        PointsEntry.objects.filter(
            _referral_keys(customer_pk)
            | Q(
                idempotency_key__startswith="referral:",
                sale_id__in=own_sales.values("pk"),
            ),
            shop=shop,
            kind=EntryKind.BONUS,
        ).values_list("sale_id", "points")
    )
    if not paid:
        return False
    taken = dict(
        PointsEntry.objects.filter(
            shop=shop,
            idempotency_key__in=[f"void:{sale_id}:referral" for sale_id in paid],
        ).values_list("sale_id", "points")
    )
    return any(points + taken.get(sale_id, 0) > 0 for sale_id, points in paid.items())


def award_referral_bonus(sale, *, by=None) -> PointsEntry | None:
    """Reward the referrer once the referred customer's first purchase is paid.

    The sales app may call this again when a credit (kasbon) sale is settled, or
    paid off by a return. A sale returned in full bought nothing and pays none.

    Once per referred customer, with one exception: when the void of the sale
    that paid it took the whole bonus back, the friend's next paid sale earns it
    again (the key then names that sale, `referral:{customer}:sale:{sale}`, so a
    repeat for the same sale still posts nothing). A bonus the referrer had
    already spent when the sale was voided stays paid, and is not paid again.
    """
    customer = sale.customer
    referrer_id = getattr(customer, "referred_by_id", None) if customer else None
    program = ledger.current_program(sale.shop)
    if (
        referrer_id is None
        or program is None
        or not program.is_active
        or not program.referral_bonus_points
        or sale.status != COMPLETED
        or sale.outstanding_idr > 0
        or sale.total_idr - (sale.returned_idr or 0) <= 0
    ):
        return None
    # Checked first without any lock: nearly every call is a later sale of a
    # friend whose bonus was paid long ago, and must stay cheap.
    if _referral_still_held(sale.shop, customer.pk):
        return None
    referrer = type(customer).objects.filter(shop=sale.shop, pk=referrer_id).first()
    if referrer is None:
        return None
    with transaction.atomic():
        # The referrer's lock makes awards and voids for one referrer take turns;
        # checked again under it.
        account = ledger.lock_account(sale.shop, referrer)
        key = f"referral:{customer.pk}"
        if PointsEntry.objects.filter(shop=sale.shop, idempotency_key=key).exists():
            if _referral_still_held(sale.shop, customer.pk):
                return None
            key = f"referral:{customer.pk}:sale:{sale.pk}"
        return ledger.post_points(
            account,
            kind=EntryKind.BONUS,
            points=program.referral_bonus_points,
            key=key,
            by=by,
            program=program,
            sale_id=sale.pk,
            reason=_("Referral bonus: a friend you invited made a first purchase"),
            expires_on=ledger.expiry_for(program, timezone.localdate()),
        )


def _take_back_referral(sale, by, reason) -> None:
    """Take back the referral bonus `sale` paid, from the referrer's account (the
    survivor's, if the referrer was merged); what was spent stays spent."""
    bonus = (
        PointsEntry.objects.select_related("account")
        .filter(
            shop_id=sale.shop_id,
            kind=EntryKind.BONUS,
            sale_id=sale.pk,
            idempotency_key__startswith="referral:",
        )
        .first()
    )
    if bonus is None:
        return
    holder = bonus.account
    while holder.customer_id is None and holder.merged_into_id is not None:
        holder = holder.merged_into
    if holder.customer_id is None:
        return
    account = ledger.lock_account(sale.shop, holder.customer)
    _take_back(
        account,
        bonus.points,
        key=f"void:{sale.pk}:referral",
        by=by,
        sale_id=sale.pk,
        program=bonus.program_version,
        reason=reason,
    )
    # The friend's first paid purchase may now be a later sale, already paid:
    # it earns the bonus (nothing happens if the referrer keeps part of it).
    sale_model = apps.get_model("sales", "Sale")
    now_first = (
        sale_model.objects.filter(
            shop_id=sale.shop_id,
            customer_id=sale.customer_id,
            status=COMPLETED,
            outstanding_idr=0,
            total_idr__gt=F("returned_idr"),
        )
        .exclude(pk=sale.pk)
        .order_by("created_at", "pk")
        .first()
    )
    if now_first is not None:
        award_referral_bonus(now_first, by=by)


# ---- Returns and voids ----


def _earn_entry(sale) -> PointsEntry | None:
    return PointsEntry.objects.filter(
        shop_id=sale.shop_id, idempotency_key=f"sale:{sale.pk}:earn"
    ).first()


def _redeem_entry(sale) -> PointsEntry | None:
    return (
        PointsEntry.objects.select_related("reward")
        .filter(shop_id=sale.shop_id, idempotency_key=f"sale:{sale.pk}:redeem")
        .first()
    )


def _return_entries(sale):
    """Entries posted for returns of `sale`, on any account (a merge moves
    accounts)."""
    return PointsEntry.objects.filter(
        shop_id=sale.shop_id, sale_id=sale.pk, sale_return_id__isnull=False
    )


def _redeem_back_key(sale_return_pk) -> str:
    return f"return:{sale_return_pk}:redeem"


def _is_redeem_back() -> Q:
    return Q(idempotency_key__startswith="return:", idempotency_key__endswith=":redeem")


def _returned_points(sale):
    """Earned points taken back by returns of `sale` (negative entries)."""
    return _return_entries(sale).exclude(_is_redeem_back())


def _redeemed_given_back(sale) -> int:
    """Redeemed points of `sale` its returns have already given back."""
    back = _return_entries(sale).filter(_is_redeem_back())
    return back.aggregate(points=Sum("points"))["points"] or 0


def _take_back(account, points: int, **kwargs) -> PointsEntry | None:
    """Post a reversal of up to `points`; what was already spent stays spent."""
    points = min(points, account.balance)
    if points <= 0:
        return None
    return ledger.post_points(account, kind=EntryKind.REVERSE, points=-points, **kwargs)


def _give_back_redeemed(
    shop, account, redeemed, points: int, *, key, by, sale_id, reason, **fields
) -> PointsEntry | None:
    """Give back `points` of a sale's redemption, with the expiry the shop's
    rules give points today; the reward goes back in stock when these are the
    last of its points (the whole redemption is then undone)."""
    if points <= 0:
        return None
    program = ledger.current_program(shop)
    back = ledger.post_points(
        account,
        kind=EntryKind.REVERSE,
        points=points,
        key=key,
        by=by,
        sale_id=sale_id,
        reward=redeemed.reward,
        program=program,
        reason=reason,
        expires_on=ledger.expiry_for(program, timezone.localdate()),
        **fields,
    )
    reward = redeemed.reward
    is_last = back is not None and _redeemed_given_back_total(redeemed) >= (
        -redeemed.points
    )
    if is_last and reward is not None and reward.stock is not None:
        reward = Reward.objects.select_for_update().get(pk=reward.pk)
        reward.stock += 1
        reward.save(update_fields=["stock"])
    return back


def _redeemed_given_back_total(redeemed) -> int:
    """Points of the redemption `redeemed` given back so far, by returns and
    the void."""
    given = PointsEntry.objects.filter(
        Q(_is_redeem_back(), sale_return_id__isnull=False)
        | Q(idempotency_key=f"void:{redeemed.sale_id}:redeem"),
        shop_id=redeemed.shop_id,
        sale_id=redeemed.sale_id,
    )
    return given.aggregate(points=Sum("points"))["points"] or 0


def _give_back_return_redeemed(sale, sale_return, account, redeemed, by) -> None:
    """Give back the redeemed points the returned pieces carried.

    A reward's discount is shared over the lines as refunds share it, so the
    returned pieces carry `points × (their weight) / (all weights)`. Counted over
    every return so far minus what earlier returns gave back: the last return
    makes up the rounding, and no more than was redeemed ever comes back.
    """
    key = _redeem_back_key(sale_return.pk)
    if PointsEntry.objects.filter(shop_id=sale.shop_id, idempotency_key=key).exists():
        return
    if PointsEntry.objects.filter(
        shop_id=sale.shop_id, idempotency_key=f"void:{sale.pk}:redeem"
    ).exists():
        return
    redeemed_points = -redeemed.points
    sale_line_model, _return = _sale_models()
    lines = list(sale_line_model.objects.filter(sale=sale))
    # The weights refunds share the money with: the points follow the rupiah.
    weights = sale_share_weights(lines)
    whole = sum(weights.values())
    if whole <= 0 or redeemed_points <= 0:
        return
    quantities = {line.pk: line.quantity for line in lines}
    # Every return of the sale up to this one, so several partial returns never
    # drift by rounding.
    returned = (
        apps.get_model("sales", "SaleReturnLine")
        .objects.filter(sale_return__sale=sale, sale_return__pk__lte=sale_return.pk)
        .values_list("sale_line_id", "quantity")
    )
    so_far = Fraction(0)
    for line_id, quantity in returned:
        if quantities.get(line_id):
            so_far += Fraction(weights[line_id] * quantity, quantities[line_id])
    due = math.floor(redeemed_points * min(Fraction(1), so_far / whole))
    points = min(due, redeemed_points) - _redeemed_given_back(sale)
    if points <= 0:
        return
    _give_back_redeemed(
        sale.shop,
        account,
        redeemed,
        points,
        key=key,
        by=by,
        sale_id=sale.pk,
        sale_return_id=sale_return.pk,
        reason=_("Points used on sale %(number)s, given back for returned items")
        % {"number": sale},
    )


def reverse_sale_return(sale_return, by) -> None:
    """Give back the redeemed points the returned pieces carried (as their
    refund carries the reward's rupiah), take back the points earned on them in
    proportion to their part of the earn basis (an offer's discount shared over
    its set, as refunds share it), then re-check the tier: the spend it stands
    on just went down."""
    sale = sale_return.sale
    if sale.customer_id is None:
        return
    earned = _earn_entry(sale)
    redeemed = _redeem_entry(sale)
    if (
        earned is None
        and redeemed is None
        and not PointsAccount.objects.filter(
            shop_id=sale.shop_id, customer_id=sale.customer_id
        ).exists()
    ):
        return
    with transaction.atomic():
        if redeemed is not None:
            lock_reward(sale.shop, redeemed.reward_id)
        # The customer's own account now: after a merge the earning entry sits on
        # the duplicate's detached account, whose points moved to the survivor.
        account = ledger.lock_account(sale.shop, sale.customer)
        # Given back first, as a void does: the points earned on the sale are
        # then taken back from a balance that has the redeemed ones again.
        if redeemed is not None:
            _give_back_return_redeemed(sale, sale_return, account, redeemed, by)
        if earned is not None:
            _reverse_return_points(sale, sale_return, account, earned, by)
        _refresh_locked_tier(
            sale.shop,
            account,
            sale.customer,
            _("Return of items from sale %(number)s") % {"number": sale},
        )


def _reverse_return_points(sale, sale_return, account, earned, by) -> None:
    program = earned.program_version
    key = f"return:{sale_return.pk}"
    if PointsEntry.objects.filter(shop_id=sale.shop_id, idempotency_key=key).exists():
        return
    sale_line_model, return_model = _sale_models()
    lines = {
        line.pk: line
        for line in sale_line_model.objects.filter(sale=sale).select_related("product")
        if _line_earns(line, program)
    }
    ordered = list(lines.values())
    weights = dict(zip(lines, _return_weights(ordered, program), strict=True))
    eligible_total = sum(weights.values())
    if eligible_total <= 0:
        return

    def returned_share(returns) -> Fraction:
        """Returned part of the earning lines, by their part of the basis."""
        share = Fraction(0)
        for ret in returns:
            for ret_line in ret.lines.all():
                line = lines.get(ret_line.sale_line_id)
                if line is not None:
                    share += Fraction(
                        weights[line.pk] * ret_line.quantity, line.quantity
                    )
        return share

    this_share = returned_share([sale_return])
    if this_share <= 0:
        return
    # The share of every return so far, so several partial returns never drift
    # by rounding and never take back more than was earned.
    so_far = return_model.objects.filter(sale=sale, pk__lte=sale_return.pk)
    cumulative = min(Fraction(eligible_total), returned_share(so_far))
    target = math.floor(earned.points * cumulative / eligible_total)
    already = -(_returned_points(sale).aggregate(points=Sum("points"))["points"] or 0)
    returned = math.floor(this_share)
    _take_back(
        account,
        target - already,
        key=key,
        by=by,
        sale_id=sale.pk,
        sale_return_id=sale_return.pk,
        basis_idr=returned,
        program=program,
        reason=_("Return of items from sale %(number)s") % {"number": sale},
    )


def store_credit_back_on_void(sale, unrefunded_idr: int | None = None) -> int:
    """The store credit a void of `sale` gives back: what the sale spent, but
    no more than `unrefunded_idr` (the money paid and not yet given back by its
    returns: a return refunded in cash already gave the rest back). None: all
    the store credit spent."""
    if sale.customer_id is None:
        return 0
    spent = StoreCreditEntry.objects.filter(
        shop_id=sale.shop_id, idempotency_key=f"sale:{sale.pk}:credit"
    ).first()
    back = -spent.amount_idr if spent is not None else 0
    if unrefunded_idr is not None:
        back = min(back, max(0, unrefunded_idr))
    return back


def reverse_sale_void(sale, by, *, unrefunded_idr: int | None = None) -> int:
    """Give back redeemed points and store credit, take back earned points and
    the referral bonus the sale paid. Returns the store credit given back
    (`store_credit_back_on_void`).
    """
    if sale.customer_id is None:
        return 0
    shop = sale.shop
    with transaction.atomic():
        # Locks in the order a sale takes them: store credit, the reward, then
        # points accounts (PostgreSQL would otherwise deadlock a void against
        # a sale of the same customer paying with store credit).
        back = store_credit_back_on_void(sale, unrefunded_idr)
        credit = ledger.lock_credit_account(shop, sale.customer) if back > 0 else None
        redeemed = _redeem_entry(sale)
        if redeemed is not None:
            lock_reward(shop, redeemed.reward_id)
        account = ledger.lock_account(shop, sale.customer)
        reason = _("Sale %(number)s was voided") % {"number": sale}
        if redeemed is not None:
            # Only what the sale's returns have not given back already.
            _give_back_redeemed(
                shop,
                account,
                redeemed,
                -redeemed.points - _redeemed_given_back(sale),
                key=f"void:{sale.pk}:redeem",
                by=by,
                sale_id=sale.pk,
                reason=reason,
            )
        earned = _earn_entry(sale)
        if earned is not None:
            already = -(
                _returned_points(sale).aggregate(points=Sum("points"))["points"] or 0
            )
            _take_back(
                account,
                earned.points - already,
                key=f"void:{sale.pk}:earn",
                by=by,
                sale_id=sale.pk,
                program=earned.program_version,
                reason=reason,
            )
        if credit is not None:
            ledger.post_credit(
                credit,
                amount_idr=back,
                key=f"void:{sale.pk}:credit",
                by=by,
                sale_id=sale.pk,
                reason=reason,
            )
        _take_back_referral(sale, by, reason)
        refresh_tier(shop, sale.customer, reason=reason)
    return back


# ---- Sale screen ----


def sale_screen_context(shop, customer) -> dict:
    """What the sale screen shows for a member: points, tier, rewards, credit."""
    program = ledger.current_program(shop)
    empty = {
        "loyalty_enabled": program is not None,
        "points_balance": 0,
        "tier": None,
        "tier_name": "",
        "rewards": [],
        "store_credit_idr": 0,
        "coupons": [],
        "point_value_idr": program.point_value_idr if program else 0,
        "earn_and_redeem_same_sale": (
            program.earn_and_redeem_same_sale if program else True
        ),
    }
    if customer is None:
        return empty
    account = (
        PointsAccount.objects.select_related("tier")
        .filter(shop=shop, customer=customer)
        .first()
    )
    credit = StoreCreditAccount.objects.filter(shop=shop, customer=customer).first()
    balance = account.balance if account else 0
    tier = account.tier if account else None
    return {
        **empty,
        "points_balance": balance,
        "tier": tier,
        "tier_name": tier.name if tier else "",
        "rewards": list(affordable_rewards(shop, balance)),
        "store_credit_idr": credit.balance_idr if credit else 0,
        "coupons": list(open_coupons(shop, customer, usable_today=True)),
    }


def affordable_rewards(shop, balance: int):
    return (
        Reward.objects.filter(shop=shop, is_active=True, points_cost__lte=balance)
        .exclude(stock=0)
        .order_by("points_cost", "id")
    )


def normalize_member_code(code: str) -> str:
    """Uppercase, no separators; O→0 and I/L→1 as people mistype them."""
    text = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def find_customer_by_member_code(shop, code: str):
    """The customer holding an active member card with this code, else None."""
    normalized = normalize_member_code(code)
    if not normalized:
        return None
    card = (
        MemberCard.objects.select_related("customer")
        .filter(shop=shop, code=normalized, revoked_at__isnull=True)
        .first()
    )
    return card.customer if card is not None else None


# ---- Store credit ----


def add_store_credit(
    shop, customer, amount_idr: int, *, reason: str, by, idempotency_key: str
) -> StoreCreditEntry | None:
    """Put rupiah on the customer's store credit; None if the key was used."""
    if amount_idr <= 0:
        raise ValidationError(
            _("The amount must be more than 0."), code="credit_not_positive"
        )
    with transaction.atomic():
        account = ledger.lock_credit_account(shop, customer)
        return ledger.post_credit(
            account,
            amount_idr=amount_idr,
            key=f"credit:{idempotency_key}",
            by=by,
            reason=reason,
        )


def spend_store_credit(
    shop, customer, amount_idr: int, *, sale, by
) -> StoreCreditEntry | None:
    """Pay part of `sale` with store credit; once per sale, never below zero."""
    if amount_idr <= 0:
        raise ValidationError(
            _("The amount must be more than 0."), code="credit_not_positive"
        )
    with transaction.atomic():
        account = ledger.lock_credit_account(shop, customer)
        return ledger.post_credit(
            account,
            amount_idr=-amount_idr,
            key=f"sale:{sale.pk}:credit",
            by=by,
            sale_id=sale.pk,
        )


def store_credit_balance(shop, customer) -> int:
    account = StoreCreditAccount.objects.filter(shop=shop, customer=customer).first()
    return account.balance_idr if account else 0


def points_balance(shop, customer) -> int:
    account = PointsAccount.objects.filter(shop=shop, customer=customer).first()
    return account.balance if account else 0
