"""Customers with consent, launched campaigns and sales at chosen moments."""

import datetime as dt
import itertools

from django.utils import timezone

from setia.campaigns import services
from setia.campaigns.models import Audience, Campaign
from setia.customers.models import ConsentChannel, ConsentPurpose, Customer
from setia.customers.services import record_consent
from setia.sales.models import Sale, SaleStatus

_numbers = itertools.count(1)
MARKETING_WA = (ConsentPurpose.MARKETING, ConsentChannel.WHATSAPP)


def make_customer(shop, name="Bu Sari", *, consent=True, **fields) -> Customer:
    n = next(_numbers)
    customer = Customer.objects.create(
        shop=shop, name=name, phone=f"+628139{n:07d}", **fields
    )
    if consent:
        record_consent(customer, None, {MARKETING_WA: True})
    return customer


def withdraw_consent(customer) -> None:
    record_consent(customer, None, {MARKETING_WA: False})


def draft(shop, owner, **values) -> Campaign:
    fields = {
        "name": "Gamis baru",
        "message": "Halo {nama}, gamis baru sudah datang di {toko}.",
        "audience": Audience.ALL,
        "pyramid_level": None,
        "loyalty_tier": None,
        "lapsed_days": None,
        "control_percent": 10,
    }
    fields.update(values)
    return services.save_draft(shop, owner, **fields)


def launched_campaign(shop, owner, **values) -> Campaign:
    """A draft saved and launched through the services."""
    return services.launch_campaign(shop, owner, draft(shop, owner, **values))


def add_sale(
    shop,
    customer,
    at: dt.datetime,
    total_idr: int,
    *,
    status=SaleStatus.COMPLETED,
    returned_idr: int = 0,
) -> Sale:
    """A sale recorded at `at` (its business day is the Jakarta date of `at`)."""
    n = next(_numbers)
    return Sale.objects.create(
        shop=shop,
        customer=customer,
        number=n,
        business_on=timezone.localdate(at),
        created_at=at,
        status=status,
        subtotal_idr=total_idr,
        total_idr=total_idr,
        paid_idr=total_idr,
        returned_idr=returned_idr,
        idempotency_key=f"campaign-test-{n}",
    )
