"""Points on a sale with a buy-X-get-Y offer, through the sales app's services.

Pieces an offer gives away never earn points, whether the program earns before
or after discounts. A return takes back the points on what it refunds: the
offer's discount belongs to the whole set (the refund shares it over the bought
and the free pieces), so the points do too.
"""

import uuid

import pytest
from django.urls import reverse

from setia.loyalty import promotions
from setia.loyalty import services as loyalty
from setia.loyalty.models import EntryKind, PointsEntry
from setia.loyalty.tests.factories import make_customer, make_program
from setia.sales import services as sales
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_product

pytestmark = pytest.mark.django_db

BEFORE, AFTER = False, True


@pytest.fixture
def hijabs(shop, owner):
    """Three hijabs, and a running "buy 2 hijab, get 1 free" offer."""
    promotions.save_offer(
        shop,
        by=owner,
        name="Beli 2 gratis 1",
        buy_category="Hijab",
        buy_qty=2,
        get_qty=1,
        percent_off_bp=10_000,
        is_active=True,
    )
    return {
        name: make_product(
            shop, name=name, price=price, grosir=0, category="Hijab"
        ).variants.get()
        for name, price in [
            ("Pashmina", 60_000),
            ("Segi Empat", 50_000),
            ("Bergo", 40_000),
        ]
    }


def sell(shop, owner, customer, items, **kw):
    return sales.record_sale(
        shop,
        owner,
        lines=[LineInput(v.pk, q, d) for v, q, d in items],
        payments=[PaymentInput("cash", None)],
        idempotency_key=uuid.uuid4().hex,
        customer=customer,
        **kw,
    )


def give_back(shop, owner, sale, line, quantity=1):
    return sales.record_return(
        shop,
        owner,
        sale,
        quantities={line.pk: quantity},
        reason="Warna tidak cocok",
        refund_method="cash",
    )


def three_hijabs(hijabs):
    """Rp 150.000 of hijabs; the Bergo (Rp 40.000) is the free piece."""
    return [(hijabs[name], 1, 0) for name in ("Pashmina", "Segi Empat", "Bergo")]


def earned(sale):
    return PointsEntry.objects.get(sale_id=sale.pk, kind=EntryKind.EARN)


@pytest.mark.parametrize(
    ("after_discounts", "points", "basis"),
    [
        # Before discounts: the paid pieces at their price (Rp 110.000); the
        # clerk's Rp 10.000 off the order is ignored, the free Bergo earns nothing.
        (BEFORE, 11, 110_000),
        # After discounts, as before: what was paid, Rp 100.000.
        (AFTER, 10, 100_000),
    ],
)
def test_the_free_piece_earns_no_points_in_either_mode(
    shop, owner, hijabs, after_discounts, points, basis
):
    make_program(shop, earn_after_discounts=after_discounts)
    member = make_customer(shop)
    sale = sell(shop, owner, member, three_hijabs(hijabs), discount_idr=10_000)
    bergo = sale.lines.get(description="Bergo")
    assert bergo.promo_discount_idr == 40_000
    assert sale.total_idr == 100_000
    assert earned(sale).basis_idr == basis
    assert loyalty.points_balance(shop, member) == points


def test_before_discounts_a_line_with_paid_and_free_pieces_earns_on_the_paid_ones(
    shop, owner, hijabs
):
    make_program(shop, earn_after_discounts=False)
    member = make_customer(shop)
    # 3 Pashmina, one free, and Rp 20.000 off the line by the clerk (ignored).
    sale = sell(shop, owner, member, [(hijabs["Pashmina"], 3, 20_000)])
    assert sale.total_idr == 100_000
    assert earned(sale).basis_idr == 120_000
    assert loyalty.points_balance(shop, member) == 12

    # One piece back refunds a third of what the line was paid: a third of the
    # points goes with it (not the points of a piece at full price).
    give_back(shop, owner, sale, sale.lines.get())
    assert loyalty.points_balance(shop, member) == 8


@pytest.mark.parametrize("after_discounts", [BEFORE, AFTER])
def test_returning_the_free_piece_then_the_paid_ones_follows_the_refunds(
    shop, owner, hijabs, after_discounts
):
    make_program(shop, earn_after_discounts=after_discounts)
    member = make_customer(shop)
    sale = sell(shop, owner, member, three_hijabs(hijabs))
    lines = {line.description: line for line in sale.lines.all()}
    assert loyalty.points_balance(shop, member) == 11  # Rp 110.000 paid

    # The free Bergo comes back: the refund is its share of the set's price
    # (Rp 29.333 of 110.000), and the points on that money go back: 11 × 29.333
    # / 110.000 = 2,9 → 2 (never more than was earned on it).
    bergo_back = give_back(shop, owner, sale, lines["Bergo"])
    assert bergo_back.refund_idr == 29_333
    assert loyalty.points_balance(shop, member) == 9

    # A paid piece: Pashmina, Rp 44.000 refunded. Together 73.333 of 110.000
    # came back: 7 points in all, so 5 more.
    pashmina_back = give_back(shop, owner, sale, lines["Pashmina"])
    assert pashmina_back.refund_idr == 44_000
    assert loyalty.points_balance(shop, member) == 4

    give_back(shop, owner, sale, lines["Segi Empat"])
    assert loyalty.points_balance(shop, member) == 0
    reversed_points = PointsEntry.objects.filter(
        sale_id=sale.pk, kind=EntryKind.REVERSE
    ).values_list("points", flat=True)
    assert sorted(reversed_points) == [-5, -4, -2]


@pytest.mark.parametrize("after_discounts", [BEFORE, AFTER])
def test_returning_a_paid_piece_takes_back_only_its_share_of_the_set(
    shop, owner, hijabs, after_discounts
):
    make_program(shop, earn_after_discounts=after_discounts)
    member = make_customer(shop)
    sale = sell(shop, owner, member, three_hijabs(hijabs))
    segi_empat = sale.lines.get(description="Segi Empat")
    back = give_back(shop, owner, sale, segi_empat)
    # Rp 36.667 of the Rp 110.000 paid comes back: 11 × 36.667 / 110.000 = 3,7
    # → 3 points, not the 5 of a Rp 50.000 piece bought at full price.
    assert back.refund_idr == 36_667
    assert loyalty.points_balance(shop, member) == 8

    # A void then takes back the rest of what the sale earned, not more.
    sales.void_sale(shop, owner, sale, reason="Pembeli batal", money="cash")
    assert loyalty.points_balance(shop, member) == 0


def test_program_settings_explain_that_free_pieces_never_earn(owner_client, shop):
    make_program(shop)
    page = owner_client.get(reverse("loyalty:settings")).content.decode()
    assert "Potongan dari promo beli X gratis Y" in page


def single(shop, name, price, category, grosir=0):
    return make_product(
        shop, name=name, price=price, grosir=grosir, category=category
    ).variants.get()


def offer(shop, owner, buy, get, buy_qty=2):
    promotions.save_offer(
        shop,
        by=owner,
        name="Beli dapat gratis",
        buy_category=buy,
        get_category=get,
        buy_qty=buy_qty,
        get_qty=1,
        percent_off_bp=10_000,
        is_active=True,
    )


@pytest.mark.parametrize("after_discounts", [BEFORE, AFTER])
def test_free_piece_of_a_set_bought_in_an_excluded_category_takes_back_nothing(
    shop, owner, after_discounts
):
    # Buy 2 Sembako (earns nothing), get a Hijab free; the Pashmina earns it all.
    offer(shop, owner, buy="Sembako", get="Hijab")
    make_program(
        shop, excluded_categories=["Sembako"], earn_after_discounts=after_discounts
    )
    member = make_customer(shop)
    beras = single(shop, "Beras", 50_000, "Sembako")
    bergo = single(shop, "Bergo", 40_000, "Hijab")
    pashmina = single(shop, "Pashmina", 60_000, "Hijab")
    sale = sell(shop, owner, member, [(beras, 2, 0), (bergo, 1, 0), (pashmina, 1, 0)])
    assert loyalty.points_balance(shop, member) == 6  # the Pashmina alone

    give_back(shop, owner, sale, sale.lines.get(description="Bergo"))
    assert loyalty.points_balance(shop, member) == 6


@pytest.mark.parametrize("after_discounts", [BEFORE, AFTER])
def test_returning_the_earning_pieces_of_a_set_with_an_excluded_free_piece(
    shop, owner, after_discounts
):
    # Buy 2 Hijab (earn), get 1 Sembako (excluded) free; a Gamis is kept.
    offer(shop, owner, buy="Hijab", get="Sembako")
    make_program(
        shop,
        idr_per_point=1_000,
        excluded_categories=["Sembako"],
        earn_after_discounts=after_discounts,
    )
    member = make_customer(shop)
    segi = single(shop, "Segi Empat", 50_000, "Hijab")
    beras = single(shop, "Beras", 40_000, "Sembako")
    gamis = single(shop, "Gamis", 60_000, "Gamis")
    sale = sell(shop, owner, member, [(segi, 2, 0), (beras, 1, 0), (gamis, 1, 0)])
    assert loyalty.points_balance(shop, member) == 160

    give_back(shop, owner, sale, sale.lines.get(description="Segi Empat"), 2)
    # What is kept, the Rp 60.000 Gamis, earned 60.
    assert loyalty.points_balance(shop, member) == 60


def test_a_free_retail_piece_of_a_set_bought_at_grosir_takes_back_nothing(shop, owner):
    # Buy 3 Gamis A at the grosir price (grosir lines do not earn), get Gamis B
    # free; the Hijab earns it all.
    offer(shop, owner, buy="Gamis", get="Gamis", buy_qty=3)
    make_program(shop, idr_per_point=1_000, earn_after_discounts=False)
    member = make_customer(shop)
    gamis_a = single(shop, "Gamis A", 150_000, "Gamis", grosir=130_000)
    gamis_b = single(shop, "Gamis B", 100_000, "Gamis")
    hijab = single(shop, "Hijab", 60_000, "Hijab")
    sale = sell(shop, owner, member, [(gamis_a, 3, 0), (gamis_b, 1, 0), (hijab, 1, 0)])
    assert loyalty.points_balance(shop, member) == 60

    give_back(shop, owner, sale, sale.lines.get(description="Gamis B"))
    assert loyalty.points_balance(shop, member) == 60


def test_a_sale_from_before_offer_shares_takes_back_what_each_line_earned(
    shop, owner, hijabs
):
    from setia.sales.models import SaleLine

    make_program(shop, earn_after_discounts=True)
    member = make_customer(shop)
    gamis = single(shop, "Gamis", 100_000, "Gamis")
    sale = sell(shop, owner, member, [*three_hijabs(hijabs), (gamis, 1, 0)])
    assert loyalty.points_balance(shop, member) == 21  # Rp 210.000 paid
    # Sales saved before offer shares existed have none.
    SaleLine.objects.filter(sale=sale).update(offer_share_idr=0)

    give_back(shop, owner, sale, sale.lines.get(description="Gamis"))
    # The Gamis earned 10 of the 21 points: 11 stay for the Rp 110.000 of hijabs.
    assert loyalty.points_balance(shop, member) == 11
