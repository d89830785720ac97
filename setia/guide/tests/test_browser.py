import pytest

from conftest import browser_login, screenshot
from setia.accounts.models import Role
from setia.accounts.tests.factories import MembershipFactory, ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page scrolls sideways on a phone"


def test_staff_reads_the_guide_on_a_phone(phone_page):
    shop = ShopFactory(name="Butik Uji Panduan")
    user = MembershipFactory(shop=shop, role=Role.STAFF).user
    page = phone_page
    browser_login(page, user.username, "rahasia-uji-123")

    page.goto_path("/guide/")
    assert page.inner_text("h1") == "Panduan"
    assert page.locator("ol.guide-topics > li").count() == 11
    assert_no_sideways_scroll(page)
    screenshot(page, "guide-index-phone")

    page.click("ol.guide-topics >> text=Piramida pelanggan")
    page.wait_for_selector("article[data-topic=piramida-pelanggan]")
    assert "Piramida pelanggan" in page.inner_text("h1")
    assert page.is_visible("text=Apa yang bisa Ibu lakukan hari ini")
    assert_no_sideways_scroll(page)
    screenshot(page, "guide-topic-piramida-phone")

    page.goto_path("/guide/model-laba-strategis/")
    assert page.is_visible("text=Rp 240.000.000")
    assert_no_sideways_scroll(page)
    screenshot(page, "guide-topic-model-laba-phone")


def test_english_user_reads_a_topic_in_english_on_a_phone(phone_page):
    shop = ShopFactory(name="Butik Uji Panduan")
    user = MembershipFactory(shop=shop, role=Role.STAFF).user
    user.language = "en"
    user.save(update_fields=["language"])
    page = phone_page
    browser_login(page, user.username, "rahasia-uji-123")

    page.goto_path("/guide/rfm/")
    assert "RFM" in page.inner_text("h1")
    assert page.is_visible("text=What you can do today")
    assert_no_sideways_scroll(page)
    screenshot(page, "guide-topic-rfm-en-phone")
