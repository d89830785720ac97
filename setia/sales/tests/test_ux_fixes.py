"""Usability fixes found on a 360 px phone, checked through the pages themselves:
refused forms that show their message, the receipt's change, a return form that
keeps what was typed, labelled restock boxes, the day picker, one phone format,
and cart entries that are refused out loud instead of silently changed."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from setia.sales.models import Sale, SaleReturn
from setia.sales.receipts import receipt_text
from setia.sales.services import PaymentInput
from setia.sales.tests.factories import make_customer, make_product, sell

pytestmark = pytest.mark.django_db
NEW = "/sales/new/"
HTMX = {"HTTP_HX_REQUEST": "true"}


class Elements(HTMLParser):
    """Start tags with their attributes, in page order."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs) -> dict | None:
        for name, found in self.tags:
            if name == tag and all(found.get(k) == v for k, v in attrs.items()):
                return found
        return None


# ---- 1. a refused save shows its message; other failures show a banner ------


def test_every_page_swaps_a_refused_form_and_loads_the_failure_banner(staff_client):
    html = staff_client.get(NEW).content.decode()
    page = Elements(html)
    config = json.loads(page.find("meta", name="htmx-config")["content"])
    rules = config["responseHandling"]
    first_for = {}
    for code in ("422", "400", "403", "500", "200", "204"):
        first_for[code] = next(r for r in rules if re.fullmatch(r["code"], code))
    assert first_for["422"]["swap"] is True and not first_for["422"].get("error")
    for code in ("400", "403", "500"):
        assert first_for[code] == {"code": "[45]..", "swap": False, "error": True}
    assert first_for["200"]["swap"] is True and first_for["204"]["swap"] is False
    assert page.find("script", src="/static/setia/app.js", defer="")
    banner = page.find("div", id="request-error")
    assert "hidden" in banner
    # The words are the page's, in the shop's language: app.js holds none.
    assert banner["data-save-failed"] == (
        "Gagal menyimpan. Periksa koneksi internet lalu coba lagi."
    )
    assert banner["data-load-failed"].startswith("Gagal memuat.")


def test_underpaid_save_answers_422_and_brings_the_message_into_view(
    staff_client, shop
):
    variant = make_product(shop, price=220_000, grosir=0).variants.get()
    data = {"key": "k", "v": [variant.pk], "q": [1], "pay_amount": "100.000"}
    response = staff_client.post(NEW, {**data, "action": "save"}, **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="sale-error"' in body and "kasbon" in body
    assert response["HX-Reswap"] == "outerHTML show:#sale-error:top"
    assert not Sale.objects.exists()
    # A plain refresh with nothing wrong neither scrolls nor fails.
    fine = staff_client.post(NEW, {**data, "action": "refresh"}, **HTMX)
    assert fine.status_code == 200 and "HX-Reswap" not in fine


# ---- 2. the receipt's change is money given back ----------------------------


def test_receipt_shows_cash_handed_over_then_kembalian(staff_client, shop, staff_user):
    variant = make_product(shop, price=290_000, grosir=0).variants.get()
    customer = make_customer(shop)
    sale = sell(
        shop,
        staff_user,
        variant,
        customer=customer,
        pay=[PaymentInput("cash", 300_000)],
    )
    assert (sale.total_idr, sale.change_idr) == (290_000, 10_000)
    body = staff_client.get(reverse("sales:receipt", args=[sale.pk])).content.decode()
    rows = re.findall(r"<tr><td>(.*?)</td><td class=\"num\"[^>]*>(.*?)</td></tr>", body)
    assert ("Tunai", "Rp 300.000") in rows
    assert ("Kembalian", "Rp 10.000") in rows
    assert "Ubah" not in body
    text = receipt_text(sale)
    assert "Tunai: Rp 300.000" in text and "Kembalian: Rp 10.000" in text
    assert "Rp 290.000\n" not in text.split("*Total")[1]


# ---- 3. a refused return keeps what was typed -------------------------------


def test_refused_return_shows_the_form_again_as_typed(staff_client, shop, staff_user):
    gamis = make_product(shop, name="Gamis", stock=5).variants.get()
    sale = sell(shop, staff_user, gamis, 2)
    line = sale.lines.get()
    url = reverse("sales:return", args=[sale.pk])
    typed = {
        f"r{line.pk}": "3",  # more than the 2 bought
        "reason": "Ukuran kekecilan",
        "refund_method": "transfer",
        "key": "ret-key-1",
    }
    response = staff_client.post(url, typed)
    assert response.status_code == 422
    assert not SaleReturn.objects.exists()
    body = response.content.decode()
    page = Elements(body)
    assert "Tidak bisa retur lebih dari yang dibeli." in body
    assert "open" in page.find("details", id="return-form")
    assert page.find("input", id="reason")["value"] == "Ukuran kekecilan"
    assert page.find("input", id=f"r{line.pk}")["value"] == "3"
    assert "selected" in page.find("option", value="transfer")
    assert page.find("input", name="key", value="ret-key-1")
    # Put right, the same form saves.
    staff_client.post(url, {**typed, f"r{line.pk}": "1"})
    assert SaleReturn.objects.get().reason == "Ukuran kekecilan"


def test_return_without_an_item_keeps_the_reason(staff_client, shop, staff_user):
    sale = sell(shop, staff_user, make_product(shop).variants.get())
    line = sale.lines.get()
    response = staff_client.post(
        reverse("sales:return", args=[sale.pk]),
        {f"r{line.pk}": "0", "reason": "Warna beda", "refund_method": "cash"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Pilih minimal satu barang" in body
    assert Elements(body).find("input", id="reason")["value"] == "Warna beda"


# ---- 4. restock: labelled boxes, a search that keeps typed lines ------------


def test_restock_boxes_are_labelled_and_the_search_swaps_only_the_list(
    staff_client, shop
):
    make_product(shop, name="Gamis Zahra", sizes="M, L")
    make_product(shop, name="Pashmina Ceruty")
    body = staff_client.get(reverse("sales:restock_new")).content.decode()
    assert body.count('class="restock-head" aria-hidden="true">Jumlah<') == 2
    assert body.count(">Harga modal per pcs<") == 2
    page = Elements(body)
    search = page.find("form", id="restock-search")
    assert search["hx-target"] == search["hx-select"] == "#restock-products"
    assert page.find("div", id="restock-products")["data-keep-typed"] == (
        "#restock-kept"
    )
    # The box for typed lines is inside the restock form: what it keeps is saved.
    form_at = body.index('id="restock-form"')
    assert form_at < body.index('id="restock-kept"') < body.index("</form>", form_at)
    labels = [
        attrs["aria-label"]
        for tag, attrs in page.tags
        if tag == "input" and attrs.get("name", "").startswith(("qty_", "cost_"))
    ]
    assert "Harga modal per pcs Gamis Zahra M" in labels
    # The search answers the page; htmx takes the list out of it.
    found = staff_client.get(reverse("sales:restock_new"), {"q": "pashmina"}, **HTMX)
    listed = found.content.decode().split('id="restock-products"')[1]
    assert "Pashmina Ceruty" in listed and "Gamis Zahra" not in listed


# ---- 5. the day list: thumb-sized arrows and a date picker ------------------


def test_day_list_has_a_date_picker_and_big_arrows(staff_client, shop, staff_user):
    sell(shop, staff_user, make_product(shop).variants.get())
    page = Elements(staff_client.get("/sales/").content.decode())
    picker = page.find("form", **{"data-testid": "day-pick"})
    assert picker["method"] == "get"
    box = page.find("input", type="date", name="date")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", box["value"])
    assert page.find("a", **{"data-testid": "day-previous"})["class"] == "day-arrow"
    picked = staff_client.get("/sales/", {"date": "2025-07-13"})
    assert picked.context["on"].isoformat() == "2025-07-13"
    assert 'value="2025-07-13"' in picked.content.decode()


# ---- 6. one phone format ----------------------------------------------------


def test_sale_screen_customer_results_show_the_local_number(staff_client, shop):
    customer = make_customer(shop, name="Lestari Nuraini")
    body = staff_client.post(
        "/sales/new/customers/", {"cq": "lestari"}, **HTMX
    ).content.decode()
    assert customer.phone_display in body
    assert customer.phone_display.startswith("0812")
    assert customer.phone not in body


# ---- 8. the cart refuses what it cannot do, and says so ---------------------


def test_order_discount_above_the_total_is_refused_out_loud(staff_client, shop):
    variant = make_product(shop, price=220_000, grosir=0).variants.get()
    data = {"key": "k", "v": [variant.pk], "q": [1], "discount": "500.000"}
    response = staff_client.post(NEW, {**data, "action": "refresh"}, **HTMX)
    page = Elements(response.content.decode())
    error = response.context["state"].discount_problem
    assert "Rp 500.000" in error and "Rp 220.000" in error
    assert 'data-testid="discount-error"' in response.content.decode()
    # What was typed stays in its box; the total does not pretend to use it.
    assert page.find("input", id="discount")["value"] == "500000"
    assert response["HX-Reswap"] == "outerHTML show:#discount:top"
    assert response.context["quote"].total_idr == 220_000
    refused = staff_client.post(NEW, {**data, "action": "save"}, **HTMX)
    assert refused.status_code == 422
    assert not Sale.objects.exists()


def test_negative_quantity_is_refused_not_turned_positive(staff_client, shop):
    variant = make_product(shop, price=100_000, grosir=0, stock=10).variants.get()
    data = {"key": "k", "v": [variant.pk], "q": ["-3"], "qs": ["2"]}
    response = staff_client.post(NEW, {**data, "action": "refresh"}, **HTMX)
    assert response.context["state"].lines[0].quantity == 2
    assert response.context["quote"].total_idr == 200_000
    body = response.content.decode()
    assert "tidak boleh negatif" in body and "-3" in body
    assert response["HX-Reswap"] == "outerHTML show:#sale-error:top"
    refused = staff_client.post(NEW, {**data, "action": "save"}, **HTMX)
    assert refused.status_code == 422
    assert not Sale.objects.exists()
