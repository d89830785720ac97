"""Buy X get Y: priced by itself into the lines, the cheapest pieces get the
benefit, receipts name the offer, returns refund what was paid."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from setia.accounts.models import AuditEvent
from setia.loyalty.models import BuyGetOffer
from setia.sales import services
from setia.sales.receipts import receipt_text
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def hijabs(shop):
    """Three hijabs at different prices, and a gamis outside the category."""
    return {
        name: make_product(
            shop, name=name, price=price, grosir=0, category=category
        ).variants.get()
        for name, price, category in [
            ("Pashmina", 60_000, "Hijab"),
            ("Bergo", 40_000, "hijab"),
            ("Segi Empat", 50_000, "Hijab"),
            ("Gamis", 150_000, "Gamis"),
        ]
    }


def sell(shop, by, items, key=None, **kw):
    return services.record_sale(
        shop,
        by,
        lines=[LineInput(v.pk, q) for v, q in items],
        payments=[PaymentInput("cash", None)],
        idempotency_key=key or uuid.uuid4().hex,
        **kw,
    )


def offer(shop, **fields):
    fields.setdefault("name", "Beli 2 gratis 1")
    return BuyGetOffer.objects.create(shop=shop, **fields)


def by_name(sale):
    return {line.description: line for line in sale.lines.all()}


def test_buy_two_get_one_free_on_a_category_frees_the_cheapest(shop, owner, hijabs):
    offer(shop, buy_category="HIJAB ", buy_qty=2, get_qty=1)
    sale = sell(
        shop,
        owner,
        [(hijabs["Pashmina"], 1), (hijabs["Bergo"], 1), (hijabs["Segi Empat"], 1)],
    )
    lines = by_name(sale)
    assert lines["Bergo"].promo_discount_idr == 40_000
    assert lines["Bergo"].line_total_idr == 0
    assert lines["Bergo"].promo_name == "Beli 2 gratis 1"
    assert lines["Pashmina"].promo_discount_idr == 0
    assert sale.total_idr == 110_000


def test_pieces_outside_the_offer_and_too_few_pieces_get_nothing(shop, owner, hijabs):
    offer(shop, buy_category="Hijab", buy_qty=2, get_qty=1)
    sale = sell(shop, owner, [(hijabs["Pashmina"], 2), (hijabs["Gamis"], 1)])
    assert sale.total_idr == 270_000
    assert not any(line.promo_discount_idr for line in sale.lines.all())


def test_six_pieces_give_two_free_and_the_result_is_the_same_every_time(
    shop, owner, hijabs
):
    offer(shop, buy_category="Hijab", buy_qty=2, get_qty=1)
    items = [(hijabs["Pashmina"], 3), (hijabs["Bergo"], 2), (hijabs["Segi Empat"], 1)]
    sales = [sell(shop, owner, items), sell(shop, owner, list(reversed(items)))]
    for sale in sales:
        # Cheapest two pieces are the two Bergo: Rp 80.000 off.
        assert sale.subtotal_idr == 180_000 + 50_000
        assert by_name(sale)["Bergo"].promo_discount_idr == 80_000


def test_buy_a_product_get_another_category_at_half_price(shop, owner, hijabs):
    gamis = hijabs["Gamis"].product
    offer(
        shop,
        name="Gamis + hijab 50%",
        buy_product=gamis,
        buy_qty=1,
        get_category="Hijab",
        get_qty=1,
        percent_off_bp=5000,
    )
    sale = sell(shop, owner, [(hijabs["Gamis"], 2), (hijabs["Pashmina"], 3)])
    pashmina = by_name(sale)["Pashmina"]
    assert pashmina.promo_discount_idr == 2 * 30_000  # two gamis, two half-price
    assert sale.total_idr == 300_000 + 180_000 - 60_000


def test_returning_the_paid_piece_does_not_refund_it_in_full(shop, owner, hijabs):
    # Buy 1 Gamis (Rp 150.000), get 1 hijab free: Rp 150.000 paid for both.
    # The Rp 60.000 discount belongs to the pair: returning only the gamis gives
    # back its share of what was paid (150/210 of it), not Rp 150.000.
    offer(
        shop,
        name="Gamis gratis hijab",
        buy_product=hijabs["Gamis"].product,
        buy_qty=1,
        get_category="Hijab",
        get_qty=1,
    )
    sale = sell(shop, owner, [(hijabs["Gamis"], 1), (hijabs["Pashmina"], 1)])
    assert sale.total_idr == 150_000
    lines = by_name(sale)
    assert lines["Pashmina"].line_total_idr == 0  # shown free on the receipt
    assert lines["Gamis"].offer_share_idr + lines["Pashmina"].offer_share_idr == 60_000
    gamis_back = services.record_return(
        shop,
        owner,
        sale,
        quantities={lines["Gamis"].pk: 1},
        reason="kebesaran",
        refund_method="cash",
    )
    assert gamis_back.refund_idr == 107_143  # 150.000 × 150/210
    hijab_back = services.record_return(
        shop,
        owner,
        sale,
        quantities={lines["Pashmina"].pk: 1},
        reason="ikut dikembalikan",
        refund_method="cash",
    )
    assert gamis_back.refund_idr + hijab_back.refund_idr == 150_000


def test_the_only_piece_that_can_be_bought_is_not_taken_as_the_free_one(
    shop, owner, hijabs
):
    # Buy 1 Pashmina, get 1 of the Hijab category half price: the Pashmina is a
    # hijab too, but it must be the piece paid for, so the Khimar gets 50 %.
    khimar = make_product(
        shop, name="Khimar", price=90_000, grosir=0, category="Hijab"
    ).variants.get()
    offer(
        shop,
        name="Pashmina + hijab 50%",
        buy_product=hijabs["Pashmina"].product,
        buy_qty=1,
        get_category="Hijab",
        get_qty=1,
        percent_off_bp=5000,
    )
    sale = sell(shop, owner, [(hijabs["Pashmina"], 1), (khimar, 1)])
    assert by_name(sale)["Khimar"].promo_discount_idr == 45_000
    assert sale.total_idr == 60_000 + 45_000


def test_an_offer_outside_its_dates_or_inactive_does_nothing(shop, owner, hijabs):
    today = timezone.localdate()
    offer(shop, buy_category="Hijab", valid_until=today - dt.timedelta(days=1))
    offer(shop, buy_category="Hijab", valid_from=today + dt.timedelta(days=1))
    offer(shop, buy_category="Hijab", is_active=False)
    sale = sell(shop, owner, [(hijabs["Pashmina"], 3)])
    assert sale.total_idr == 180_000


def test_a_return_refunds_the_price_paid_for_an_offer_line(shop, owner, hijabs):
    offer(shop, buy_category="Hijab", buy_qty=2, get_qty=1)
    sale = sell(shop, owner, [(hijabs["Pashmina"], 3)])
    assert sale.total_idr == 120_000
    line = sale.lines.get()
    first = services.record_return(
        shop,
        owner,
        sale,
        quantities={line.pk: 1},
        reason="warna",
        refund_method="cash",
    )
    # Each piece of the line cost Rp 40.000 after the offer, not Rp 60.000.
    assert first.refund_idr == 40_000
    rest = services.record_return(
        shop,
        owner,
        sale,
        quantities={line.pk: 2},
        reason="warna",
        refund_method="cash",
    )
    assert first.refund_idr + rest.refund_idr == 120_000


def test_the_sale_screen_and_receipts_name_the_offer(
    staff_client, owner_client, shop, owner, hijabs
):
    offer(shop, buy_category="Hijab", buy_qty=2, get_qty=1)
    pashmina = hijabs["Pashmina"]
    page = staff_client.post(
        reverse("sales:new"),
        {"key": "k", "v": [pashmina.pk], "q": ["3"], "action": "refresh"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'data-testid="offer-line"' in page and "Beli 2 gratis 1" in page
    assert 'data-testid="sale-total">Rp 120.000' in page
    sale = sell(shop, owner, [(pashmina, 3)])
    receipt = owner_client.get(reverse("sales:receipt", args=[sale.pk]))
    assert "Beli 2 gratis 1 −Rp 60.000" in receipt.content.decode()
    assert "Beli 2 gratis 1 -Rp 60.000" in receipt_text(sale)


def test_the_owner_defines_an_offer_and_it_is_audited(owner_client, shop, hijabs):
    gamis = hijabs["Gamis"].product
    response = owner_client.post(
        reverse("loyalty:offers"),
        {
            "name": "Gamis beli 2 gratis 1",
            "buy_qty": "2",
            "buy_product": gamis.pk,
            "buy_category": "",
            "get_qty": "1",
            "percent_off_bp": "100",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    saved = BuyGetOffer.objects.get(shop=shop)
    assert saved.buy_product == gamis and saved.get_product is None
    assert AuditEvent.objects.filter(action="loyalty.offer_saved").exists()
    assert (
        "Gamis beli 2 gratis 1"
        in owner_client.get(reverse("loyalty:offers")).content.decode()
    )


def test_an_offer_form_refuses_bad_input(owner_client, shop, hijabs, other_shop):
    foreign = make_product(other_shop, name="Produk Tetangga").pk
    for data in (
        {"name": "x", "buy_qty": "2", "get_qty": "1", "percent_off_bp": "100"},
        {
            "name": "x",
            "buy_qty": "0",
            "buy_category": "Hijab",
            "get_qty": "1",
            "percent_off_bp": "100",
        },
        {
            "name": "x",
            "buy_qty": "2",
            "buy_category": "Hijab",
            "get_qty": "1",
            "percent_off_bp": "200",
        },
        {
            "name": "x",
            "buy_qty": "2",
            "buy_product": foreign,
            "get_qty": "1",
            "percent_off_bp": "100",
        },
    ):
        response = owner_client.post(reverse("loyalty:offers"), data)
        assert response.status_code == 200, data
    assert not BuyGetOffer.objects.exists()


def test_staff_cannot_open_the_offers_page(staff_client, shop):
    assert staff_client.get(reverse("loyalty:offers")).status_code == 403
