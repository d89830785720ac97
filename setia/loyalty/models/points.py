"""The points and store-credit ledgers (append-only), tier changes and rewards."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import AppendOnlyModel
from setia.loyalty.models.program import ONE_X_BP, ProgramVersion, Tier


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
