"""Campaigns: one WhatsApp message to a group of customers, with a control group.

A draft holds the message and the audience rule. Launching freezes the audience
into `Recipient` rows, each randomly put in the group that gets the message
(treatment) or the group deliberately not sent it (control), from `seed`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_CONTROL_PERCENT = 10
MAX_CONTROL_PERCENT = 50


class Audience(models.TextChoices):
    ALL = "all", _("Everyone who agreed to promotions")
    PYRAMID = "pyramid", _("A level of the customer pyramid")
    AT_RISK = "at_risk", _("Customers slipping away (at risk)")
    LOYALTY_TIER = "loyalty_tier", _("Members of a loyalty tier")
    LAPSED = "lapsed", _("Customers who have not bought for a while")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LAUNCHED = "launched", _("Launched")


class Campaign(models.Model):
    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="campaigns",
        verbose_name=_("shop"),
    )
    name = models.CharField(_("campaign name"), max_length=80)
    message = models.TextField(_("message"), max_length=1000)
    audience = models.CharField(
        _("send to"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    # The insights app's pyramid levels (0 Platinum … 3 Lead), as loyalty keeps them.
    pyramid_level = models.PositiveSmallIntegerField(
        _("pyramid level"),
        null=True,
        blank=True,
        choices=[(0, _("Platinum")), (1, _("Gold")), (2, _("Iron")), (3, _("Lead"))],
    )
    loyalty_tier = models.ForeignKey(
        "loyalty.Tier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loyalty tier"),
    )
    lapsed_days = models.PositiveIntegerField(
        _("days without buying"), null=True, blank=True
    )
    control_percent = models.PositiveSmallIntegerField(
        _("not sent, to compare (%)"),
        default=DEFAULT_CONTROL_PERCENT,
        validators=[MaxValueValidator(MAX_CONTROL_PERCENT)],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
    )
    # The random split is reproducible from this number (see experiment.split_groups).
    seed = models.BigIntegerField(_("random seed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("launched by"),
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["shop", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(control_percent__lte=MAX_CONTROL_PERCENT),
                name="campaign_control_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(launched_at__isnull=False, seed__isnull=False),
                name="campaign_launched_has_time_and_seed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_draft(self) -> bool:
        return self.status == CampaignStatus.DRAFT


class Group(models.TextChoices):
    TREATMENT = "treatment", _("Gets the message")
    CONTROL = "control", _("Deliberately not sent")


class Recipient(models.Model):
    """One customer of a launched campaign, in one group.

    `sent_at` is set once, by the first tap on the send link (a conditional
    UPDATE, so a double tap keeps the first time). It records that someone in the
    shop opened the chat with the message, not that WhatsApp delivered it, which
    Setia cannot know; one fact per row needs no separate ledger.
    """

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="recipients",
        verbose_name=_("campaign"),
    )
    # CASCADE: erasing a customer (privacy request) must not be blocked by history.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="campaign_recipients",
        verbose_name=_("customer"),
    )
    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "customer"], name="campaign_recipient_once"
            ),
            models.CheckConstraint(
                condition=models.Q(group="treatment") | models.Q(sent_at__isnull=True),
                name="campaign_control_never_sent",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "group", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.customer_id} {self.group}"
