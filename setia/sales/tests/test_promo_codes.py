"""Promo codes at the counter: the sale screen's preview, the use written in the
sale's transaction, retries, returns and voids."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from setia.loyalty.models import PromoCode, PromoRedemption
from setia.sales import services
from setia.sales.models import Sale
from setia.sales.receipts import receipt_text
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_customer, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def gamis(shop):
    return make_product(
        shop, name="Gamis Zahra", price=150_000, grosir=0
    ).variants.get()


def promo(shop, code="LEBARAN26", **fields) -> PromoCode:
    fields.setdefault("discount_idr", 25_000)
    return PromoCode.objects.create(shop=shop, code=code, **fields)


def sell(shop, by, variant, quantity=1, *, code="", customer=None, key=None, **kw):
    return services.record_sale(
        shop,
        by,
        lines=[LineInput(variant.pk, quantity)],
        payments=[PaymentInput("cash", None)],
        idempotency_key=key or uuid.uuid4().hex,
        customer=customer,
        promo_code=code,
        **kw,
    )


def test_a_promo_code_takes_its_discount_off_and_counts_one_use(shop, owner, gamis):
    lebaran = promo(shop, percent_bp=1000, discount_idr=0, cap_idr=40_000)
    sale = sell(shop, owner, gamis, 2, code=" lebaran26 ")
    assert (sale.subtotal_idr, sale.promo_discount_idr) == (300_000, 30_000)
    assert sale.total_idr == 270_000 and sale.promo_code == "LEBARAN26"
    lebaran.refresh_from_db()
    assert lebaran.uses == 1
    use = PromoRedemption.objects.get(promo=lebaran)
    assert (use.sale_id, use.discount_idr) == (sale.pk, 30_000)


def test_the_cap_limits_a_percentage_code(shop, owner, gamis):
    promo(shop, percent_bp=5000, discount_idr=0, cap_idr=40_000)
    assert sell(shop, owner, gamis, 2, code="LEBARAN26").promo_discount_idr == 40_000


def test_a_retried_sale_uses_a_single_use_code_once(shop, owner, gamis):
    single = promo(shop, max_uses=1)
    first = sell(shop, owner, gamis, code="LEBARAN26", key="tap")
    again = sell(shop, owner, gamis, code="LEBARAN26", key="tap")
    assert again.pk == first.pk
    single.refresh_from_db()
    assert single.uses == 1
    assert Sale.objects.count() == 1
    assert PromoRedemption.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"valid_until": dt.date(2020, 1, 31)}, "tidak berlaku hari ini"),
        ({"valid_from": dt.date(2099, 1, 1)}, "baru bisa dipakai mulai 01/01/2099"),
        ({"max_uses": 1, "uses": 1}, "sudah habis dipakai"),
        ({"min_purchase_idr": 200_000}, "minimal Rp 200.000"),
        ({"is_active": False}, "tidak ada"),
        ({"max_uses_per_customer": 1}, "Pilih pelanggan"),
    ],
)
def test_a_code_that_does_not_apply_stops_the_sale(shop, owner, gamis, fields, message):
    code = promo(shop, **fields)
    with pytest.raises(ValidationError) as exc:
        sell(shop, owner, gamis, code="LEBARAN26")
    assert message in " ".join(exc.value.messages)
    assert Sale.objects.count() == 0
    code.refresh_from_db()
    assert code.uses == fields.get("uses", 0)


def test_an_unknown_code_and_another_shops_code_are_refused(
    shop, owner, gamis, other_shop
):
    promo(other_shop, code="TETANGGA")
    for code in ("NGAWUR", "TETANGGA"):
        with pytest.raises(ValidationError, match="tidak ada"):
            sell(shop, owner, gamis, code=code)


def test_the_per_customer_limit_counts_only_that_customer(shop, owner, gamis):
    promo(shop, max_uses_per_customer=1)
    siti, rina = make_customer(shop, "Siti"), make_customer(shop, "Rina")
    sell(shop, owner, gamis, code="LEBARAN26", customer=siti)
    with pytest.raises(ValidationError, match="sudah memakai"):
        sell(shop, owner, gamis, code="LEBARAN26", customer=siti)
    assert sell(shop, owner, gamis, code="LEBARAN26", customer=rina).promo_code


def test_a_return_refunds_what_was_paid_after_the_promo(shop, owner, gamis):
    promo(shop, discount_idr=30_000)
    sale = sell(shop, owner, gamis, 3, code="LEBARAN26")
    assert sale.total_idr == 420_000
    line = sale.lines.get()
    first = services.record_return(
        shop,
        owner,
        sale,
        quantities={line.pk: 1},
        reason="kekecilan",
        refund_method="cash",
    )
    assert first.refund_idr == 140_000  # 150.000 less a third of the 30.000
    rest = services.record_return(
        shop,
        owner,
        sale,
        quantities={line.pk: 2},
        reason="kekecilan",
        refund_method="cash",
    )
    assert first.refund_idr + rest.refund_idr == sale.total_idr


def test_returning_every_line_refunds_exactly_the_total(shop, owner):
    # Three lines of Rp 1.000 and Rp 1.000 off: each line paid Rp 666,67.
    # Rounding each line on its own would refund Rp 2.001 for a Rp 2.000 sale.
    promo(shop, discount_idr=1_000)
    variants = [
        make_product(shop, name=f"Bros {n}", price=1_000, grosir=0).variants.get()
        for n in range(3)
    ]
    sale = services.record_sale(
        shop,
        owner,
        lines=[LineInput(v.pk, 1) for v in variants],
        payments=[PaymentInput("cash", None)],
        idempotency_key=uuid.uuid4().hex,
        promo_code="LEBARAN26",
    )
    assert sale.total_idr == 2_000
    refunds = [
        services.record_return(
            shop,
            owner,
            sale,
            quantities={line.pk: 1},
            reason="batal",
            refund_method="cash",
        ).refund_idr
        for line in sale.lines.order_by("pk")
    ]
    assert sum(refunds) == 2_000 and sorted(refunds) == [666, 667, 667]


def test_a_void_gives_the_use_back_once(shop, owner, gamis):
    single = promo(shop, max_uses=1, max_uses_per_customer=1)
    siti = make_customer(shop)
    sale = sell(shop, owner, gamis, code="LEBARAN26", customer=siti)
    services.void_sale(shop, owner, sale, reason="salah input")
    services.void_sale(shop, owner, sale, reason="salah input")
    single.refresh_from_db()
    assert single.uses == 0
    back = PromoRedemption.objects.get(is_give_back=True)
    assert (back.sale_id, back.discount_idr) == (sale.pk, -25_000)
    # The customer may use it again, and then it is used up again.
    sell(shop, owner, gamis, code="LEBARAN26", customer=siti)
    single.refresh_from_db()
    assert single.uses == 1


def test_points_are_earned_on_the_amount_after_the_promo(shop, owner, gamis):
    from setia.loyalty.services import points_balance
    from setia.loyalty.tests.factories import make_program

    make_program(shop)  # 1 point per Rp 10.000
    promo(shop, discount_idr=50_000)
    siti = make_customer(shop)
    sell(shop, owner, gamis, code="LEBARAN26", customer=siti)
    assert points_balance(shop, siti) == 10


def test_receipt_page_and_whatsapp_text_show_the_promo(
    owner_client, shop, owner, gamis
):
    promo(shop)
    sale = sell(shop, owner, gamis, code="LEBARAN26")
    page = owner_client.get(reverse("sales:receipt", args=[sale.pk])).content.decode()
    assert "Promo LEBARAN26" in page and "−Rp 25.000" in page
    text = receipt_text(sale)
    assert "Promo LEBARAN26: Rp 25.000" in text
    assert "*Total: Rp 125.000*" in text


# ---- The sale screen ----


def screen(client, variant, code, **extra):
    data = {"key": "k1", "v": [variant.pk], "q": ["2"], "promo": code, **extra}
    return client.post(reverse("sales:new"), data, HTTP_HX_REQUEST="true")


def test_the_sale_screen_previews_the_rupiah_off(staff_client, shop, gamis):
    promo(shop, percent_bp=1000, discount_idr=0)
    response = screen(staff_client, gamis, "lebaran26", action="refresh")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="promo-discount">−Rp 30.000' in page
    assert 'data-testid="sale-total">Rp 270.000' in page
    assert 'value="LEBARAN26"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"valid_until": dt.date(2020, 1, 31)},
            "Kode promo ini tidak berlaku hari ini.",
        ),
        ({"max_uses": 2, "uses": 2}, "Kode promo ini sudah habis dipakai."),
        ({"min_purchase_idr": 500_000}, "perlu belanja minimal Rp 500.000"),
    ],
)
def test_the_sale_screen_explains_a_code_that_does_not_apply(
    staff_client, shop, gamis, fields, message
):
    promo(shop, **fields)
    page = screen(staff_client, gamis, "LEBARAN26", action="refresh").content.decode()
    assert 'data-testid="promo-error"' in page and message in page
    assert 'data-testid="sale-total">Rp 300.000' in page


def test_saving_from_the_screen_uses_the_code(staff_client, shop, gamis):
    code = promo(shop)
    response = screen(staff_client, gamis, "LEBARAN26", action="save")
    assert response.status_code == 200 and "HX-Redirect" in response.headers
    sale = Sale.objects.get()
    assert sale.promo_discount_idr == 25_000 and sale.total_idr == 275_000
    code.refresh_from_db()
    assert code.uses == 1


def test_saving_with_a_used_up_code_keeps_the_cart_and_says_why(
    staff_client, shop, gamis
):
    promo(shop, max_uses=1, uses=1)
    response = screen(staff_client, gamis, "LEBARAN26", action="save")
    assert response.status_code == 422
    assert "sudah habis dipakai" in response.content.decode()
    assert Sale.objects.count() == 0


def test_a_member_sees_their_coupons_and_one_tap_applies_one(staff_client, shop, gamis):
    siti = make_customer(shop)
    promo(
        shop,
        code="K7MPQ2XA",
        customer=siti,
        max_uses=1,
        valid_until=timezone.localdate() + dt.timedelta(days=5),
    )
    page = screen(
        staff_client, gamis, "", action="refresh", customer=siti.pk
    ).content.decode()
    assert 'value="promo:K7MPQ2XA"' in page
    page = screen(
        staff_client, gamis, "", action="promo:K7MPQ2XA", customer=siti.pk
    ).content.decode()
    assert 'data-testid="promo-discount">−Rp 25.000' in page
