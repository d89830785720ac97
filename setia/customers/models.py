"""The customer database, keyed by WhatsApp number within a shop.

Also the shop's privacy notice, the consent ledger, the interactions timeline and
the import jobs behind the progress bar.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import AppendOnlyModel


class CustomerType(models.TextChoices):
    RETAIL = "retail", _("Retail (eceran)")
    RESELLER = "reseller", _("Reseller (grosir)")


class Gender(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class AcquisitionSource(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    WHATSAPP = "whatsapp", _("WhatsApp")
    INSTAGRAM = "instagram", _("Instagram")
    TIKTOK = "tiktok", _("TikTok")
    REFERRAL = "referral", _("Referral")
    MARKET_EVENT = "market_event", _("Market event")
    OTHER = "other", _("Other")


# An erased customer's number: letters only, never digits, so no number parser,
# wa.me link, search or import can read it as (or match it to) a real number.
ERASED_PHONE_PREFIX = "erased-"
_DIGITS_AS_LETTERS = str.maketrans("0123456789", "abcdefghij")


def erased_phone(pk: int) -> str:
    """The placeholder number of erased customer `pk`, unique like the pk."""
    return ERASED_PHONE_PREFIX + str(pk).translate(_DIGITS_AS_LETTERS)


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
    email = models.EmailField(_("email"), blank=True)
    # A birthday greeting needs day and month; many customers will not say the year.
    birth_day = models.PositiveSmallIntegerField(_("birth day"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(
        _("birth month"), null=True, blank=True
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True
    )
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, blank=True
    )
    area = models.CharField(_("area (kelurahan/kecamatan)"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    acquisition_source = models.CharField(
        _("how they found us"),
        max_length=20,
        choices=AcquisitionSource.choices,
        blank=True,
    )
    referred_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    sizes = models.CharField(_("sizes"), max_length=60, blank=True)
    favourites = models.CharField(
        _("favourite categories and colours"), max_length=200, blank=True
    )
    monthly_clothing_spend_idr = models.BigIntegerField(
        _("monthly spend on clothing (own estimate)"), null=True, blank=True
    )
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    # Kept by the sales app through services.note_purchase; the list sorts on it.
    last_purchase_on = models.DateField(_("last purchase"), null=True, blank=True)
    # Cached from the consent ledger (services.record_consent keeps it true) so the
    # list can mark and filter 100,000 customers without reading the ledger.
    has_marketing_consent = models.BooleanField(
        _("agrees to marketing messages"), default=False
    )
    # Folded name and number forms; search matches substrings of this one column.
    search_text = models.CharField(
        _("search text"), max_length=255, blank=True, editable=False
    )
    # Set when the shop erased the customer's personal data on request (UU PDP,
    # setia.customers.erasure); the row stays because sales and ledgers point at it.
    erased_at = models.DateTimeField(
        _("personal data erased at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "phone"], name="customer_phone_unique_per_shop"
            ),
            models.CheckConstraint(
                condition=models.Q(birth_day__isnull=True)
                | models.Q(birth_day__gte=1, birth_day__lte=31),
                name="customer_birth_day_range",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_month__isnull=True)
                | models.Q(birth_month__gte=1, birth_month__lte=12),
                name="customer_birth_month_range",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "name", "id"], name="customer_shop_name"),
            models.Index(fields=["shop", "search_text"], name="customer_shop_search"),
            models.Index(
                fields=["shop", "birth_month"], name="customer_shop_birth_month"
            ),
            # The list's "last purchase" order in full, so a search walks it
            # and stops after one page. PostgreSQL gets it with NULLS LAST
            # (migration 0006), which SQLite's index syntax lacks and does
            # anyway for DESC.
            models.Index(
                fields=["shop", "-last_purchase_on", "name", "id"],
                name="customer_shop_last_buy_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from setia.customers.normalize import search_text_for

        # An erased customer is found by no search, not even by the placeholder.
        self.search_text = (
            "" if self.erased_at else search_text_for(self.name, self.phone)
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and (
            "name" in update_fields or "phone" in update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def phone_display(self) -> str:
        """The number as people write it here: ``0812-3456-7890``."""
        from setia.lib.phones import display_phone

        return "" if self.erased_at else display_phone(self.phone)

    @property
    def birthday_label(self) -> str:
        from setia.customers.normalize import format_birthday

        return format_birthday(self.birth_day, self.birth_month, self.birth_year)

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class PrivacyNotice(models.Model):
    """One version of the shop's privacy notice; a change is a new version."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="privacy_notices",
        verbose_name=_("shop"),
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("notice text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["shop", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "version"], name="privacy_notice_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class ConsentPurpose(models.TextChoices):
    MARKETING = "marketing", _("Marketing messages")
    BIRTHDAY = "birthday", _("Birthday greetings")
    ANALYSIS = "analysis", _("Data analysis")


class ConsentChannel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class ConsentSource(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    WHATSAPP_REPLY = "whatsapp_reply", _("WhatsApp reply")
    FORM = "form", _("Form")
    IMPORT = "import", _("Import")
    ERASURE = "erasure", _("Personal data erased")


class ConsentEvent(AppendOnlyModel):
    """A customer agreed to, or withdrew from, one purpose on one channel.

    The latest event per (customer, purpose, channel) is the current state.
    """

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="consent_events",
        verbose_name=_("customer"),
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=ConsentPurpose.choices
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=ConsentChannel.choices
    )
    is_granted = models.BooleanField(_("agreed"))
    source = models.CharField(_("source"), max_length=20, choices=ConsentSource.choices)
    notice = models.ForeignKey(
        PrivacyNotice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_events",
        verbose_name=_("privacy notice version"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["customer", "purpose", "channel", "-created_at", "-id"],
                name="consent_latest",
            )
        ]

    def __str__(self) -> str:
        state = "+" if self.is_granted else "-"
        return f"{state}{self.purpose}/{self.channel}"


def erased_number_digest(shop_id: int, e164: str) -> str:
    """A keyed hash of a number whose owner's data was erased. A plain hash of
    a phone number is undone by trying every number; this one needs the
    server's secret key. (A new secret key forgets the list.)"""
    from django.utils.crypto import salted_hmac

    return salted_hmac(
        "setia.customers.erased-number", f"{shop_id}:{e164}", algorithm="sha256"
    ).hexdigest()


class ErasedNumber(models.Model):
    """A number whose owner had their data erased, kept only as a keyed hash,
    so that a file import (an old customer list, a sales history) does not
    bring the person back. Typing the number in by hand still works: a
    customer who comes back and gives it again is welcome."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    digest = models.CharField(_("keyed hash of the number"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("erased number")
        verbose_name_plural = _("erased numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "digest"], name="erased_number_per_shop"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop_id}: {self.digest[:8]}…"

    @classmethod
    def digests(cls, shop_id: int) -> set[str]:
        return set(cls.objects.filter(shop_id=shop_id).values_list("digest", flat=True))


class ErasureReason(models.TextChoices):
    """Why a customer's data was erased: a fixed code, because a reason typed
    in words could name the person in the audit log."""

    REQUEST = "request", _("The customer asked for it")
    MISTAKE = "mistake", _("Recorded by mistake or without permission")


class InteractionKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CHAT = "chat", _("Chat")
    COMPLAINT = "complaint", _("Complaint")
    REQUEST = "request", _("Request")


class Interaction(models.Model):
    """A visit, chat, complaint or request, with an optional follow-up date."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="interactions",
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    text = models.CharField(_("what happened"), max_length=500)
    happened_on = models.DateField(_("date"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-happened_on", "-id"]
        indexes = [
            models.Index(
                fields=["shop", "follow_up_on"],
                name="interaction_follow_up",
                condition=models.Q(follow_up_done_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.kind}"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Waiting for confirmation")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An uploaded customer file between preview and commit, and its progress."""

    shop = models.ForeignKey(
        "accounts.Shop",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shop"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_kind = models.CharField(_("file kind"), max_length=10)
    file_path = models.CharField(_("stored file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    selected = models.JSONField(_("chosen contacts"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.PREVIEW,
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    error = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"
