from urllib.parse import quote, unquote

import pytest

from conftest import PHONE, browser_login, no_sideways_scroll, screenshot
from setia.campaigns.models import Campaign, Group
from setia.campaigns.tests.factories import make_customer
from setia.lib.phones import wa_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _stub_whatsapp(monkeypatch, live_server):
    """Keep the tests off the internet: the send redirect goes to a local page
    carrying the wa.me link it would have opened (a browser route cannot catch
    a redirect's target). Returns the links asked for."""
    from setia.campaigns import services

    opened = []

    def local_link(phone, text=""):
        link = wa_link(phone, text)
        opened.append(link)
        return f"{live_server.url}/healthz?wa={quote(link)}"

    monkeypatch.setattr(services, "wa_link", local_link)
    return opened


def test_owner_creates_launches_sends_and_reads_results_on_a_phone(
    phone_page, live_server, shop, owner, monkeypatch
):
    for i in range(12):
        make_customer(shop, f"Pelanggan {i:02d}")
    make_customer(shop, "Tanpa Izin", consent=False)
    page = phone_page
    opened = _stub_whatsapp(monkeypatch, live_server)
    browser_login(page, owner.username, "rahasia-uji-123")

    page.click("nav .more summary")
    page.click("text=📣 Kampanye")
    assert page.inner_text("h1") == "Kampanye"
    page.click("[data-testid=new-campaign]")
    page.fill("#id_name", "Gamis baru Juni")
    page.fill("#id_message", "Halo {nama}, gamis baru sudah datang di {toko}!")
    page.check("input[name=audience][value=all]")
    page.fill("#id_control_percent", "25")
    page.locator("#id_control_percent").blur()
    # The live preview (htmx) counts only customers with consent.
    page.wait_for_selector("[data-testid=preview]:has-text('3 sengaja tidak')")
    assert "12 pelanggan" in page.inner_text("[data-testid=audience-count]")
    assert "Halo Pelanggan 00, gamis baru sudah datang di Butik Uji A!" in (
        page.inner_text("[data-testid=sample-message]")
    )
    assert "9 akan dikirimi pesan, 3 sengaja tidak dikirimi" in page.inner_text(
        "[data-testid=preview]"
    )
    no_sideways_scroll(page)
    screenshot(page, "campaigns-new-phone")
    page.click("[data-testid=save-draft]")
    page.wait_for_selector("[data-testid=launch]")
    screenshot(page, "campaigns-draft-phone")
    page.click("[data-testid=launch]")

    page.wait_for_selector("[data-testid=send-list]")
    assert "0 dari 9 sudah dikirim" in page.inner_text("[data-testid=progress]")
    assert "3 pelanggan sengaja tidak dikirimi" in page.inner_text(
        "[data-testid=control-count]"
    )
    campaign = Campaign.objects.get(shop=shop)
    control_names = [
        r.customer.name for r in campaign.recipients.filter(group=Group.CONTROL)
    ]
    listed = page.inner_text("[data-testid=send-list]")
    assert not any(name in listed for name in control_names)
    no_sideways_scroll(page)
    screenshot(page, "campaigns-send-phone")

    # One tap: the chat opens in a new tab with the personal message typed in.
    first_name = page.locator(".send-row .who a").first.inner_text()
    with page.context.expect_page() as chat:
        page.locator("[data-testid=send-link]").first.click()
    chat.value.wait_for_load_state()
    assert chat.value.url.startswith(f"{live_server.url}/healthz?wa=")
    assert opened[-1].startswith("https://wa.me/628139")
    text = unquote(opened[-1])
    assert f"Halo {first_name}, gamis baru" in text and "Balas STOP" in text
    chat.value.close()
    # Back on the list, the row and the count refresh on their own.
    page.wait_for_selector("[data-testid=progress]:has-text('1 dari 9')")
    assert campaign.recipients.filter(sent_at__isnull=False).count() == 1
    screenshot(page, "campaigns-send-after-tap-phone")

    page.goto_path(f"/campaigns/{campaign.pk}/results/")
    assert "Masih berjalan sampai" in page.inner_text("[data-testid=verdict]")
    page.select_option("#id_days", "30")
    page.click("text=Tampilkan")
    page.wait_for_url("**days=30")
    table = page.inner_text("[data-testid=results-table]")
    assert "Pelanggan\t9\t3" in table
    no_sideways_scroll(page)
    screenshot(page, "campaigns-results-phone")

    page.goto_path("/campaigns/")
    assert "1 dari 9 sudah dikirim" in page.inner_text("[data-testid=campaign-list]")
    no_sideways_scroll(page)
    screenshot(page, "campaigns-list-phone")


def test_send_works_without_javascript(browser, live_server, shop, owner, monkeypatch):
    from setia.campaigns.tests.factories import launched_campaign

    make_customer(shop, "Bu Tanpa JS")
    campaign = launched_campaign(shop, owner, control_percent=0)
    context = browser.new_context(
        viewport=PHONE, locale="id-ID", java_script_enabled=False
    )
    opened = _stub_whatsapp(monkeypatch, live_server)
    page = context.new_page()
    page.goto_path = lambda path: page.goto(live_server.url + path)
    browser_login(page, owner.username, "rahasia-uji-123")
    page.goto_path(f"/campaigns/{campaign.pk}/send/")
    with context.expect_page() as chat:
        page.click("[data-testid=send-link]")
    chat.value.wait_for_load_state()
    assert "Bu%20Tanpa%20JS" in opened[-1]
    assert campaign.recipients.get().sent_at is not None
    context.close()


def test_owner_deletes_a_draft_without_javascript(browser, live_server, shop, owner):
    from setia.campaigns.tests.factories import draft

    campaign = draft(shop, owner, name="Draf salah")
    context = browser.new_context(
        viewport=PHONE, locale="id-ID", java_script_enabled=False
    )
    page = context.new_page()
    page.goto_path = lambda path: page.goto(live_server.url + path)
    browser_login(page, owner.username, "rahasia-uji-123")
    page.goto_path(f"/campaigns/{campaign.pk}/")
    # The confirm button shows only once "Hapus draf" is opened.
    assert not page.is_visible("[data-testid=confirm-delete]")
    page.click("[data-testid=delete-draft] summary")
    no_sideways_scroll(page)
    screenshot(page, "campaigns-delete-draft-phone")
    page.click("[data-testid=confirm-delete]")
    page.wait_for_url(f"{live_server.url}/campaigns/")
    assert "Draf dihapus." in page.content()
    assert "Draf salah" not in page.inner_text("[data-testid=campaign-list]")
    assert not Campaign.objects.filter(pk=campaign.pk).exists()
    context.close()
