"""Importing past sales from CSV or Excel: preview, then commit all-or-nothing.

One row per item sold (or per sale: the product may be left empty). Rows become
sales by the receipt column when there is one, else by date + customer; a
walk-in row (no number, no name) is a sale of its own. Every sale gets an
idempotency key made from its content, so importing the same file again adds
nothing. Unknown customers (by WhatsApp number) are added through the customers
app; unknown products are added to the catalogue without stock tracking.
Imported sales do not change stock and do not earn loyalty points.

Memory: rows stream from the file; what is kept grows with the number of sales,
customers and products, never with the number of lines.
"""

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.accounts import audit
from setia.accounts.models import Shop, User
from setia.customers import services as customer_services
from setia.customers.models import Customer, ErasedNumber, erased_number_digest
from setia.lib import tabular
from setia.lib.phones import normalize_phone
from setia.sales.cart import to_int
from setia.sales.models import (
    Payment,
    PaymentMethod,
    Product,
    Sale,
    SaleCounter,
    SaleLine,
    SaleSource,
    SaleStatus,
    Variant,
)

BATCH = 5000
MAX_ROWS = 5_000_000
KEY_PREFIX = "imp:"

SYNONYMS = {
    "date": [
        "tanggal",
        "tgl",
        "tanggal transaksi",
        "tgl transaksi",
        "tanggal beli",
        "date",
        "order date",
        "invoice date",
        "purchase date",
    ],
    "phone": [
        "no hp",
        "nomor hp",
        "hp",
        "no wa",
        "nomor wa",
        "wa",
        "whatsapp",
        "telepon",
        "telp",
        "phone",
        "customer phone",
    ],
    "customer": [
        "nama",
        "pelanggan",
        "nama pelanggan",
        "nama customer",
        "customer",
        "customer name",
        "customer id",
        "customerid",
        "pembeli",
    ],
    "product": [
        "produk",
        "barang",
        "nama barang",
        "nama produk",
        "item",
        "keterangan",
        "description",
        "product",
        "product name",
    ],
    "sku": ["kode", "kode barang", "sku", "stockcode", "stock code", "item code"],
    "category": ["kategori", "category", "jenis"],
    "quantity": ["qty", "jumlah barang", "jml", "pcs", "quantity", "kuantitas"],
    "amount": [
        "total",
        "jumlah",
        "subtotal",
        "nilai",
        "harga total",
        "total harga",
        "amount",
        "line total",
        "total idr",
    ],
    "unit_price": ["harga", "harga satuan", "price", "unit price", "unitprice"],
    "receipt": [
        "nota",
        "no nota",
        "nomor nota",
        "faktur",
        "no faktur",
        "invoice",
        "invoiceno",
        "invoice no",
        "receipt",
        "order id",
        "transaksi",
    ],
}
FIELDS = list(SYNONYMS)


@dataclass
class Options:
    """Column names chosen by the user, overriding the header synonyms."""

    columns: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class CleanRow:
    number: int
    on: dt.date
    phone: str
    name: str
    product: str
    sku: str
    category: str
    quantity: int
    amount_idr: int
    receipt: str

    @property
    def group(self) -> str:
        if self.receipt:
            return f"r|{self.receipt}"
        if self.phone or self.name:
            return f"c|{self.on}|{self.phone}|{self.name.casefold()}"
        return ""


def column_map(headers: list[str], options: Options | None) -> dict[str, int]:
    mapping = tabular.match_headers(headers, SYNONYMS)
    keys = [tabular.header_key(h) for h in headers]
    for name, header in (options.columns if options else {}).items():
        if header:
            wanted = tabular.header_key(header)
            if wanted not in keys:
                raise ValidationError(
                    _("There is no column “%(column)s” in the file."),
                    params={"column": header},
                )
            mapping[name] = keys.index(wanted)
    missing = [f for f in ("date",) if f not in mapping]
    if "amount" not in mapping and "unit_price" not in mapping:
        missing.append("amount")
    if missing:
        raise ValidationError(
            _("The file needs a date and an amount column; missing: %(missing)s."),
            params={"missing": ", ".join(missing)},
        )
    return mapping


class Reader:
    """Streams clean rows from a checked file and remembers phone normalisations."""

    def __init__(self, path: Path, kind: str, options: Options | None = None):
        self.path, self.kind, self.options = Path(path), kind, options
        self._phones: dict[str, str | None] = {}
        self._dates: dict[str, dt.date | None] = {}

    def _phone(self, raw: str) -> str | None:
        if raw not in self._phones:
            try:
                self._phones[raw] = normalize_phone(raw)
            except ValidationError:
                self._phones[raw] = None
            if len(self._phones) > 200_000:
                self._phones.clear()
        return self._phones[raw]

    def _date(self, raw: str) -> dt.date | None:
        if raw not in self._dates:
            try:
                self._dates[raw] = tabular.parse_date(
                    raw.split(" ")[0] if ":" in raw else raw
                )
            except ValueError:
                self._dates[raw] = None
            if len(self._dates) > 100_000:
                self._dates.clear()
        return self._dates[raw]

    def rows(self) -> Iterator[tuple[CleanRow | None, tabular.RowOutcome | None]]:
        """Yield (row, None) for a good row, (None, rejected outcome) for a bad one."""
        with tabular.open_table(self.path, self.kind, max_rows=MAX_ROWS) as table:
            cols = column_map(table.headers, self.options)
            width = len(table.headers)
            # A missing column reads from an always-empty extra cell.
            idx = {name: cols.get(name, width) for name in FIELDS}
            i_date, i_phone, i_qty = idx["date"], idx["phone"], idx["quantity"]
            i_amount, i_unit, i_customer = (
                idx["amount"],
                idx["unit_price"],
                idx["customer"],
            )
            i_product, i_sku, i_category = idx["product"], idx["sku"], idx["category"]
            i_receipt = idx["receipt"]
            today = timezone.localdate()
            phones, dates, money = self._phones, self._dates, _money_cached()
            for number, cells in table.rows():
                cells.append("")
                reasons = []
                raw_date = cells[i_date]
                on = dates[raw_date] if raw_date in dates else self._date(raw_date)
                if on is None:
                    reasons.append(
                        _("Unreadable date “%(value)s”.") % {"value": raw_date}
                    )
                elif on > today:
                    reasons.append(_("The date is in the future."))
                raw_phone = cells[i_phone]
                phone = ""
                if raw_phone:
                    phone = (
                        phones[raw_phone]
                        if raw_phone in phones
                        else self._phone(raw_phone)
                    ) or ""
                    if not phone:
                        reasons.append(
                            _("“%(value)s” is not a phone number.")
                            % {"value": raw_phone}
                        )
                raw_qty = cells[i_qty]
                quantity = int(raw_qty) if raw_qty.isdigit() else to_int(raw_qty, 1)
                raw_amount = cells[i_amount]
                if raw_amount:
                    amount = money(raw_amount)
                else:
                    unit = money(cells[i_unit])
                    amount = None if unit is None else unit * quantity
                if amount is None or amount < 0:
                    reasons.append(_("Missing or unreadable amount."))
                if quantity <= 0:
                    reasons.append(_("The quantity must be at least 1."))
                if reasons:
                    label = cells[i_customer] or raw_phone
                    yield (
                        None,
                        tabular.RowOutcome(
                            number, tabular.REJECTED, label[:60], reasons
                        ),
                    )
                    continue
                name = cells[i_customer]
                product = cells[i_product]
                yield (
                    CleanRow(
                        number=number,
                        on=on,
                        phone=phone,
                        name=(" ".join(name.split()) if "  " in name else name)[:150],
                        product=(
                            " ".join(product.split()) if "  " in product else product
                        )[:120],
                        sku=cells[i_sku][:40],
                        category=cells[i_category][:60],
                        quantity=quantity,
                        amount_idr=amount,
                        receipt=cells[i_receipt][:60],
                    ),
                    None,
                )


def _money_cached():
    """`_money` with a small memo: a shop's prices repeat a lot."""
    memo: dict[str, int | None] = {}

    def parse(text: str) -> int | None:
        if text.isdigit():
            return int(text)
        if text not in memo:
            if len(memo) > 50_000:
                memo.clear()
            memo[text] = _money(text)
        return memo[text]

    return parse


def _money(text: str) -> int | None:
    """Rupiah from "150000", "150.000", "Rp 150.000", "150000.0", "1,5jt"-free text."""
    text = (text or "").strip()
    if not text:
        return None
    negative = text.startswith("-")
    cleaned = text.lower().replace("rp", "").replace(" ", "").lstrip("-")
    # A decimal part (".50" or ",00") on a spreadsheet number is cents, not thousands.
    for sep in (".", ","):
        head, _s, tail = cleaned.rpartition(sep)
        if head and len(tail) in (1, 2) and tail.isdigit():
            cleaned = head
            break
    digits = "".join(ch for ch in cleaned if ch.isdigit())
    if not digits:
        return None
    value = int(digits)
    return -value if negative else value


def _groups(reader: Reader, result: tabular.ImportResult):
    """Yield (key, rows) per sale; consecutive rows of the same group form one sale.
    Rejected rows go straight into `result`."""
    occurrences: dict[bytes, int] = {}
    current: list[CleanRow] = []
    current_group = None

    def finish():
        digest = hashlib.blake2b(digest_size=12)
        digest.update(current[0].group.encode())
        if not current[0].group:
            row = current[0]
            digest.update(
                f"{row.on}|{row.product}|{row.sku}|{row.quantity}|{row.amount_idr}".encode()
            )
        raw = digest.digest()
        occurrences[raw] = occurrences.get(raw, 0) + 1
        return f"{KEY_PREFIX}{raw.hex()}:{occurrences[raw]}", list(current)

    for row, rejected in reader.rows():
        if rejected is not None:
            result.add(rejected)
            continue
        group = row.group
        if current and (not group or group != current_group):
            yield finish()
            current = []
        current.append(row)
        current_group = group
    if current:
        yield finish()


def _existing_keys(shop: Shop) -> set[str]:
    return set(
        Sale.objects.filter(shop=shop, idempotency_key__startswith=KEY_PREFIX)
        .values_list("idempotency_key", flat=True)
        .iterator(chunk_size=20_000)
    )


def _label(rows: list[CleanRow]) -> str:
    first = rows[0]
    who = first.name or first.phone or _("walk-in")
    return f"{first.on:%d/%m/%Y} · {who} · {len(rows)}"


def preview_import(
    shop: Shop, path, kind: str, options: Options | None = None, keep: int = 200
) -> tabular.ImportResult:
    """What an import would do, per sale (created / unchanged) and per rejected
    row; nothing is written."""
    result = tabular.ImportResult(keep=keep)
    existing = _existing_keys(shop)
    for key, rows in _groups(Reader(path, kind, options), result):
        action = tabular.UNCHANGED if key in existing else tabular.CREATED
        result.add(tabular.RowOutcome(rows[0].number, action, _label(rows)))
    return result


class _Catalogue:
    """Products and customers met during an import, created on first sight."""

    def __init__(self, shop: Shop, by: User | None):
        self.shop, self.by = shop, by
        self.products: dict[str, int] = {}
        for pid, name, sku in Product.objects.filter(shop=shop).values_list(
            "id", "name", "sku"
        ):
            self.products.setdefault(f"n|{name.casefold()}", pid)
            if sku:
                self.products.setdefault(f"s|{sku.casefold()}", pid)
        self.by_phone = dict(
            Customer.objects.filter(shop=shop).values_list("phone", "id")
        )
        by_name: dict[str, int | None] = {}
        for cid, name in Customer.objects.filter(shop=shop).values_list("id", "name"):
            key = name.casefold()
            by_name[key] = None if key in by_name else cid
        self.by_name = by_name
        self.new_customers = 0
        self.new_products = 0
        self.erased = ErasedNumber.digests(shop.pk)
        self.erased_walk_ins = 0

    def product_id(self, row: CleanRow) -> int:
        name = row.product or _("Sale (imported)")
        keys = ([f"s|{row.sku.casefold()}"] if row.sku else []) + [
            f"n|{name.casefold()}"
        ]
        for key in keys:
            if key in self.products:
                return self.products[key]
        unit = row.amount_idr // row.quantity if row.quantity else row.amount_idr
        product = Product.objects.create(
            shop=self.shop,
            name=name,
            sku=row.sku,
            category=row.category,
            price_idr=unit,
            tracks_stock=False,
        )
        Variant.objects.create(product=product)
        self.new_products += 1
        for key in keys:
            self.products[key] = product.pk
        return product.pk

    def _was_erased(self, phone: str) -> bool:
        return bool(self.erased) and (
            erased_number_digest(self.shop.pk, phone) in self.erased
        )

    def customer_id(self, row: CleanRow) -> int | None:
        if row.phone:
            if row.phone not in self.by_phone and self._was_erased(row.phone):
                # The person had their data erased: the sale stays in the
                # shop's history, as a walk-in's, and they are not added back.
                self.erased_walk_ins += 1
                return None
            if row.phone not in self.by_phone:
                customer = customer_services.quick_add_customer(
                    self.shop, self.by, row.name or row.phone, row.phone
                )
                self.by_phone[row.phone] = customer.pk
                self.new_customers += 1
            return self.by_phone[row.phone]
        if row.name:
            return self.by_name.get(row.name.casefold())
        return None


# Imported sales are dated at noon of their business day (the file has no time).
NOON = dt.time(12)


@dataclass(slots=True)
class _NewSale:
    """What an imported sale needs until it is written: a `Sale` model object
    per sale cost ~0.05 ms of Python each (its __init__ sets every field's
    default), most of the import's time after reading the file."""

    customer_id: int | None
    business_on: dt.date
    created_at: dt.datetime
    total_idr: int
    idempotency_key: str
    note: str
    number: int = 0
    pk: int | None = None


def commit_import(
    shop: Shop, by: User | None, path, kind: str, options: Options | None = None
) -> tabular.ImportResult:
    """Write every new sale of the file in one transaction (all or nothing)."""
    result = tabular.ImportResult(keep=50)
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        existing = _existing_keys(shop)
        catalogue = _Catalogue(shop, by)
        pending: list[tuple[_NewSale, list[tuple], int]] = []
        pending_lines = 0
        for key, rows in _groups(Reader(path, kind, options), result):
            if key in existing:
                result.add(tabular.RowOutcome(rows[0].number, tabular.UNCHANGED, ""))
                continue
            existing.add(key)
            result.add(tabular.RowOutcome(rows[0].number, tabular.CREATED, ""))
            first = rows[0]
            total = sum(row.amount_idr for row in rows)
            sale = _NewSale(
                customer_id=catalogue.customer_id(first),
                business_on=first.on,
                created_at=dt.datetime.combine(first.on, NOON, tzinfo=tz),
                total_idr=total,
                idempotency_key=key,
                note=first.receipt,
            )
            lines = [
                (
                    catalogue.product_id(row),
                    (row.product or _("Sale (imported)"))[:200],
                    row.quantity,
                    row.amount_idr // row.quantity,
                    row.amount_idr,
                )
                for row in rows
            ]
            pending.append((sale, lines, total))
            pending_lines += len(lines)
            if pending_lines >= BATCH:
                _flush(shop, by, pending)
                pending, pending_lines = [], 0
        if pending:
            _flush(shop, by, pending)
        audit.record(
            shop,
            by,
            "sale.imported",
            None,
            detail=(
                f"{kind}: {result.created} sales, {result.unchanged} unchanged, "
                f"{result.rejected} rows rejected, {catalogue.new_customers} new "
                f"customers, {catalogue.new_products} new products, "
                f"{catalogue.erased_walk_ins} sales of erased customers as walk-ins"
            ),
        )
    return result


SALE_COLUMNS = (
    "shop_id, customer_id, number, business_on, created_at, created_by_id, "
    "subtotal_idr, total_idr, paid_idr, note, idempotency_key, status, source, "
    "discount_idr, reward_discount_idr, outstanding_idr, change_idr, returned_idr, "
    "void_reason"
)
SALE_CONSTANTS = (
    SaleStatus.COMPLETED.value,
    SaleSource.IMPORT.value,
    0,
    0,
    0,
    0,
    0,
    "",
)
LINE_COLUMNS = (
    "sale_id, product_id, description, quantity, unit_price_idr, line_total_idr, "
    "is_grosir_price, discount_idr, unit_cost_idr"
)
PAYMENT_COLUMNS = (
    "sale_id, method, amount_idr, kind, business_on, created_at, created_by_id"
)
ROWS_PER_STATEMENT = 500


def _insert(table: str, columns: str, rows: list[tuple], constants: tuple = ()) -> None:
    """Insert plain value rows fast: COPY on PostgreSQL, multi-row INSERTs (500 a
    statement) on SQLite. `constants` are appended to every row.

    Building a model object per row costs more than the database work when
    there are millions of rows; one statement per row costs a round trip each.
    """
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + constants)
            return
        width = len(rows[0]) + len(constants)
        one = "(" + ", ".join(["%s"] * width) + ")"
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join(  # noqa: S608
                [one] * len(chunk)
            )
            cursor.execute(sql, [value for row in chunk for value in row + constants])


def _flush(shop: Shop, by: User | None, pending) -> None:
    """Insert a batch of sales with their lines and payments."""
    SaleCounter.objects.get_or_create(shop=shop)
    SaleCounter.objects.filter(shop=shop).update(
        last_number=F("last_number") + len(pending)
    )
    last = SaleCounter.objects.values_list("last_number", flat=True).get(shop=shop)
    first_number = last - len(pending) + 1
    ops = connection.ops
    user_id = by.pk if by is not None else None
    sale_rows = []
    for offset, (sale, _lines, _total) in enumerate(pending):
        sale.number = first_number + offset
        sale_rows.append(
            (
                shop.pk,
                sale.customer_id,
                sale.number,
                ops.adapt_datefield_value(sale.business_on),
                ops.adapt_datetimefield_value(sale.created_at),
                user_id,
                sale.total_idr,
                sale.total_idr,
                sale.total_idr,
                sale.note,
                sale.idempotency_key,
            )
        )
    _insert(Sale._meta.db_table, SALE_COLUMNS, sale_rows, SALE_CONSTANTS)
    # Sale numbers are unique per shop and were just handed out: they find the ids.
    ids = dict(
        Sale.objects.filter(
            shop=shop, number__gte=first_number, number__lte=last
        ).values_list("number", "id")
    )
    line_rows, payment_rows = [], []
    for sale, lines, total in pending:
        sale.pk = ids[sale.number]
        for product_id, description, quantity, unit, line_total in lines:
            line_rows.append(
                (sale.pk, product_id, description, quantity, unit, line_total)
            )
        if total > 0:
            payment_rows.append(
                (
                    sale.pk,
                    PaymentMethod.CASH.value,
                    total,
                    Payment.Kind.AT_SALE.value,
                    ops.adapt_datefield_value(sale.business_on),
                    ops.adapt_datetimefield_value(sale.created_at),
                    user_id,
                )
            )
    _insert(SaleLine._meta.db_table, LINE_COLUMNS, line_rows, (False, 0, 0))
    _insert(Payment._meta.db_table, PAYMENT_COLUMNS, payment_rows)
    _note_purchases(shop, {sale.customer_id for sale, _l, _t in pending})


def _note_purchases(shop: Shop, customer_ids: set) -> None:
    """Move each customer's `last_purchase_on` up to their latest sale, in one
    UPDATE for the whole batch (never back: an old file keeps a newer date)."""
    customer_ids.discard(None)
    if not customer_ids:
        return
    latest = Subquery(
        Sale.objects.filter(shop=shop, customer_id=OuterRef("pk"))
        .order_by()
        .values("customer_id")
        .annotate(latest=Max("business_on"))
        .values("latest")[:1]
    )
    Customer.objects.filter(shop=shop, pk__in=customer_ids).update(
        last_purchase_on=Greatest(Coalesce(F("last_purchase_on"), latest), latest)
    )
