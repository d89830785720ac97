"""Demo catalogue and two years of sales for Butik Wanty (runs after customers).

Reproducible from `rng` alone. Busier weekends, a Ramadan rush before Lebaran and
a quiet week after it, loyal regulars, a few resellers buying grosir, occasional
and one-time buyers, ~15% walk-ins, weekly restocks from Tanah Abang (fewer in
slow months), some credit (kasbon) sales, a few returns.
"""

import bisect
import datetime as dt
import random
from collections import defaultdict
from itertools import accumulate

from django.utils import timezone

from setia.accounts.models import Membership
from setia.customers import services as customer_services
from setia.customers.models import Customer, CustomerType
from setia.sales.models import (
    MovementKind,
    Payment,
    PaymentMethod,
    Product,
    RefundMethod,
    Restock,
    RestockLine,
    Sale,
    SaleCounter,
    SaleLine,
    SaleReturn,
    SaleReturnLine,
    StockMovement,
    Variant,
)

LEBARAN = [dt.date(2025, 3, 31), dt.date(2026, 3, 20)]
SIZES = ["S", "M", "L", "XL", "XXL"]
# (category, names, price range in thousands, sized?, colours)
CATALOGUE = [
    (
        "gamis",
        [
            "Gamis Zahra",
            "Gamis Aisyah Polos",
            "Gamis Brukat Nadia",
            "Gamis Ceruty Alya",
            "Gamis Set Khimar Hana",
            "Gamis Umbrella",
        ],
        (160, 250),
        True,
        ["Hitam", "Navy", "Mocca", "Sage"],
    ),
    (
        "tunik",
        ["Tunik Aira", "Tunik Kancing Depan", "Tunik Motif Bunga", "Tunik Linen Salma"],
        (110, 170),
        True,
        ["Dusty Pink", "Putih", "Navy"],
    ),
    (
        "blus",
        [
            "Blus Rayon Kirana",
            "Blus Katun Jepang",
            "Blus Ruffle Dinda",
            "Blus Kerja Polos",
            "Blus Batik Modern",
        ],
        (85, 140),
        True,
        ["Putih", "Hitam", "Lilac"],
    ),
    (
        "hijab",
        [
            "Pashmina Ceruty",
            "Hijab Segi Empat Voal",
            "Bergo Instan Jersey",
            "Pashmina Plisket",
            "Hijab Paris Polos",
            "Bergo Sport",
            "Khimar Syari",
        ],
        (60, 95),
        False,
        ["Hitam", "Mocca", "Milo", "Army", "Maroon"],
    ),
    (
        "rok",
        ["Rok Plisket", "Rok Span Kerja", "Rok Jeans A-Line"],
        (85, 140),
        True,
        ["Hitam", "Coksu"],
    ),
    (
        "celana kulot",
        ["Kulot Highwaist", "Kulot Linen", "Celana Kulot Jeans"],
        (90, 150),
        True,
        ["Hitam", "Cream"],
    ),
    (
        "dress",
        [
            "Dress Midi Laila",
            "Dress Kaftan Batik",
            "Dress Tunik Polkadot",
            "Dress Satin Lebaran",
        ],
        (140, 240),
        True,
        ["Navy", "Emerald", "Rose"],
    ),
    (
        "outer",
        [
            "Cardigan Rajut",
            "Outer Kimono Motif",
            "Outer Blazer Wanita",
            "Cardigan Panjang",
        ],
        (95, 180),
        True,
        ["Abu", "Cream", "Hitam"],
    ),
    (
        "mukena",
        [
            "Mukena Katun Jepang",
            "Mukena Traveling Parasut",
            "Mukena Bali Bordir",
            "Mukena Anak",
        ],
        (120, 250),
        False,
        ["Putih", "Pastel"],
    ),
]
WEEKDAY_WEIGHT = [0.8, 0.75, 0.85, 0.9, 1.05, 1.5, 1.7]  # Monday first
METHODS = [
    PaymentMethod.CASH,
    PaymentMethod.QRIS,
    PaymentMethod.TRANSFER,
    PaymentMethod.EWALLET,
]
METHOD_WEIGHTS = [55, 25, 12, 8]


def _season(day: dt.date) -> float:
    weight = WEEKDAY_WEIGHT[day.weekday()]
    for lebaran in LEBARAN:
        days_before = (lebaran - day).days
        if 0 < days_before <= 35:
            # Ramadan shopping builds up to the last ten days before Lebaran.
            weight *= 1.8 + 2.2 * (35 - days_before) / 35
        elif -7 <= days_before <= 0:
            weight *= 0.35  # Lebaran holiday: the market is half closed
    if day.month in (1, 2):
        weight *= 0.75
    elif day.month == 12:
        weight *= 1.15
    return weight


def _round_price(thousands: float) -> int:
    return int(round(thousands / 5) * 5) * 1000


def _make_catalogue(shop, rng: random.Random, start: dt.date):
    products, variants = [], []
    created = timezone.make_aware(dt.datetime.combine(start, dt.time(9)))
    code = 100
    for category, names, (low, high), _sized, _colours in CATALOGUE:
        for name in names:
            code += 1
            price = _round_price(rng.uniform(low, high))
            discount = rng.uniform(0.10, 0.15)
            products.append(
                Product(
                    shop=shop,
                    name=name,
                    sku=f"{category[:2].upper()}-{code}",
                    category=category,
                    price_idr=price,
                    grosir_price_idr=_round_price(price * (1 - discount) / 1000),
                    grosir_min_qty=rng.randint(3, 6),
                    cost_idr=_round_price(price * rng.uniform(0.55, 0.65) / 1000),
                    created_at=created,
                )
            )
    Product.objects.bulk_create(products)
    by_product = defaultdict(list)
    for product, spec in zip(products, _specs(), strict=True):
        _category, sized, colours = spec
        sizes = (
            rng.sample(SIZES[:4], 3) + ["XXL"]
            if sized and rng.random() < 0.5
            else (["M", "L", "XL"] if sized else [""])
        )
        picked = rng.sample(colours, min(len(colours), rng.randint(1, 3)))
        for size in sorted(set(sizes), key=lambda s: SIZES.index(s) if s else 0):
            for colour in picked:
                variant = Variant(product=product, size=size, colour=colour)
                variants.append(variant)
                by_product[product.pk].append(variant)
    Variant.objects.bulk_create(variants)
    return products, by_product


def _specs():
    for category, names, _range, sized, colours in CATALOGUE:
        for _name in names:
            yield category, sized, colours


class _Days:
    """Weighted sampling of business days between two dates."""

    def __init__(self, start: dt.date, end: dt.date):
        self.days = [
            start + dt.timedelta(days=i) for i in range((end - start).days + 1)
        ]
        self.cum = list(accumulate(_season(d) for d in self.days))

    def pick(self, rng: random.Random, lo: int = 0, hi: int | None = None) -> dt.date:
        hi = len(self.days) if hi is None else hi
        base = self.cum[lo - 1] if lo else 0.0
        x = base + rng.random() * (self.cum[hi - 1] - base)
        return self.days[min(bisect.bisect_left(self.cum, x, lo, hi), hi - 1)]

    def index(self, day: dt.date) -> int:
        return (day - self.days[0]).days


def _habit(rng: random.Random, customer) -> tuple[float | None, float]:
    """Days between visits and days until the customer drifts away."""
    if customer.customer_type == CustomerType.RESELLER:
        return rng.uniform(14, 35), rng.expovariate(1 / 420)
    kind = rng.random()
    if kind < 0.12:
        return rng.uniform(18, 45), rng.expovariate(1 / 540)  # loyal regulars
    if kind < 0.40:
        return rng.uniform(60, 150), rng.expovariate(1 / 360)  # occasional
    return None, 0.0


def populate(shop, rng: random.Random, today: dt.date, n_customers: int = 600) -> str:
    start = today - dt.timedelta(days=730)
    products, variants_of = _make_catalogue(shop, rng, start)
    clerks = list(
        Membership.objects.filter(shop=shop)
        .order_by("id")
        .values_list("user_id", flat=True)
    )
    customers = list(Customer.objects.filter(shop=shop).order_by("id"))
    days = _Days(start, today)

    visits: list[tuple[dt.date, Customer | None]] = []
    for customer in customers:
        first = days.pick(rng)
        lo = days.index(first)
        visits.append((first, customer))
        gap, lifetime = _habit(rng, customer)
        if gap is None:
            continue  # one-time buyers, the majority
        # Customers drift away: each buys only during an active spell, so the
        # analysis sees real churn and the shop's volume stays level over time.
        hi = min(len(days.days), lo + 1 + int(lifetime))
        for _ in range(int((hi - lo) / gap)):
            visits.append((days.pick(rng, lo, hi), customer))
    named = len(visits)
    for _ in range(int(named * 0.15 / 0.85)):
        visits.append((days.pick(rng), None))
    visits.sort(key=lambda v: (v[0], v[1].pk if v[1] else 0))

    sales, lines_of = _build_sales(
        shop, rng, visits, products, variants_of, clerks, today
    )
    Sale.objects.bulk_create(sales, batch_size=2000)
    all_lines = []
    for sale, lines in zip(sales, lines_of, strict=True):
        for line in lines:
            line.sale = sale
            all_lines.append(line)
    SaleLine.objects.bulk_create(all_lines, batch_size=2000)
    SaleCounter.objects.update_or_create(
        shop=shop, defaults={"last_number": len(sales)}
    )
    payments = _payments(rng, sales, today)
    Payment.objects.bulk_create(payments, batch_size=2000)
    returns = _returns(rng, sales, lines_of, today, clerks)
    restocks, restock_lines = _restocks(shop, rng, days, products, variants_of, clerks)
    _settle_stock(shop, rng, all_lines, restock_lines, returns, variants_of)
    last = {}
    for sale in sales:
        if sale.customer is not None:
            last[sale.customer.pk] = (sale.customer, sale.business_on)
    for customer, on in last.values():
        customer_services.note_purchase(customer, on)
    credit = sum(1 for s in sales if s.total_idr > s.paid_idr or s.outstanding_idr)
    return (
        f"{len(products)} products, {len(sales)} sales ({len(all_lines)} lines), "
        f"{len(restocks)} restocks, {len(returns)} returns, {credit} credit sales"
    )


def _build_sales(shop, rng, visits, products, variants_of, clerks, today):
    sales, lines_of = [], []
    tz = timezone.get_current_timezone()
    popular = list(products)
    weights = [rng.uniform(0.3, 3.0) for _ in popular]
    cum = list(accumulate(weights))
    for number, (on, customer) in enumerate(visits, start=1):
        reseller = (
            customer is not None and customer.customer_type == CustomerType.RESELLER
        )
        n_lines = (
            rng.randint(2, 5) if reseller else rng.choices([1, 2, 3], [60, 30, 10])[0]
        )
        chosen = {}
        for _ in range(n_lines):
            product = popular[bisect.bisect_left(cum, rng.random() * cum[-1])]
            variant = rng.choice(variants_of[product.pk])
            qty = (
                rng.randint(3, 12)
                if reseller
                else rng.choices([1, 2, 3], [80, 15, 5])[0]
            )
            chosen[variant.pk] = (
                product,
                variant,
                chosen.get(variant.pk, (0, 0, 0))[2] + qty,
            )
        per_product = defaultdict(int)
        for product, _variant, qty in chosen.values():
            per_product[product.pk] += qty
        lines = []
        for product, variant, qty in chosen.values():
            unit, grosir = product.unit_price(per_product[product.pk], reseller)
            lines.append(
                SaleLine(
                    product=product,
                    variant=variant,
                    description=variant.label,
                    quantity=qty,
                    unit_price_idr=unit,
                    is_grosir_price=grosir,
                    line_total_idr=unit * qty,
                    unit_cost_idr=product.cost_idr,
                )
            )
        subtotal = sum(line.line_total_idr for line in lines)
        discount = 0
        if (
            customer is not None
            and not reseller
            and subtotal >= 300_000
            and rng.random() < 0.2
        ):
            discount = 10_000
        total = subtotal - discount
        minute = rng.randint(9 * 60, 17 * 60 + 30)
        created = dt.datetime.combine(on, dt.time(minute // 60, minute % 60), tzinfo=tz)
        sales.append(
            Sale(
                shop=shop,
                customer=customer,
                number=number,
                business_on=on,
                created_at=created,
                created_by_id=rng.choice(clerks) if clerks else None,
                subtotal_idr=subtotal,
                discount_idr=discount,
                total_idr=total,
                paid_idr=total,
                idempotency_key=f"demo-{number}",
            )
        )
        lines_of.append(lines)
    return sales, lines_of


def _payments(rng, sales, today):
    payments = []
    for sale in sales:
        credit = sale.customer is not None and rng.random() < (
            0.08 if sale.customer.customer_type == "reseller" else 0.015
        )
        method = rng.choices(METHODS, METHOD_WEIGHTS)[0]
        if not credit:
            payments.append(_payment(sale, method, sale.total_idr, sale.created_at))
            continue
        down = (sale.total_idr // 2 // 1000) * 1000 if rng.random() < 0.6 else 0
        if down:
            payments.append(_payment(sale, method, down, sale.created_at))
        settle_on = sale.business_on + dt.timedelta(days=rng.randint(5, 40))
        if settle_on < today and rng.random() < 0.8:
            when = sale.created_at + (settle_on - sale.business_on)
            payment = _payment(
                sale, PaymentMethod.TRANSFER, sale.total_idr - down, when
            )
            payment.kind = Payment.Kind.SETTLEMENT
            payments.append(payment)
        else:
            sale.paid_idr = down
            sale.outstanding_idr = sale.total_idr - down
            Sale.objects.filter(pk=sale.pk).update(
                paid_idr=down, outstanding_idr=sale.outstanding_idr
            )
    return [p for p in payments if p.amount_idr > 0]


def _payment(sale, method, amount, when):
    return Payment(
        sale=sale,
        method=method,
        amount_idr=amount,
        business_on=timezone.localdate(when),
        created_at=when,
        created_by_id=sale.created_by_id,
    )


def _returns(rng, sales, lines_of, today, clerks):
    made = []
    for sale, lines in zip(sales, lines_of, strict=True):
        if sale.outstanding_idr or rng.random() > 0.012:
            continue
        on = sale.business_on + dt.timedelta(days=rng.randint(1, 6))
        if on > today:
            continue
        line = rng.choice(lines)
        amount = line.line_total_idr // line.quantity
        if sale.discount_idr:
            amount = amount * sale.total_idr // sale.subtotal_idr
        sale_return = SaleReturn.objects.create(
            sale=sale,
            business_on=on,
            created_at=sale.created_at + (on - sale.business_on),
            created_by_id=rng.choice(clerks) if clerks else None,
            reason=rng.choice(["Ukuran tidak pas", "Warna beda", "Ada cacat jahitan"]),
            refund_method=RefundMethod.CASH,
            refund_idr=amount,
        )
        SaleReturnLine.objects.create(
            sale_return=sale_return, sale_line=line, quantity=1, amount_idr=amount
        )
        Sale.objects.filter(pk=sale.pk).update(returned_idr=amount)
        sale.returned_idr = amount
        made.append((sale_return, line))
    return made


def _restocks(shop, rng, days, products, variants_of, clerks):
    made = []
    by_month = defaultdict(float)
    for day in days.days:
        by_month[(day.year, day.month)] += _season(day)
    busiest = max(by_month.values())
    lines = []
    for day in days.days:
        if day.weekday() != 1:  # Tuesday: Tanah Abang is quieter mid-week
            continue
        share = by_month[(day.year, day.month)] / busiest
        if rng.random() > 0.25 + 0.75 * share:
            continue
        restock = Restock(
            shop=shop,
            supplier=rng.choice(
                ["Tanah Abang, Blok A", "Tanah Abang, Blok B", "Tanah Abang, Metro"]
            ),
            received_on=day,
            created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(14))),
            created_by_id=clerks[0] if clerks else None,
        )
        picked = rng.sample(products, rng.randint(3, 8))
        rows = []
        for product in picked:
            for variant in rng.sample(
                variants_of[product.pk], min(3, len(variants_of[product.pk]))
            ):
                rows.append(
                    RestockLine(
                        restock=restock,
                        variant=variant,
                        quantity=rng.randint(3, 12),
                        unit_cost_idr=product.cost_idr,
                    )
                )
        restock.total_cost_idr = sum(r.quantity * r.unit_cost_idr for r in rows)
        made.append(restock)
        lines.append(rows)
    Restock.objects.bulk_create(made)
    flat = []
    for restock, rows in zip(made, lines, strict=True):
        for row in rows:
            row.restock = restock
            flat.append(row)
    RestockLine.objects.bulk_create(flat, batch_size=2000)
    return made, flat


def _settle_stock(shop, rng, sale_lines, restock_lines, returns, variants_of):
    """Stock movements for the history, then a stock count to today's shelf."""
    movements = []
    flow = defaultdict(int)
    for row in restock_lines:
        flow[row.variant_id] += row.quantity
        movements.append(
            StockMovement(
                shop=shop,
                variant_id=row.variant_id,
                kind=MovementKind.RESTOCK,
                quantity=row.quantity,
                restock=row.restock,
                created_at=row.restock.created_at,
            )
        )
    for line in sale_lines:
        flow[line.variant_id] -= line.quantity
        movements.append(
            StockMovement(
                shop=shop,
                variant_id=line.variant_id,
                kind=MovementKind.SALE,
                quantity=-line.quantity,
                sale=line.sale,
                created_at=line.sale.created_at,
            )
        )
    for sale_return, line in returns:
        flow[line.variant_id] += 1
        movements.append(
            StockMovement(
                shop=shop,
                variant_id=line.variant_id,
                kind=MovementKind.RETURN,
                quantity=1,
                sale=line.sale,
                sale_return=sale_return,
                created_at=sale_return.created_at,
            )
        )
    now = timezone.now()
    variants = [v for vs in variants_of.values() for v in vs]
    for variant in variants:
        variant.stock = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 10, 12])
        delta = variant.stock - flow[variant.pk]
        if delta:
            movements.append(
                StockMovement(
                    shop=shop,
                    variant=variant,
                    kind=MovementKind.ADJUSTMENT,
                    quantity=delta,
                    created_at=now,
                )
            )
    Variant.objects.bulk_update(variants, ["stock"], batch_size=1000)
    StockMovement.objects.bulk_create(movements, batch_size=5000)
