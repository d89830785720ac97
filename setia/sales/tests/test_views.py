from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from setia.sales.models import Payment, Product, Restock, Sale, SaleReturn, Variant
from setia.sales.panels import customer_panel
from setia.sales.tests.factories import make_customer, make_product, sell

pytestmark = pytest.mark.django_db
NEW = "/sales/new/"


def cart(variant, qty=1, **extra):
    return {"key": "k-view", "v": [variant.pk], "q": [qty], **extra}


def test_sale_screen_renders_with_a_fresh_key(staff_client):
    first = staff_client.get(NEW)
    second = staff_client.get(NEW)
    assert first.status_code == 200
    key1 = first.context["state"].key
    assert key1 and key1 != second.context["state"].key
    assert f'value="{key1}"' in first.content.decode()


def test_search_and_add_item_prices_the_cart(staff_client, shop):
    variant = make_product(shop, name="Gamis Zahra").variants.get()
    found = staff_client.get("/sales/new/items/", {"iq": "zahra"})
    assert "Gamis Zahra" in found.content.decode()
    response = staff_client.post(
        NEW, {"key": "k1", "action": f"add:{variant.pk}"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.context["quote"].total_idr == 150_000
    assert "<html" not in response.content.decode()
    response = staff_client.post(NEW, {**cart(variant), "action": "inc:0"})
    assert response.context["quote"].total_idr == 300_000


def test_three_pieces_switch_to_grosir_on_screen(staff_client, shop):
    variant = make_product(shop).variants.get()
    response = staff_client.post(NEW, {**cart(variant, 3), "action": "refresh"})
    assert response.context["quote"].total_idr == 390_000
    assert "grosir" in response.content.decode()


def test_saving_redirects_to_receipt_and_double_post_makes_one_sale(staff_client, shop):
    variant = make_product(shop, stock=5).variants.get()
    data = {**cart(variant, 2), "action": "save", "pay_method": "cash"}
    first = staff_client.post(NEW, data)
    second = staff_client.post(NEW, data)
    sale = Sale.objects.get()
    assert first["Location"] == reverse("sales:receipt", args=[sale.pk])
    assert second["Location"] == first["Location"]
    assert Variant.objects.get(pk=variant.pk).stock == 3


def test_htmx_save_answers_with_client_redirect(staff_client, shop):
    variant = make_product(shop).variants.get()
    response = staff_client.post(
        NEW, {**cart(variant), "action": "save"}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"].startswith("/sales/")


def test_underpaid_sale_shows_error_and_saves_nothing(staff_client, shop):
    variant = make_product(shop).variants.get()
    response = staff_client.post(
        NEW, {**cart(variant), "action": "save", "pay_amount": "50.000"}
    )
    assert response.status_code == 422
    assert "kasbon" in response.content.decode()
    assert not Sale.objects.exists()


def test_credit_sale_on_screen_for_chosen_customer(staff_client, shop):
    variant = make_product(shop).variants.get()
    customer = make_customer(shop)
    picked = staff_client.post(
        NEW, {**cart(variant), "action": f"customer:{customer.pk}"}
    )
    assert picked.context["state"].customer == customer
    staff_client.post(
        NEW,
        {
            **cart(variant),
            "customer": customer.pk,
            "pay_amount": "50rb",
            "credit": "1",
            "action": "save",
        },
    )
    sale = Sale.objects.get()
    assert (sale.paid_idr, sale.outstanding_idr) == (50_000, 100_000)
    credit = staff_client.get("/sales/credit/")
    assert customer.name in credit.content.decode()
    staff_client.post(
        f"/sales/{sale.pk}/settle/", {"amount": "100.000", "method": "transfer"}
    )
    sale.refresh_from_db()
    assert sale.outstanding_idr == 0
    assert Payment.objects.filter(kind="settlement").count() == 1


def test_member_code_or_number_picks_the_customer(staff_client, shop):
    customer = make_customer(shop)
    local = "0" + customer.phone[3:]
    response = staff_client.post(
        NEW, {"key": "k", "cq": local, "action": "findcustomer"}
    )
    assert response.context["state"].customer == customer
    partial = staff_client.post("/sales/new/customers/", {"cq": customer.name[:4]})
    assert customer.name in partial.content.decode()


def test_quick_add_customer_from_sale_screen(staff_client, shop):
    response = staff_client.post(
        NEW,
        {
            "key": "k",
            "qa_name": "Bu Wulan",
            "qa_phone": "0812-7777-1234",
            "action": "quickadd",
        },
    )
    customer = response.context["state"].customer
    assert customer.name == "Bu Wulan"
    assert customer.phone == "+6281277771234"


def test_receipt_has_whatsapp_link_and_print_page(staff_client, shop, staff_user):
    variant = make_product(shop).variants.get()
    customer = make_customer(shop)
    sale = sell(shop, staff_user, variant, customer=customer)
    response = staff_client.get(f"/sales/{sale.pk}/receipt/")
    body = response.content.decode()
    assert f"https://wa.me/{customer.phone[1:]}?text=" in body
    assert "Rp 150.000" in body
    css = Path("setia/sales/static/sales/sales.css").read_text(encoding="utf-8")
    assert "58mm" in css.replace(" ", "")


def test_return_through_the_detail_page(staff_client, shop, staff_user):
    variant = make_product(shop, stock=3).variants.get()
    sale = sell(shop, staff_user, variant, 2)
    line = sale.lines.get()
    staff_client.post(
        f"/sales/{sale.pk}/return/",
        {f"r{line.pk}": "1", "reason": "Kebesaran", "refund_method": "cash"},
    )
    assert SaleReturn.objects.get().refund_idr == 150_000
    assert Variant.objects.get(pk=variant.pk).stock == 2
    page = staff_client.get(f"/sales/{sale.pk}/").content.decode()
    assert "Kebesaran" in page


def test_staff_cannot_void_owner_can(client, shop, staff_user, owner):
    variant = make_product(shop).variants.get()
    sale = sell(shop, staff_user, variant)
    client.force_login(staff_user)
    assert client.post(f"/sales/{sale.pk}/void/", {"reason": "x"}).status_code == 403
    client.force_login(owner)
    client.post(f"/sales/{sale.pk}/void/", {"reason": "salah", "money": "mistake"})
    sale.refresh_from_db()
    assert sale.is_voided


def test_day_list_shows_summary_and_sales(staff_client, shop, staff_user):
    variant = make_product(shop).variants.get()
    sell(shop, staff_user, variant, 1)
    response = staff_client.get("/sales/")
    assert response.context["summary"]["sales"] == 1
    assert "Rp 150.000" in response.content.decode()


def test_owner_adds_product_with_sizes_staff_cannot(client, shop, owner, staff_user):
    data = {
        "name": "Tunik Aira",
        "price_idr": "135.000",
        "grosir_price_idr": "120rb",
        "grosir_min_qty": "4",
        "sizes": "M, L, XL",
        "tracks_stock": "on",
        "is_active": "on",
    }
    client.force_login(staff_user)
    assert client.post("/sales/products/new/", data).status_code == 403
    client.force_login(owner)
    client.post("/sales/products/new/", data)
    product = Product.objects.get(name="Tunik Aira")
    assert (product.price_idr, product.grosir_price_idr) == (135_000, 120_000)
    assert product.variants.count() == 3
    variant = product.variants.first()
    edit = {**data, "sizes": "", f"stock_{variant.pk}": "7"}
    client.post(f"/sales/products/{product.pk}/", edit)
    assert Variant.objects.get(pk=variant.pk).stock == 7


def test_restock_page_raises_stock(staff_client, shop):
    variant = make_product(shop, stock=0).variants.get()
    staff_client.post(
        "/sales/restocks/new/",
        {
            "supplier": "Tanah Abang Blok B",
            "received_on": "2026-11-20",
            f"qty_{variant.pk}": "6",
            f"cost_{variant.pk}": "100000",
        },
    )
    assert Restock.objects.get().total_cost_idr == 600_000
    assert Variant.objects.get(pk=variant.pk).stock == 6
    page = staff_client.get("/sales/restocks/").content.decode()
    assert "Tanah Abang Blok B" in page


def test_customer_panel_shows_history_and_credit(shop, staff_user):
    variant = make_product(shop).variants.get()
    customer = make_customer(shop)
    sell(shop, staff_user, variant, customer=customer, pay=[], on_credit=True)
    request = RequestFactory().get("/")
    request.shop = shop
    template, context = customer_panel(request, customer)
    assert template == "sales/_customer_panel.html"
    assert context["outstanding_idr"] == 150_000
    assert context["count"] == 1


def test_customer_profile_page_shows_purchases_and_credit(
    staff_client, shop, staff_user
):
    variant = make_product(shop).variants.get()
    customer = make_customer(shop, name="Bu Profil")
    sell(shop, staff_user, variant, customer=customer, pay=[], on_credit=True)
    page = staff_client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="sales-panel"' in page
    assert "Kasbon belum lunas: Rp 150.000" in page


def test_another_shops_item_in_the_form_is_dropped_not_shown(
    staff_client, shop, other_shop
):
    mine = make_product(shop).variants.get()
    theirs = make_product(other_shop, name="Barang-Toko-Lain").variants.get()
    data = {"key": "k", "v": [mine.pk, theirs.pk], "q": [1, 1], "d": ["0", "x"]}
    response = staff_client.post(NEW, {**data, "action": "refresh"})
    assert response.status_code == 200
    assert response.context["quote"].total_idr == 150_000
    assert "Barang-Toko-Lain" not in response.content.decode()
    refused = staff_client.post(NEW, {**data, "action": "save"})
    assert refused.status_code == 422
    assert not Sale.objects.exists()
    assert [line.variant_id for line in refused.context["state"].lines] == [mine.pk]


def test_only_the_owner_refunds_a_return_to_store_credit(
    client, shop, staff_user, owner
):
    """Store credit is money the shop owes; adding it is the Owner's (as on the
    loyalty page), a return's included."""
    from setia.loyalty import services as loyalty

    variant = make_product(shop, stock=5).variants.get()
    customer = make_customer(shop)
    sale = sell(shop, owner, variant, 2, customer=customer)
    line = sale.lines.get()
    body = {f"r{line.pk}": "1", "reason": "ganti", "refund_method": "store_credit"}
    client.force_login(staff_user)
    assert (
        'value="store_credit"' not in client.get(f"/sales/{sale.pk}/").content.decode()
    )
    response = client.post(
        f"/sales/{sale.pk}/return/", {**body, "key": "s"}, follow=True
    )
    assert "Hanya Pemilik" in response.content.decode()
    assert not SaleReturn.objects.exists()
    assert loyalty.store_credit_balance(shop, customer) == 0
    client.force_login(owner)
    assert 'value="store_credit"' in client.get(f"/sales/{sale.pk}/").content.decode()
    client.post(f"/sales/{sale.pk}/return/", {**body, "key": "o"})
    assert loyalty.store_credit_balance(shop, customer) == 150_000
