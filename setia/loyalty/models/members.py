"""Member cards with their QR code, and the customer's own-page links."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
