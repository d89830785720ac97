from pathlib import Path

import pytest

from conftest import PHONE, browser_login, no_sideways_scroll, screenshot, type_until
from setia.loyalty import services
from setia.loyalty.models import ProgramVersion
from setia.loyalty.tests.factories import make_customer, make_sale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_sets_up_program_prints_card_finds_member_and_shares_own_page(
    phone_page, browser, live_server, shop, owner
):
    page = phone_page
    browser_login(page, owner.username, "rahasia-uji-123")
    page.goto_path("/loyalty/")
    assert page.inner_text("h1") == "Loyalitas"
    page.click("[data-testid=setup-program]")
    page.fill("#id_idr_per_point", "10000")
    page.fill("#id_point_value_idr", "100")
    page.fill("#id_excluded_categories", "Aksesoris")
    page.fill("#id_welcome_bonus_points", "5")
    no_sideways_scroll(page)
    page.click("text=Simpan sebagai versi baru")
    page.wait_for_selector(".messages")
    screenshot(page, "loyalty-settings-phone")
    assert "versi 1" in page.inner_text(".messages")
    assert ProgramVersion.objects.get(shop=shop).welcome_bonus_points == 5

    # A sale to a member (recorded by the sales app in real use).
    customer = make_customer(shop, name="Bu Wanty Pelanggan")
    sale = make_sale(shop, customer, [(250_000, 1, "Gamis", False)], by=owner)
    services.record_sale_loyalty(sale, None, owner)

    page.goto_path("/loyalty/")
    page.click("text=Bu Wanty Pelanggan")
    assert page.inner_text("[data-testid=points-balance] b") == "30"
    screenshot(page, "loyalty-member-phone")
    no_sideways_scroll(page)

    page.click("[data-testid=open-card]")
    # Opening the page makes no card; its button does (a POST).
    page.wait_for_selector("[data-testid=make-card]")
    screenshot(page, "loyalty-card-make-phone")
    no_sideways_scroll(page)
    page.click("[data-testid=make-card]")
    card_text = page.inner_text("[data-testid=member-card]")
    assert "Butik Uji A" in card_text and "Bu Wanty Pelanggan" in card_text
    code = page.inner_text("[data-testid=member-code]")
    page.emulate_media(media="print")
    assert page.is_visible("[data-testid=member-card]")
    assert not page.is_visible("nav.bottomnav")
    assert not page.is_visible("[data-testid=print-card]")
    screenshot(page, "loyalty-card-print")
    page.emulate_media(media="screen")
    screenshot(page, "loyalty-card-phone")
    no_sideways_scroll(page)
    # The card image to send over WhatsApp: a PNG the phone downloads.
    with page.expect_download() as download:
        page.click("[data-testid=card-image]")
    assert download.value.suggested_filename.endswith(".png")
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")

    # The clerk types the code from the card (any case, with spaces).
    page.goto_path("/loyalty/")
    page.fill("#member-code", code.lower().replace("-", " "))
    page.click("form[action='/loyalty/find/'] button")
    assert page.inner_text("h1") == "Bu Wanty Pelanggan"

    page.click("[data-testid=make-link]")
    own_url = page.input_value("[data-testid=own-url]")
    assert own_url.startswith(live_server.url + "/loyalty/me/")

    # The customer opens the link on her own phone, without logging in.
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    customer_page = context.new_page()
    customer_page.goto(own_url)
    assert customer_page.inner_text("[data-testid=own-balance] b") == "30"
    text = customer_page.inner_text("body")
    # Greeted by first name only: a forwarded link must not give the full name.
    assert "Halo Bu Wanty," in text and "Pelanggan" not in text
    assert "Pengaturan" not in text and "Loyalitas" not in text
    screenshot(customer_page, "loyalty-own-page-phone")
    no_sideways_scroll(customer_page)
    context.close()


def choose_member_and_item(page, code):
    page.goto_path("/sales/new/")
    page.fill("#cq", code)
    page.click("button[value=findcustomer]")
    page.wait_for_selector("[data-testid=sale-customer]")
    type_until(page, "#iq", "Gamis", "#item-results button[value^='add:']")
    page.click("#item-results button[value^='add:']")
    page.wait_for_selector("[data-testid=cart]")


def test_member_earns_on_a_sale_redeems_later_and_a_return_reverses(
    phone_page, shop, owner
):
    import re

    from setia.loyalty import members
    from setia.loyalty.tests.factories import make_program
    from setia.sales import services as sales

    make_program(shop)
    sales.create_product(
        shop,
        owner,
        name="Gamis Katun",
        price_idr=150_000,
        category="Gamis",
        initial_stock=5,
    )
    customer = make_customer(shop, name="Bu Maya")
    card = members.issue_member_card(shop, customer, by=owner)
    page = phone_page
    browser_login(page, owner.username, "rahasia-uji-123")

    # First sale: scanning/typing the member code finds her; she earns 15 points.
    choose_member_and_item(page, card.display_code)
    page.click("[data-testid=save-sale]")
    page.wait_for_url(re.compile(r"/sales/\d+/"))
    first_sale_url = page.url
    assert services.points_balance(shop, customer) == 15

    # A later sale: she uses 10 of her points (Rp 1.000 off).
    choose_member_and_item(page, card.code.lower())
    assert "15" in page.inner_text("[data-testid=points]")
    page.click("details.redeem summary")
    page.fill("input[name=points]", "10")
    page.press("input[name=points]", "Tab")
    page.wait_for_function(
        "document.querySelector('[data-testid=sale-total]').innerText.includes('149')"
    )
    screenshot(page, "loyalty-sale-redeem-phone")
    page.click("[data-testid=save-sale]")
    page.wait_for_url(re.compile(r"/sales/\d+/"))
    assert services.points_balance(shop, customer) == 15 - 10 + 14

    # She returns the gamis of the first sale: its 15 points are taken back.
    page.goto(re.sub(r"/sales/(\d+)/.*", r"/sales/\1/", first_sale_url))
    page.click("details:has([data-testid=save-return]) summary")
    page.fill("input[name^=r][type=number]", "1")
    page.fill("#reason", "Kekecilan")
    page.click("[data-testid=save-return]")
    page.wait_for_selector(".messages")
    assert services.points_balance(shop, customer) == 19 - 15

    page.goto_path(f"/loyalty/members/{customer.pk}/")
    assert page.inner_text("[data-testid=points-balance] b") == "4"
    screenshot(page, "loyalty-member-after-return-phone")
