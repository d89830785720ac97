"""On a phone, a tap always answers: a refused sale shows why, a failed request
(server error, no signal) shows a banner; and the other screens fixed after
the 360 px review (receipt change, restock search, day picker, list rows)."""

from pathlib import Path

import pytest

import conftest
from conftest import PHONE, browser_login, no_sideways_scroll, screenshot, type_until
from setia.accounts.models import Role
from setia.accounts.tests.factories import MembershipFactory
from setia.sales.models import Restock, Sale, SaleReturn
from setia.sales.tests.factories import make_customer, make_product, sell
from setia.sales.tests.test_browser import add_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_VIEW = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def viewport_shot(page, name: str) -> None:
    """What the phone's screen shows right now (not the whole page)."""
    out = Path(conftest.__file__).parent / "test-artifacts"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"))


def sign_in(page, shop):
    owner = MembershipFactory(shop=shop, role=Role.OWNER).user
    browser_login(page, owner.username, "rahasia-uji-123")
    return owner


def test_underpaid_sale_shows_its_message_where_the_clerk_looks(phone_page, shop):
    page = phone_page
    sign_in(page, shop)
    make_product(shop, name="Gamis Aisyah", price=220_000, grosir=0)
    page.goto_path("/sales/new/")
    add_item(page, "aisyah", "Gamis Aisyah")
    page.fill("#pay_amount", "100000")
    page.click("[data-testid=save-sale]")
    error = page.locator("[data-testid=sale-error]")
    error.wait_for()
    assert "Baru dibayar Rp 100.000 dari Rp 220.000" in error.inner_text()
    # Brought into view: Save is at the bottom, the message at the top.
    page.wait_for_function(IN_VIEW, arg="#sale-error")
    assert not page.locator("[data-testid=request-error]").is_visible()
    assert not Sale.objects.exists()
    viewport_shot(page, "ux-02-underpaid-view")
    screenshot(page, "ux-02-underpaid")
    no_sideways_scroll(page)

    # An order discount above the total is refused next to its box.
    page.fill("#discount", "500000")
    page.locator("#discount").blur()
    page.wait_for_selector("[data-testid=discount-error]")
    assert "Rp 500.000" in page.inner_text("[data-testid=discount-error]")
    assert page.input_value("#discount") == "500000"
    assert page.inner_text("[data-testid=sale-total]") == "Rp 220.000"
    page.wait_for_function(IN_VIEW, arg="#discount-error")
    viewport_shot(page, "ux-03-discount-refused")
    page.fill("#discount", "")
    page.locator("#discount").blur()
    page.wait_for_selector("[data-testid=discount-error]", state="detached")

    # Paid with a Rp 300.000 note: the receipt shows it, then the change.
    page.fill("#pay_amount", "300000")
    page.click("[data-testid=save-sale]")
    page.wait_for_selector("[data-testid=receipt]")
    assert page.inner_text("[data-testid=receipt-paid-cash]") == "Rp 300.000"
    assert page.inner_text("[data-testid=receipt-change]") == "Rp 80.000"
    assert "Kembalian" in page.inner_text("[data-testid=receipt]")
    assert "Ubah" not in page.inner_text("[data-testid=receipt]")
    screenshot(page, "ux-04-receipt-change")


def test_customer_search_shows_numbers_as_everywhere_else(phone_page, shop):
    page = phone_page
    sign_in(page, shop)
    make_customer(shop, name="Lestari Nuraini")
    page.goto_path("/sales/new/")
    type_until(page, "#cq", "lestari", "#customer-results li")
    assert "0812-" in page.inner_text("#customer-results")
    assert "+62" not in page.inner_text("#customer-results")
    screenshot(page, "ux-01-customer-results")


def test_server_error_or_no_signal_shows_a_banner(phone_page, shop):
    page = phone_page
    sign_in(page, shop)
    make_product(shop, name="Gamis Aisyah", price=220_000, grosir=0)
    page.goto_path("/sales/new/")
    add_item(page, "aisyah", "Gamis Aisyah")
    banner = page.locator("[data-testid=request-error]")
    assert not banner.is_visible()

    def server_error(route):
        if route.request.method == "POST":
            route.fulfill(status=500, body="Server Error (500)")
        else:
            route.continue_()

    page.route("**/sales/new/", server_error)
    page.click("[data-testid=save-sale]")
    banner.wait_for()
    assert banner.inner_text().startswith(
        "Gagal menyimpan. Periksa koneksi internet lalu coba lagi."
    )
    page.wait_for_function(IN_VIEW, arg="#request-error")
    viewport_shot(page, "ux-05-server-error")
    box = page.locator(".request-error-close").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    page.click(".request-error-close")
    assert not banner.is_visible()
    # The cart is still there to try again.
    assert page.inner_text("[data-testid=sale-total]") == "Rp 220.000"

    # No signal at all: the request never reaches the server.
    page.unroute("**/sales/new/")
    page.route("**/sales/new/", lambda route: route.abort("internetdisconnected"))
    page.click("[data-testid=save-sale]")
    banner.wait_for()
    assert "Periksa koneksi internet" in banner.inner_text()
    assert not Sale.objects.exists()

    # Signal back: the retry saves (once) and the receipt shows.
    page.unroute("**/sales/new/")
    page.click("[data-testid=save-sale]")
    page.wait_for_selector("[data-testid=receipt]")
    assert Sale.objects.count() == 1


def test_refused_return_keeps_the_form_as_typed(phone_page, shop):
    page = phone_page
    owner = sign_in(page, shop)
    variant = make_product(shop, name="Gamis Aisyah", stock=5).variants.get()
    sale = sell(shop, owner, variant, 1)
    page.goto_path(f"/sales/{sale.pk}/")
    page.click("details.card summary >> text=Retur barang")
    page.fill("#reason", "Warna beda")
    page.click("[data-testid=save-return]")
    page.wait_for_selector("text=Pilih minimal satu barang untuk diretur.")
    assert page.input_value("#reason") == "Warna beda"
    assert page.locator("#return-form").get_attribute("open") is not None
    screenshot(page, "ux-06-return-refused")
    page.fill(f"#r{sale.lines.get().pk}", "1")
    page.click("[data-testid=save-return]")
    page.wait_for_selector("text=Retur dicatat")
    assert SaleReturn.objects.get().reason == "Warna beda"


def test_restock_search_keeps_the_quantities_typed(phone_page, shop):
    page = phone_page
    sign_in(page, shop)
    gamis = make_product(shop, name="Gamis Zahra", sizes="M, L", cost_idr=90_000)
    pashmina = make_product(shop, name="Pashmina Ceruty", cost_idr=40_000)
    gamis_m = gamis.variants.get(size="M")
    page.goto_path("/sales/restocks/new/")
    page.fill(f"[name=qty_{gamis_m.pk}]", "5")
    screenshot(page, "ux-07-restock-labels")
    no_sideways_scroll(page)
    page.fill("#restock-q", "pashmina")
    page.wait_for_selector("#restock-products >> text=Gamis Zahra", state="detached")
    page.wait_for_selector("#restock-products >> text=Pashmina Ceruty")
    # The typed line is kept, above the results, inside the form.
    assert page.input_value(f"#restock-kept [name=qty_{gamis_m.pk}]") == "5"
    assert page.locator(f"[name=qty_{gamis_m.pk}]").count() == 1
    page.fill(f"[name=qty_{pashmina.variants.get().pk}]", "3")
    # Searching again for a kept product shows it once, with its quantity.
    page.fill("#restock-q", "zahra")
    page.wait_for_selector("#restock-kept >> text=Pashmina Ceruty")
    page.wait_for_selector(
        "#restock-products >> text=Pashmina Ceruty", state="detached"
    )
    assert page.locator(f"[name=qty_{gamis_m.pk}]").count() == 1
    assert page.locator(f"[name=qty_{pashmina.variants.get().pk}]").count() == 1
    screenshot(page, "ux-08-restock-kept")
    no_sideways_scroll(page)
    page.click("text=Simpan belanja stok")
    page.wait_for_selector("text=Belanja stok disimpan")
    restock = Restock.objects.get()
    assert sorted(
        (line.variant_id, line.quantity) for line in restock.lines.all()
    ) == sorted([(gamis_m.pk, 5), (pashmina.variants.get().pk, 3)])


def test_day_arrows_are_thumb_sized_and_a_date_picker_jumps(phone_page, shop):
    page = phone_page
    owner = sign_in(page, shop)
    sell(shop, owner, make_product(shop).variants.get())
    page.goto_path("/sales/")
    box = page.locator("[data-testid=day-previous]").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    screenshot(page, "ux-09-day-list")
    no_sideways_scroll(page)
    page.fill("#day-date", "2025-07-13")
    page.click("[data-testid=day-pick] button")
    page.wait_for_url("**/sales/?date=2025-07-13")
    assert "13 Jul 2025" in page.inner_text("[data-testid=list-date]")
    box = page.locator("[data-testid=day-next]").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44


def test_list_rows_keep_names_and_amounts_apart(phone_page, shop):
    page = phone_page
    owner = sign_in(page, shop)
    customer = make_customer(shop, name="Rosita Hutapea")
    variant = make_product(shop, price=80_000, grosir=0).variants.get()
    sell(shop, owner, variant, customer=customer, pay=[], on_credit=True)
    rows = (
        ("/sales/credit/", "ul.list a.item", "ux-10-credit-list"),
        ("/sales/", "[data-testid=sale-list] a.item", "ux-11-day-receipts"),
    )
    for path, row, shot in rows:
        page.goto_path(path)
        screenshot(page, shot)
        link = page.locator(row).first
        assert link.evaluate("a => getComputedStyle(a).display") == "flex"
        left = link.locator("> span").first.bounding_box()
        amount = link.locator("> .num").bounding_box()
        assert amount["x"] >= left["x"] + left["width"] + 4, path
        assert amount["x"] + amount["width"] <= PHONE["width"]
