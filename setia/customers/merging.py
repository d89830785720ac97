"""Probable duplicates and merging two customers into one.

Merging is generic: every foreign key or one-to-one that points at Customer (from
any app, including `referred_by`) is re-pointed to the survivor. An app whose
rows would clash on a unique constraint (one points account per customer) provides
``setia.<app>.merge.merge_customers(survivor, duplicate)``, called first, inside
the same transaction, to combine or remove its rows.
"""

import difflib
import importlib
from collections import defaultdict

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q

from setia.accounts import audit
from setia.accounts.models import Shop, User
from setia.customers import services
from setia.customers.models import Customer
from setia.customers.normalize import name_key
from setia.loyalty import members as loyalty_members

# Fields copied from the duplicate when the survivor has them empty.
FILLABLE = [
    "email",
    "birth_day",
    "birth_month",
    "birth_year",
    "gender",
    "area",
    "city",
    "address",
    "acquisition_source",
    "sizes",
    "favourites",
    "monthly_clothing_spend_idr",
    "last_purchase_on",
]


def merge_hooks():
    """The `merge_customers` functions of installed setia apps, in app order."""
    hooks = []
    for config in apps.get_app_configs():
        if not config.name.startswith("setia."):
            continue
        module_name = f"{config.name}.merge"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        hook = getattr(module, "merge_customers", None)
        if callable(hook):
            hooks.append(hook)
    return hooks


def customer_relations():
    """Every (model, field, other_field) whose rows point at a Customer.

    `other_field` is the second foreign key of a many-to-many link table, used to
    drop links the survivor already has; None for ordinary foreign keys.
    """
    relations = []
    for rel in Customer._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            fks = [
                f
                for f in through._meta.get_fields()
                if isinstance(f, models.ForeignKey)
            ]
            mine = next(f for f in fks if f.name == rel.field.m2m_reverse_field_name())
            other = next(f for f in fks if f is not mine)
            relations.append((through, mine, other))
        else:
            relations.append((rel.related_model, rel.field, None))
    # `related_objects` leaves out keys declared with related_name="+" (a promo
    # code's uses): left to the delete, SET_NULL would erase who used a code.
    # Auto-created link tables are left out: their many-to-many is above.
    for rel in Customer._meta.get_fields(include_hidden=True):
        if (
            rel.auto_created
            and not rel.concrete
            and (rel.one_to_many or rel.one_to_one)
            and rel.hidden
            and not rel.related_model._meta.auto_created
        ):
            relations.append((rel.related_model, rel.field, None))
    return relations


@transaction.atomic
def merge_customers(
    shop: Shop, by: User | None, survivor: Customer, duplicate: Customer
) -> Customer:
    """Move everything of `duplicate` to `survivor`, then delete `duplicate`."""
    if survivor.pk == duplicate.pk:
        raise ValueError("cannot merge a customer with itself")
    if survivor.shop_id != shop.pk or duplicate.shop_id != shop.pk:
        raise ValueError("both customers must belong to the shop")
    # Lock both rows so a sale cannot attach to the duplicate halfway through,
    # and the rows of the customers the duplicate referred (re-pointed below).
    # All first and in id order: a sale takes its customer's row before any
    # points account (a referred friend's sale pays the referrer's account), so
    # a merge, whose loyalty hook locks accounts, must take customer rows first
    # too (PostgreSQL deadlock, found in review).
    locked = {
        c.pk: c
        for c in Customer.objects.select_for_update()
        .filter(Q(pk__in=[survivor.pk, duplicate.pk]) | Q(referred_by_id=duplicate.pk))
        .order_by("pk")
    }
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.erased_at is not None or duplicate.erased_at is not None:
        # Merging would copy fields and move history onto or off an anonymised row.
        raise ValueError("an erased customer cannot be merged")
    for hook in merge_hooks():
        hook(survivor, duplicate)
    # Moved as-is, the duplicate's live member card and own-page link would sit
    # beside the survivor's: two working codes, of which the member page shows
    # one. The survivor's stay valid (the card the shop kept); see members.
    loyalty_members.settle_for_merge(shop, survivor, duplicate)
    moved: dict[str, int] = {}
    for model, field, other in customer_relations():
        if model is Customer and field.name == "referred_by":
            continue
        manager = model._base_manager
        if other is not None:
            already = manager.filter(**{field.attname: survivor.pk}).values(
                other.attname
            )
            manager.filter(
                **{field.attname: duplicate.pk, f"{other.attname}__in": already}
            ).delete()
        count = model._base_manager.filter(**{field.attname: duplicate.pk}).update(
            **{field.attname: survivor.pk}
        )
        if count:
            moved[model._meta.label_lower] = count
    _merge_referrals(survivor, duplicate)
    _fill_blanks(survivor, duplicate)
    # The consent events of both now sit on the survivor: the latest answer per
    # purpose and channel wins, so a newer withdrawal is never undone by an OR.
    services._refresh_marketing_flag(survivor)
    duplicate_id = duplicate.pk
    duplicate.delete()
    audit.record(
        shop,
        by,
        "customer.merged",
        survivor,
        fields=sorted(moved),
        detail=f"merged customer #{duplicate_id}",
    )
    return survivor


def _merge_referrals(survivor: Customer, duplicate: Customer) -> None:
    Customer.objects.filter(referred_by_id=duplicate.pk).exclude(pk=survivor.pk).update(
        referred_by_id=survivor.pk
    )
    if survivor.referred_by_id == duplicate.pk:
        survivor.referred_by_id = None
    if survivor.referred_by_id is None and duplicate.referred_by_id not in (
        None,
        survivor.pk,
    ):
        survivor.referred_by_id = duplicate.referred_by_id


def _fill_blanks(survivor: Customer, duplicate: Customer) -> None:
    for name in FILLABLE:
        if getattr(survivor, name) in (None, "") and getattr(duplicate, name) not in (
            None,
            "",
        ):
            setattr(survivor, name, getattr(duplicate, name))
    if duplicate.last_purchase_on and (
        survivor.last_purchase_on is None
        or duplicate.last_purchase_on > survivor.last_purchase_on
    ):
        survivor.last_purchase_on = duplicate.last_purchase_on
    tags = [*survivor.tag_list, *duplicate.tag_list]
    survivor.tags = ", ".join(dict.fromkeys(tags))[:200]
    if duplicate.notes and duplicate.notes not in survivor.notes:
        survivor.notes = "\n".join(n for n in (survivor.notes, duplicate.notes) if n)
    survivor.save()


def probable_duplicates(shop: Shop, limit: int = 50) -> list[list[Customer]]:
    """Groups of customers with the same or a very similar name in the same area.

    Honorifics (Ibu, Kak, Mbak…) and case are ignored; names in one area that
    share a first word and are 85 % alike (difflib) also count.
    """
    blocks: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    rows = Customer.objects.filter(shop=shop, erased_at__isnull=True).values_list(
        "id", "name", "area"
    )
    for pk, name, area in rows.iterator(chunk_size=5000):
        key = name_key(name)
        if not key:
            continue
        blocks[(key.split()[0], (area or "").strip().lower())].append((pk, key))
    groups: list[list[int]] = []
    for members in blocks.values():
        if len(members) < 2 or len(members) > 200:
            continue
        remaining = list(members)
        while remaining:
            pk, key = remaining.pop(0)
            group = [pk]
            for other in list(remaining):
                if (
                    other[1] == key
                    or difflib.SequenceMatcher(None, key, other[1]).ratio() >= 0.85
                ):
                    group.append(other[0])
                    remaining.remove(other)
            if len(group) > 1:
                groups.append(group)
        if len(groups) >= limit:
            break
    groups = groups[:limit]
    wanted = {pk for group in groups for pk in group}
    by_id = Customer.objects.in_bulk(wanted)
    return [[by_id[pk] for pk in group if pk in by_id] for group in groups]
