"""Customer operations. Other apps (sales, loyalty) call these, never the ORM directly
for writes to customers.

Public for other apps:
- search_customers(shop, query, limit=20) · matching_customers(shop, query, …)
  · quick_add_customer(shop, by, name, phone)
- note_purchase(customer, on_date)  (sales keeps `last_purchase_on` fresh)
- has_consent(customer, purpose, channel) · with_consent(qs, purpose, channel)
  · marketing_whatsapp_customers(shop)
- current_notice(shop) · record_consent(...) · due_follow_ups(shop, on_date)
- merge_customers(shop, by, survivor, duplicate) (in setia.customers.merging)
- erase_customer(shop, by, customer, reason=…) (in setia.customers.erasure)
- lock_unerased(customer): the row, locked and fresh, refused once erased
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from setia.accounts import audit
from setia.accounts.models import Shop, User
from setia.customers import search_index
from setia.customers.models import (
    ConsentChannel,
    ConsentEvent,
    ConsentPurpose,
    ConsentSource,
    Customer,
    Interaction,
    PrivacyNotice,
)
from setia.customers.normalize import search_needle
from setia.lib.phones import normalize_phone

# Fields a person fills in on the customer form (search_text and the consent cache
# are derived).
PROFILE_FIELDS = [
    "name",
    "phone",
    "customer_type",
    "email",
    "birth_day",
    "birth_month",
    "birth_year",
    "gender",
    "area",
    "city",
    "address",
    "acquisition_source",
    "referred_by",
    "sizes",
    "favourites",
    "monthly_clothing_spend_idr",
    "tags",
    "notes",
]


class DuplicatePhone(ValidationError):
    """The number already belongs to `existing` in this shop."""

    def __init__(self, existing: Customer):
        self.existing = existing
        super().__init__(
            _("This number already belongs to %(name)s.") % {"name": existing.name},
            code="duplicate",
        )


# ---- finding ----------------------------------------------------------------


def search_customers(shop: Shop, query: str, limit: int = 20) -> QuerySet[Customer]:
    """Customers of `shop` whose name or number contains `query`, by name.

    Matches any part of the name (accents and case ignored) or of the number in
    local (``0812…``), ``62812…`` or ``+62812…`` form; one or two characters
    match the start of the name (or number) instead. See `matching_customers`.
    """
    return matching_customers(shop, query)[:limit]


# Above this many index hits (all shops together on SQLite, the shop's on
# PostgreSQL) walking the shop's rows in list order and keeping the matches is
# cheaper than fetching every hit and sorting them; below it, fetching the hits
# wins (bench/customers/README.md).
DENSE_MATCHES = 5000
BY_NAME = ("name", "id")
BY_LAST_PURCHASE = (F("last_purchase_on").desc(nulls_last=True), "name", "id")


def matching_customers(
    shop: Shop, query: str, by_last_purchase: bool = False
) -> QuerySet[Customer]:
    """The shop's customers matching `query`, ordered by name or last purchase.

    Needles of three or more characters use a trigram index: FTS5 on SQLite
    (setia/customers/search_index.py), pg_trgm on PostgreSQL (migration 0004).
    Shorter needles would match nearly everyone anywhere in the text, so they
    match the start of the name (or the number's digits after the ``0``), which
    a B-tree index answers in that order (folded name, or number).
    """
    needle = search_needle(query)
    qs = Customer.objects.filter(shop=shop)
    order = BY_LAST_PURCHASE if by_last_purchase else BY_NAME
    if not needle:
        # Erased customers are in no list. A needle never matches them anyway:
        # their search text is empty and their placeholder number has no "+62".
        return qs.filter(erased_at__isnull=True).order_by(*order)
    if len(needle) < 3:
        return _starting_with(qs, needle, by_last_purchase, shop.pk)
    if connection.vendor == "sqlite":
        hits = RawSQL(search_index.MATCH_IDS, [search_index.fts_phrase(needle)])  # noqa: S611
        contains = Q(pk__in=hits)
        many = search_index.count_hits(connection, needle, DENSE_MATCHES)
    else:
        contains = Q(search_text__contains=needle)
        many = qs.filter(contains).order_by()[:DENSE_MATCHES].count()
    if many < DENSE_MATCHES:
        # Few hits: fetch them and sort. "shop_id + 0" keeps the planner off
        # the (shop, name) and (shop, last purchase) indexes: walking one of
        # them and testing each row cost 100-260 ms on PostgreSQL when the few
        # hits sort late ("sit" only in "Siti …": 70,000 rows read for one
        # page), while fetching up to 5,000 hits and sorting them took ~20 ms.
        qs = Customer.objects.alias(_shop=F("shop_id") + 0).filter(_shop=shop.pk)
    # Many hits: walking the list-order index finds a page of them quickly.
    return qs.filter(contains).order_by(*order)


def _starting_with(
    qs, needle: str, by_last_purchase: bool, shop_pk: int
) -> QuerySet[Customer]:
    if needle.isdigit():
        # "08" and "8" are the start of a local mobile number, "62" of +62.
        digits = needle[1:] if needle.startswith("0") else needle
        field = "phone"
        prefix = "+" + digits if digits.startswith("6") else "+62" + digits
    else:
        field, prefix = "search_text", needle
    # A range, not LIKE 'x%', so both databases read it from the B-tree index.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    in_range = qs.filter(**{f"{field}__gte": prefix, f"{field}__lt": upper})
    if not by_last_purchase:
        return in_range.order_by(field, "id")
    name_prefix = field == "search_text"
    if name_prefix or in_range.order_by()[:DENSE_MATCHES].count() < DENSE_MATCHES:
        if connection.vendor == "postgresql":
            # PostgreSQL would walk the last-purchase index and test each row.
            # Among customers who never bought, that index is in name order, so
            # a name prefix ("y", "ri") sits in one late cluster and the walk read
            # most of the shop (70-110 ms at 100k). Fetching the range and sorting
            # it took 25-40 ms; "shop_id + 0" keeps the planner off that walk.
            unwalked = Customer.objects.alias(_shop=F("shop_id") + 0).filter(
                _shop=shop_pk
            )
            return unwalked.filter(
                **{f"{field}__gte": prefix, f"{field}__lt": upper}
            ).order_by(*BY_LAST_PURCHASE)
        return in_range.order_by(*BY_LAST_PURCHASE)
    # Many matches: walk the last-purchase index and test each row (LIKE 'x%'
    # cannot use the range index, so the planner does not sort them all).
    return qs.filter(**{f"{field}__startswith": prefix}).order_by(*BY_LAST_PURCHASE)


def filter_customers(shop: Shop, params: dict) -> QuerySet[Customer]:
    """The list page's filters: q, tag, type, area, birth month, consent, sort."""
    by_last_purchase = params.get("sort") == "last_purchase"
    qs = matching_customers(shop, params.get("q", ""), by_last_purchase)
    if tag := (params.get("tag") or "").strip().lower():
        qs = qs.filter(tags__icontains=tag)
    if kind := params.get("type"):
        qs = qs.filter(customer_type=kind)
    if area := (params.get("area") or "").strip():
        qs = qs.filter(Q(area__icontains=area) | Q(city__icontains=area))
    month = params.get("month")
    if month and str(month).isdigit():
        qs = qs.filter(birth_month=int(month))
    consent = params.get("consent")
    if consent == "yes":
        qs = qs.filter(has_marketing_consent=True)
    elif consent == "no":
        qs = qs.filter(has_marketing_consent=False)
    return qs


def find_by_phone(shop: Shop, raw_phone: str) -> Customer | None:
    try:
        e164 = normalize_phone(raw_phone)
    except ValidationError:
        return None
    return Customer.objects.filter(shop=shop, phone=e164).first()


# ---- writing ----------------------------------------------------------------


def quick_add_customer(shop: Shop, by: User | None, name: str, phone: str) -> Customer:
    """Add a customer with just a name and a WhatsApp number (sale screen).

    Raises ValidationError for a bad number; returns the existing customer when the
    number is already known, so the clerk never creates a duplicate.
    """
    customer, _created = _quick_add(shop, by, name, phone)
    return customer


@transaction.atomic
def quick_add_with_consent(
    shop: Shop, by: User | None, name: str, phone: str, agrees_marketing: bool
) -> tuple[Customer, bool]:
    """Quick add plus the WhatsApp marketing answer, all or nothing.

    Returns ``(customer, created)``; the answer is recorded only for a new
    customer, never over a known customer's own choices.
    """
    customer, created = _quick_add(shop, by, name, phone)
    if created:
        record_consent(
            customer,
            by,
            {(ConsentPurpose.MARKETING, ConsentChannel.WHATSAPP): agrees_marketing},
            source=ConsentSource.IN_PERSON,
        )
    return customer, created


@transaction.atomic
def _quick_add(
    shop: Shop, by: User | None, name: str, phone: str
) -> tuple[Customer, bool]:
    e164 = normalize_phone(phone)
    existing = Customer.objects.filter(shop=shop, phone=e164).first()
    if existing is not None:
        return existing, False
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Enter the customer's name."), code="name")
    try:
        # A savepoint: a second clerk adding the same number at the same moment
        # hits the unique constraint; we then return their customer instead of
        # failing (and logging the number in the database error).
        with transaction.atomic():
            customer = Customer.objects.create(shop=shop, name=name, phone=e164)
    except IntegrityError:
        existing = Customer.objects.filter(shop=shop, phone=e164).first()
        if existing is None:
            raise
        return existing, False
    audit.record(shop, by, "customer.created", customer, fields=["name", "phone"])
    return customer, True


@transaction.atomic
def add_customer(shop: Shop, by: User | None, data: dict) -> Customer:
    """Create a customer from cleaned form data; raise DuplicatePhone if known."""
    existing = Customer.objects.filter(shop=shop, phone=data["phone"]).first()
    if existing is not None:
        raise DuplicatePhone(existing)
    values = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    try:
        with transaction.atomic():
            customer = Customer.objects.create(shop=shop, **values)
    except IntegrityError:
        existing = Customer.objects.filter(shop=shop, phone=data["phone"]).first()
        if existing is None:
            raise
        raise DuplicatePhone(existing) from None
    filled = [k for k, v in values.items() if v not in (None, "")]
    audit.record(shop, by, "customer.created", customer, fields=filled)
    return customer


def _phone_owner(shop: Shop, phone: str, other_than: int) -> Customer | None:
    """The shop's customer with `phone`, other than customer `other_than`."""
    return (
        Customer.objects.filter(shop=shop, phone=phone).exclude(pk=other_than).first()
    )


@transaction.atomic
def update_customer(shop: Shop, by: User | None, customer: Customer, data: dict):
    """Save changed profile fields; raise DuplicatePhone if the number is taken."""
    assert customer.shop_id == shop.pk
    given, customer = customer, lock_unerased(customer)
    if data.get("phone") and data["phone"] != customer.phone:
        taken = _phone_owner(shop, data["phone"], customer.pk)
        if taken is not None:
            raise DuplicatePhone(taken)
    changed = []
    for key, value in data.items():
        if key in PROFILE_FIELDS and getattr(customer, key) != value:
            setattr(customer, key, value)
            changed.append(key)
    if changed:
        try:
            # A savepoint: another clerk may save the same number after the
            # check; the unique constraint stops it and we say whose it is.
            with transaction.atomic():
                customer.save()
        except IntegrityError:
            taken = _phone_owner(shop, customer.phone, customer.pk)
            if taken is None:
                raise
            raise DuplicatePhone(taken) from None
        audit.record(shop, by, "customer.updated", customer, fields=changed)
        # The caller's copy shows the change too, as it did before the fresh read.
        for key in changed:
            setattr(given, key, getattr(customer, key))
    return customer


def note_purchase(customer: Customer, on_date: dt.date) -> bool:
    """Keep `last_purchase_on` (the list's sort key) at the latest purchase date.

    False when the customer's row is gone (merged away) or erased: the UPDATE
    takes the row as it is now, after any erasure or merge committed, so a sale
    can check in the same statement that it may still name them.
    """
    return bool(
        Customer.objects.filter(pk=customer.pk, erased_at__isnull=True).update(
            last_purchase_on=Greatest(Coalesce(F("last_purchase_on"), on_date), on_date)
        )
    )


# ---- privacy notice and consent ---------------------------------------------

DEFAULT_NOTICE = gettext_lazy(
    "%(shop)s keeps your name and WhatsApp number to record your purchases and "
    "loyalty points. With your permission we also send you news and offers, "
    "birthday greetings, and study what our customers buy to serve you better. "
    "You can say no to any of these, now or later, by telling us in the shop or "
    "on WhatsApp. We never sell your data. You may ask to see, correct or delete "
    "it at any time."
)


def current_notice(shop: Shop) -> PrivacyNotice:
    """The shop's latest privacy notice; version 1 in the shop language if none."""
    notice = PrivacyNotice.objects.filter(shop=shop).order_by("-version").first()
    if notice is not None:
        return notice
    from django.utils import translation

    with translation.override(shop.language or "id"):
        text = str(DEFAULT_NOTICE) % {"shop": shop.name}
    notice, _created = PrivacyNotice.objects.get_or_create(
        shop=shop, version=1, defaults={"text": text}
    )
    return notice


@transaction.atomic
def publish_notice(shop: Shop, by: User | None, text: str) -> PrivacyNotice:
    """Save a new version of the privacy notice (old versions stay for the record)."""
    latest = current_notice(shop)
    notice = PrivacyNotice.objects.create(
        shop=shop, version=latest.version + 1, text=text.strip(), created_by=by
    )
    audit.record(shop, by, "privacy_notice.published", notice)
    return notice


@transaction.atomic
def record_consent(
    customer: Customer,
    by: User | None,
    choices: dict[tuple[str, str], bool],
    source: str = ConsentSource.IN_PERSON,
    notice: PrivacyNotice | None = None,
) -> list[ConsentEvent]:
    """Append one event per (purpose, channel) whose answer differs from now.

    Withdrawal is a new event with ``is_granted=False``; nothing is edited.
    """
    given, customer = customer, lock_unerased(customer)
    shop = customer.shop
    notice = notice or current_notice(shop)
    state = consent_state(customer)
    events = []
    for (purpose, channel), granted in choices.items():
        if state.get((purpose, channel)) == bool(granted):
            continue
        events.append(
            ConsentEvent(
                shop=shop,
                customer=customer,
                purpose=purpose,
                channel=channel,
                is_granted=bool(granted),
                source=source,
                notice=notice,
                recorded_by=by if by is not None and by.is_authenticated else None,
            )
        )
    if events:
        ConsentEvent.objects.bulk_create(events)
        _refresh_marketing_flag(customer)
        audit.record(
            shop,
            by,
            "customer.consent",
            customer,
            fields=sorted({f"{e.purpose}.{e.channel}" for e in events}),
        )
    # The caller's copy shows the answer too: a later save of it must not
    # write the old flag back.
    given.has_marketing_consent = customer.has_marketing_consent
    return events


def lock_unerased(customer: Customer) -> Customer:
    """The customer's row read afresh and locked, refused once erased.

    An edit, a note or a consent answer whose page was read just before an
    erasure must not land after it (a full save of the stale copy would write
    the name and number back). The erasure locks the same row, so one waits
    for the other; on SQLite writers take turns for the whole transaction.
    An erased customer who comes back is a new customer, with new answers.
    """
    fresh = Customer.objects.select_for_update().get(pk=customer.pk)
    if fresh.erased_at is not None:
        raise ValueError("the customer's personal data was erased")
    # Keep the shop already loaded with the caller's copy.
    if Customer.shop.is_cached(customer):
        fresh.shop = customer.shop
    return fresh


def _refresh_marketing_flag(customer: Customer) -> None:
    flag = any(
        granted
        for (purpose, _channel), granted in consent_state(customer).items()
        if purpose == ConsentPurpose.MARKETING
    )
    if flag != customer.has_marketing_consent:
        customer.has_marketing_consent = flag
        Customer.objects.filter(pk=customer.pk).update(has_marketing_consent=flag)


def consent_state(customer: Customer) -> dict[tuple[str, str], bool]:
    """``{(purpose, channel): granted}`` from the latest event of each pair."""
    state: dict[tuple[str, str], bool] = {}
    events = ConsentEvent.objects.filter(customer=customer).order_by("created_at", "id")
    for purpose, channel, granted in events.values_list(
        "purpose", "channel", "is_granted"
    ):
        state[(purpose, channel)] = granted
    return state


def has_consent(customer: Customer, purpose: str, channel: str) -> bool:
    """True when the latest answer for (purpose, channel) is yes."""
    latest = (
        ConsentEvent.objects.filter(customer=customer, purpose=purpose, channel=channel)
        .order_by("-created_at", "-id")
        .values_list("is_granted", flat=True)
        .first()
    )
    return bool(latest)


def with_consent(
    qs: QuerySet[Customer], purpose: str, channel: str
) -> QuerySet[Customer]:
    """Narrow a customer queryset to those whose latest answer is yes."""
    latest = ConsentEvent.objects.filter(
        customer=OuterRef("pk"), purpose=purpose, channel=channel
    ).order_by("-created_at", "-id")
    return qs.annotate(_consent=Subquery(latest.values("is_granted")[:1])).filter(
        _consent=True
    )


def marketing_whatsapp_customers(shop: Shop) -> QuerySet[Customer]:
    """Customers who may receive marketing messages on WhatsApp (for campaigns)."""
    base = Customer.objects.filter(
        shop=shop, has_marketing_consent=True, erased_at__isnull=True
    )
    return with_consent(base, ConsentPurpose.MARKETING, ConsentChannel.WHATSAPP)


def consent_grid(customer: Customer) -> list[dict]:
    """Rows for the profile: each purpose with its answer per channel."""
    state = consent_state(customer)
    return [
        {
            "purpose": purpose,
            "label": label,
            "channels": [
                {
                    "channel": channel,
                    "label": channel_label,
                    "granted": state.get((purpose, channel)),
                }
                for channel, channel_label in ConsentChannel.choices
            ],
        }
        for purpose, label in ConsentPurpose.choices
    ]


# ---- interactions and follow-ups --------------------------------------------


@transaction.atomic
def log_interaction(
    customer: Customer,
    by: User | None,
    kind: str,
    text: str,
    happened_on: dt.date | None = None,
    follow_up_on: dt.date | None = None,
) -> Interaction:
    """Add a visit, chat, complaint or request to the customer's timeline."""
    customer = lock_unerased(customer)
    interaction = Interaction.objects.create(
        shop=customer.shop,
        customer=customer,
        kind=kind,
        text=text.strip(),
        happened_on=happened_on or timezone.localdate(),
        follow_up_on=follow_up_on,
        logged_by=by if by is not None and by.is_authenticated else None,
    )
    audit.record(
        customer.shop, by, "customer.interaction", customer, fields=["interaction"]
    )
    return interaction


@transaction.atomic
def complete_follow_up(shop: Shop, by: User | None, interaction: Interaction) -> None:
    """Mark a follow-up as done so it leaves the home page list."""
    assert interaction.shop_id == shop.pk
    if interaction.follow_up_done_at is None:
        interaction.follow_up_done_at = timezone.now()
        interaction.save(update_fields=["follow_up_done_at"])
        audit.record(shop, by, "customer.follow_up_done", interaction.customer)


def due_follow_ups(shop: Shop, on_date: dt.date) -> QuerySet[Interaction]:
    """Open follow-ups dated on or before `on_date`, oldest first (home page)."""
    return (
        Interaction.objects.filter(
            shop=shop,
            follow_up_on__lte=on_date,
            follow_up_done_at__isnull=True,
            customer__erased_at__isnull=True,
        )
        .select_related("customer")
        .order_by("follow_up_on", "id")
    )
