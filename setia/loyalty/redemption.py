"""Redeeming points at the counter: checking a redemption and writing it."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.lib.money import percent_of
from setia.loyalty import ledger
from setia.loyalty.models import (
    EntryKind,
    PointsAccount,
    PointsEntry,
    Reward,
    RewardKind,
)


@dataclass
class Redemption:
    points: int
    discount_idr: int
    reward_id: int | None


def reward_discount(reward: Reward, amount_idr: int) -> int:
    """Rupiah off `amount_idr` that `reward` gives, never more than the amount."""
    if reward.kind == RewardKind.PERCENT:
        discount = percent_of(amount_idr, reward.percent_bp)
        if reward.cap_idr:
            discount = min(discount, reward.cap_idr)
    else:
        discount = reward.value_idr
    return max(0, min(discount, amount_idr))


def quote_redemption(
    shop, customer, *, points: int, reward_id: int | None, amount_idr: int
) -> Redemption:
    """Check a redemption before the sale is saved; raises ValidationError."""
    if customer is None:
        raise ValidationError(
            _("Choose a member before redeeming points."), code="no_customer"
        )
    program = ledger.current_program(shop)
    if program is None:
        raise ValidationError(
            _("This shop has no loyalty program yet."), code="no_program"
        )
    if amount_idr <= 0:
        raise ValidationError(
            _("There is nothing to pay, so no points can be used."), code="no_amount"
        )
    account = PointsAccount.objects.filter(shop=shop, customer=customer).first()
    balance = account.balance if account is not None else 0
    if reward_id is not None:
        reward = Reward.objects.filter(shop=shop, pk=reward_id, is_active=True).first()
        if reward is None:
            raise ValidationError(_("This reward is not available."), code="no_reward")
        if reward.stock is not None and reward.stock <= 0:
            raise ValidationError(
                _("“%(name)s” is out of stock."),
                code="reward_out_of_stock",
                params={"name": reward.name},
            )
        points, discount = reward.points_cost, reward_discount(reward, amount_idr)
    else:
        if points <= 0:
            raise ValidationError(
                _("Type how many points to use (more than 0)."), code="no_points"
            )
        discount = points * program.point_value_idr
        if discount > amount_idr:
            raise ValidationError(
                _(
                    "At most %(max)s points can be used on this sale "
                    "(1 point = Rp %(value)s)."
                ),
                code="discount_above_amount",
                params={
                    "max": amount_idr // program.point_value_idr,
                    "value": program.point_value_idr,
                },
            )
    if points > balance:
        raise ValidationError(
            _("Not enough points: the balance is %(balance)s, %(needed)s are needed."),
            code="insufficient_points",
            params={"balance": balance, "needed": points},
        )
    return Redemption(points=points, discount_idr=discount, reward_id=reward_id)


def lock_reward(shop, reward_id: int | None) -> None:
    """Lock a reward's row before any points account is locked.

    Every path that touches a reward's stock takes the reward first, then the
    accounts: a sale that redeems a reward and pays a referral bonus locks two
    accounts, and a return or void giving back the last of a reward's points
    puts it back in stock. Locked in one order, they cannot deadlock
    (PostgreSQL; SQLite's writers take turns anyway)."""
    if reward_id is not None:
        list(
            Reward.objects.select_for_update()
            .filter(shop=shop, pk=reward_id)
            .values_list("pk", flat=True)
        )


def _redeem(shop, account, redemption: Redemption, *, key, by, sale_id=None, at=None):
    """Write a redeem entry on a LOCKED account and take one reward from stock."""
    reward = None
    if redemption.reward_id is not None:
        reward = Reward.objects.select_for_update().get(
            shop=shop, pk=redemption.reward_id
        )
    entry = ledger.post_points(
        account,
        kind=EntryKind.REDEEM,
        points=-redemption.points,
        key=key,
        by=by,
        reward=reward,
        sale_id=sale_id,
        discount_idr=redemption.discount_idr,
        program=ledger.current_program(shop),
        created_at=at or timezone.now(),
    )
    if entry is not None and reward is not None and reward.stock is not None:
        if reward.stock <= 0:
            raise ValidationError(
                _("“%(name)s” is out of stock."),
                code="reward_out_of_stock",
                params={"name": reward.name},
            )
        reward.stock -= 1
        reward.save(update_fields=["stock"])
    return entry


def redeem_points(
    shop, customer, redemption: Redemption, *, by, idempotency_key: str
) -> PointsEntry | None:
    """Redeem outside a sale (for example a free item handed over)."""
    with transaction.atomic():
        lock_reward(shop, redemption.reward_id)
        account = ledger.lock_account(shop, customer)
        return _redeem(
            shop, account, redemption, key=f"redeem:{idempotency_key}", by=by
        )
