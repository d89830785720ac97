"""The points and store-credit ledgers: locked balance rows plus append-only entries.

Every write goes through `post_points` / `post_credit`: lock the cached balance
row (`select_for_update`; on SQLite the IMMEDIATE transaction already serialises
writers), skip when the idempotency key was used, append the entry, update the
cached balance. A database CHECK keeps the balance at or above zero.
"""

import calendar
import copy
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.accounts.models import cached_shop_setting, shop_settings_changed
from setia.loyalty.models import (
    BuyGetOffer,
    CouponRule,
    EntryKind,
    PointsAccount,
    PointsEntry,
    ProgramVersion,
    StoreCreditAccount,
    StoreCreditEntry,
    Tier,
)

# The rules every sale reads are cached per process under the shop's settings
# token (`cached_shop_setting`). Any save or delete of them, through the Owner's
# screens, a command or a test, changes the token in the same transaction. The
# cached readers live here and in `promotions` (which imports this module), so
# these receivers are connected before anything can be cached.
SALE_RULE_MODELS = (ProgramVersion, Tier, BuyGetOffer, CouponRule)


def _sale_rules_changed(sender, instance, **kwargs) -> None:
    shop = instance.shop if sender.shop.is_cached(instance) else None
    shop_settings_changed(instance.shop_id, shop)


for _model in SALE_RULE_MODELS:
    post_save.connect(_sale_rules_changed, sender=_model, dispatch_uid=f"rules{_model}")
    post_delete.connect(
        _sale_rules_changed, sender=_model, dispatch_uid=f"rules-del{_model}"
    )


def current_program(shop) -> ProgramVersion | None:
    """The newest saved version of the shop's rules, or None before set-up."""
    program = cached_shop_setting(
        shop,
        "program",
        lambda: ProgramVersion.objects.filter(shop=shop).order_by("-version").first(),
    )
    # A copy: a form or caller may set attributes on what it gets.
    return copy.copy(program)


def get_account(shop, customer) -> PointsAccount:
    """The customer's points account, created on first use (not locked)."""
    account, _created = PointsAccount.objects.get_or_create(
        shop=shop, customer=customer
    )
    return account


def lock_account(shop, customer) -> PointsAccount:
    """The customer's points account, locked until the transaction ends."""
    # `of=("self",)`: lock the account row only, never the shared tier row.
    locked = PointsAccount.objects.select_for_update(of=("self",)).select_related(
        "tier"
    )
    try:
        return locked.get(shop=shop, customer=customer)
    except PointsAccount.DoesNotExist:
        # INSERT ... ON CONFLICT DO NOTHING: a clerk saving for the same new
        # member at the same moment is no error, and no savepoint is needed.
        # A member's first sale opens the account inside the sale's write turn,
        # where get_or_create's savepoint and second look cost three statements.
        PointsAccount.objects.bulk_create(
            [PointsAccount(shop=shop, customer=customer)], ignore_conflicts=True
        )
        return locked.get(shop=shop, customer=customer)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def expiry_for(program: ProgramVersion | None, earned_on: dt.date) -> dt.date | None:
    if program is None or program.expiry_months == 0:
        return None
    return add_months(earned_on, program.expiry_months)


def post_points(
    account: PointsAccount,
    *,
    kind: str,
    points: int,
    key: str,
    by=None,
    reason: str = "",
    program: ProgramVersion | None = None,
    expires_on: dt.date | None = None,
    key_is_new: bool = False,
    **fields,
) -> PointsEntry | None:
    """Append one entry to a LOCKED account; None when `key` was already used.

    `key_is_new`: the caller knows no entry can have the key yet (it names a
    sale saved in this transaction), so it is not looked up; the unique
    constraint on the key still stands behind that.
    Raises ValidationError when the balance would go below zero.
    """
    if points == 0:
        return None
    if (
        not key_is_new
        and PointsEntry.objects.filter(
            shop_id=account.shop_id, idempotency_key=key
        ).exists()
    ):
        return None
    if account.balance + points < 0:
        raise ValidationError(
            _("Not enough points: the balance is %(balance)s, %(needed)s are needed."),
            code="insufficient_points",
            params={"balance": account.balance, "needed": -points},
        )
    entry = PointsEntry.objects.create(
        shop_id=account.shop_id,
        account=account,
        kind=kind,
        points=points,
        idempotency_key=key,
        created_by=by if by is not None and by.is_authenticated else None,
        reason=reason[:200],
        program_version=program,
        expires_on=expires_on if points > 0 else None,
        **fields,
    )
    account.balance += points
    account.save(update_fields=["balance"])
    return entry


@dataclass
class Lot:
    entry_id: int
    earned_at: dt.datetime
    expires_on: dt.date | None
    remaining: int


def open_lots(account: PointsAccount) -> list[Lot]:
    """Positive entries with points left, after every spend took the lot that
    expires first (first in, first out when the expiry period does not change)."""
    lots: list[Lot] = []
    entries = account.entries.order_by("id").values_list(
        "id", "points", "expires_on", "created_at"
    )
    for entry_id, points, expires_on, created_at in entries:
        if points > 0:
            lots.append(Lot(entry_id, created_at, expires_on, points))
            continue
        to_take = -points
        order = sorted(
            (lot for lot in lots if lot.remaining > 0),
            key=lambda lot: (lot.expires_on or dt.date.max, lot.entry_id),
        )
        for lot in order:
            taken = min(lot.remaining, to_take)
            lot.remaining -= taken
            to_take -= taken
            if to_take == 0:
                break
    return [lot for lot in lots if lot.remaining > 0]


@transaction.atomic
def expire_account(account_id: int, today: dt.date) -> int:
    """Expire the points of lots whose date has passed; returns points expired."""
    account = PointsAccount.objects.select_for_update().get(pk=account_id)
    due = sum(
        lot.remaining
        for lot in open_lots(account)
        if lot.expires_on is not None and lot.expires_on <= today
    )
    if due <= 0:
        return 0
    entry = post_points(
        account,
        kind=EntryKind.EXPIRE,
        points=-due,
        key=f"expire:{account.pk}:{today.isoformat()}",
    )
    return due if entry is not None else 0


def expire_points(shop=None, today: dt.date | None = None) -> int:
    """Expire due points for one shop or all; safe to run any number of times."""
    today = today or timezone.localdate()
    accounts = PointsEntry.objects.filter(
        points__gt=0, expires_on__isnull=False, expires_on__lte=today
    )
    if shop is not None:
        accounts = accounts.filter(shop=shop)
    total = 0
    for account_id in accounts.values_list("account_id", flat=True).distinct():
        total += expire_account(account_id, today)
    return total


# ---- Store credit ----


def lock_credit_account(shop, customer) -> StoreCreditAccount:
    if not StoreCreditAccount.objects.filter(shop=shop, customer=customer).exists():
        StoreCreditAccount.objects.get_or_create(shop=shop, customer=customer)
    return StoreCreditAccount.objects.select_for_update().get(
        shop=shop, customer=customer
    )


def post_credit(
    account: StoreCreditAccount,
    *,
    amount_idr: int,
    key: str,
    by=None,
    reason: str = "",
    sale_id: int | None = None,
) -> StoreCreditEntry | None:
    """Append one store-credit movement to a LOCKED account; None if `key` used."""
    if StoreCreditEntry.objects.filter(
        shop_id=account.shop_id, idempotency_key=key
    ).exists():
        return None
    if account.balance_idr + amount_idr < 0:
        raise ValidationError(
            _("Not enough store credit: the balance is %(balance)s."),
            code="insufficient_credit",
            params={"balance": account.balance_idr},
        )
    entry = StoreCreditEntry.objects.create(
        shop_id=account.shop_id,
        account=account,
        amount_idr=amount_idr,
        idempotency_key=key,
        reason=reason[:200],
        sale_id=sale_id,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    account.balance_idr += amount_idr
    account.save(update_fields=["balance_idr"])
    return entry
