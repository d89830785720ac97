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
