"""The customer pages on a phone: add, search as you type, import contacts, merge."""

from pathlib import Path

import pytest

from conftest import browser_login, no_sideways_scroll, screenshot
from setia.customers.models import Customer
from setia.customers.tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).parent / "data"


def small_tap_targets(page) -> list[str]:
    """Visible buttons and button-links under 40 px high (thumb-sized is ~44)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main .btn, main button')]
            .filter(el => el.offsetParent !== null)
            .filter(el => el.getBoundingClientRect().height < 40)
            .map(el => el.textContent.trim())"""
    )


def test_owner_adds_searches_imports_contacts_and_merges_on_a_phone(
    phone_page, shop, owner
):
    page = phone_page
    for n in range(35):
        CustomerFactory(shop=shop, name=f"Pelanggan Lama {n:02d}")
    browser_login(page, owner.username, "rahasia-uji-123")

    # Add a customer.
    page.goto_path("/customers/")
    page.click("[data-testid=add-customer]")
    page.fill("#id_name", "Bu Rahmawati Sukses")
    page.fill("#id_phone", "0812-7777-1111")
    page.click("form button[type=submit].btn-block")
    page.wait_for_selector("[data-testid=customer-name]")
    assert page.inner_text("[data-testid=customer-name]") == "Bu Rahmawati Sukses"
    assert "0812-7777-1111" in page.inner_text("main")
    screenshot(page, "customers-profile")
    no_sideways_scroll(page)
    assert small_tap_targets(page) == []

    # Search as you type: the results change without pressing enter. What is
    # typed is posted: no address asked for, shown or kept carries it.
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto_path("/customers/")
    history_length = page.evaluate("history.length")
    assert "Pelanggan Lama 00" in page.inner_text("[data-testid=customer-results]")
    page.locator("#q").press_sequentially("rahma", delay=40)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=customer-results]')"
        ".innerText.includes('Pelanggan Lama')"
    )
    results = page.inner_text("[data-testid=customer-results]")
    assert "Bu Rahmawati Sukses" in results
    page.fill("#q", "")
    page.locator("#q").press_sequentially("7777", delay=40)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=customer-results]')"
        ".innerText.includes('Rahmawati')"
        " && !document.querySelector('[data-testid=customer-results]')"
        ".innerText.includes('Pelanggan Lama')"
    )

    # Paging through search results keeps the term, still out of every address.
    page.fill("#q", "")
    page.locator("#q").press_sequentially("lama", delay=40)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=customer-results]')"
        ".innerText.includes('Pelanggan Lama 00')"
        " && !document.querySelector('[data-testid=customer-results]')"
        ".innerText.includes('Rahmawati')"
    )
    page.click("[data-testid=page-next]")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=customer-results]')"
        ".innerText.includes('Pelanggan Lama 34')"
    )
    results = page.inner_text("[data-testid=customer-results]")
    assert "Pelanggan Lama 00" not in results and "Rahmawati" not in results
    assert page.input_value("#q") == "lama"
    page.click("[data-testid=page-previous]")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=customer-results]')"
        ".innerText.includes('Pelanggan Lama 00')"
    )
    assert page.evaluate("history.length") == history_length
    assert page.url == page.url.split("?")[0]
    for url in requested:
        for term in ("rahma", "7777", "lama"):
            assert term not in url.lower(), url

    page.goto_path("/customers/")
    screenshot(page, "customers-list")
    no_sideways_scroll(page)
    assert small_tap_targets(page) == []

    # Import phone contacts: tick, preview, confirm.
    page.goto_path("/customers/import/")
    page.set_input_files("#id_file", str(DATA / "android_contacts_v21.vcf"))
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=contacts]")
    assert "Toko Kain Pak Budi" in page.inner_text("[data-testid=unusable]")
    screenshot(page, "customers-import-contacts")
    no_sideways_scroll(page)
    page.click("text=Centang semua")
    page.click("main form button.btn-block")
    page.wait_for_selector("[data-testid=preview-stats]")
    created = page.inner_text("[data-testid=created]")
    assert "Siti Aminah" in created
    screenshot(page, "customers-import-preview")
    no_sideways_scroll(page)
    assert small_tap_targets(page) == []
    page.click("[data-testid=confirm-import]")
    page.wait_for_selector("[data-testid=import-done]")
    assert Customer.objects.filter(shop=shop, phone="+6281234567890").exists()

    # Merge a duplicate into the imported customer (Owner only).
    duplicate = CustomerFactory(shop=shop, name="Siti Aminah", phone="+6281299990000")
    survivor = Customer.objects.get(shop=shop, phone="+6281234567890")
    page.goto_path(f"/customers/{survivor.pk}/")
    page.click(f"a[href='/customers/{survivor.pk}/merge/']")
    page.fill("#merge-phone", "0812-9999-0000")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=confirm-merge]")
    screenshot(page, "customers-merge")
    no_sideways_scroll(page)
    assert small_tap_targets(page) == []
    page.click("[data-testid=confirm-merge]")
    page.wait_for_selector(".messages")
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert page.inner_text("[data-testid=customer-name]") == survivor.name
