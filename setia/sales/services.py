"""Sales operations: one transaction per business action.

Other apps call: `record_sale`, `settle_credit`, `record_return`, `void_sale`,
`record_restock`, `period_summary`, `daily_summary`, `purchase_rows`,
`customer_outstanding_idr`.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.accounts import audit
from setia.accounts.models import Membership, Role, Shop, User, shop_settings_scope
from setia.customers import services as customer_services
from setia.customers.models import Customer
from setia.lib.money import allocate, format_rupiah, sale_share_weights, scale
from setia.loyalty import promotions
from setia.loyalty import services as loyalty
from setia.sales.history import (  # noqa: F401 - part of this module's interface
    credit_cut_by_returns_idr,
    customer_outstanding_idr,
    daily_summary,
    open_credit_sales,
    period_summary,
    purchase_rows,
    restocks_per_month,
)
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
    SaleStatus,
    StockMovement,
    Variant,
    VoidMoney,
)
from setia.sales.pricing import LineInput, load_variants, price_lines

__all__ = [
    "LineInput",
    "PaymentInput",
    "RestockLineInput",
    "adjust_stock",
    "create_product",
    "customer_outstanding_idr",
    "daily_summary",
    "mistake_void_allowed",
    "open_credit_sales",
    "period_summary",
    "purchase_rows",
    "record_restock",
    "record_return",
    "record_sale",
    "restocks_per_month",
    "settle_credit",
    "update_product",
    "void_money_preview",
    "void_sale",
]


@dataclass
class PaymentInput:
    """Money tendered; `amount_idr=None` pays exactly what the others leave."""

    method: str
    amount_idr: int | None


@dataclass
class RestockLineInput:
    variant_id: int
    quantity: int
    unit_cost_idr: int


class OutOfStock(ValidationError):
    pass


# ---- catalogue ----------------------------------------------------------


def _split(values) -> list[str]:
    if isinstance(values, str):
        values = values.replace(";", ",").split(",")
    seen: list[str] = []
    for value in values or ():
        value = value.strip()
        if value and value not in seen:
            seen.append(value)
    return seen


def _check_prices(price_idr: int, grosir_price_idr: int, cost_idr: int) -> None:
    if min(price_idr, grosir_price_idr, cost_idr) < 0:
        raise ValidationError(_("Prices cannot be negative."), code="price")
    if grosir_price_idr and grosir_price_idr > price_idr:
        raise ValidationError(
            _("The grosir price should not be above the retail price."),
            code="grosir",
        )


@transaction.atomic
def create_product(
    shop: Shop,
    by: User | None,
    *,
    name: str,
    price_idr: int,
    sku: str = "",
    category: str = "",
    grosir_price_idr: int = 0,
    grosir_min_qty: int = 3,
    cost_idr: int = 0,
    sizes=(),
    colours=(),
    tracks_stock: bool = True,
    initial_stock: int = 0,
) -> Product:
    """Add a product with one variant per size × colour (one blank variant if none)."""
    _check_prices(price_idr, grosir_price_idr, cost_idr)
    product = Product.objects.create(
        shop=shop,
        name=name.strip(),
        sku=sku.strip(),
        category=category.strip(),
        price_idr=price_idr,
        grosir_price_idr=grosir_price_idr,
        grosir_min_qty=max(1, grosir_min_qty),
        cost_idr=cost_idr,
        tracks_stock=tracks_stock,
    )
    for size in _split(sizes) or [""]:
        for colour in _split(colours) or [""]:
            variant = Variant.objects.create(product=product, size=size, colour=colour)
            if tracks_stock and initial_stock > 0:
                _move_stock(shop, by, variant, initial_stock, MovementKind.ADJUSTMENT)
    audit.record(shop, by, "product.created", product)
    return product


@transaction.atomic
def update_product(
    shop: Shop,
    by: User | None,
    product: Product,
    *,
    add_sizes=(),
    add_colours=(),
    **fields,
) -> Product:
    """Change a product's fields; new sizes/colours add variants, none are removed."""
    assert product.shop_id == shop.pk
    for name, value in fields.items():
        setattr(product, name, value)
    _check_prices(product.price_idr, product.grosir_price_idr, product.cost_idr)
    product.save()
    sizes = _split(add_sizes) or sorted({v.size for v in product.variants.all()})
    colours = _split(add_colours) or sorted({v.colour for v in product.variants.all()})
    if _split(add_sizes) or _split(add_colours):
        for size in sizes or [""]:
            for colour in colours or [""]:
                Variant.objects.get_or_create(product=product, size=size, colour=colour)
    audit.record(shop, by, "product.updated", product, fields=list(fields))
    return product


def _move_stock(shop, by, variant, quantity, kind, **links) -> None:
    Variant.objects.filter(pk=variant.pk).update(stock=F("stock") + quantity)
    StockMovement.objects.create(
        shop=shop,
        variant=variant,
        kind=kind,
        quantity=quantity,
        created_by=by,
        **links,
    )


@transaction.atomic
def adjust_stock(shop: Shop, by: User | None, variant: Variant, counted: int) -> int:
    """Set a variant's stock to what was counted; records the difference."""
    if counted < 0:
        raise ValidationError(_("Stock cannot be negative."), code="stock")
    variant = Variant.objects.select_for_update().get(pk=variant.pk, product__shop=shop)
    delta = counted - variant.stock
    if delta:
        _move_stock(shop, by, variant, delta, MovementKind.ADJUSTMENT)
    return delta


# ---- sales --------------------------------------------------------------


def _settle_payments(
    total_idr: int, payments: list[PaymentInput], *, credit_allowed: bool
) -> tuple[list[PaymentInput], int, int]:
    """(payments to record, change to give, outstanding credit)."""
    valid = {choice.value for choice in PaymentMethod}
    given = sum(p.amount_idr or 0 for p in payments)
    payments = [
        PaymentInput(p.method, max(0, total_idr - given)) if p.amount_idr is None else p
        for p in payments
    ]
    tendered = []
    for payment in payments:
        if payment.method not in valid:
            raise ValidationError(_("Unknown payment method."), code="method")
        if payment.amount_idr < 0:
            raise ValidationError(_("Amounts cannot be negative."), code="amount")
        if payment.amount_idr:
            tendered.append(PaymentInput(payment.method, int(payment.amount_idr)))
    paid = sum(p.amount_idr for p in tendered)
    if paid < total_idr:
        if not credit_allowed:
            raise ValidationError(
                _(
                    "Paid %(paid)s of %(total)s. Collect the rest or record it as "
                    "credit (kasbon) for a named customer."
                ),
                code="underpaid",
                params={"paid": format_rupiah(paid), "total": format_rupiah(total_idr)},
            )
        return tendered, 0, total_idr - paid
    change = paid - total_idr
    if change:
        cash = [p for p in tendered if p.method == PaymentMethod.CASH]
        if sum(p.amount_idr for p in cash) < change:
            raise ValidationError(
                _("Only cash can be paid over the total (change is given in cash)."),
                code="overpaid",
            )
        remaining = change
        for p in reversed(cash):
            take = min(remaining, p.amount_idr)
            p.amount_idr -= take
            remaining -= take
        tendered = [p for p in tendered if p.amount_idr]
    return tendered, change, 0


def _next_number(shop: Shop) -> int:
    """Take the shop's next sale number. The UPDATE locks the counter row until
    the transaction ends, so numbers have no gaps: a rolled-back sale gives its
    number back."""
    sql = (
        f"UPDATE {SaleCounter._meta.db_table} SET last_number = last_number + 1 "  # noqa: S608
        "WHERE shop_id = %s RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [shop.pk])
        row = cursor.fetchone()
        if row is None:
            SaleCounter.objects.get_or_create(shop=shop)
            cursor.execute(sql, [shop.pk])
            row = cursor.fetchone()
    return row[0]


def _number_sale(shop: Shop, sale: Sale) -> None:
    """PostgreSQL: take the next number and write it on the saved sale in one
    statement (the counter row stays locked to the end of the transaction, as
    above). SQLite numbers a sale before its INSERT instead."""
    sql = (
        f"WITH n AS (UPDATE {SaleCounter._meta.db_table} "  # noqa: S608
        "SET last_number = last_number + 1 WHERE shop_id = %s RETURNING last_number) "
        f"UPDATE {Sale._meta.db_table} SET number = n.last_number FROM n "
        f"WHERE {Sale._meta.db_table}.id = %s RETURNING n.last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [shop.pk, sale.pk])
        row = cursor.fetchone()
        if row is None:
            SaleCounter.objects.get_or_create(shop=shop)
            cursor.execute(sql, [shop.pk, sale.pk])
            row = cursor.fetchone()
    sale.number = row[0]


def _take_stock_sql(needed: dict[int, int]) -> tuple[str, list[int]]:
    """One conditional UPDATE for all the variants of a sale.

    The check and the row lock happen in one statement, so two clerks cannot
    both sell the last piece (the database CHECK on `stock >= 0` backs it up).
    On PostgreSQL the rows are locked first in id order (a sub-SELECT ... ORDER
    BY id FOR UPDATE), so two sales of the same items cannot deadlock; the
    UPDATE then re-checks each locked row's latest stock. SQLite writers hold
    the database lock for the whole (IMMEDIATE) transaction.
    """
    table = Variant._meta.db_table
    ids = sorted(needed)
    marks = ", ".join(["%s"] * len(ids))
    if connection.vendor == "postgresql":
        values = ", ".join(["(%s::bigint, %s::integer)"] * len(ids))
        sql = (
            f"UPDATE {table} AS v SET stock = v.stock - w.qty "  # noqa: S608
            f"FROM (SELECT id FROM {table} WHERE id IN ({marks}) "
            "ORDER BY id FOR UPDATE) AS l "
            f"JOIN (VALUES {values}) AS w (id, qty) ON w.id = l.id "
            "WHERE v.id = l.id AND v.stock >= w.qty RETURNING v.id"
        )
        params = ids + [x for i in ids for x in (i, needed[i])]
        return sql, params
    case = "CASE id " + " ".join(["WHEN %s THEN %s"] * len(ids)) + " END"
    pairs = [x for i in ids for x in (i, needed[i])]
    sql = (
        f"UPDATE {table} SET stock = stock - {case} "  # noqa: S608
        f"WHERE id IN ({marks}) AND stock >= {case} RETURNING id"
    )
    return sql, pairs + ids + pairs


def _take_stock(shop, by, sale, priced_lines) -> list[StockMovement]:
    """Take the sold pieces off stock; raise OutOfStock if any would go below 0."""
    needed: dict[int, int] = defaultdict(int)
    variants = {}
    for line in priced_lines:
        if line.variant.product.tracks_stock:
            needed[line.variant.pk] += line.quantity
            variants[line.variant.pk] = line.variant
    if not needed:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*_take_stock_sql(needed))
        updated = {row[0] for row in cursor.fetchall()}
    short = sorted(set(needed) - updated)
    if short:
        # That row failed its check and was not changed; the sale rolls back.
        variant_id = short[0]
        left = Variant.objects.values_list("stock", flat=True).get(pk=variant_id)
        raise OutOfStock(
            _("Not enough stock of %(item)s: %(left)s left, %(wanted)s wanted."),
            code="stock",
            params={
                "item": variants[variant_id].label,
                "left": left,
                "wanted": needed[variant_id],
            },
        )
    movements = [
        StockMovement(
            shop=shop,
            variant_id=variant_id,
            kind=MovementKind.SALE,
            quantity=-needed[variant_id],
            sale=sale,
            created_by=by,
            created_at=sale.created_at,
        )
        for variant_id in sorted(needed)
    ]
    StockMovement.objects.bulk_create(movements)
    return movements


def record_sale(
    shop: Shop,
    by: User | None,
    *,
    lines: list[LineInput],
    payments: list[PaymentInput],
    idempotency_key: str,
    customer: Customer | None = None,
    discount_idr: int = 0,
    on_credit: bool = False,
    note: str = "",
    redeem_points: int = 0,
    reward_id: int | None = None,
    promo_code: str = "",
) -> Sale:
    """Save a sale with its lines, payments, stock movements, loyalty points and
    promotions (promo code use, next-order coupon), all or nothing.

    The same `idempotency_key` twice (a double tap, a retried request) returns the
    first sale instead of making a second one.
    """
    if not idempotency_key:
        raise ValidationError(_("Missing sale key; reload the page."), code="key")
    if customer is not None and customer.shop_id != shop.pk:
        raise ValidationError(_("Unknown customer."), code="customer")
    if customer is not None and customer.erased_at is not None:
        # A sale screen opened before the erasure: the person asked to be
        # forgotten, so a new sale is a walk-in's or a new customer's.
        raise ValidationError(
            _("This customer's data was erased; sell as a walk-in or add them anew."),
            code="erased",
        )
    if not lines:
        raise ValidationError(_("Add at least one item."), code="empty")
    # The catalogue rows are read before the transaction: on SQLite writers take
    # turns for the whole transaction, and 20 clerks saving at once queue for
    # every millisecond spent inside it (bench/sales/README.md, fourth pass).
    # Prices read a moment before the save are the prices the clerk saw; the
    # stock is still taken inside, by a conditional UPDATE.
    variants = load_variants(shop, [line.variant_id for line in lines])
    try:
        # The shop's rules (offers, program, coupon rules) may come from the
        # per-process cache, under the settings token read inside the transaction:
        # exactly the rules committed when the sale is saved.
        with transaction.atomic(), shop_settings_scope(shop.pk):
            return _record_sale(
                shop,
                by,
                variants=variants,
                lines=lines,
                payments=payments,
                idempotency_key=idempotency_key,
                customer=customer,
                discount_idr=discount_idr,
                on_credit=on_credit,
                note=note,
                redeem_points=redeem_points,
                reward_id=reward_id,
                promo_code=promo_code,
            )
    except (IntegrityError, ValidationError):
        # A retry may fail a check the first request's own writes now fail (its
        # single-use code is used up): the first sale is still the answer.
        existing = Sale.objects.filter(
            shop=shop, idempotency_key=idempotency_key
        ).first()
        if existing is None:
            raise
        return existing


def _record_sale(
    shop,
    by,
    *,
    variants,
    lines,
    payments,
    idempotency_key,
    customer,
    discount_idr,
    on_credit,
    note,
    redeem_points,
    reward_id,
    promo_code,
) -> Sale:
    # A key saved before makes the INSERT below fail on the unique constraint;
    # record_sale then returns that first sale.
    now = timezone.now()
    today = timezone.localdate(now)
    # The first write takes the customer's row, as a merge or an erasure does
    # before anything else (PostgreSQL lock order), and refuses a customer erased
    # or merged since the sale screen read them.
    if customer is not None and not customer_services.note_purchase(customer, today):
        _refuse_gone_customer(customer)
    promo = None
    if promo_code.strip():
        # Locked first, before any stock row (a void takes them in this order
        # too): concurrent sales with one code take turns from here on.
        promo = promotions.lock_promo(shop, promo_code)
        if Sale.objects.filter(shop=shop, idempotency_key=idempotency_key).exists():
            raise IntegrityError("sale key already used")
    offers = promotions.active_offers(shop)
    quote = price_lines(
        variants, lines, customer, discount_idr=discount_idr, offers=offers
    )
    promo_discount = 0
    if promo_code.strip():
        promo_discount = promotions.check_promo(
            promo,
            customer=customer,
            amount_idr=quote.subtotal_idr - quote.discount_idr,
            today=timezone.localdate(),
        )
    redemption = None
    if redeem_points > 0 or reward_id is not None:
        redemption = loyalty.quote_redemption(
            shop,
            customer,
            points=redeem_points,
            reward_id=reward_id,
            amount_idr=quote.subtotal_idr - quote.discount_idr - promo_discount,
        )
    quote = price_lines(
        variants,
        lines,
        customer,
        discount_idr=discount_idr,
        reward_discount_idr=redemption.discount_idr if redemption else 0,
        promo_discount_idr=promo_discount,
        offers=offers,
    )
    if customer is None and any(
        p.method == PaymentMethod.STORE_CREDIT and p.amount_idr for p in payments
    ):
        raise ValidationError(
            _("Choose the customer to pay with store credit."), code="store_credit"
        )
    to_record, change, outstanding = _settle_payments(
        quote.total_idr, payments, credit_allowed=on_credit and customer is not None
    )
    # SQLite writers already take turns for the whole transaction, so the number
    # is taken now, with no second UPDATE. Elsewhere a placeholder until the end:
    # the shop's counter row is locked only for the last few statements, so
    # clerks' sales overlap on PostgreSQL. A second save of the same key waits on
    # the unique key, then fails.
    number_first = connection.vendor == "sqlite"
    sale = Sale.objects.create(
        shop=shop,
        customer=customer,
        number=_next_number(shop) if number_first else -1 - uuid.uuid4().int % (2**62),
        business_on=today,
        created_at=now,
        created_by=by,
        subtotal_idr=quote.subtotal_idr,
        discount_idr=quote.discount_idr,
        reward_discount_idr=quote.reward_discount_idr,
        promo_discount_idr=quote.promo_discount_idr,
        promo_code=promo.code if promo is not None else "",
        total_idr=quote.total_idr,
        paid_idr=quote.total_idr - outstanding,
        outstanding_idr=outstanding,
        change_idr=change,
        note=note[:200],
        idempotency_key=idempotency_key,
    )
    sale_lines = SaleLine.objects.bulk_create(
        [
            SaleLine(
                sale=sale,
                product=line.variant.product,
                variant=line.variant,
                description=line.variant.label[:200],
                quantity=line.quantity,
                unit_price_idr=line.unit_price_idr,
                is_grosir_price=line.is_grosir_price,
                discount_idr=line.discount_idr,
                promo_discount_idr=line.promo_discount_idr,
                promo_name=line.promo_name,
                offer_share_idr=line.offer_share_idr,
                line_total_idr=line.line_total_idr,
                unit_cost_idr=line.variant.product.cost_idr,
            )
            for line in quote.lines
        ]
    )
    Payment.objects.bulk_create(
        [
            Payment(
                sale=sale,
                method=p.method,
                amount_idr=p.amount_idr,
                business_on=today,
                created_at=now,
                created_by=by,
            )
            for p in to_record
        ]
    )
    _take_stock(shop, by, sale, quote.lines)
    if not number_first:
        _number_sale(shop, sale)
    store_credit = sum(
        p.amount_idr for p in to_record if p.method == PaymentMethod.STORE_CREDIT
    )
    if store_credit:
        loyalty.spend_store_credit(shop, customer, store_credit, sale=sale, by=by)
    if promo is not None:
        promotions.redeem_promo(sale, promo, quote.promo_discount_idr)
    loyalty.record_sale_loyalty(sale, redemption, by, lines=sale_lines)
    promotions.issue_next_order_coupon(sale, by, new_sale=True)
    # No audit event per sale: the sale row itself records who and when; the
    # audit log keeps the changes made afterwards (returns, voids, settlements).
    return sale


def _refuse_gone_customer(customer: Customer) -> None:
    """The sale screen read a customer who has since been erased or merged.

    Checked inside the sale's transaction (the last-purchase UPDATE is the first
    write, and takes the row as committed now): the check on the screen's copy
    alone let a sale land on a row erased a moment before.
    """
    if Customer.objects.filter(pk=customer.pk).exists():
        raise ValidationError(
            _("This customer's data was erased; sell as a walk-in or add them anew."),
            code="erased",
        )
    raise ValidationError(
        _("This customer was merged into another; search for them again."),
        code="merged",
    )


def _lock_sale(shop: Shop, sale: Sale) -> Sale:
    """The sale's row, locked, for a settlement, return or void; the first
    lock these take, after the customer's row (`_hold_customer`)."""
    _hold_customer(sale.customer_id)
    return Sale.objects.select_for_update().get(pk=sale.pk, shop=shop)


def _hold_customer(customer_id: int | None) -> None:
    """Take the customer's row as a sale's INSERT does (FOR KEY SHARE).

    A merge of two customers locks both rows first, then their points and
    store credit accounts, then moves their sales. A settlement, return or
    void locks the sale, then accounts of this customer and of the referrer:
    without this they could cross a merge's locks and deadlock (PostgreSQL).
    KEY SHARE waits only for a merge (or a delete) of the customer: sales and
    their last-purchase update go on. SQLite's writers take turns anyway.
    """
    if customer_id is None or connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(Customer._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE",  # noqa: S608
            [customer_id],
        )


def settle_credit(
    shop: Shop,
    by: User | None,
    sale: Sale,
    *,
    method: str,
    amount_idr: int,
    idempotency_key: str = "",
) -> Payment:
    """Record a later payment against a sale's unpaid credit (kasbon).

    The same `idempotency_key` twice for a sale (a double tap) returns the first
    payment. Paying off the last of the credit pays the referral bonus, if any.
    """
    key = (idempotency_key or "")[:80]
    try:
        # The rules (referral bonus, coupons) under the settings token read
        # inside the transaction, as record_sale does: the request's token may
        # predate a change the Owner just saved.
        with transaction.atomic(), shop_settings_scope(shop.pk):
            return _settle_credit(
                shop, by, sale, method=method, amount_idr=amount_idr, key=key
            )
    except IntegrityError:
        existing = _existing_payment(sale, key)
        if existing is None:
            raise
        return existing


def _existing_payment(sale: Sale, key: str) -> Payment | None:
    if not key:
        return None
    return Payment.objects.filter(
        sale_id=sale.pk, kind=Payment.Kind.SETTLEMENT, idempotency_key=key
    ).first()


def _settle_credit(shop, by, sale, *, method, amount_idr, key) -> Payment:
    sale = _lock_sale(shop, sale)
    # The sale's row lock makes a repeat of the same key wait for the first.
    existing = _existing_payment(sale, key)
    if existing is not None:
        return existing
    if sale.is_voided:
        raise ValidationError(_("This sale was voided."), code="voided")
    if method not in PaymentMethod.values or method == PaymentMethod.STORE_CREDIT:
        raise ValidationError(_("Unknown payment method."), code="method")
    if amount_idr <= 0 or amount_idr > sale.outstanding_idr:
        raise ValidationError(
            _("Enter an amount between Rp 1 and the unpaid %(left)s."),
            code="amount",
            params={"left": format_rupiah(sale.outstanding_idr)},
        )
    payment = Payment.objects.create(
        sale=sale,
        method=method,
        amount_idr=amount_idr,
        kind=Payment.Kind.SETTLEMENT,
        business_on=timezone.localdate(),
        created_by=by,
        idempotency_key=key,
    )
    Sale.objects.filter(pk=sale.pk).update(
        paid_idr=F("paid_idr") + amount_idr,
        outstanding_idr=F("outstanding_idr") - amount_idr,
    )
    sale.refresh_from_db(fields=["paid_idr", "outstanding_idr"])
    if sale.outstanding_idr == 0:
        # A kasbon sale counts as paid only now (idempotent on the loyalty side).
        loyalty.award_referral_bonus(sale, by=by)
        promotions.issue_next_order_coupon(sale, by)
    audit.record(shop, by, "sale.credit_settled", sale)
    return payment


def returnable_quantities(sale: Sale) -> dict[int, int]:
    """Pieces of each line not yet returned, by sale line id."""
    left = {line.pk: line.quantity for line in sale.lines.all()}
    for rl in SaleReturnLine.objects.filter(sale_return__sale=sale):
        left[rl.sale_line_id] -= rl.quantity
    return left


def _paid_per_line(sale: Sale, lines) -> dict[int, int]:
    """What each line was really paid: the sale total shared over the lines in
    proportion to their totals, in whole rupiah adding up to the total exactly.

    Order discounts (the clerk's, a reward, a promo code) are shared this way. A
    buy-X-get-Y discount counts as shared over all the pieces of its set (bought
    and free, `offer_share_idr`), not only the free one. So a return refunds what
    was actually paid for those pieces, and returning everything refunds exactly
    the sale's total. A return keeps the promo code's use (only a void gives it
    back).
    """
    weights = sale_share_weights(lines)
    paid = allocate(sale.total_idr, list(weights.values()))
    return dict(zip(weights, paid, strict=True))


def _share(paid_idr: int, quantity: int, pieces: int) -> int:
    """The value of the first `pieces` of a line paid `paid_idr` for `quantity`."""
    return scale(paid_idr, pieces, quantity) if quantity else 0


def record_return(
    shop: Shop,
    by: User | None,
    sale: Sale,
    *,
    quantities: dict[int, int],
    reason: str,
    refund_method: str,
    idempotency_key: str = "",
) -> SaleReturn:
    """Take items back: stock back, unpaid credit reduced first, the rest refunded.

    The same `idempotency_key` twice for a sale (a double tap, a retried request)
    returns the first return instead of refunding twice.
    """
    key = (idempotency_key or "")[:80]
    try:
        with transaction.atomic(), shop_settings_scope(shop.pk):
            return _record_return(
                shop,
                by,
                sale,
                quantities=quantities,
                reason=reason,
                refund_method=refund_method,
                key=key,
            )
    except IntegrityError:
        existing = _existing_return(sale, key)
        if existing is None:
            raise
        return existing


def _existing_return(sale: Sale, key: str) -> SaleReturn | None:
    if not key:
        return None
    return SaleReturn.objects.filter(sale_id=sale.pk, idempotency_key=key).first()


def _record_return(
    shop, by, sale, *, quantities, reason, refund_method, key
) -> SaleReturn:
    sale = _lock_sale(shop, sale)
    # The sale's row lock makes a repeat of the same key wait for the first.
    existing = _existing_return(sale, key)
    if existing is not None:
        return existing
    if sale.is_voided:
        raise ValidationError(_("This sale was voided."), code="voided")
    if not reason.strip():
        raise ValidationError(_("Give a reason for the return."), code="reason")
    if refund_method not in RefundMethod.values:
        raise ValidationError(_("Choose how to refund."), code="refund")
    left = returnable_quantities(sale)
    lines = {line.pk: line for line in sale.lines.select_related("product", "variant")}
    wanted = {int(k): int(v) for k, v in quantities.items() if int(v) > 0}
    if not wanted:
        raise ValidationError(_("Choose at least one item to return."), code="empty")
    for line_id, quantity in wanted.items():
        if line_id not in lines or quantity > left[line_id]:
            raise ValidationError(
                _("You cannot return more than was sold."), code="too_many"
            )
    paid = _paid_per_line(sale, lines.values())
    amounts = {}
    for line_id, quantity in wanted.items():
        line = lines[line_id]
        before = line.quantity - left[line_id]
        amounts[line_id] = _share(
            paid[line_id], line.quantity, before + quantity
        ) - _share(paid[line_id], line.quantity, before)
    refund = sum(amounts.values())
    credit_part = min(refund, sale.outstanding_idr)
    money_back = refund - credit_part
    if money_back == 0 and credit_part:
        refund_method = RefundMethod.REDUCE_CREDIT
    elif refund_method == RefundMethod.REDUCE_CREDIT:
        raise ValidationError(
            _("The refund is more than the unpaid credit; choose cash or transfer."),
            code="refund",
        )
    if refund_method == RefundMethod.STORE_CREDIT and sale.customer_id is None:
        raise ValidationError(
            _("Store credit needs a named customer; refund in cash or transfer."),
            code="refund",
        )
    # Before the stock rows: locks are taken promo first, as in record_sale.
    promotions.review_coupon_after_return(
        sale, sale.total_idr - sale.returned_idr - refund, by
    )
    sale_return = SaleReturn.objects.create(
        sale=sale,
        business_on=timezone.localdate(),
        created_by=by,
        reason=reason.strip()[:200],
        refund_method=refund_method,
        refund_idr=refund,
        idempotency_key=key,
    )
    SaleReturnLine.objects.bulk_create(
        [
            SaleReturnLine(
                sale_return=sale_return,
                sale_line=lines[line_id],
                quantity=quantity,
                amount_idr=amounts[line_id],
            )
            for line_id, quantity in wanted.items()
        ]
    )
    for line_id, quantity in sorted(wanted.items()):
        line = lines[line_id]
        if line.variant_id and line.product.tracks_stock:
            _move_stock(
                shop,
                by,
                line.variant,
                quantity,
                MovementKind.RETURN,
                sale=sale,
                sale_return=sale_return,
            )
    Sale.objects.filter(pk=sale.pk).update(
        returned_idr=F("returned_idr") + refund,
        outstanding_idr=F("outstanding_idr") - credit_part,
    )
    if refund_method == RefundMethod.STORE_CREDIT and money_back:
        loyalty.add_store_credit(
            shop,
            sale.customer,
            money_back,
            reason=str(_("Return on sale %(number)s") % {"number": sale}),
            by=by,
            idempotency_key=f"return:{sale_return.pk}",
        )
    loyalty.reverse_sale_return(sale_return, by)
    if credit_part:
        sale.refresh_from_db(fields=["outstanding_idr", "returned_idr"])
        if sale.outstanding_idr == 0 and sale.returned_idr < sale.total_idr:
            # The return paid off the kasbon: the sale counts as paid now, as
            # when a settlement pays the last of it (both calls are idempotent).
            # A sale returned in full bought nothing and earns neither.
            loyalty.award_referral_bonus(sale, by=by)
            promotions.issue_next_order_coupon(sale, by)
    audit.record(shop, by, "sale.returned", sale, detail=sale_return.refund_method)
    return sale_return


def void_sale(
    shop: Shop,
    by: User,
    sale: Sale,
    *,
    reason: str,
    money: str = VoidMoney.MISTAKE,
    expected_refund_idr: int | None = None,
) -> Sale:
    """Cancel a whole sale (Owner only): stock of pieces not yet returned goes back.

    `money` says what happened to the money (`VoidMoney`): the customer
    cancelled and what was paid and not yet given back goes back today in cash
    or by transfer (the sale's earlier payments and refunds stay on their days),
    or the sale was recorded by mistake and its money leaves every day. Store
    credit spent on the sale goes back as store credit, up to the money paid and
    not yet given back by returns (`void_money_preview`). A sale after which
    money moved (a return gave some back, a kasbon payment came in) was no
    mistake (`mistake_void_allowed`). `expected_refund_idr`: the hand-back the
    Owner was shown; the void is refused if it is no longer the amount.
    """
    # The rules (tiers, program) under the token read inside the transaction.
    with transaction.atomic(), shop_settings_scope(shop.pk):
        return _void_sale(
            shop,
            by,
            sale,
            reason=reason,
            money=money,
            expected_refund_idr=expected_refund_idr,
        )


def _unrefunded_idr(sale: Sale) -> int:
    """Money paid for a sale (payments, settlements) not yet given back by its
    returns; what cut the kasbon was never paid. Only before a void."""
    money_back = sale.returned_idr - credit_cut_by_returns_idr(sale)
    return max(0, sale.paid_idr - money_back)


def void_money_preview(sale: Sale) -> tuple[int, int]:
    """What a void of `sale` would give back now: (money to hand back in cash or
    by transfer, store credit going back)."""
    unrefunded = _unrefunded_idr(sale)
    store_credit = loyalty.store_credit_back_on_void(sale, unrefunded)
    return unrefunded - store_credit, store_credit


def mistake_void_allowed(sale: Sale) -> bool:
    """Whether `sale` may be voided as recorded by mistake: only while no money
    moved after it (no return gave money back, no kasbon payment came in).
    Otherwise that money would drop out of the days it really moved in."""
    if sale.returned_idr - credit_cut_by_returns_idr(sale) > 0:
        return False
    return not Payment.objects.filter(
        sale_id=sale.pk, kind=Payment.Kind.SETTLEMENT
    ).exists()


def _void_sale(
    shop: Shop,
    by: User,
    sale: Sale,
    *,
    reason: str,
    money: str,
    expected_refund_idr: int | None,
) -> Sale:
    is_owner = Membership.objects.filter(
        shop=shop, user=by, role=Role.OWNER, is_active=True
    ).exists()
    if not is_owner:
        raise PermissionDenied
    sale = _lock_sale(shop, sale)
    if sale.is_voided:
        return sale
    if not reason.strip():
        raise ValidationError(_("Give a reason for the void."), code="reason")
    if money not in VoidMoney.values:
        raise ValidationError(
            _("Choose what happened to the money: handed back or never received."),
            code="money",
        )
    if money == VoidMoney.MISTAKE and not mistake_void_allowed(sale):
        raise ValidationError(
            _(
                "Money already moved for this sale (a return or a kasbon payment),"
                " so it was not recorded by mistake: choose how the rest goes back."
            ),
            code="money_moved",
        )
    if money != VoidMoney.MISTAKE and expected_refund_idr is not None:
        now = void_money_preview(sale)[0]
        if now != expected_refund_idr:
            raise ValidationError(
                _(
                    "The money to hand back is now %(amount)s: something changed on"
                    " this sale. Check it and void again."
                ),
                code="changed",
                params={"amount": format_rupiah(now)},
            )
    # Before the stock rows: locks are taken promo first, as in record_sale.
    promotions.reverse_sale_promotions(sale, by)
    left = returnable_quantities(sale)
    for line in sale.lines.select_related("product", "variant").order_by("variant_id"):
        if line.variant_id and line.product.tracks_stock and left[line.pk] > 0:
            _move_stock(
                shop, by, line.variant, left[line.pk], MovementKind.VOID, sale=sale
            )
    # Read before the void zeroes the outstanding credit.
    unrefunded = _unrefunded_idr(sale)
    sale.void_unpaid_idr = sale.outstanding_idr
    sale.status = SaleStatus.VOIDED
    sale.voided_at = timezone.now()
    sale.voided_on = timezone.localdate(sale.voided_at)
    sale.voided_by = by
    sale.void_reason = reason.strip()[:200]
    sale.void_money = money
    sale.outstanding_idr = 0
    sale.save(
        update_fields=[
            "status",
            "voided_at",
            "voided_on",
            "voided_by",
            "void_reason",
            "void_money",
            "void_unpaid_idr",
            "outstanding_idr",
        ]
    )
    # After the status: the customer's tier is worked out without this sale.
    store_credit = loyalty.reverse_sale_void(sale, by, unrefunded_idr=unrefunded)
    sale.void_store_credit_idr = store_credit
    # A mistake never took the money, so none is handed back.
    money_back = unrefunded - store_credit
    sale.void_refund_idr = 0 if money == VoidMoney.MISTAKE else money_back
    Sale.objects.filter(pk=sale.pk).update(
        void_store_credit_idr=sale.void_store_credit_idr,
        void_refund_idr=sale.void_refund_idr,
    )
    audit.record(shop, by, "sale.voided", sale, detail=money)
    return sale


# ---- restocks -------------------------------------------------------------


def record_restock(
    shop: Shop,
    by: User | None,
    *,
    supplier: str,
    received_on: date,
    lines: list[RestockLineInput],
    note: str = "",
    idempotency_key: str = "",
) -> Restock:
    """Goods bought from a supplier: stock up, latest unit cost becomes the HPP.

    The same `idempotency_key` twice in a shop returns the first restock.
    """
    key = (idempotency_key or "")[:80]
    existing = _existing_restock(shop, key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _record_restock(
                shop,
                by,
                supplier=supplier,
                received_on=received_on,
                lines=lines,
                note=note,
                key=key,
            )
    except IntegrityError:
        existing = _existing_restock(shop, key)
        if existing is None:
            raise
        return existing


def _existing_restock(shop: Shop, key: str) -> Restock | None:
    if not key:
        return None
    return Restock.objects.filter(shop=shop, idempotency_key=key).first()


def _record_restock(shop, by, *, supplier, received_on, lines, note, key) -> Restock:
    lines = [line for line in lines if line.quantity > 0]
    if not lines:
        raise ValidationError(_("Add at least one item."), code="empty")
    if not supplier.strip():
        raise ValidationError(_("Name the supplier."), code="supplier")
    variants = {
        v.pk: v
        for v in Variant.objects.select_related("product").filter(
            product__shop=shop, pk__in=[line.variant_id for line in lines]
        )
    }
    if any(line.variant_id not in variants for line in lines):
        raise ValidationError(_("That item is not in the catalogue."), code="item")
    if any(line.unit_cost_idr < 0 for line in lines):
        raise ValidationError(_("Prices cannot be negative."), code="price")
    restock = Restock.objects.create(
        shop=shop,
        supplier=supplier.strip()[:120],
        received_on=received_on,
        note=note[:200],
        total_cost_idr=sum(line.quantity * line.unit_cost_idr for line in lines),
        created_by=by,
        idempotency_key=key,
    )
    RestockLine.objects.bulk_create(
        [
            RestockLine(
                restock=restock,
                variant_id=line.variant_id,
                quantity=line.quantity,
                unit_cost_idr=line.unit_cost_idr,
            )
            for line in lines
        ]
    )
    for line in sorted(lines, key=lambda item: item.variant_id):
        variant = variants[line.variant_id]
        if variant.product.tracks_stock:
            _move_stock(
                shop, by, variant, line.quantity, MovementKind.RESTOCK, restock=restock
            )
        if line.unit_cost_idr:
            Product.objects.filter(pk=variant.product_id).update(
                cost_idr=line.unit_cost_idr
            )
    audit.record(shop, by, "restock.recorded", restock)
    return restock
