"""Shop A's sales records for the tenancy walk (see accounts/tests/test_tenancy.py)."""

from setia.sales.models import SaleCounter
from setia.sales.tests.factories import make_customer, make_product, sell


def make_objects(shop, owner):
    # Other apps' test factories write Sale rows with small numbers of their own;
    # starting this shop's counter high keeps the walk's sale clear of them.
    SaleCounter.objects.create(shop=shop, last_number=90_000)
    product = make_product(shop, name="Gamis Rahasia-Produk-A", sku="RHS-A")
    customer = make_customer(shop, name="Rahasia-Pembeli-A")
    sale = sell(shop, owner, product.variants.get(), customer=customer)
    return (
        {"sale_id": sale.pk, "product_id": product.pk, "customer_id": customer.pk},
        ["Rahasia-Produk-A", "Rahasia-Pembeli-A"],
    )
