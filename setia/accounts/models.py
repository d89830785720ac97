"""Users, shops, memberships with roles, and the append-only audit log."""

import secrets
import threading
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Customers are not users; they live in `customers`."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="id"
    )


def new_settings_token() -> int:
    return secrets.randbits(62)


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
    # Changes (to a new random value) in the same transaction as any save of the
    # rules a sale reads (loyalty program, tiers, offers, coupon rules): the key
    # of the per-process cache of those rules, see `cached_shop_setting`.
    settings_token = models.BigIntegerField(
        _("settings version"), default=new_settings_token, editable=False
    )

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def shop_settings_changed(shop_id: int, shop: Shop | None = None) -> None:
    """Mark the shop's sale rules as changed: call it inside the transaction that
    saves them, so the next sale (in any server process) reads them afresh.

    A random new token rather than a counter: a restored backup or a re-created
    shop never meets a cache entry made for other rules under the same number.
    """
    token = new_settings_token()
    Shop.objects.filter(pk=shop_id).update(settings_token=token)
    if shop is not None:
        shop.settings_token = token
    tokens = _scope_tokens()
    if shop_id in tokens:
        tokens[shop_id] = token


def read_settings_token(shop_id: int) -> int:
    sql = f"SELECT settings_token FROM {Shop._meta.db_table} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [shop_id])
        return cursor.fetchone()[0]


# The rules every sale reads (loyalty program, offers, coupon rules) are cached
# per process under the shop's settings token, but only inside a "settings
# scope": a request (the token came with the shop row the middleware loaded for
# it) or a sale's transaction (token read inside it). Outside a scope, and for a
# token of unknown age, the rules are read from the database as before.
_scope = threading.local()
_SETTINGS_CACHE: dict = {}
_SETTINGS_CACHE_SIZE = 4096
_MISSING = object()


def _scope_tokens() -> dict[int, int]:
    tokens = getattr(_scope, "tokens", None)
    if tokens is None:
        tokens = _scope.tokens = {}
    return tokens


@contextmanager
def shop_settings_scope(shop_id: int, token: int | None = None):
    """Let the shop's rules come from the cache under `token` in this block
    (read from the database now when not given)."""
    if token is None:
        token = read_settings_token(shop_id)
    tokens = _scope_tokens()
    previous = tokens.get(shop_id)
    tokens[shop_id] = token
    try:
        yield token
    finally:
        if previous is None:
            # The outermost scope ends: nothing of it may outlive it in this
            # thread (a later block outside any scope must read the database).
            tokens.pop(shop_id, None)
        elif tokens.get(shop_id) == token:
            tokens[shop_id] = previous
        # else: rules were saved inside a nested block; the newer token stays
        # for the enclosing scope.


def cached_shop_setting(shop: Shop, name: str, compute):
    """`compute()` (rules read from the database), cached per process under the
    shop's settings token when inside a settings scope. A cached value is only
    used for the same token, so after a change every process recomputes.
    Callers must not mutate the value."""
    token = _scope_tokens().get(shop.pk)
    if token is None:
        return compute()
    key = (shop.pk, token, name)
    # A sentinel, not None: "no program yet" (None) is a value worth caching.
    cached = _SETTINGS_CACHE.get(key, _MISSING)
    if cached is not _MISSING:
        return cached
    value = compute()
    if len(_SETTINGS_CACHE) >= _SETTINGS_CACHE_SIZE:
        _SETTINGS_CACHE.clear()
    _SETTINGS_CACHE[key] = value
    return value


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
