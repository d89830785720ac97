"""Frequent-shopper program: versioned rules, points and store-credit ledgers,
tiers, rewards, member cards and the customer's own-page links."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import AppendOnlyModel

# A multiplier of 10 000 basis points is ×1.
ONE_X_BP = 10_000


class Rounding(models.TextChoices):
    FLOOR = "floor", _("Round down (floor)")
    NEAREST = "nearest", _("Round to the nearest point")


class TierBasis(models.TextChoices):
    SPEND = "spend", _("Rolling 12-month spend")
    PYRAMID = "pyramid", _("Customer pyramid tier (from the latest analysis)")


class ProgramVersion(models.Model):
    """One saved version of a shop's earn and redeem rules; never edited.

    Saving the settings page creates the next version, so every points entry keeps
    the rules it was earned under.
    """

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="loyalty_versions",
        verbose_name=_("shop"),
    )
    version = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("program is running"), default=True)
    idr_per_point = models.BigIntegerField(
        _("rupiah spent for 1 point"),
        default=10_000,
        help_text=_("For example 10000: every Rp 10.000 spent earns 1 point."),
    )
    rounding = models.CharField(
        _("rounding of points"),
        max_length=10,
        choices=Rounding.choices,
        default=Rounding.FLOOR,
    )
    min_purchase_idr = models.BigIntegerField(
        _("minimum purchase to earn (Rp)"), default=0
    )
    grosir_lines_earn = models.BooleanField(
        _("lines sold at grosir price earn points"), default=False
    )
    resellers_earn = models.BooleanField(
        _("reseller customers earn points"), default=False
    )
    excluded_categories = models.JSONField(
        _("categories that earn no points"), default=list, blank=True
    )
    earn_after_discounts = models.BooleanField(
        _("earn on the amount after discounts and rewards"), default=True
    )
    earn_and_redeem_same_sale = models.BooleanField(
        _("a customer may earn and redeem in the same sale"), default=True
    )
    point_value_idr = models.BigIntegerField(
        _("value of 1 point when redeemed (Rp)"), default=100
    )
    expiry_months = models.PositiveIntegerField(
        _("points expire after (months)"),
        default=12,
        help_text=_("0 means points never expire."),
    )
    welcome_bonus_points = models.PositiveIntegerField(
        _("welcome bonus (points)"), default=0
    )
    birthday_bonus_points = models.PositiveIntegerField(
        _("birthday bonus (points)"), default=0
    )
    referral_bonus_points = models.PositiveIntegerField(
        _("referral bonus for the referrer (points)"), default=0
    )
    tier_basis = models.CharField(
        _("members reach a tier by"),
        max_length=10,
        choices=TierBasis.choices,
        default=TierBasis.SPEND,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("program version")
        verbose_name_plural = _("program versions")
        ordering = ["shop", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "version"], name="loyalty_version_unique_per_shop"
            ),
            models.CheckConstraint(
                condition=models.Q(idr_per_point__gt=0),
                name="loyalty_idr_per_point_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(point_value_idr__gt=0),
                name="loyalty_point_value_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class Tier(models.Model):
    """A member level, reached by rolling 12-month spend or, when the program says
    so, by the customer's pyramid tier in the latest analysis."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="loyalty_tiers",
        verbose_name=_("shop"),
    )
    name = models.CharField(_("tier name"), max_length=40)
    min_spend_idr = models.BigIntegerField(
        _("12-month spend to reach it (Rp)"), default=0
    )
    multiplier_bp = models.PositiveIntegerField(
        _("points multiplier (basis points)"),
        default=ONE_X_BP,
        help_text=_("10000 = ×1, 15000 = ×1.5, 20000 = ×2."),
    )
    # The insights app's pyramid levels (0 Platinum … 3 Lead); kept as a plain
    # number so loyalty does not import insights' models.
    pyramid_level = models.PositiveSmallIntegerField(
        _("pyramid tier that reaches it"),
        null=True,
        blank=True,
        choices=[
            (0, _("Platinum")),
            (1, _("Gold")),
            (2, _("Iron")),
            (3, _("Lead")),
        ],
        help_text=_("Used when members reach tiers by the customer pyramid."),
    )
    perk = models.CharField(_("perk"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["shop", "min_spend_idr", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_spend_idr__gte=0),
                name="loyalty_tier_spend_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(multiplier_bp__gte=ONE_X_BP),
                name="loyalty_tier_multiplier_at_least_one",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def multiplier_text(self) -> str:
        value = self.multiplier_bp / ONE_X_BP
        return f"×{value:g}".replace(".", ",")


class PointsAccount(models.Model):
    """The cached balance of a customer's points; the entries are the truth.

    `customer` is cleared when the account is merged into another customer's
    account, so a generic foreign-key move during a customer merge never clashes.
    """

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="points_accounts",
        verbose_name=_("shop"),
    )
    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="points_account",
        verbose_name=_("customer"),
    )
    balance = models.BigIntegerField(_("points balance"), default=0)
    tier = models.ForeignKey(
        Tier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("tier"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0),
                name="loyalty_points_balance_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.balance} pts"


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    EXPIRE = "expire", _("Expired")
    ADJUST = "adjust", _("Adjustment")
    REVERSE = "reverse", _("Reversed")
    BONUS = "bonus", _("Bonus")
    MERGE = "merge", _("Merged")


class PointsEntry(AppendOnlyModel):
    """One movement of points. Positive entries are lots that can expire."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="points_entries",
        verbose_name=_("shop"),
    )
    account = models.ForeignKey(
        PointsAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    points = models.BigIntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    program_version = models.ForeignKey(
        ProgramVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("program version"),
    )
    # Plain ids: the sales app is written alongside and its tables may change.
    sale_id = models.BigIntegerField(_("sale"), null=True, blank=True, db_index=True)
    sale_return_id = models.BigIntegerField(_("sale return"), null=True, blank=True)
    reward = models.ForeignKey(
        "Reward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("reward"),
    )
    basis_idr = models.BigIntegerField(
        _("amount the points were computed from (Rp)"), default=0
    )
    discount_idr = models.BigIntegerField(_("discount given (Rp)"), default=0)
    multiplier_bp = models.PositiveIntegerField(
        _("tier multiplier (basis points)"), default=ONE_X_BP
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120)
    # A sale's entries carry the sale's time, so history and reports line up.
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "idempotency_key"],
                name="loyalty_points_entry_idempotent",
            ),
            models.CheckConstraint(
                condition=~models.Q(points=0), name="loyalty_points_entry_not_zero"
            ),
        ]
        indexes = [models.Index(fields=["shop", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.points:+d}"


class TierChange(AppendOnlyModel):
    """A member moved up or down a tier, and why."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    account = models.ForeignKey(
        PointsAccount,
        on_delete=models.CASCADE,
        related_name="tier_changes",
        verbose_name=_("account"),
    )
    from_tier = models.ForeignKey(
        Tier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from tier"),
    )
    to_tier = models.ForeignKey(
        Tier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to tier"),
    )
    spend_idr = models.BigIntegerField(_("12-month spend (Rp)"), default=0)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-created_at", "-id"]


class RewardKind(models.TextChoices):
    DISCOUNT = "discount", _("Rupiah discount")
    FREE_ITEM = "free_item", _("Free item")
    PERCENT = "percent", _("Percentage voucher")


class Reward(models.Model):
    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="loyalty_rewards",
        verbose_name=_("shop"),
    )
    name = models.CharField(_("reward name"), max_length=100)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=RewardKind.choices,
        default=RewardKind.DISCOUNT,
    )
    points_cost = models.PositiveIntegerField(_("points cost"))
    value_idr = models.BigIntegerField(
        _("discount or item value (Rp)"),
        default=0,
        help_text=_("Rupiah discount, or the price of the free item."),
    )
    percent_bp = models.PositiveIntegerField(
        _("percentage (basis points)"),
        default=0,
        help_text=_("1000 = 10%. Only for percentage vouchers."),
    )
    cap_idr = models.BigIntegerField(
        _("maximum discount (Rp)"),
        default=0,
        help_text=_("Only for percentage vouchers; 0 means no maximum."),
    )
    stock = models.PositiveIntegerField(
        _("stock"),
        null=True,
        blank=True,
        help_text=_("Leave empty for unlimited."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["shop", "points_cost", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points_cost__gt=0),
                name="loyalty_reward_cost_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(stock__isnull=True) | models.Q(stock__gte=0),
                name="loyalty_reward_stock_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StoreCreditAccount(models.Model):
    """A customer's e-wallet in rupiah (for example from a return)."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="store_credit_accounts",
        verbose_name=_("shop"),
    )
    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="store_credit_account",
        verbose_name=_("customer"),
    )
    balance_idr = models.BigIntegerField(_("store credit (Rp)"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("store credit account")
        verbose_name_plural = _("store credit accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_idr__gte=0),
                name="loyalty_store_credit_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"Rp {self.balance_idr}"


class StoreCreditEntry(AppendOnlyModel):
    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    account = models.ForeignKey(
        StoreCreditAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("account"),
    )
    amount_idr = models.BigIntegerField(_("amount (Rp)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    sale_id = models.BigIntegerField(_("sale"), null=True, blank=True, db_index=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("store credit entry")
        verbose_name_plural = _("store credit entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "idempotency_key"],
                name="loyalty_store_credit_idempotent",
            ),
            models.CheckConstraint(
                condition=~models.Q(amount_idr=0),
                name="loyalty_store_credit_entry_not_zero",
            ),
        ]


class MemberCard(models.Model):
    """A member card; its code is what the QR holds and what a clerk types."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="member_cards",
        verbose_name=_("shop"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="member_cards",
        verbose_name=_("customer"),
    )
    code = models.CharField(_("member code"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("member card")
        verbose_name_plural = _("member cards")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


class OwnPageLink(models.Model):
    """A revocable secret that opens a customer's own points page without login."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="own_page_links",
        verbose_name=_("shop"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="own_page_links",
        verbose_name=_("customer"),
    )
    secret = models.CharField(_("secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("own-page link")
        verbose_name_plural = _("own-page links")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"link {self.pk}"


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
