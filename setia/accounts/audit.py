"""Writing the audit log (other apps call `record` inside their transactions),
and reading it back in words for the owner (`describe`)."""

from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import AuditEvent, Shop, User


def record(
    shop: Shop,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    fields: Iterable[str] = (),
    detail: str = "",
) -> AuditEvent:
    """Append one audit event. `detail` must never hold personal data."""
    return AuditEvent.objects.create(
        shop=shop,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        fields=sorted(fields),
        detail=detail[:255],
    )


# ---- Reading the log: each event in words for the owner ----

# One label per action code passed to `record` anywhere in Setia; a test fails
# when a new code has none. Codes without a label are shown as they are.
ACTION_LABELS = {
    "campaign.deleted": _("Campaign deleted"),
    "campaign.launched": _("Campaign launched"),
    "campaign.saved": _("Campaign saved"),
    "customer.consent": _("Customer consent recorded"),
    "customer.created": _("Customer added"),
    "customer.erased": _("Customer data erased"),
    "customer.exported": _("Customer list exported"),
    "customer.follow_up_done": _("Follow-up done"),
    "customer.imported": _("Customers imported from a file"),
    "customer.interaction": _("Note added to a customer's timeline"),
    "customer.merged": _("Duplicate customers merged"),
    "customer.updated": _("Customer details changed"),
    "insights.settings_saved": _("Analysis settings changed"),
    "loyalty.card_issued": _("Member card made"),
    "loyalty.card_revoked": _("Member card cancelled"),
    "loyalty.coupon_cancelled": _("Coupon cancelled"),
    "loyalty.coupon_rule_saved": _("Next-order coupon rule saved"),
    "loyalty.offer_saved": _("Buy X get Y offer saved"),
    "loyalty.own_link_issued": _("Link to the customer's own page made"),
    "loyalty.own_link_revoked": _("Link to the customer's own page cancelled"),
    "loyalty.points_adjusted": _("Points changed by hand"),
    "loyalty.program_saved": _("Points program changed"),
    "loyalty.promo_saved": _("Promo code saved"),
    "loyalty.reward_saved": _("Reward saved"),
    "loyalty.tier_saved": _("Member tier saved"),
    "privacy_notice.published": _("Privacy notice published"),
    "product.created": _("Product added"),
    "product.updated": _("Product changed"),
    "restock.recorded": _("Restock recorded"),
    "sale.credit_settled": _("Credit (kasbon) paid off"),
    "sale.imported": _("Sales imported from a file"),
    "sale.returned": _("Items returned from a sale"),
    "sale.voided": _("Sale cancelled"),
    "shop.created": _("Shop created"),
    "shop.updated": _("Shop details changed"),
    "staff.activated": _("Staff account turned on"),
    "staff.added": _("Staff account added"),
    "staff.deactivated": _("Staff account turned off"),
    "staff.password_reset": _("New password made for staff"),
}


def _quoted(field: str):
    return lambda obj: f"«{getattr(obj, field)}»"


def _coupon_or_code(promo) -> str | None:
    # A coupon belongs to one customer: named by its type and number only.
    return f"«{promo.code}»" if promo.customer_id is None else None


# How to name one object of each type. Only the shop's own things (products,
# campaigns, rewards…) get a name; customers and what belongs to one (cards,
# links, coupons, points entries) stay "type #number": the log never shows
# personal data.
OBJECT_NAMES = {
    "accounts.membership": lambda m: f"«{m.user.username}»",
    "accounts.shop": _quoted("name"),
    "campaigns.campaign": _quoted("name"),
    "customers.privacynotice": lambda n: f"v{n.version}",
    "loyalty.buygetoffer": _quoted("name"),
    "loyalty.couponrule": _quoted("name"),
    "loyalty.programversion": lambda v: f"v{v.version}",
    "loyalty.promocode": _coupon_or_code,
    "loyalty.reward": _quoted("name"),
    "loyalty.tier": _quoted("name"),
    "sales.product": _quoted("name"),
    "sales.sale": lambda s: s.display_number,
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _names_by_type(shop: Shop, events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """(object_type, object_id) → name, one query per type, this shop only."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.object_type in OBJECT_NAMES and event.object_id.isdigit():
            wanted.setdefault(event.object_type, set()).add(int(event.object_id))
    names = {}
    for label, ids in wanted.items():
        model = _model(label)
        if model is None:
            continue
        rows = model._base_manager.filter(pk__in=ids)
        # This shop's rows only, whatever the ids say.
        rows = rows.filter(pk=shop.pk) if model is Shop else rows.filter(shop=shop)
        if label == "accounts.membership":
            rows = rows.select_related("user")
        for obj in rows:
            name = OBJECT_NAMES[label](obj)
            if name:
                names[(label, str(obj.pk))] = name
    return names


# Where the model's own name is not the owner's word for it.
OBJECT_NOUNS = {"accounts.membership": _("Account")}


def _object_text(event: AuditEvent, names: dict) -> str:
    if not event.object_type:
        return ""
    model = _model(event.object_type)
    if event.object_type in OBJECT_NOUNS:
        noun = str(OBJECT_NOUNS[event.object_type])
    else:
        noun = capfirst(str(model._meta.verbose_name)) if model else event.object_type
    name = names.get((event.object_type, event.object_id))
    return f"{noun} {name or '#' + event.object_id}"


def _field_label(model: type[models.Model] | None, name: str) -> str:
    """A changed field as the owner knows it: the model field's verbose name,
    a model ("sales.sale", moved by a merge) by its plural, a consent
    "purpose.channel" by the choices' labels; else the name as stored."""
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if field is not None:
            verbose = getattr(field, "verbose_name", None)
            if verbose is None:  # a reverse relation: name what it points to
                verbose = field.related_model._meta.verbose_name_plural
            return str(verbose)
    if "." in name:
        other = _model(name)
        if other is not None:
            return str(other._meta.verbose_name_plural)
        consent = _model("customers.consentevent")
        if consent is not None:
            purpose, channel = name.split(".", 1)
            purposes = dict(consent._meta.get_field("purpose").flatchoices)
            channels = dict(consent._meta.get_field("channel").flatchoices)
            if purpose in purposes and channel in channels:
                return f"{purposes[purpose]} · {channels[channel]}"
    return name


def describe(shop: Shop, events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """The events with `label`, `object_text` and `field_labels` set, for the
    audit log page."""
    events = list(events)
    names = _names_by_type(shop, events)
    for event in events:
        model = _model(event.object_type) if event.object_type else None
        event.label = action_label(event.action)
        event.object_text = _object_text(event, names)
        event.field_labels = [_field_label(model, name) for name in event.fields]
    return events
