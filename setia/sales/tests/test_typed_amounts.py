"""Money typed on the sale, settlement and restock screens is read the way the
shop writes it ("1,5jt" is Rp 1.500.000), and what is no amount is refused with
a message, never read as its digits ("1,5jt" was Rp 15.000.000)."""

import pytest

from setia.sales.models import Payment, Restock, Sale
from setia.sales.tests.factories import make_customer, make_product, sell

pytestmark = pytest.mark.django_db

NEW = "/sales/new/"


def _cart(variant, **extra):
    return {"key": "k-typed", "v": [variant.pk], "q": [1], "action": "save", **extra}


def test_cash_typed_in_juta_gives_the_right_change(staff_client, shop):
    variant = make_product(shop, price=1_400_000, grosir=0).variants.get()
    response = staff_client.post(NEW, _cart(variant, pay_amount="1,5jt"))
    assert response.status_code == 302
    sale = Sale.objects.get()
    assert (sale.total_idr, sale.paid_idr, sale.change_idr) == (
        1_400_000,
        1_400_000,
        100_000,
    )


@pytest.mark.parametrize("typed", ["100.000,50", "12abc", "-5.000"])
def test_an_order_discount_that_is_no_amount_is_refused(staff_client, shop, typed):
    variant = make_product(shop, price=200_000, grosir=0).variants.get()
    response = staff_client.post(NEW, _cart(variant, discount=typed))
    assert response.status_code == 422
    assert "bukan jumlah rupiah" in response.content.decode()
    assert not Sale.objects.exists()


def test_a_payment_that_is_no_amount_is_refused_and_kept_on_screen(staff_client, shop):
    variant = make_product(shop, price=200_000, grosir=0).variants.get()
    response = staff_client.post(NEW, _cart(variant, pay_amount="2oo.000"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "bukan jumlah rupiah" in page and 'value="2oo.000"' in page
    assert not Sale.objects.exists()


def test_a_kasbon_payment_typed_in_rb_is_read_right(staff_client, shop, owner):
    variant = make_product(shop, price=150_000, grosir=0).variants.get()
    sale = sell(
        shop, owner, variant, customer=make_customer(shop), pay=[], on_credit=True
    )
    staff_client.post(f"/sales/{sale.pk}/settle/", {"method": "cash", "amount": "50rb"})
    staff_client.post(
        f"/sales/{sale.pk}/settle/", {"method": "cash", "amount": "1,5jt"}
    )  # more than is owed: refused by the service, not read as Rp 15 juta
    assert list(
        Payment.objects.filter(sale=sale, kind=Payment.Kind.SETTLEMENT).values_list(
            "amount_idr", flat=True
        )
    ) == [50_000]


def test_a_restock_cost_is_read_right_or_refused(staff_client, shop):
    variant = make_product(shop, stock=0).variants.get()
    form = {
        "supplier": "Tanah Abang",
        "received_on": "2026-11-20",
        f"qty_{variant.pk}": "2",
    }
    refused = staff_client.post(
        "/sales/restocks/new/", {**form, f"cost_{variant.pk}": "85.5oo"}
    )
    assert "bukan jumlah rupiah" in refused.content.decode()
    assert not Restock.objects.exists()
    staff_client.post("/sales/restocks/new/", {**form, f"cost_{variant.pk}": "85,5rb"})
    assert Restock.objects.get().total_cost_idr == 171_000


def test_an_absurd_amount_is_refused_not_a_server_error(staff_client, shop):
    variant = make_product(shop, price=200_000, grosir=0).variants.get()
    response = staff_client.post(NEW, _cart(variant, pay_amount="9" * 20))
    assert response.status_code == 422
    assert not Sale.objects.exists()


def test_whole_rupiah_written_with_zero_cents_is_read(staff_client, shop):
    variant = make_product(shop, price=1_500_000, grosir=0).variants.get()
    response = staff_client.post(NEW, _cart(variant, pay_amount="Rp1.500.000,00"))
    assert response.status_code == 302
    assert Sale.objects.get().change_idr == 0


def test_a_quantity_with_a_decimal_is_refused_not_read_as_fifteen(staff_client, shop):
    variant = make_product(shop, price=100_000, grosir=0, stock=20).variants.get()
    response = staff_client.post(NEW, {**_cart(variant), "q": ["1.5"], "qs": ["1"]})
    assert response.status_code == 422
    assert "bilangan bulat" in response.content.decode()
    assert not Sale.objects.exists()


def test_a_return_of_one_and_a_half_pieces_is_refused(staff_client, shop, owner):
    variant = make_product(shop, price=100_000, grosir=0).variants.get()
    sale = sell(shop, owner, variant, 2)
    line = sale.lines.get()
    response = staff_client.post(
        f"/sales/{sale.pk}/return/",
        {f"r{line.pk}": "1.5", "reason": "ukuran", "refund_method": "cash"},
    )
    assert response.status_code == 422
    assert not sale.returns.exists()


def test_a_restock_of_one_and_a_half_pieces_is_refused(staff_client, shop):
    variant = make_product(shop, stock=0).variants.get()
    staff_client.post(
        "/sales/restocks/new/",
        {
            "supplier": "Tanah Abang",
            "received_on": "2026-11-20",
            f"qty_{variant.pk}": "1.5",
            f"cost_{variant.pk}": "85.000",
        },
    )
    assert not Restock.objects.exists()


def test_points_added_with_a_plus_sign_are_read():
    from setia.loyalty.forms import AdjustForm

    form = AdjustForm({"points": "+50", "reason": "hadiah", "key": "k"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["points"] == 50
