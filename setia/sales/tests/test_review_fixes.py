"""Double taps on returns, settlements and restocks; stale stock counts; referral
bonus on kasbon; imported sales move customers' last purchase date."""

import datetime as dt

import pytest
from django.urls import reverse

from setia.customers.models import Customer
from setia.loyalty import programs
from setia.loyalty import services as loyalty
from setia.sales import importing, services
from setia.sales.models import (
    Payment,
    Product,
    Restock,
    RestockLine,
    SaleReturn,
    Variant,
)
from setia.sales.services import PaymentInput
from setia.sales.tests.factories import make_customer, make_product, sell

pytestmark = pytest.mark.django_db


def detail_url(sale):
    return reverse("sales:detail", args=[sale.pk])


# ---- 1. returns -------------------------------------------------------------


def test_double_tap_on_return_refunds_once(staff_client, shop, owner):
    variant = make_product(shop, price=100_000, grosir=0, stock=5).variants.get()
    sale = sell(shop, owner, variant, 2)
    page = staff_client.get(detail_url(sale))
    key = page.context["return_key"]
    assert key and f'name="key" value="{key}"' in page.content.decode()
    assert staff_client.get(detail_url(sale)).context["return_key"] != key
    line = sale.lines.get()
    data = {f"r{line.pk}": "1", "reason": "kekecilan", "refund_method": "cash"}
    url = reverse("sales:return", args=[sale.pk])
    first = staff_client.post(url, {**data, "key": key})
    second = staff_client.post(url, {**data, "key": key})
    assert first.status_code == second.status_code == 302
    assert SaleReturn.objects.filter(sale=sale).count() == 1
    sale.refresh_from_db()
    assert sale.returned_idr == 100_000
    assert Variant.objects.get(pk=variant.pk).stock == 4
    # A new page view (a new key) can return the other piece.
    staff_client.post(url, {**data, "key": "another-key"})
    assert SaleReturn.objects.filter(sale=sale).count() == 2


def test_repeated_return_key_answers_the_first_return_even_when_nothing_is_left(
    shop, owner
):
    variant = make_product(shop, price=100_000, grosir=0).variants.get()
    sale = sell(shop, owner, variant, 1)
    args = {
        "quantities": {sale.lines.get().pk: 1},
        "reason": "rusak",
        "refund_method": "cash",
        "idempotency_key": "ret-1",
    }
    first = services.record_return(shop, owner, sale, **args)
    again = services.record_return(shop, owner, sale, **args)
    assert again.pk == first.pk


# ---- 2. settlements and restocks --------------------------------------------


def test_double_tap_on_settle_records_one_payment(staff_client, shop, owner):
    customer = make_customer(shop)
    variant = make_product(shop, price=100_000, grosir=0).variants.get()
    sale = sell(shop, owner, variant, customer=customer, pay=[], on_credit=True)
    page = staff_client.get(detail_url(sale))
    key = page.context["settle_key"]
    assert f'name="key" value="{key}"' in page.content.decode()
    url = reverse("sales:settle", args=[sale.pk])
    data = {"amount": "40.000", "method": "cash", "key": key}
    staff_client.post(url, data)
    staff_client.post(url, data)
    settlements = Payment.objects.filter(sale=sale, kind=Payment.Kind.SETTLEMENT)
    assert settlements.count() == 1
    sale.refresh_from_db()
    assert (sale.paid_idr, sale.outstanding_idr) == (40_000, 60_000)


def test_repeated_settle_key_after_paying_off_returns_the_payment(shop, owner):
    customer = make_customer(shop)
    variant = make_product(shop, price=100_000, grosir=0).variants.get()
    sale = sell(shop, owner, variant, customer=customer, pay=[], on_credit=True)
    first = services.settle_credit(
        shop, owner, sale, method="cash", amount_idr=100_000, idempotency_key="s1"
    )
    again = services.settle_credit(
        shop, owner, sale, method="cash", amount_idr=100_000, idempotency_key="s1"
    )
    assert again.pk == first.pk


def test_double_tap_on_restock_adds_stock_once(staff_client, shop):
    variant = make_product(shop, stock=2).variants.get()
    page = staff_client.get(reverse("sales:restock_new"))
    key = page.context["key"]
    assert key and f'name="key" value="{key}"' in page.content.decode()
    assert staff_client.get(reverse("sales:restock_new")).context["key"] != key
    data = {
        "supplier": "Tanah Abang",
        "received_on": "2025-03-01",
        "note": "",
        f"qty_{variant.pk}": "10",
        f"cost_{variant.pk}": "90000",
        "key": key,
    }
    first = staff_client.post(reverse("sales:restock_new"), data)
    second = staff_client.post(reverse("sales:restock_new"), data)
    assert first.status_code == second.status_code == 302
    assert Restock.objects.filter(shop=shop).count() == 1
    assert RestockLine.objects.count() == 1
    assert Variant.objects.get(pk=variant.pk).stock == 12


def test_restock_key_is_per_shop(shop, other_shop):
    mine = make_product(shop).variants.get()
    theirs = make_product(other_shop).variants.get()
    for target, variant in ((shop, mine), (other_shop, theirs)):
        services.record_restock(
            target,
            None,
            supplier="Blok A",
            received_on=dt.date(2025, 3, 1),
            lines=[services.RestockLineInput(variant.pk, 1, 1000)],
            idempotency_key="same-key",
        )
    assert Restock.objects.count() == 2


# ---- 3. stock counts on the product page --------------------------------------


def product_post(product, variant, stock, shown, **extra):
    return {
        "name": product.name,
        "sku": "",
        "category": "",
        "price_idr": "150000",
        "grosir_price_idr": "130000",
        "grosir_min_qty": "3",
        "cost_idr": "0",
        "tracks_stock": "on",
        "is_active": "on",
        f"stock_{variant.pk}": stock,
        f"stock_orig_{variant.pk}": shown,
        **extra,
    }


def test_saving_product_keeps_sales_made_while_the_page_was_open(
    owner_client, shop, owner
):
    product = make_product(shop, stock=20)
    variant = product.variants.get()
    url = reverse("sales:product_edit", args=[product.pk])
    page = owner_client.get(url)
    assert f'name="stock_orig_{variant.pk}" value="20"' in page.content.decode()
    sell(shop, owner, variant, 2)  # meanwhile at the counter: 18 left
    response = owner_client.post(
        url, product_post(product, variant, "20", "20", category="gamis")
    )
    assert response.status_code == 302
    assert Variant.objects.get(pk=variant.pk).stock == 18
    assert Product.objects.get(pk=product.pk).category == "gamis"


def test_a_changed_stock_box_is_a_count(owner_client, shop):
    product = make_product(shop, stock=20)
    variant = product.variants.get()
    url = reverse("sales:product_edit", args=[product.pk])
    owner_client.post(url, product_post(product, variant, "15", "20"))
    assert Variant.objects.get(pk=variant.pk).stock == 15


def test_non_number_stock_is_refused_and_nothing_is_saved(owner_client, shop):
    product = make_product(shop, stock=20)
    variant = product.variants.get()
    url = reverse("sales:product_edit", args=[product.pk])
    response = owner_client.post(
        url, product_post(product, variant, "dua", "20", category="tunik")
    )
    assert response.status_code == 200
    assert "harus berupa bilangan bulat" in response.content.decode()
    assert Variant.objects.get(pk=variant.pk).stock == 20
    assert Product.objects.get(pk=product.pk).category == ""


# ---- 4. referral bonus on kasbon ---------------------------------------------


def test_settling_kasbon_pays_the_referral_bonus(shop, owner):
    programs.save_program(shop, by=owner, referral_bonus_points=25)
    referrer = make_customer(shop, name="Bu Ani")
    friend = make_customer(shop, name="Bu Rina")
    Customer.objects.filter(pk=friend.pk).update(referred_by=referrer)
    friend.refresh_from_db()
    variant = make_product(shop, price=100_000, grosir=0).variants.get()
    sale = sell(
        shop,
        owner,
        variant,
        customer=friend,
        pay=[PaymentInput("cash", 30_000)],
        on_credit=True,
    )
    assert loyalty.points_balance(shop, referrer) == 0
    services.settle_credit(shop, owner, sale, method="cash", amount_idr=50_000)
    assert loyalty.points_balance(shop, referrer) == 0
    services.settle_credit(shop, owner, sale, method="qris", amount_idr=20_000)
    assert loyalty.points_balance(shop, referrer) == 25


# ---- 5. import and last purchase ---------------------------------------------


def test_import_moves_customers_last_purchase_to_their_latest_sale(
    shop, owner, tmp_path
):
    sari = make_customer(shop, name="Bu Sari")
    tini = make_customer(shop, name="Bu Tini")
    Customer.objects.filter(pk=tini.pk).update(last_purchase_on=dt.date(2025, 6, 1))
    path = tmp_path / "penjualan.csv"
    path.write_text(
        "Tanggal;No Nota;No HP;Nama;Barang;Qty;Total\n"
        f"03/02/2025;N1;{sari.phone};Bu Sari;Gamis;1;185000\n"
        f"09/02/2025;N2;{sari.phone};Bu Sari;Tunik;1;120000\n"
        f"05/02/2025;N3;{sari.phone};Bu Sari;Rok;1;90000\n"
        f"04/02/2025;N4;{tini.phone};Bu Tini;Rok;1;90000\n",
        encoding="utf-8",
    )
    importing.commit_import(shop, owner, path, "csv")
    sari.refresh_from_db()
    tini.refresh_from_db()
    assert sari.last_purchase_on == dt.date(2025, 2, 9)
    assert tini.last_purchase_on == dt.date(2025, 6, 1)
