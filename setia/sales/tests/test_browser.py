"""A clerk on a phone: retail sale, grosir sale to a reseller, credit settled
later, a return; receipts and history right."""

import pytest

from conftest import browser_login, no_sideways_scroll, screenshot, type_until
from setia.accounts.models import Role
from setia.accounts.tests.factories import MembershipFactory
from setia.sales.models import Sale, SaleReturn
from setia.sales.tests.factories import make_customer, make_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_item(page, query: str, label: str) -> None:
    button = f"#item-results button[aria-label='Tambah {label}']"
    type_until(page, "#iq", query, button)
    page.locator(button).click()
    page.wait_for_selector(f"[data-testid=cart] >> text={label}")


def choose_customer(page, name: str) -> None:
    searches = []

    def record(request):
        if "/sales/new/customers/" in request.url:
            searches.append(request)

    page.on("request", record)
    type_until(page, "#cq", name, f"#customer-results li:has-text('{name}') button")
    page.remove_listener("request", record)
    # The name typed is posted, never put in an address a proxy would log.
    assert searches and all(r.method == "POST" for r in searches)
    for request in searches:
        assert name.split()[0].lower() not in request.url.lower(), request.url
        assert "cq=" in (request.post_data or "")
    page.locator("#customer-results li", has_text=name).locator("button").click()
    page.wait_for_selector(f"[data-testid=sale-customer] >> text={name}")


def save(page) -> None:
    page.click("[data-testid=save-sale]")
    page.wait_for_selector("[data-testid=receipt]")


def test_phone_sales_day(phone_page, shop):
    page = phone_page
    owner = MembershipFactory(shop=shop, role=Role.OWNER).user
    make_product(shop, name="Gamis Zahra", price=150_000, grosir=130_000, stock=20)
    make_product(shop, name="Pashmina Ceruty", price=75_000, grosir=65_000, stock=30)
    siti = make_customer(shop, name="Siti Lestari")
    make_customer(shop, name="Rahma Reseller", reseller=True)
    browser_login(page, owner.username, "rahasia-uji-123")

    # 1. Retail sale to a known customer, paid in cash.
    page.goto_path("/sales/new/")
    choose_customer(page, "Siti Lestari")
    add_item(page, "zahra", "Gamis Zahra")
    assert page.inner_text("[data-testid=sale-total]") == "Rp 150.000"
    screenshot(page, "sales-01-cart")
    no_sideways_scroll(page)
    save(page)
    assert page.inner_text("[data-testid=receipt-total]") == "Rp 150.000"
    wa = page.get_attribute("[data-testid=wa-link]", "href")
    assert wa.startswith(f"https://wa.me/{siti.phone[1:]}?text=")
    screenshot(page, "sales-02-receipt")

    # 2. Grosir sale to a reseller: one piece already at the grosir price.
    page.goto_path("/sales/new/")
    choose_customer(page, "Rahma Reseller")
    add_item(page, "pashmina", "Pashmina Ceruty")
    add_item(page, "zahra", "Gamis Zahra")
    page.locator("[data-testid=cart] li", has_text="Gamis Zahra").locator(
        "button[value^=inc]"
    ).click()
    page.wait_for_selector("[data-testid=sale-total] >> text=Rp 325.000")
    assert page.locator("[data-testid=cart] .badge-good").count() == 2
    screenshot(page, "sales-03-grosir")
    no_sideways_scroll(page)
    save(page)
    assert "grosir" in page.inner_text("[data-testid=receipt]")

    # 3. Credit (kasbon): Rp 50.000 down, the rest later.
    page.goto_path("/sales/new/")
    choose_customer(page, "Siti Lestari")
    add_item(page, "zahra", "Gamis Zahra")
    page.click("details.more-pay summary")
    page.fill("#pay_amount", "50000")
    page.check("input[name=credit]")
    screenshot(page, "sales-04-credit")
    save(page)
    assert page.inner_text("[data-testid=receipt-outstanding]") == "Rp 100.000"

    # ... settled later from the credit list.
    page.goto_path("/sales/credit/")
    assert page.inner_text("[data-testid=credit-total]") == "Rp 100.000"
    page.locator("text=Siti Lestari").first.click()
    page.fill("#settle-amount", "100000")
    page.click("[data-testid=settle]")
    page.wait_for_selector("text=Pembayaran dicatat")
    assert page.locator("[data-testid=outstanding]").count() == 0
    page.goto_path("/sales/credit/")
    assert page.inner_text("[data-testid=credit-total]") == "Rp 0"

    # 4. A return on the first sale: one gamis back, cash refund.
    first = Sale.objects.filter(shop=shop).order_by("number").first()
    page.goto_path(f"/sales/{first.pk}/")
    page.click("details.card summary >> text=Retur barang")
    line = first.lines.get()
    page.fill(f"#r{line.pk}", "1")
    page.fill("#reason", "Ukuran kekecilan")
    page.click("[data-testid=save-return]")
    page.wait_for_selector("text=Ukuran kekecilan")
    screenshot(page, "sales-05-return")
    assert SaleReturn.objects.get().refund_idr == 150_000

    # History: the day's list and the customer's purchases.
    page.goto_path("/sales/")
    assert page.inner_text("[data-testid=day-count]") == "3"
    assert page.inner_text("[data-testid=day-revenue]") == "Rp 475.000"
    screenshot(page, "sales-06-day")
    page.goto_path(f"/sales/customer/{siti.pk}/")
    panel = page.inner_text("[data-testid=sales-panel]")
    assert "#00001" in panel and "#00003" in panel and "#00002" not in panel
    assert "Retur" in panel
    screenshot(page, "sales-07-customer")

    # 5. A promo code typed at the counter; the sale earns a next-order coupon.
    from setia.loyalty.models import CouponRule, PromoCode

    PromoCode.objects.create(shop=shop, code="LEBARAN26", discount_idr=20_000)
    CouponRule.objects.create(
        shop=shop, name="Kupon belanja lagi", min_spend_idr=100_000, discount_idr=15_000
    )
    page.goto_path("/sales/new/")
    choose_customer(page, "Siti Lestari")
    add_item(page, "zahra", "Gamis Zahra")
    page.fill("#promo", "ngawur")
    page.click("[data-testid=apply-promo]")
    page.wait_for_selector("[data-testid=promo-error] >> text=Kode promo ini tidak ada")
    page.fill("#promo", "lebaran26")
    page.click("[data-testid=apply-promo]")
    page.wait_for_selector("[data-testid=sale-total] >> text=Rp 130.000")
    assert page.inner_text("[data-testid=promo-discount]") == "−Rp 20.000"
    screenshot(page, "sales-08-promo")
    no_sideways_scroll(page)
    save(page)
    assert page.inner_text("[data-testid=receipt-total]") == "Rp 130.000"
    assert page.inner_text("[data-testid=receipt-promo]") == "−Rp 20.000"
    coupon = PromoCode.objects.get(shop=shop, customer=siti)
    assert coupon.code in page.inner_text("[data-testid=receipt-coupon]")
    screenshot(page, "sales-09-promo-receipt")

    # The coupon is offered on Siti's next sale, from the next day: one tap.
    import datetime as dt

    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=True):
        page.goto_path("/sales/new/")
        choose_customer(page, "Siti Lestari")
        add_item(page, "zahra", "Gamis Zahra")
        page.click(f"[data-testid=use-coupon] >> text={coupon.code}")
        page.wait_for_selector("[data-testid=sale-total] >> text=Rp 135.000")
        screenshot(page, "sales-10-coupon")

    # 6. A buy-1-get-1 offer applies by itself and is named on the line.
    from setia.loyalty.models import BuyGetOffer
    from setia.sales.models import Product

    pashmina = Product.objects.get(shop=shop, name="Pashmina Ceruty")
    BuyGetOffer.objects.create(
        shop=shop, name="Pashmina beli 1 gratis 1", buy_product=pashmina, buy_qty=1
    )
    page.goto_path("/sales/new/")
    add_item(page, "ceruty", "Pashmina Ceruty")
    ceruty = "#item-results button[aria-label='Tambah Pashmina Ceruty']"
    type_until(page, "#iq", "ceruty", ceruty)
    page.locator(ceruty).click()
    page.wait_for_selector("[data-testid=cart] >> text=Pashmina beli 1 gratis 1")
    assert page.inner_text("[data-testid=sale-total]") == "Rp 75.000"
    screenshot(page, "sales-11-offer")
    no_sideways_scroll(page)
    save(page)
    assert page.inner_text("[data-testid=receipt-total]") == "Rp 75.000"
    assert "Pashmina beli 1 gratis 1" in page.inner_text("[data-testid=receipt]")
    screenshot(page, "sales-12-offer-receipt")


def test_owner_voids_yesterdays_sale_and_today_shows_the_cash_going_out(
    phone_page, shop
):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from setia.sales.tests.factories import sell

    page = phone_page
    owner = MembershipFactory(shop=shop, role=Role.OWNER).user
    variant = make_product(shop, name="Tunik Navy", price=150_000, grosir=0).variants
    with time_machine.travel(timezone.now() - dt.timedelta(days=1), tick=False):
        sale = sell(shop, owner, variant.get(), 1)
    browser_login(page, owner.username, "rahasia-uji-123")
    page.goto_path(f"/sales/{sale.pk}/")
    page.click("details.card summary >> text=Batalkan penjualan ini")
    page.fill("#void-reason", "Pembeli batal")
    page.check("input[name=money][value=cash]")
    no_sideways_scroll(page)
    screenshot(page, "sales-13-void-money")
    page.click("button.btn-danger")
    page.wait_for_selector("text=Rp 150.000 dikembalikan tunai")
    page.goto_path("/sales/")
    assert page.inner_text("[data-testid=cash-net]") == "-Rp 150.000"
    assert "Dikembalikan (tunai)" in page.inner_text("main")
    screenshot(page, "sales-14-day-after-void")
