"""Loyalty after returns and voids, through the sales services: the referral
bonus a voided sale paid, and the tier a returned sale had earned."""

import pytest

from setia.customers.models import Customer
from setia.loyalty import programs
from setia.loyalty import services as loyalty
from setia.loyalty.models import EntryKind, PointsAccount, PointsEntry, Tier, TierChange
from setia.sales import services
from setia.sales.models import RefundMethod
from setia.sales.tests.factories import make_customer, make_product, sell

pytestmark = pytest.mark.django_db


def test_void_takes_back_the_referral_bonus_and_a_later_sale_earns_it_again(
    shop, owner
):
    programs.save_program(shop, by=owner, referral_bonus_points=50)
    referrer = make_customer(shop, name="Bu Ani")
    friend = make_customer(shop, name="Bu Rina")
    Customer.objects.filter(pk=friend.pk).update(referred_by=referrer)
    friend.refresh_from_db()
    variant = make_product(shop, price=50_000, grosir=0, stock=50).variants.get()
    first = sell(shop, owner, variant, 1, customer=friend)
    assert loyalty.points_balance(shop, referrer) == 50
    services.void_sale(shop, owner, first, reason="salah input")
    assert loyalty.points_balance(shop, referrer) == 0
    back = PointsEntry.objects.get(idempotency_key=f"void:{first.pk}:referral")
    assert (back.kind, back.points, back.sale_id) == (EntryKind.REVERSE, -50, first.pk)
    # The friend really buys later: the referrer earns the bonus, once.
    second = sell(shop, owner, variant, 1, customer=friend)
    sell(shop, owner, variant, 1, customer=friend)
    assert loyalty.points_balance(shop, referrer) == 50
    assert (
        PointsEntry.objects.filter(
            account__customer=referrer, kind=EntryKind.BONUS, sale_id=second.pk
        ).count()
        == 1
    )


def test_voiding_the_first_sale_moves_the_bonus_to_a_later_paid_sale(shop, owner):
    programs.save_program(shop, by=owner, referral_bonus_points=50)
    referrer = make_customer(shop, name="Bu Ani")
    friend = make_customer(shop, name="Bu Rina")
    Customer.objects.filter(pk=friend.pk).update(referred_by=referrer)
    friend.refresh_from_db()
    variant = make_product(shop, price=50_000, grosir=0, stock=50).variants.get()
    first = sell(shop, owner, variant, 1, customer=friend)
    second = sell(shop, owner, variant, 1, customer=friend)
    assert loyalty.points_balance(shop, referrer) == 50
    # The first sale was a mistake: the friend's real first purchase is the
    # second one, already paid, so the referrer keeps a bonus, paid by it.
    services.void_sale(shop, owner, first, reason="salah input")
    assert loyalty.points_balance(shop, referrer) == 50
    bonus = PointsEntry.objects.get(
        account__customer=referrer, kind=EntryKind.BONUS, sale_id=second.pk
    )
    assert bonus.points == 50
    sell(shop, owner, variant, 1, customer=friend)
    assert loyalty.points_balance(shop, referrer) == 50


def test_a_friend_merged_into_another_record_pays_the_bonus_once(shop, owner):
    from setia.customers.merging import merge_customers

    programs.save_program(shop, by=owner, referral_bonus_points=50)
    referrer = make_customer(shop, name="Bu Ani")
    friend = make_customer(shop, name="Bu Rina")
    twin = make_customer(shop, name="Rina (nomor lama)")
    Customer.objects.filter(pk=friend.pk).update(referred_by=referrer)
    friend.refresh_from_db()
    variant = make_product(shop, price=50_000, grosir=0, stock=50).variants.get()
    sell(shop, owner, variant, 1, customer=friend)
    assert loyalty.points_balance(shop, referrer) == 50
    # The friend's record is folded into an older one, which takes her referrer.
    survivor = merge_customers(shop, owner, twin, friend)
    assert survivor.referred_by_id == referrer.pk
    sell(shop, owner, variant, 1, customer=survivor)
    assert loyalty.points_balance(shop, referrer) == 50


def test_a_later_sale_of_a_referred_friend_stays_cheap(
    shop, owner, django_assert_max_num_queries
):
    programs.save_program(shop, by=owner, referral_bonus_points=50)
    referrer = make_customer(shop, name="Bu Ani")
    friend = make_customer(shop, name="Bu Rina")
    Customer.objects.filter(pk=friend.pk).update(referred_by=referrer)
    friend.refresh_from_db()
    variant = make_product(shop, price=50_000, grosir=0, stock=50).variants.get()
    sell(shop, owner, variant, 1, customer=friend)
    later = sell(shop, owner, variant, 1, customer=friend)
    # The bonus was paid by the first sale: no lock on the referrer's account,
    # just the program and the two ledger reads.
    with django_assert_max_num_queries(3):
        assert loyalty.award_referral_bonus(later) is None


def test_full_return_of_the_sale_that_made_gold_drops_the_tier(shop, owner):
    programs.save_program(shop, by=owner, idr_per_point=10_000)
    gold = Tier.objects.create(
        shop=shop, name="Gold", min_spend_idr=1_000_000, multiplier_bp=20_000
    )
    customer = make_customer(shop)
    big = make_product(shop, name="Set", price=1_000_000, grosir=0).variants.get()
    small = make_product(shop, name="Hijab", price=100_000, grosir=0).variants.get()
    sale = sell(shop, owner, big, 1, customer=customer)
    assert PointsAccount.objects.get(customer=customer).tier == gold
    services.record_return(
        shop,
        owner,
        sale,
        quantities={sale.lines.get().pk: 1},
        reason="batal",
        refund_method=RefundMethod.CASH,
    )
    assert PointsAccount.objects.get(customer=customer).tier is None
    change = TierChange.objects.filter(to_tier__isnull=True).get()
    assert change.from_tier == gold
    # The next sale earns at 1x: Rp 100.000 / Rp 10.000 = 10 points, not 20.
    next_sale = sell(shop, owner, small, 1, customer=customer)
    earned = PointsEntry.objects.get(idempotency_key=f"sale:{next_sale.pk}:earn")
    assert earned.points == 10
