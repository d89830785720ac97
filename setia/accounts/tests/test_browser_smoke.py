import pytest
from django.core.management import call_command

from conftest import browser_login, screenshot
from setia.accounts.management.commands.demo import DEMO_OWNER, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_logs_into_demo_shop_on_a_phone_and_walks_the_shell(phone_page):
    call_command("demo", customers=40, quiet=True)
    page = phone_page
    browser_login(page, DEMO_OWNER, DEMO_PASSWORD)
    assert "Butik Wanty" in page.inner_text("[data-testid=shop-name]")
    assert page.inner_text("h1").startswith("Halo")  # Indonesian by default
    screenshot(page, "home-phone")
    # Every destination of the bottom navigation opens on a phone.
    page.click("nav.bottomnav >> text=Pelanggan")
    assert page.inner_text("h1") == "Pelanggan"
    page.click("nav.bottomnav summary")
    page.click("text=Panduan")
    assert page.url.endswith("/guide/")
    page.click("nav.bottomnav summary")
    page.click("text=Pengaturan")
    assert page.inner_text("h1") == "Pengaturan"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page scrolls sideways on a phone"
