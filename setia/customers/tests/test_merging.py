"""Merging moves every related row, from any app, to the survivor."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import models
from django.utils import timezone

from setia.accounts.models import AuditEvent, Shop, User
from setia.customers import merging, services
from setia.customers.models import Customer
from setia.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _value_for(field, shop, owner, target, depth):
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        model = field.related_model
        if model is Customer:
            return target
        if model is Shop:
            return shop
        if model is User:
            return owner
        return _make_row(model, shop, owner, target, depth + 1)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return dt.date(2026, 1, 1)
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return 1
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.EmailField):
        return f"{uuid.uuid4().hex[:8]}@example.com"
    if isinstance(field, models.CharField | models.TextField | models.SlugField):
        size = field.max_length or 12
        return uuid.uuid4().hex[: min(size, 12)]
    raise AssertionError(f"no test value for {field!r}")


def _make_row(model, shop, owner, target, depth=0):
    """Build and save one row of `model`, pointing every Customer FK at `target`."""
    assert depth < 4, f"cannot build a {model.__name__} row for the merge test"
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.has_default() or getattr(field, "auto_now", 0):
            continue
        if getattr(field, "auto_now_add", False):
            continue
        if field.null and not (
            isinstance(field, models.ForeignKey) and field.related_model is Customer
        ):
            continue
        values[field.name] = _value_for(field, shop, owner, target, depth)
    obj = model(**values)
    model._base_manager.bulk_create([obj])
    return obj


def test_merge_leaves_no_row_pointing_at_the_merged_away_customer(shop, owner):
    survivor = CustomerFactory(shop=shop, name="Siti Aminah")
    duplicate = CustomerFactory(shop=shop, name="Ibu Siti", area="Serpong")
    referred = CustomerFactory(shop=shop, referred_by=duplicate)
    services.record_consent(duplicate, owner, {("marketing", "whatsapp"): True})
    services.log_interaction(duplicate, owner, "request", "gamis XL")
    # One row of every model (from any app) that points at Customer.
    relations = merging.customer_relations()
    for model, field, _other in relations:
        if model is Customer:
            continue
        if model._base_manager.filter(**{field.attname: duplicate.pk}).exists():
            continue
        _make_row(model, shop, owner, duplicate)
    merging.merge_customers(shop, owner, survivor, duplicate)
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    for model, field, _other in relations:
        left = model._base_manager.filter(**{field.attname: duplicate.pk}).count()
        assert left == 0, f"{model._meta.label}.{field.name} still points at it"
    referred.refresh_from_db()
    assert referred.referred_by_id == survivor.pk
    survivor.refresh_from_db()
    assert survivor.area == "Serpong"
    assert survivor.has_marketing_consent
    assert survivor.consent_events.count() == 1
    assert survivor.interactions.count() == 1
    event = AuditEvent.objects.get(action="customer.merged")
    assert event.object_id == str(survivor.pk)
    assert "Siti" not in event.detail


def test_merge_never_makes_a_customer_refer_themselves(shop, owner):
    survivor = CustomerFactory(shop=shop)
    duplicate = CustomerFactory(shop=shop)
    survivor.referred_by = duplicate
    survivor.save()
    merging.merge_customers(shop, owner, survivor, duplicate)
    survivor.refresh_from_db()
    assert survivor.referred_by_id is None


def test_merge_refuses_another_shops_customer(shop, other_shop, owner):
    mine = CustomerFactory(shop=shop)
    theirs = CustomerFactory(shop=other_shop)
    with pytest.raises(ValueError):
        merging.merge_customers(shop, owner, mine, theirs)
    assert Customer.objects.filter(pk=theirs.pk).exists()


def test_merge_is_owner_only(staff_client, shop):
    a = CustomerFactory(shop=shop)
    b = CustomerFactory(shop=shop)
    response = staff_client.post(f"/customers/{a.pk}/merge/", {"other": b.pk})
    assert response.status_code == 403
    assert Customer.objects.filter(pk=b.pk).exists()


def test_owner_merges_from_the_page(owner_client, shop):
    a = CustomerFactory(shop=shop)
    b = CustomerFactory(shop=shop)
    response = owner_client.post(f"/customers/{a.pk}/merge/", {"other": b.pk})
    assert response.status_code == 302
    assert not Customer.objects.filter(pk=b.pk).exists()


def test_probable_duplicates_by_similar_name_in_the_same_area(shop):
    a = CustomerFactory(shop=shop, name="Ibu Siti Aminah", area="Serpong")
    b = CustomerFactory(shop=shop, name="siti aminah", area="serpong")
    c = CustomerFactory(shop=shop, name="Siti Aminnah", area="Serpong")
    CustomerFactory(shop=shop, name="Siti Aminah", area="Ciputat")
    CustomerFactory(shop=shop, name="Dewi Lestari", area="Serpong")
    groups = merging.probable_duplicates(shop)
    assert [sorted(x.pk for x in g) for g in groups] == [sorted([a.pk, b.pk, c.pk])]


def test_merge_keeps_the_survivors_newer_withdrawal_of_marketing(shop, owner):
    survivor = CustomerFactory(shop=shop, name="Siti Aminah")
    duplicate = CustomerFactory(shop=shop, name="Siti (lama)")
    whatsapp = {("marketing", "whatsapp"): True}
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)):
        services.record_consent(duplicate, owner, whatsapp)
        services.record_consent(survivor, owner, whatsapp)
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)):
        services.record_consent(survivor, owner, {("marketing", "whatsapp"): False})

    merging.merge_customers(shop, owner, survivor, duplicate)

    survivor.refresh_from_db()
    assert survivor.has_marketing_consent is False
    assert not services.has_consent(survivor, "marketing", "whatsapp")
    assert survivor not in services.marketing_whatsapp_customers(shop)


def test_merge_keeps_a_marketing_yes_given_after_the_survivors_no(shop, owner):
    survivor = CustomerFactory(shop=shop, name="Siti Aminah")
    duplicate = CustomerFactory(shop=shop, name="Siti (lama)")
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)):
        services.record_consent(survivor, owner, {("marketing", "whatsapp"): False})
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)):
        services.record_consent(duplicate, owner, {("marketing", "whatsapp"): True})

    merging.merge_customers(shop, owner, survivor, duplicate)

    survivor.refresh_from_db()
    assert survivor.has_marketing_consent is True


def test_relations_cover_every_key_to_customer_even_hidden_ones():
    """A foreign key declared with related_name="+" is hidden from Customer's
    related objects; a merge that missed it would leave the row to the delete
    (SET_NULL on a promo code's use: the survivor could use a one-time code
    again)."""
    from django.apps import apps

    covered = {(model, field.name) for model, field, _o in merging.customer_relations()}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Customer:
                assert (model, field.name) in covered or (
                    model is Customer and field.name == "referred_by"
                ), f"{model._meta.label}.{field.name} is not moved by a merge"


def test_merge_keeps_the_duplicates_promo_code_uses(shop, owner):
    from django.core.exceptions import ValidationError

    from setia.loyalty.models import PromoCode, PromoRedemption
    from setia.sales import services as sales
    from setia.sales.services import LineInput, PaymentInput
    from setia.sales.tests.factories import make_product

    variant = make_product(shop, price=150_000, grosir=0).variants.get()
    PromoCode.objects.create(
        shop=shop, code="SEKALI", discount_idr=25_000, max_uses_per_customer=1
    )
    survivor = CustomerFactory(shop=shop, name="Siti")
    duplicate = CustomerFactory(shop=shop, name="Siti (nomor lama)")

    def sell(customer):
        return sales.record_sale(
            shop,
            owner,
            lines=[LineInput(variant.pk, 1)],
            payments=[PaymentInput("cash", None)],
            idempotency_key=uuid.uuid4().hex,
            customer=customer,
            promo_code="SEKALI",
        )

    sell(duplicate)
    merging.merge_customers(shop, owner, survivor, duplicate)
    assert PromoRedemption.objects.get().customer_id == survivor.pk
    # One person, one use: the merged customer cannot use it a second time.
    with pytest.raises(ValidationError):
        sell(survivor)
