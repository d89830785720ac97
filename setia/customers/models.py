"""The customer database, keyed by WhatsApp number within a shop."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerType(models.TextChoices):
    RETAIL = "retail", _("Retail (eceran)")
    RESELLER = "reseller", _("Reseller (grosir)")


class Customer(models.Model):
    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="customers",
        verbose_name=_("shop"),
    )
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("WhatsApp number"), max_length=20)
    customer_type = models.CharField(
        _("customer type"),
        max_length=10,
        choices=CustomerType.choices,
        default=CustomerType.RETAIL,
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "phone"], name="customer_phone_unique_per_shop"
            )
        ]

    def __str__(self) -> str:
        return self.name
