"""Folding a duplicate customer's points and store credit into the survivor.

The customers app calls `merge_customers(survivor, duplicate)` before it moves
foreign keys generically. Balances move by new entries, never by editing: each open
lot of the duplicate is closed on its account and re-opened on the survivor's
with the same expiry date. The duplicate's accounts are then detached from the
customer (`customer = None`, `merged_into` set) so their one-to-one links cannot
clash with the survivor's.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from setia.loyalty import ledger
from setia.loyalty.models import EntryKind, PointsAccount, StoreCreditAccount


@transaction.atomic
def merge_customers(survivor, duplicate, *, by=None) -> None:
    """Move the duplicate's points and store credit to the survivor; idempotent."""
    shop = survivor.shop
    if duplicate.shop_id != survivor.shop_id or duplicate.pk == survivor.pk:
        raise ValueError("merge needs two different customers of one shop")
    reason = _("Merged from a duplicate customer record")
    old = (
        PointsAccount.objects.select_for_update()
        .filter(shop=shop, customer=duplicate)
        .first()
    )
    if old is not None:
        target = ledger.lock_account(shop, survivor)
        for lot in ledger.open_lots(old):
            ledger.post_points(
                old,
                kind=EntryKind.MERGE,
                points=-lot.remaining,
                key=f"merge-out:{lot.entry_id}",
                by=by,
                reason=reason,
            )
            ledger.post_points(
                target,
                kind=EntryKind.MERGE,
                points=lot.remaining,
                key=f"merge-in:{lot.entry_id}",
                by=by,
                reason=reason,
                expires_on=lot.expires_on,
            )
        if target.tier_id is None and old.tier_id is not None:
            target.tier_id = old.tier_id
            target.save(update_fields=["tier"])
        old.customer = None
        old.merged_into = target
        old.save(update_fields=["customer", "merged_into"])
    old_credit = (
        StoreCreditAccount.objects.select_for_update()
        .filter(shop=shop, customer=duplicate)
        .first()
    )
    if old_credit is not None:
        if old_credit.balance_idr > 0:
            amount = old_credit.balance_idr
            target_credit = ledger.lock_credit_account(shop, survivor)
            ledger.post_credit(
                old_credit,
                amount_idr=-amount,
                key=f"merge-out:{old_credit.pk}",
                by=by,
                reason=reason,
            )
            ledger.post_credit(
                target_credit,
                amount_idr=amount,
                key=f"merge-in:{old_credit.pk}",
                by=by,
                reason=reason,
            )
        old_credit.customer = None
        old_credit.save(update_fields=["customer"])
