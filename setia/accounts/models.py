"""Users, shops, memberships with roles, and the append-only audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Customers are not users; they live in `customers`."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="id"
    )


class Shop(models.Model):
    name = models.CharField(_("shop name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    whatsapp = models.CharField(_("WhatsApp number"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="id"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Only shops made by `setia demo` may be wiped and refilled by it.
    is_demo = models.BooleanField(_("demo shop"), default=False)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class Membership(models.Model):
    """Gives a user a role in one shop; a user may belong to several shops."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    shop = models.ForeignKey(
        Shop,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("shop"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "shop"], name="one_membership_per_shop"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.shop} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a ledger row."""


class AppendOnlyModel(models.Model):
    """A ledger row: created once, never updated or deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class AuditEvent(AppendOnlyModel):
    """Who did what to which record. Holds field names, never personal data."""

    shop = models.ForeignKey(
        Shop,
        on_delete=models.CASCADE,
        related_name="audit_events",
        verbose_name=_("shop"),
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    fields = models.JSONField(_("changed fields"), default=list, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["shop", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}"
