"""The versioned earn and redeem rules of a shop's program, and its tiers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
