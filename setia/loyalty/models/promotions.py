"""Promo codes and their uses, next-order coupon rules, buy-X-get-Y offers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import AppendOnlyModel


class PromoCode(models.Model):
    """A coupon code giving a rupiah or percentage discount."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="promo_codes",
        verbose_name=_("shop"),
    )
    code = models.CharField(_("code"), max_length=30)
    description = models.CharField(_("description"), max_length=120, blank=True)
    discount_idr = models.BigIntegerField(_("discount (Rp)"), default=0)
    percent_bp = models.PositiveIntegerField(
        _("percentage (basis points)"), default=0, help_text=_("1000 = 10%.")
    )
    cap_idr = models.BigIntegerField(
        _("maximum discount (Rp)"), default=0, help_text=_("0 means no maximum.")
    )
    min_purchase_idr = models.BigIntegerField(_("minimum purchase (Rp)"), default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(
        _("maximum uses"), null=True, blank=True, help_text=_("1 = single use.")
    )
    max_uses_per_customer = models.PositiveIntegerField(
        _("maximum uses per customer"), null=True, blank=True
    )
    uses = models.PositiveIntegerField(_("times used"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A next-order coupon: only this customer may use it.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coupons",
        verbose_name=_("only for customer"),
    )
    rule = models.ForeignKey(
        "CouponRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coupons",
        verbose_name=_("coupon rule"),
    )
    # Plain id, like PointsEntry.sale_id: the sale that issued this coupon.
    issued_by_sale_id = models.BigIntegerField(
        _("issued by sale"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["shop", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "code"], name="loyalty_promo_code_unique_per_shop"
            ),
            models.UniqueConstraint(
                fields=["shop", "issued_by_sale_id"],
                condition=models.Q(issued_by_sale_id__isnull=False),
                name="loyalty_one_coupon_per_sale",
            ),
            models.CheckConstraint(
                condition=models.Q(max_uses__isnull=True)
                | models.Q(uses__lte=models.F("max_uses")),
                name="loyalty_promo_uses_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class PromoRedemption(AppendOnlyModel):
    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    promo = models.ForeignKey(
        PromoCode,
        on_delete=models.PROTECT,
        related_name="redemptions",
        verbose_name=_("promo code"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    sale_id = models.BigIntegerField(_("sale"), null=True, blank=True)
    discount_idr = models.BigIntegerField(_("discount (Rp)"))
    # A void gives a use back with a second row, never by deleting the first.
    is_give_back = models.BooleanField(_("use given back"), default=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promo code use")
        verbose_name_plural = _("promo code uses")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "idempotency_key"], name="loyalty_promo_idempotent"
            )
        ]


# ---- Promotions: next-order coupons and buy-X-get-Y (see promotions.py) ----


class CouponRule(models.Model):
    """A sale of at least `min_spend_idr` to a known customer issues a coupon for
    the next order (a single-use PromoCode bound to that customer)."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="coupon_rules",
        verbose_name=_("shop"),
    )
    name = models.CharField(_("name"), max_length=80)
    min_spend_idr = models.BigIntegerField(
        _("spend at least (Rp)"),
        help_text=_("The sale total, after discounts, that earns the coupon."),
    )
    discount_idr = models.BigIntegerField(_("coupon discount (Rp)"), default=0)
    percent_bp = models.PositiveIntegerField(
        _("coupon percentage (basis points)"), default=0, help_text=_("1000 = 10%.")
    )
    cap_idr = models.BigIntegerField(
        _("maximum discount (Rp)"), default=0, help_text=_("0 means no maximum.")
    )
    min_purchase_idr = models.BigIntegerField(
        _("minimum purchase to use the coupon (Rp)"), default=0
    )
    valid_days = models.PositiveIntegerField(_("valid for (days)"), default=30)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("next-order coupon rule")
        verbose_name_plural = _("next-order coupon rules")
        ordering = ["shop", "-min_spend_idr", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_spend_idr__gte=0)
                & models.Q(discount_idr__gte=0)
                & models.Q(cap_idr__gte=0)
                & models.Q(min_purchase_idr__gte=0),
                name="loyalty_coupon_rule_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_days__gt=0),
                name="loyalty_coupon_rule_valid_days_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BuyGetOffer(models.Model):
    """Buy X of a product or category, get Y of the same (or another) product or
    category free or at a percentage off. Priced automatically on the sale screen."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="buy_get_offers",
        verbose_name=_("shop"),
    )
    name = models.CharField(
        _("name"),
        max_length=80,
        help_text=_("Shown on the receipt, e.g. Beli 2 gratis 1."),
    )
    buy_qty = models.PositiveIntegerField(_("buy (pieces)"), default=2)
    buy_product = models.ForeignKey(
        "sales.Product",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("buy product"),
    )
    buy_category = models.CharField(_("or buy category"), max_length=60, blank=True)
    get_qty = models.PositiveIntegerField(_("get (pieces)"), default=1)
    get_product = models.ForeignKey(
        "sales.Product",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("get product"),
    )
    get_category = models.CharField(_("or get category"), max_length=60, blank=True)
    percent_off_bp = models.PositiveIntegerField(
        _("discount on the pieces you get (basis points)"),
        default=10_000,
        help_text=_("10000 = free, 5000 = half price."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("buy-X-get-Y offer")
        verbose_name_plural = _("buy-X-get-Y offers")
        ordering = ["shop", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(buy_qty__gt=0) & models.Q(get_qty__gt=0),
                name="loyalty_buy_get_quantities_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_off_bp__gt=0)
                & models.Q(percent_off_bp__lte=10_000),
                name="loyalty_buy_get_percent_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name
