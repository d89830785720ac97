"""Erasing a customer's personal data on request (UU PDP gives the right).

Sales, payments, points, store credit and the consent ledger are the shop's
financial and legal record and point at the customer row, so the row stays,
anonymised, and nothing of those is deleted. In one transaction, with the
customer's row locked (a sale being saved for them waits, see merging):

- the name becomes "Erased customer #<id>" (in the shop's language) and the
  number a letters-only placeholder (`models.erased_phone`); every optional
  field is cleared and the row leaves every search, list, export and audience;
- interactions (free-text notes about the person) are deleted;
- consent: a withdrawal is appended for every answer that is "yes" now;
- member cards and own-page links stop working (setia.loyalty.members);
- customer-file uploads of the shop still waiting for confirmation are
  cancelled: confirming one made before the erasure would add the person back;
- the number is kept only as a keyed hash (`ErasedNumber`): later file imports
  (customer lists, sales histories) leave it out, whenever the file was made.

Kept as they are: the customer type (a price rule), the last purchase date
(from sales), referral links, analysis scores (numbers only), campaign
recipient rows (the campaign's results), and ledger entries, whose `reason`
texts are append-only.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from setia.accounts import audit
from setia.accounts.models import Shop, User
from setia.customers import importing, services
from setia.customers.models import (
    ConsentEvent,
    ConsentSource,
    Customer,
    ErasedNumber,
    ErasureReason,
    ImportJob,
    ImportStatus,
    Interaction,
    erased_number_digest,
    erased_phone,
)
from setia.loyalty import members

# Optional personal fields and their empty value.
CLEARED = {
    "email": "",
    "birth_day": None,
    "birth_month": None,
    "birth_year": None,
    "gender": "",
    "area": "",
    "city": "",
    "address": "",
    "acquisition_source": "",
    "sizes": "",
    "favourites": "",
    "monthly_clothing_spend_idr": None,
    "tags": "",
    "notes": "",
}


@transaction.atomic
def erase_customer(
    shop: Shop, by: User | None, customer: Customer, *, reason: str
) -> Customer:
    """Anonymise `customer` and remove their notes; erasing twice does nothing."""
    if reason not in ErasureReason.values:
        # Not echoed: a reason typed in words may name the person.
        raise ValueError("the reason must be an ErasureReason code")
    if customer.shop_id != shop.pk:
        raise ValueError("the customer belongs to another shop")
    # Before the customer's row: a customer import takes the same turn first.
    importing.take_import_turn(shop)
    customer = Customer.objects.select_for_update().get(shop=shop, pk=customer.pk)
    if customer.erased_at is not None:
        return customer
    filled = [
        name for name, empty in CLEARED.items() if getattr(customer, name) != empty
    ]
    withdrawn = _withdraw_consent(shop, by, customer)
    interactions, _counts = Interaction.objects.filter(customer=customer).delete()
    cards, links = members.revoke_for_erasure(shop, customer)
    uploads = _cancel_waiting_imports(shop)
    # Kept as a keyed hash only: a file import must not bring the person back.
    ErasedNumber.objects.get_or_create(
        shop=shop, digest=erased_number_digest(shop.pk, customer.phone)
    )
    with translation.override(shop.language or "id"):
        customer.name = _("Erased customer #%(number)s") % {"number": customer.pk}
    customer.phone = erased_phone(customer.pk)
    for name, empty in CLEARED.items():
        setattr(customer, name, empty)
    customer.has_marketing_consent = False
    customer.erased_at = timezone.now()
    customer.save()
    # Field names and counts only: never the name, the number or typed text.
    audit.record(
        shop,
        by,
        "customer.erased",
        customer,
        fields=["name", "phone", *filled],
        detail=(
            f"reason={reason} interactions={interactions} consent={withdrawn} "
            f"cards={cards} links={links} uploads={uploads}"
        ),
    )
    return customer


def _withdraw_consent(shop: Shop, by: User | None, customer: Customer) -> int:
    """Append a "no" for every purpose and channel answered "yes" now."""
    events = [
        ConsentEvent(
            shop=shop,
            customer=customer,
            purpose=purpose,
            channel=channel,
            is_granted=False,
            source=ConsentSource.ERASURE,
            recorded_by=by if by is not None and by.is_authenticated else None,
        )
        for (purpose, channel), granted in services.consent_state(customer).items()
        if granted
    ]
    ConsentEvent.objects.bulk_create(events)
    return len(events)


def _cancel_waiting_imports(shop: Shop) -> int:
    """Delete the shop's uploads waiting for confirmation; files go after commit."""
    # Locked: a confirm at the same moment (importing.start_commit, a conditional
    # UPDATE from PREVIEW) either waits and then finds no job, or went first and
    # its RUNNING job is not picked here, so no file is removed under an import.
    waiting = ImportJob.objects.select_for_update().filter(
        shop=shop, status=ImportStatus.PREVIEW
    )
    jobs = list(waiting)
    ImportJob.objects.filter(pk__in=[job.pk for job in jobs]).delete()
    for job in jobs:
        transaction.on_commit(partial(importing.discard_job, job))
    return len(jobs)
