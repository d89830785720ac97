"""Purchase histories for scoring tests.

Scoring reads only completed sales (customer, business day, total, returns), so the
histories are written as Sale rows directly: the sales app's own tests cover how a
sale is recorded, and here the dates must lie in the past.
"""

import itertools
from datetime import date, timedelta

import numpy as np

from setia.customers.models import Customer
from setia.sales.models import Sale, SaleStatus

_numbers = itertools.count(1)


def add_sale(
    shop,
    customer,
    on: date,
    total_idr: int,
    *,
    status=SaleStatus.COMPLETED,
    returned_idr: int = 0,
) -> Sale:
    n = next(_numbers)
    return Sale.objects.create(
        shop=shop,
        customer=customer,
        number=n,
        business_on=on,
        status=status,
        subtotal_idr=total_idr,
        total_idr=total_idr,
        paid_idr=total_idr,
        returned_idr=returned_idr,
        idempotency_key=f"test-{n}",
    )


def shop_history(shop, n_customers: int = 60, seed: int = 0, today: date | None = None):
    """Regulars, occasional and one-time buyers over the last two years."""
    rng = np.random.default_rng(seed)
    today = today or date.today()
    customers = []
    for i in range(n_customers):
        customer = Customer.objects.create(
            shop=shop, name=f"Pelanggan {i:03d}", phone=f"+6281300{i:06d}"
        )
        customers.append(customer)
        first = today - timedelta(days=int(rng.integers(30, 700)))
        visits = 1 + int(rng.poisson(6 if i % 3 == 0 else 1))
        days = sorted(
            {int(rng.integers(0, (today - first).days + 1)) for _ in range(visits)}
        )
        for offset in [0, *days]:
            add_sale(
                shop,
                customer,
                first + timedelta(days=offset),
                int(rng.integers(6, 26)) * 10_000,
            )
    return customers


def kiosk_history(shop, seed: int = 7, today: date | None = None):
    """A clothing kiosk's 600 customers over two years: 330 bought once, 120
    twice, 60 three times, 90 regulars 4-20 times (6 each for 4-8, then 5 each).

    Returns ``{customer_id: purchase days}``. Rows are bulk-inserted: 1,900 sales.
    """
    rng = np.random.default_rng(seed)
    today = today or date.today()
    visits = [1] * 330 + [2] * 120 + [3] * 60 + [4 + i % 17 for i in range(90)]
    customers = Customer.objects.bulk_create(
        Customer(shop=shop, name=f"Kios {i:03d}", phone=f"+6281377{i:06d}")
        for i in range(len(visits))
    )
    sales = []
    for customer, k in zip(customers, visits, strict=True):
        for back in rng.choice(730, size=k, replace=False).tolist():
            n = next(_numbers)
            total = int(rng.integers(4, 26)) * 10_000
            sales.append(
                Sale(
                    shop=shop,
                    customer=customer,
                    number=n,
                    business_on=today - timedelta(days=back),
                    status=SaleStatus.COMPLETED,
                    subtotal_idr=total,
                    total_idr=total,
                    paid_idr=total,
                    idempotency_key=f"test-{n}",
                )
            )
    Sale.objects.bulk_create(sales, batch_size=1_000)
    return {c.pk: k for c, k in zip(customers, visits, strict=True)}
