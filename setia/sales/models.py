"""Catalogue, stock, sales with lines and payments, returns, voids and restocks.

Money is whole rupiah in BigIntegerFields. Stock is cached on `Variant.stock`
(a CHECK keeps it >= 0) and every change to it has a `StockMovement` row.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import AppendOnlyModel


class Product(models.Model):
    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="products",
        verbose_name=_("shop"),
    )
    name = models.CharField(_("name"), max_length=120)
    sku = models.CharField(_("code"), max_length=40, blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    cost_idr = models.BigIntegerField(_("cost price (HPP)"), default=0)
    price_idr = models.BigIntegerField(_("retail price"))
    grosir_price_idr = models.BigIntegerField(
        _("grosir price"),
        default=0,
        help_text=_("0 means no grosir price."),
    )
    grosir_min_qty = models.PositiveIntegerField(
        _("grosir minimum quantity"), default=3
    )
    tracks_stock = models.BooleanField(
        _("track stock"),
        default=True,
        help_text=_("Untick for goods you do not count; sales never stop on stock."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["shop", "sku"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_idr__gte=0)
                & models.Q(grosir_price_idr__gte=0)
                & models.Q(cost_idr__gte=0),
                name="product_prices_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def unit_price(self, quantity: int, is_reseller: bool) -> tuple[int, bool]:
        """(unit price, is grosir) for `quantity` pieces of this product in a sale."""
        if self.grosir_price_idr and (
            is_reseller or quantity >= max(self.grosir_min_qty, 1)
        ):
            return self.grosir_price_idr, True
        return self.price_idr, False


class Variant(models.Model):
    """A size/colour of a product; a product without sizes has one blank variant."""

    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="variants",
        verbose_name=_("product"),
    )
    size = models.CharField(_("size"), max_length=20, blank=True)
    colour = models.CharField(_("colour"), max_length=40, blank=True)
    stock = models.IntegerField(_("stock on hand"), default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="variant_stock_not_negative"
            ),
            models.UniqueConstraint(
                fields=["product", "size", "colour"], name="variant_unique_per_product"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        extra = " ".join(part for part in (self.size, self.colour) if part)
        return f"{self.product.name} {extra}".strip()


class MovementKind(models.TextChoices):
    SALE = "sale", _("Sale")
    RETURN = "return", _("Return")
    VOID = "void", _("Void")
    RESTOCK = "restock", _("Restock")
    ADJUSTMENT = "adjustment", _("Stock count")


class SaleStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    VOIDED = "voided", _("Voided")


class SaleSource(models.TextChoices):
    COUNTER = "counter", _("Counter")
    IMPORT = "import", _("Import")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash (tunai)")
    QRIS = "qris", _("QRIS")
    TRANSFER = "transfer", _("Bank transfer")
    EWALLET = "ewallet", _("E-wallet")
    STORE_CREDIT = "store_credit", _("Store credit")


class RefundMethod(models.TextChoices):
    CASH = "cash", _("Money back (tunai)")
    TRANSFER = "transfer", _("Money back (transfer)")
    STORE_CREDIT = "store_credit", _("Store credit")
    REDUCE_CREDIT = "reduce_credit", _("Reduce unpaid credit (kasbon)")


class VoidMoney(models.TextChoices):
    """What happened to the money of a voided sale (the Owner says at the void)."""

    # The customer cancelled: what was paid and not yet given back went back
    # on the void's day, so each day's money keeps what really moved that day.
    CASH = "cash", _("Handed back in cash")
    TRANSFER = "transfer", _("Handed back by transfer")
    # Recorded by mistake (twice, wrong shop...): no money ever changed hands,
    # so the sale's payments and refunds leave every day's money. Voids made
    # before 2026-11-28 count as this, which is how they were always shown.
    MISTAKE = "mistake", _("Recorded by mistake: no money changed hands")


class SaleCounter(models.Model):
    """The last sale number of a shop; its row lock hands out numbers in order."""

    shop = models.OneToOneField(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    last_number = models.BigIntegerField(_("last sale number"), default=0)

    class Meta:
        verbose_name = _("sale counter")
        verbose_name_plural = _("sale counters")

    def __str__(self) -> str:
        return f"{self.shop_id}: {self.last_number}"


class Sale(models.Model):
    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="sales",
        verbose_name=_("shop"),
    )
    # RESTRICT: a customer with sales cannot vanish, but deleting a whole shop
    # (which deletes its sales too) still works.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="sales",
        verbose_name=_("customer"),
    )
    number = models.BigIntegerField(_("sale number"))
    business_on = models.DateField(_("business date"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SaleStatus.choices,
        default=SaleStatus.COMPLETED,
    )
    source = models.CharField(
        _("source"), max_length=10, choices=SaleSource.choices, default="counter"
    )
    subtotal_idr = models.BigIntegerField(_("subtotal"), default=0)
    discount_idr = models.BigIntegerField(_("order discount"), default=0)
    reward_discount_idr = models.BigIntegerField(_("reward discount"), default=0)
    promo_discount_idr = models.BigIntegerField(
        _("promo code discount"), default=0, db_default=0
    )
    promo_code = models.CharField(
        _("promo code"), max_length=30, blank=True, default="", db_default=""
    )
    total_idr = models.BigIntegerField(_("total"), default=0)
    paid_idr = models.BigIntegerField(_("paid"), default=0)
    outstanding_idr = models.BigIntegerField(_("unpaid credit (kasbon)"), default=0)
    change_idr = models.BigIntegerField(_("change given"), default=0)
    returned_idr = models.BigIntegerField(_("returned"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("void reason"), max_length=200, blank=True)
    voided_on = models.DateField(_("voided on (business date)"), null=True, blank=True)
    void_money = models.CharField(
        _("money at the void"),
        max_length=10,
        choices=VoidMoney.choices,
        blank=True,
        default="",
        db_default="",
    )
    # What the void handed back (cash or transfer), gave back as store credit,
    # and the unpaid credit (kasbon) it cancelled: kept so a day's money and the
    # earlier returns' money parts can still be told after the void.
    void_refund_idr = models.BigIntegerField(
        _("money handed back at the void"), default=0, db_default=0
    )
    void_store_credit_idr = models.BigIntegerField(
        _("store credit given back at the void"), default=0, db_default=0
    )
    void_unpaid_idr = models.BigIntegerField(
        _("unpaid credit cancelled by the void"), default=0, db_default=0
    )

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "idempotency_key"], name="sale_idempotency_per_shop"
            ),
            models.UniqueConstraint(
                fields=["shop", "number"], name="sale_number_per_shop"
            ),
            models.CheckConstraint(
                condition=models.Q(total_idr__gte=0)
                & models.Q(outstanding_idr__gte=0)
                & models.Q(paid_idr__gte=0),
                name="sale_amounts_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "business_on"]),
            models.Index(fields=["shop", "customer", "business_on"]),
            models.Index(
                fields=["shop", "outstanding_idr"],
                name="sale_open_credit",
                condition=models.Q(outstanding_idr__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"#{self.number:05d}"

    @property
    def is_voided(self) -> bool:
        return self.status == SaleStatus.VOIDED

    @property
    def net_total_idr(self) -> int:
        return self.total_idr - self.returned_idr


class SaleLine(AppendOnlyModel):
    sale = models.ForeignKey(
        Sale, on_delete=models.CASCADE, related_name="lines", verbose_name=_("sale")
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.RESTRICT,
        related_name="sale_lines",
        verbose_name=_("product"),
    )
    variant = models.ForeignKey(
        Variant,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="sale_lines",
        verbose_name=_("variant"),
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_idr = models.BigIntegerField(_("unit price"))
    is_grosir_price = models.BooleanField(_("grosir price"), default=False)
    discount_idr = models.BigIntegerField(_("line discount"), default=0)
    # Buy-X-get-Y: rupiah off this line and the offer's name, kept as sold.
    promo_discount_idr = models.BigIntegerField(
        _("offer discount"), default=0, db_default=0
    )
    # The part of buy-X-get-Y discounts this line carries when pieces come back:
    # a set's discount is shared over all its pieces (bought and free) by price,
    # so returning the paid piece of "buy 1 get 1 free" does not refund it in
    # full while the free piece stays with the customer.
    offer_share_idr = models.BigIntegerField(
        _("share of the offer discount (Rp)"), default=0, db_default=0
    )
    promo_name = models.CharField(
        _("offer"), max_length=80, blank=True, default="", db_default=""
    )
    line_total_idr = models.BigIntegerField(_("line total"))
    unit_cost_idr = models.BigIntegerField(_("unit cost (HPP)"), default=0)

    class Meta:
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0) & models.Q(line_total_idr__gte=0),
                name="sale_line_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"


class Payment(AppendOnlyModel):
    """Money received for a sale: at the counter or later, settling credit."""

    class Kind(models.TextChoices):
        AT_SALE = "sale", _("At sale")
        SETTLEMENT = "settlement", _("Credit settlement")

    sale = models.ForeignKey(
        Sale, on_delete=models.CASCADE, related_name="payments", verbose_name=_("sale")
    )
    method = models.CharField(
        _("payment method"), max_length=16, choices=PaymentMethod.choices
    )
    amount_idr = models.BigIntegerField(_("amount"))
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.AT_SALE
    )
    business_on = models.DateField(_("business date"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=80, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_idr__gt=0), name="payment_positive"
            ),
            models.UniqueConstraint(
                fields=["sale", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="payment_idempotency_per_sale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount_idr}"


class SaleReturn(AppendOnlyModel):
    sale = models.ForeignKey(
        Sale, on_delete=models.CASCADE, related_name="returns", verbose_name=_("sale")
    )
    business_on = models.DateField(_("business date"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    reason = models.CharField(_("reason"), max_length=200)
    refund_method = models.CharField(
        _("refund method"), max_length=16, choices=RefundMethod.choices
    )
    refund_idr = models.BigIntegerField(_("refund"))
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=80, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sale", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="return_idempotency_per_sale",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sale} − {self.refund_idr}"


class SaleReturnLine(AppendOnlyModel):
    sale_return = models.ForeignKey(
        SaleReturn,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("return"),
    )
    sale_line = models.ForeignKey(
        SaleLine,
        on_delete=models.CASCADE,
        related_name="return_lines",
        verbose_name=_("sale line"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    amount_idr = models.BigIntegerField(_("amount"))

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="return_line_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sale_line_id}"


class Restock(AppendOnlyModel):
    """Goods bought from a supplier (e.g. Tanah Abang, Blok A)."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="restocks",
        verbose_name=_("shop"),
    )
    supplier = models.CharField(_("supplier"), max_length=120)
    received_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    total_cost_idr = models.BigIntegerField(_("total cost"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=80, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("restock")
        verbose_name_plural = _("restocks")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["shop", "received_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="restock_idempotency_per_shop",
            )
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.supplier}"


class RestockLine(AppendOnlyModel):
    restock = models.ForeignKey(
        Restock,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("restock"),
    )
    variant = models.ForeignKey(
        Variant,
        on_delete=models.RESTRICT,
        related_name="restock_lines",
        verbose_name=_("variant"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_cost_idr = models.BigIntegerField(_("unit cost"))

    class Meta:
        verbose_name = _("restock line")
        verbose_name_plural = _("restock lines")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"


class StockMovement(AppendOnlyModel):
    """One change to a variant's stock; their sum per variant is its stock."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    variant = models.ForeignKey(
        Variant,
        on_delete=models.CASCADE,
        related_name="movements",
        verbose_name=_("variant"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity change"))
    sale = models.ForeignKey(
        Sale,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sale"),
    )
    sale_return = models.ForeignKey(
        SaleReturn,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("return"),
    )
    restock = models.ForeignKey(
        Restock,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restock"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity:+d}"
