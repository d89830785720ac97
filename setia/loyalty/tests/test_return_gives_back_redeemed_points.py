"""A return gives back the points redeemed on the sale, with the reward's rupiah.

The reward's discount is shared over the lines as refunds share it (the sale's
order discounts in proportion to the line totals, an offer's discount over its
set), so the returned pieces give back that part of the redeemed points; counted
over all the returns so far, so the last one makes up the rounding. A void gives
back only what the returns have not.
"""

import uuid

import pytest
from django.utils import timezone

from setia.loyalty import ledger, programs, promotions
from setia.loyalty import services as loyalty
from setia.loyalty.models import EntryKind, PointsEntry, Reward
from setia.sales import services as sales
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_customer, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(shop, owner):
    # 1 point per Rp 10.000 spent; 1 point is worth Rp 100; points last 12 months.
    return programs.save_program(shop, by=owner, expiry_months=12)


@pytest.fixture
def member(shop, owner, program):
    customer = make_customer(shop, name="Bu Lestari")
    programs.adjust_points(
        shop, customer, 200, reason="saldo awal", by=owner, idempotency_key="seed"
    )
    return customer


def single(shop, name, price, category=""):
    return make_product(
        shop, name=name, price=price, grosir=0, category=category, stock=20
    ).variants.get()


def sell(shop, owner, member, lines, **extra):
    return sales.record_sale(
        shop,
        owner,
        lines=lines,
        payments=[PaymentInput("cash", None)],
        idempotency_key=uuid.uuid4().hex,
        customer=member,
        **extra,
    )


def give_back(shop, owner, sale, quantities):
    return sales.record_return(
        shop,
        owner,
        sale,
        quantities=quantities,
        reason="Tidak jadi",
        refund_method="cash",
    )


def redeem_back(sale_return) -> PointsEntry:
    return PointsEntry.objects.get(idempotency_key=f"return:{sale_return.pk}:redeem")


def earned_on(sale) -> int:
    return PointsEntry.objects.get(idempotency_key=f"sale:{sale.pk}:earn").points


def test_full_return_gives_back_every_redeemed_point(shop, owner, member):
    gamis = single(shop, "Gamis", 100_000)
    hijab = single(shop, "Hijab", 100_000)
    # 100 points = Rp 10.000 off Rp 200.000: she pays Rp 190.000, earns 19.
    sale = sell(
        shop,
        owner,
        member,
        [LineInput(gamis.pk, 1), LineInput(hijab.pk, 1)],
        redeem_points=100,
    )
    assert sale.total_idr == 190_000
    assert loyalty.points_balance(shop, member) == 200 - 100 + 19
    sale_return = give_back(
        shop, owner, sale, {line.pk: 1 for line in sale.lines.all()}
    )
    assert sale_return.refund_idr == 190_000
    # Her 100 points back, the 19 earned on the sale taken back.
    assert loyalty.points_balance(shop, member) == 200
    entry = redeem_back(sale_return)
    assert (entry.kind, entry.points, entry.sale_id, entry.sale_return_id) == (
        EntryKind.REVERSE,
        100,
        sale.pk,
        sale_return.pk,
    )
    # The expiry rule the shop gives points, as a void gives them back.
    assert entry.expires_on == ledger.add_months(timezone.localdate(), 12)
    assert entry.reason


def test_partial_returns_give_back_in_proportion_and_the_last_the_rest(
    shop, owner, member
):
    gamis = single(shop, "Gamis", 100_000)
    # 3 × Rp 100.000, 100 points = Rp 10.000 off: Rp 290.000, 29 points earned.
    sale = sell(shop, owner, member, [LineInput(gamis.pk, 3)], redeem_points=100)
    line = sale.lines.get()
    first = give_back(shop, owner, sale, {line.pk: 1})
    # One piece carried a third of the Rp 10.000 (Rp 3.333): 33 of the points.
    assert first.refund_idr == 96_667
    assert redeem_back(first).points == 33
    second = give_back(shop, owner, sale, {line.pk: 2})
    assert first.refund_idr + second.refund_idr == 290_000
    assert redeem_back(second).points == 67
    assert loyalty.points_balance(shop, member) == 200
    # Nothing more than was redeemed ever came back.
    back = PointsEntry.objects.filter(
        sale_id=sale.pk, idempotency_key__endswith=":redeem", points__gt=0
    )
    assert sum(back.values_list("points", flat=True)) == 100


def test_lines_of_different_prices_share_the_reward_as_the_refund_does(
    shop, owner, member
):
    gamis = single(shop, "Gamis", 150_000)
    hijab = single(shop, "Hijab", 50_000)
    # Clerk's Rp 20.000 off and 99 points (Rp 9.900) off Rp 200.000.
    sale = sell(
        shop,
        owner,
        member,
        [LineInput(gamis.pk, 1), LineInput(hijab.pk, 1)],
        discount_idr=20_000,
        redeem_points=99,
    )
    assert sale.total_idr == 170_100
    lines = {line.description: line for line in sale.lines.all()}
    # The Hijab is a quarter of the lines: a quarter of the money, 24.75 points.
    hijab_back = give_back(shop, owner, sale, {lines["Hijab"].pk: 1})
    assert hijab_back.refund_idr == 42_525
    assert redeem_back(hijab_back).points == 24
    gamis_back = give_back(shop, owner, sale, {lines["Gamis"].pk: 1})
    assert redeem_back(gamis_back).points == 75


def test_an_offer_set_shares_the_reward_over_its_free_piece_too(shop, owner, member):
    promotions.save_offer(
        shop,
        by=owner,
        name="Beli 1 gratis 1",
        buy_category="Hijab",
        buy_qty=1,
        get_qty=1,
        percent_off_bp=10_000,
        is_active=True,
    )
    pashmina = single(shop, "Pashmina", 100_000, "Hijab")
    bergo = single(shop, "Bergo", 100_000, "Hijab")
    sale = sell(
        shop,
        owner,
        member,
        [LineInput(pashmina.pk, 1), LineInput(bergo.pk, 1)],
        redeem_points=100,
    )
    assert sale.total_idr == 90_000
    free = next(line for line in sale.lines.all() if line.promo_discount_idr)
    # The free piece is half of the set's price: half the money, half the points.
    sale_return = give_back(shop, owner, sale, {free.pk: 1})
    assert sale_return.refund_idr == 45_000
    assert redeem_back(sale_return).points == 50


def test_void_after_a_return_gives_back_only_the_rest(shop, owner, member):
    gamis = single(shop, "Gamis", 100_000)
    sale = sell(shop, owner, member, [LineInput(gamis.pk, 3)], redeem_points=100)
    assert earned_on(sale) == 29
    give_back(shop, owner, sale, {sale.lines.get().pk: 1})
    sales.void_sale(shop, owner, sale, reason="Pembeli batal", money="cash")
    void_back = PointsEntry.objects.get(idempotency_key=f"void:{sale.pk}:redeem")
    assert void_back.points == 67
    # 200 − 100 redeemed + 29 earned + 33 back − 9 taken back + 67 back − 20
    # taken back: every point where it was before the sale.
    assert loyalty.points_balance(shop, member) == 200


def test_void_after_a_full_return_gives_back_nothing_more(shop, owner, member):
    gamis = single(shop, "Gamis", 100_000)
    sale = sell(shop, owner, member, [LineInput(gamis.pk, 2)], redeem_points=100)
    give_back(shop, owner, sale, {sale.lines.get().pk: 2})
    assert loyalty.points_balance(shop, member) == 200
    sales.void_sale(shop, owner, sale, reason="Pembeli batal", money="cash")
    assert loyalty.points_balance(shop, member) == 200
    assert not PointsEntry.objects.filter(
        idempotency_key=f"void:{sale.pk}:redeem"
    ).exists()


def test_running_the_reversal_twice_for_one_return_posts_nothing(shop, owner, member):
    gamis = single(shop, "Gamis", 100_000)
    sale = sell(shop, owner, member, [LineInput(gamis.pk, 3)], redeem_points=100)
    line = sale.lines.get()
    first = give_back(shop, owner, sale, {line.pk: 1})
    second = give_back(shop, owner, sale, {line.pk: 1})
    balance = loyalty.points_balance(shop, member)
    count = PointsEntry.objects.count()
    loyalty.reverse_sale_return(first, owner)
    loyalty.reverse_sale_return(second, owner)
    assert PointsEntry.objects.count() == count
    assert loyalty.points_balance(shop, member) == balance
    assert [redeem_back(first).points, redeem_back(second).points] == [33, 33]


def test_a_catalogue_reward_comes_back_in_proportion_and_to_stock_at_the_end(
    shop, owner, member
):
    voucher = programs.save_reward(
        shop, by=owner, name="Voucher 10rb", points_cost=80, value_idr=10_000, stock=5
    )
    gamis = single(shop, "Gamis", 100_000)
    sale = sell(shop, owner, member, [LineInput(gamis.pk, 2)], reward_id=voucher.pk)
    assert sale.reward_discount_idr == 10_000
    assert Reward.objects.get(pk=voucher.pk).stock == 4
    line = sale.lines.get()
    first = give_back(shop, owner, sale, {line.pk: 1})
    assert redeem_back(first).points == 40
    assert redeem_back(first).reward_id == voucher.pk
    assert Reward.objects.get(pk=voucher.pk).stock == 4
    second = give_back(shop, owner, sale, {line.pk: 1})
    assert redeem_back(second).points == 40
    # Every point of the voucher is back: the voucher is back in stock, once.
    assert Reward.objects.get(pk=voucher.pk).stock == 5
    sales.void_sale(shop, owner, sale, reason="Pembeli batal", money="cash")
    assert Reward.objects.get(pk=voucher.pk).stock == 5
    assert loyalty.points_balance(shop, member) == 200


def test_a_sale_without_redemption_gives_back_nothing(shop, owner, member):
    gamis = single(shop, "Gamis", 100_000)
    redeemed = sell(shop, owner, member, [LineInput(gamis.pk, 1)], redeem_points=50)
    plain = sell(shop, owner, member, [LineInput(gamis.pk, 2)])
    before = loyalty.points_balance(shop, member)
    plain_return = give_back(shop, owner, plain, {plain.lines.get().pk: 1})
    # Only the 10 points earned on the returned piece go; the points redeemed
    # on the other sale stay where they are.
    assert loyalty.points_balance(shop, member) == before - 10
    assert not PointsEntry.objects.filter(
        idempotency_key=f"return:{plain_return.pk}:redeem"
    ).exists()
    redeemed_return = give_back(shop, owner, redeemed, {redeemed.lines.get().pk: 1})
    assert redeem_back(redeemed_return).points == 50


def test_points_given_back_expire_by_the_rules_of_the_day_of_the_return(
    shop, owner, member
):
    gamis = single(shop, "Gamis", 100_000)
    sale = sell(shop, owner, member, [LineInput(gamis.pk, 1)], redeem_points=100)
    programs.save_program(shop, by=owner, expiry_months=6)
    sale_return = give_back(shop, owner, sale, {sale.lines.get().pk: 1})
    today = timezone.localdate()
    assert redeem_back(sale_return).expires_on == ledger.add_months(today, 6)


def test_the_report_counts_points_given_back_apart_from_points_taken_back(
    shop, owner, member
):
    from setia.loyalty.reports import loyalty_report

    gamis = single(shop, "Gamis", 100_000)
    hijab = single(shop, "Hijab", 100_000)
    sale = sell(
        shop,
        owner,
        member,
        [LineInput(gamis.pk, 1), LineInput(hijab.pk, 1)],
        redeem_points=100,
    )
    give_back(shop, owner, sale, {line.pk: 1 for line in sale.lines.all()})
    report = loyalty_report(shop)
    # The 19 points earned on the sale were taken back; the 100 she used on
    # it were given back. Netted together they used to show "-81 taken back".
    assert (report["reversed"], report["given_back"]) == (19, 100)


def test_the_guides_example_holds(shop, owner, member):
    """guide/topics/*/program-loyalitas.html: two dresses at Rp 100.000 with
    100 points used; one returned gives back Rp 95.000 and 50 points."""
    gamis = single(shop, "Gamis", 100_000)
    sale = sell(shop, owner, member, [LineInput(gamis.pk, 2)], redeem_points=100)
    assert sale.total_idr == 190_000
    sale_return = give_back(shop, owner, sale, {sale.lines.get().pk: 1})
    assert sale_return.refund_idr == 95_000
    assert redeem_back(sale_return).points == 50


def test_the_redemption_rate_does_not_count_points_given_back(shop, owner, member):
    from setia.loyalty.reports import loyalty_report

    gamis = single(shop, "Gamis", 100_000)
    hijab = single(shop, "Hijab", 100_000)
    kept = sell(shop, owner, member, [LineInput(hijab.pk, 1)])  # earns 10
    sale = sell(shop, owner, member, [LineInput(gamis.pk, 1)], redeem_points=100)
    give_back(shop, owner, sale, {sale.lines.get().pk: 1})
    assert loyalty.points_balance(shop, member) == 200 + 10
    report = loyalty_report(shop)
    # Given: 200 to start, 10 on the hijab, 9 on the returned sale (taken
    # back); used: 100, all given back. Nothing was really used.
    assert kept.total_idr == 100_000
    assert report["redemption_rate"] == 0


def test_the_redemption_rate_nets_out_only_reversals_of_its_own_window(
    shop, owner, member
):
    """Found in review: a return today of a sale from two months ago took its
    points off this month's "given", and the rate went over 100%."""
    import datetime as dt

    from setia.loyalty.reports import loyalty_report
    from setia.sales.models import Sale

    gamis = single(shop, "Gamis", 100_000)
    old = sell(shop, owner, member, [LineInput(gamis.pk, 5)])  # earns 50
    two_months_ago = timezone.now() - dt.timedelta(days=60)
    PointsEntry.objects.filter(sale_id=old.pk).update(created_at=two_months_ago)
    PointsEntry.objects.filter(kind=EntryKind.ADJUST).update(created_at=two_months_ago)
    Sale.objects.filter(pk=old.pk).update(created_at=two_months_ago)
    now = sell(shop, owner, member, [LineInput(gamis.pk, 1)], redeem_points=50)
    assert now.total_idr == 95_000  # earns 9, used 50
    give_back(shop, owner, old, {old.lines.get().pk: 5})  # takes back 50
    report = loyalty_report(shop, days=30)
    assert (report["issued"], report["redeemed"], report["reversed"]) == (9, 50, 50)
    assert report["redemption_rate"] == pytest.approx(50 / 9)
