import pytest
from django.core.management import call_command

from conftest import browser_login, screenshot
from setia.accounts.management.commands.demo import DEMO_OWNER, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_reads_the_analysis_on_a_phone(phone_page):
    call_command("demo", customers=150, quiet=True)
    page = phone_page
    browser_login(page, DEMO_OWNER, DEMO_PASSWORD)
    # The demo is scored, so the home page shows the pyramid in small.
    assert page.locator("text=Piramida pelanggan").count() >= 1
    screenshot(page, "home-with-analysis")

    page.goto_path("/insights/")
    page.click("[data-testid=update-now]")
    page.wait_for_selector("text=Skor sudah diperbarui", timeout=30_000)

    page.goto_path("/insights/pyramid/")
    rows = page.locator("[data-testid=pyramid-table] tr")
    assert rows.count() == 5  # header + four tiers
    screenshot(page, "insights-pyramid")

    page.goto_path("/insights/rfm/")
    first_cell = (
        page.locator("[data-testid=rfm-grid] td a").filter(has_not_text="0").first
    )
    expected = int(first_cell.inner_text())
    first_cell.click()
    page.wait_for_selector("h1")
    assert page.locator("ul.list > li a.item").count() == min(expected, 50)

    page.goto_path("/insights/at-risk/")
    screenshot(page, "insights-at-risk")
    first = page.locator("[data-testid=at-risk] li a").first
    first.click()
    page.wait_for_selector("[data-testid=insights-panel]")
    screenshot(page, "customer-profile-analysis")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
