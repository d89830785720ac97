import datetime as dt

import pytest

from setia.loyalty import ledger, services
from setia.loyalty.merge import merge_customers
from setia.loyalty.models import EntryKind, PointsAccount, PointsEntry
from setia.loyalty.tests.factories import make_customer, make_program, make_sale

pytestmark = pytest.mark.django_db


def test_merge_moves_points_and_credit_by_new_entries_keeping_expiry(shop, owner):
    make_program(shop)
    survivor = make_customer(shop, name="Bu Sari")
    duplicate = make_customer(shop, name="Sari (lama)")
    services.record_sale_loyalty(make_sale(shop, survivor), None, owner)
    services.record_sale_loyalty(
        make_sale(shop, duplicate, [(250_000, 1, "", False)]), None, owner
    )
    services.add_store_credit(
        shop, duplicate, 20_000, reason="retur", by=owner, idempotency_key="d"
    )
    earned = PointsEntry.objects.get(account__customer=duplicate, kind=EntryKind.EARN)
    before = set(PointsEntry.objects.values_list("id", "points"))

    merge_customers(survivor, duplicate, by=owner)
    merge_customers(survivor, duplicate, by=owner)

    assert services.points_balance(shop, survivor) == 35
    assert services.points_balance(shop, duplicate) == 0
    assert services.store_credit_balance(shop, survivor) == 20_000
    # Nothing was edited: the old entries are all still there, unchanged.
    assert before <= set(PointsEntry.objects.values_list("id", "points"))
    moved_in = PointsEntry.objects.get(account__customer=survivor, kind=EntryKind.MERGE)
    assert moved_in.points == 25
    assert moved_in.expires_on == earned.expires_on
    old = PointsAccount.objects.get(merged_into__customer=survivor)
    assert old.customer is None
    assert old.balance == 0
    # Expiry of the moved lot happens once, on the survivor.
    assert ledger.expire_points(shop, earned.expires_on + dt.timedelta(days=1)) == 35


def test_merge_refuses_customers_of_two_shops(shop, other_shop):
    with pytest.raises(ValueError):
        merge_customers(make_customer(shop), make_customer(other_shop))


def test_customers_merge_runs_this_hook_and_keeps_cards_working(shop, owner):
    from setia.customers.merging import merge_customers as merge_in_customers
    from setia.loyalty import members

    make_program(shop)
    survivor = make_customer(shop, name="Bu Sari")
    duplicate = make_customer(shop, name="Sari (lama)")
    services.record_sale_loyalty(make_sale(shop, survivor), None, owner)
    services.record_sale_loyalty(make_sale(shop, duplicate), None, owner)
    old_card = members.issue_member_card(shop, duplicate, by=owner)

    merge_in_customers(shop, owner, survivor, duplicate)

    assert services.points_balance(shop, survivor) == 20
    assert services.find_customer_by_member_code(shop, old_card.code) == survivor
    assert PointsAccount.objects.filter(customer__isnull=True).count() == 1
