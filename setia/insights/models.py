"""Scoring runs and the per-customer scores they produce (step 2 of the CRM cycle)."""

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Tier(models.IntegerChoices):
    """The customer pyramid; the index matches `setia.analytics.pyramid.TIERS`."""

    PLATINUM = 0, _("Platinum")
    GOLD = 1, _("Gold")
    IRON = 2, _("Iron")
    LEAD = 3, _("Lead")


class ScoreRun(models.Model):
    """One scoring of a shop's customers; pages read the latest finished run."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="score_runs",
        verbose_name=_("shop"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    observation_end_on = models.DateField(_("data up to"), null=True, blank=True)
    n_customers = models.PositiveIntegerField(_("customers scored"), default=0)
    n_purchases = models.PositiveIntegerField(_("purchases used"), default=0)
    purchase_model = models.CharField(_("purchase model"), max_length=20, blank=True)
    spend_model = models.CharField(_("spend model"), max_length=20, blank=True)
    # Fitted parameters, convergence, fallback reasons and step timings.
    details = models.JSONField(_("details"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["shop", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.shop} {self.created_at:%Y-%m-%d %H:%M} {self.status}"

    @cached_property
    def n_people(self) -> int:
        """Customers scored who are still on file: the count pages show.

        `n_customers` also counts customers erased since (their purchases stay in
        the fits); an erased customer is nobody to count as a customer now.
        """
        return self.scores.filter(customer__erased_at__isnull=True).count()


class CustomerScore(models.Model):
    run = models.ForeignKey(
        ScoreRun, on_delete=models.CASCADE, related_name="scores", verbose_name=_("run")
    )
    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("customer"),
    )
    first_on = models.DateField(_("first purchase"))
    last_on = models.DateField(_("last purchase"))
    n_purchases = models.PositiveIntegerField(_("purchase days"))
    frequency = models.PositiveIntegerField(_("repeat purchases"))
    total_spend_idr = models.BigIntegerField(_("total spend"))
    monetary_idr = models.BigIntegerField(_("average repeat purchase"))
    r_score = models.PositiveSmallIntegerField(_("recency score"))
    f_score = models.PositiveSmallIntegerField(_("frequency score"))
    m_score = models.PositiveSmallIntegerField(_("monetary score"))
    segment = models.PositiveSmallIntegerField(_("RFM segment"))
    tier = models.PositiveSmallIntegerField(_("pyramid tier"), choices=Tier.choices)
    # Probabilities and expectations are model outputs, not money: floats are right.
    probability_alive = models.FloatField(_("probability still active"), null=True)
    expected_purchases = models.FloatField(_("expected purchases next year"))
    expected_spend_idr = models.BigIntegerField(_("expected spend per purchase"))
    clv_idr = models.BigIntegerField(_("customer lifetime value"))
    # Churn: unlikely still active, or far past their own usual gap between visits.
    is_at_risk = models.BooleanField(_("at risk"), default=False)
    value_at_stake_idr = models.BigIntegerField(_("yearly spend at stake"), default=0)
    share_of_wallet = models.FloatField(_("share of wallet"), null=True, blank=True)
    recommended_product_ids = models.JSONField(
        _("recommended products"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "customer"], name="one_score_per_run"
            )
        ]
        indexes = [
            models.Index(fields=["run", "tier"]),
            models.Index(fields=["run", "r_score", "f_score"]),
            models.Index(fields=["run", "-clv_idr"]),
            models.Index(fields=["run", "is_at_risk", "tier"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.get_tier_display()}"


class PyramidSplit(models.TextChoices):
    """How the customer pyramid cuts the ranking by customer value."""

    QUARTILES = "quartiles", _("Quarters: 25 % in each tier (as taught)")
    STEEP = "steep", _("Steep: top 1 %, next 4 %, next 15 %, the rest")


PYRAMID_SHARES = {
    PyramidSplit.QUARTILES: (0.25, 0.25, 0.25),
    PyramidSplit.STEEP: (0.01, 0.04, 0.15),
}


class AnalysisSettings(models.Model):
    """The Owner's choices for the analysis: the pyramid's cut-offs and the gross
    margin that turns expected spending into customer lifetime value."""

    shop = models.OneToOneField(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="analysis_settings",
        verbose_name=_("shop"),
    )
    pyramid_split = models.CharField(
        _("pyramid tiers"),
        max_length=10,
        choices=PyramidSplit.choices,
        default=PyramidSplit.QUARTILES,
    )
    margin_bp = models.PositiveIntegerField(
        _("gross margin (%)"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to work it out from the cost prices (HPP) of what you sold."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("analysis settings")
        verbose_name_plural = _("analysis settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(margin_bp__isnull=True)
                | models.Q(margin_bp__gt=0, margin_bp__lte=10_000),
                name="insights_margin_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.pyramid_split}"
