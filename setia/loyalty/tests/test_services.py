import pytest
from django.core.exceptions import ValidationError

from setia.customers.models import CustomerType
from setia.loyalty import services
from setia.loyalty.models import EntryKind, PointsEntry, Reward, RewardKind, Tier
from setia.loyalty.services import Redemption
from setia.loyalty.tests.factories import (
    make_customer,
    make_program,
    make_return,
    make_sale,
)

pytestmark = pytest.mark.django_db


def give_points(shop, customer, points, owner=None):
    """Earn `points` through a real sale (1 point per Rp 10.000)."""
    sale = make_sale(shop, customer, [(points * 10_000, 1, "", False)])
    services.record_sale_loyalty(sale, None, owner)
    return sale


def entries(customer, kind):
    return list(
        PointsEntry.objects.filter(account__customer=customer, kind=kind).values_list(
            "points", flat=True
        )
    )


def test_sale_earns_floor_points_under_the_version_in_force(shop, owner):
    program = make_program(shop)
    customer = make_customer(shop)
    sale = make_sale(shop, customer, [(125_000, 1, "Gamis", False)])
    services.record_sale_loyalty(sale, None, owner)
    entry = PointsEntry.objects.get(kind=EntryKind.EARN)
    assert entry.points == 12
    assert entry.program_version == program
    assert entry.sale_id == sale.pk
    assert services.points_balance(shop, customer) == 12


def test_nearest_rounding_rounds_half_up(shop, owner):
    make_program(shop, rounding="nearest")
    customer = make_customer(shop)
    services.record_sale_loyalty(
        make_sale(shop, customer, [(125_000, 1, "", False)]), None, owner
    )
    assert services.points_balance(shop, customer) == 13


def test_recording_a_sale_twice_earns_once(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    sale = make_sale(shop, customer, [(200_000, 1, "", False)])
    services.record_sale_loyalty(sale, None, owner)
    services.record_sale_loyalty(sale, None, owner)
    assert entries(customer, EntryKind.EARN) == [20]
    assert services.points_balance(shop, customer) == 20


def test_sale_below_minimum_purchase_earns_nothing(shop, owner):
    make_program(shop, min_purchase_idr=100_000)
    customer = make_customer(shop)
    services.record_sale_loyalty(
        make_sale(shop, customer, [(90_000, 1, "", False)]), None, owner
    )
    assert services.points_balance(shop, customer) == 0


def test_grosir_lines_and_excluded_categories_do_not_earn(shop, owner):
    make_program(shop, excluded_categories=["Aksesoris"])
    customer = make_customer(shop)
    sale = make_sale(
        shop,
        customer,
        [
            (100_000, 1, "Gamis", False),
            (50_000, 2, "Gamis", True),
            (80_000, 1, "aksesoris", False),
        ],
    )
    services.record_sale_loyalty(sale, None, owner)
    assert services.points_balance(shop, customer) == 10


def test_grosir_lines_earn_when_the_setting_allows(shop, owner):
    make_program(shop, grosir_lines_earn=True)
    customer = make_customer(shop)
    sale = make_sale(shop, customer, [(50_000, 2, "", True)])
    services.record_sale_loyalty(sale, None, owner)
    assert services.points_balance(shop, customer) == 10


def test_resellers_earn_only_when_the_setting_allows(shop, owner):
    make_program(shop)
    reseller = make_customer(shop, customer_type=CustomerType.RESELLER)
    services.record_sale_loyalty(make_sale(shop, reseller), None, owner)
    assert services.points_balance(shop, reseller) == 0
    make_program(shop, resellers_earn=True)
    services.record_sale_loyalty(make_sale(shop, reseller), None, owner)
    assert services.points_balance(shop, reseller) == 10


def test_order_discount_is_taken_off_before_earning_by_default(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    sale = make_sale(shop, customer, [(200_000, 1, "", False)], discount_idr=50_000)
    services.record_sale_loyalty(sale, None, owner)
    assert services.points_balance(shop, customer) == 15


def test_points_on_amount_before_discounts_when_configured(shop, owner):
    make_program(shop, earn_after_discounts=False)
    customer = make_customer(shop)
    sale = make_sale(shop, customer, [(200_000, 1, "", False)], discount_idr=50_000)
    services.record_sale_loyalty(sale, None, owner)
    assert services.points_balance(shop, customer) == 20


def test_tier_multiplier_applies_and_tier_moves_up_with_spend(shop, owner):
    make_program(shop)
    Tier.objects.create(shop=shop, name="Silver", min_spend_idr=0)
    gold = Tier.objects.create(
        shop=shop, name="Gold", min_spend_idr=1_000_000, multiplier_bp=20_000
    )
    customer = make_customer(shop)
    services.record_sale_loyalty(
        make_sale(shop, customer, [(1_000_000, 1, "", False)]), None, owner
    )
    assert services.points_balance(shop, customer) == 100
    customer.refresh_from_db()
    assert customer.points_account.tier == gold
    services.record_sale_loyalty(
        make_sale(shop, customer, [(100_000, 1, "", False)]), None, owner
    )
    assert entries(customer, EntryKind.EARN) == [20, 100]
    changes = customer.points_account.tier_changes.order_by("id")
    assert [c.to_tier.name for c in changes] == ["Gold"]
    assert changes.last().reason


def test_quote_allows_partial_redemption_by_typed_points(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    give_points(shop, customer, 50)
    quote = services.quote_redemption(
        shop, customer, points=20, reward_id=None, amount_idr=100_000
    )
    assert quote == Redemption(points=20, discount_idr=2_000, reward_id=None)


def test_quote_refuses_more_points_than_the_balance(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    give_points(shop, customer, 10)
    with pytest.raises(ValidationError) as error:
        services.quote_redemption(
            shop, customer, points=11, reward_id=None, amount_idr=100_000
        )
    assert error.value.code == "insufficient_points"


def test_quote_refuses_a_discount_above_the_amount(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    give_points(shop, customer, 500)
    with pytest.raises(ValidationError) as error:
        services.quote_redemption(
            shop, customer, points=300, reward_id=None, amount_idr=20_000
        )
    assert error.value.code == "discount_above_amount"
    assert "200" in error.value.messages[0]


def test_reward_discount_is_capped_by_the_amount_and_the_voucher_cap(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    give_points(shop, customer, 100)
    voucher = Reward.objects.create(
        shop=shop,
        name="Diskon 10%",
        kind=RewardKind.PERCENT,
        points_cost=30,
        percent_bp=1_000,
        cap_idr=15_000,
    )
    cash = Reward.objects.create(
        shop=shop, name="Potongan 50rb", points_cost=40, value_idr=50_000
    )
    quote = services.quote_redemption(
        shop, customer, points=0, reward_id=voucher.pk, amount_idr=300_000
    )
    assert quote == Redemption(30, 15_000, voucher.pk)
    quote = services.quote_redemption(
        shop, customer, points=0, reward_id=cash.pk, amount_idr=35_000
    )
    assert quote == Redemption(40, 35_000, cash.pk)


def test_reward_out_of_stock_cannot_be_redeemed(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    give_points(shop, customer, 100)
    scarf = Reward.objects.create(
        shop=shop,
        name="Jilbab gratis",
        kind=RewardKind.FREE_ITEM,
        points_cost=50,
        value_idr=35_000,
        stock=1,
    )
    quote = services.quote_redemption(
        shop, customer, points=0, reward_id=scarf.pk, amount_idr=100_000
    )
    services.record_sale_loyalty(make_sale(shop, customer), quote, owner)
    scarf.refresh_from_db()
    assert scarf.stock == 0
    with pytest.raises(ValidationError):
        services.quote_redemption(
            shop, customer, points=0, reward_id=scarf.pk, amount_idr=100_000
        )


def test_redeeming_in_a_sale_writes_one_entry_even_when_retried(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    give_points(shop, customer, 50)
    quote = services.quote_redemption(
        shop, customer, points=30, reward_id=None, amount_idr=100_000
    )
    sale = make_sale(shop, customer, reward_discount_idr=3_000)
    services.record_sale_loyalty(sale, quote, owner)
    services.record_sale_loyalty(sale, quote, owner)
    assert entries(customer, EntryKind.REDEEM) == [-30]
    # 50 - 30 + floor(97.000 / 10.000)
    assert services.points_balance(shop, customer) == 29


def test_no_earning_in_a_redeeming_sale_when_the_setting_forbids(shop, owner):
    make_program(shop, earn_and_redeem_same_sale=False)
    customer = make_customer(shop)
    give_points(shop, customer, 50)
    quote = services.quote_redemption(
        shop, customer, points=10, reward_id=None, amount_idr=100_000
    )
    services.record_sale_loyalty(make_sale(shop, customer), quote, owner)
    assert services.points_balance(shop, customer) == 40


def test_recording_a_redemption_beyond_the_balance_fails(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    give_points(shop, customer, 5)
    with pytest.raises(ValidationError):
        services.record_sale_loyalty(
            make_sale(shop, customer), Redemption(6, 600, None), owner
        )
    assert services.points_balance(shop, customer) == 5


def test_return_takes_back_points_in_proportion_to_returned_lines(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    sale = make_sale(shop, customer, [(100_000, 1, "", False), (200_000, 1, "", False)])
    services.record_sale_loyalty(sale, None, owner)
    assert services.points_balance(shop, customer) == 30
    first = make_return(sale, {0: 100_000})
    services.reverse_sale_return(first, owner)
    services.reverse_sale_return(first, owner)
    assert services.points_balance(shop, customer) == 20
    second = make_return(sale, {1: 200_000})
    services.reverse_sale_return(second, owner)
    assert services.points_balance(shop, customer) == 0
    assert entries(customer, EntryKind.REVERSE) == [-20, -10]


def test_void_gives_back_redeemed_points_and_takes_back_earned(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    give_points(shop, customer, 50)
    quote = services.quote_redemption(
        shop, customer, points=20, reward_id=None, amount_idr=100_000
    )
    sale = make_sale(shop, customer, reward_discount_idr=2_000)
    services.record_sale_loyalty(sale, quote, owner)
    assert services.points_balance(shop, customer) == 39
    sale.status = "voided"
    sale.save()
    services.reverse_sale_void(sale, owner)
    services.reverse_sale_void(sale, owner)
    assert services.points_balance(shop, customer) == 50


def test_void_after_a_partial_return_reverses_only_the_rest(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    sale = make_sale(shop, customer, [(100_000, 1, "", False), (100_000, 1, "", False)])
    services.record_sale_loyalty(sale, None, owner)
    services.reverse_sale_return(make_return(sale, {0: 100_000}), owner)
    services.reverse_sale_void(sale, owner)
    assert services.points_balance(shop, customer) == 0
    assert sorted(entries(customer, EntryKind.REVERSE)) == [-10, -10]


def test_reversal_never_takes_the_balance_below_zero(shop, owner):
    make_program(shop)
    customer = make_customer(shop)
    sale = give_points(shop, customer, 30)
    services.record_sale_loyalty(
        make_sale(shop, customer), Redemption(25, 2_500, None), owner
    )
    balance = services.points_balance(shop, customer)
    services.reverse_sale_void(sale, owner)
    assert services.points_balance(shop, customer) == 0
    assert entries(customer, EntryKind.REVERSE) == [-balance]


def test_store_credit_is_added_once_and_never_overspent(shop, owner):
    customer = make_customer(shop)
    services.add_store_credit(
        shop, customer, 50_000, reason="retur", by=owner, idempotency_key="r1"
    )
    services.add_store_credit(
        shop, customer, 50_000, reason="retur", by=owner, idempotency_key="r1"
    )
    assert services.store_credit_balance(shop, customer) == 50_000
    sale = make_sale(shop, customer)
    services.spend_store_credit(shop, customer, 30_000, sale=sale, by=owner)
    services.spend_store_credit(shop, customer, 30_000, sale=sale, by=owner)
    assert services.store_credit_balance(shop, customer) == 20_000
    with pytest.raises(ValidationError):
        services.spend_store_credit(
            shop, customer, 30_000, sale=make_sale(shop, customer), by=owner
        )
    assert services.store_credit_balance(shop, customer) == 20_000


def test_void_gives_back_store_credit_spent_on_the_sale(shop, owner):
    customer = make_customer(shop)
    services.add_store_credit(
        shop, customer, 50_000, reason="retur", by=owner, idempotency_key="r2"
    )
    sale = make_sale(shop, customer)
    services.spend_store_credit(shop, customer, 40_000, sale=sale, by=owner)
    services.reverse_sale_void(sale, owner)
    services.reverse_sale_void(sale, owner)
    assert services.store_credit_balance(shop, customer) == 50_000


def test_referrer_earns_once_when_the_first_purchase_is_paid(shop, owner):
    make_program(shop, referral_bonus_points=25)
    referrer = make_customer(shop, name="Bu Rina")
    friend = make_customer(shop, name="Mbak Tari", referred_by=referrer)
    credit_sale = make_sale(shop, friend, outstanding_idr=50_000)
    services.record_sale_loyalty(credit_sale, None, owner)
    assert services.points_balance(shop, referrer) == 0
    services.record_sale_loyalty(make_sale(shop, friend), None, owner)
    services.record_sale_loyalty(make_sale(shop, friend), None, owner)
    assert entries(referrer, EntryKind.BONUS) == [25]


def test_welcome_bonus_is_given_once(shop, owner):
    make_program(shop, welcome_bonus_points=10)
    customer = make_customer(shop)
    services.record_sale_loyalty(make_sale(shop, customer), None, owner)
    services.record_sale_loyalty(make_sale(shop, customer), None, owner)
    assert entries(customer, EntryKind.BONUS) == [10]


def test_sale_screen_context_shows_balance_tier_rewards_and_credit(shop, owner):
    make_program(shop)
    Tier.objects.create(shop=shop, name="Silver", min_spend_idr=0)
    customer = make_customer(shop)
    give_points(shop, customer, 40)
    cheap = Reward.objects.create(shop=shop, name="Murah", points_cost=30)
    Reward.objects.create(shop=shop, name="Mahal", points_cost=300)
    Reward.objects.create(shop=shop, name="Habis", points_cost=10, stock=0)
    services.add_store_credit(
        shop, customer, 15_000, reason="retur", by=owner, idempotency_key="c"
    )
    context = services.sale_screen_context(shop, customer)
    assert context["points_balance"] == 40
    assert context["tier_name"] == "Silver"
    assert context["rewards"] == [cheap]
    assert context["store_credit_idr"] == 15_000
    assert services.sale_screen_context(shop, None)["points_balance"] == 0


def test_sales_of_another_shop_cannot_use_this_shops_reward(shop, other_shop, owner):
    make_program(shop)
    make_program(other_shop)
    customer = make_customer(other_shop)
    give_points(other_shop, customer, 100)
    reward = Reward.objects.create(shop=shop, name="Milik A", points_cost=10)
    with pytest.raises(ValidationError):
        services.quote_redemption(
            other_shop, customer, points=0, reward_id=reward.pk, amount_idr=50_000
        )


def test_sales_before_a_program_exists_make_no_points_account(shop, owner):
    customer = make_customer(shop)
    services.record_sale_loyalty(make_sale(shop, customer), None, owner)
    assert not PointsEntry.objects.exists()
    assert services.sale_screen_context(shop, customer)["loyalty_enabled"] is False
