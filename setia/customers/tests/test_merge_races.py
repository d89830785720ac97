"""A referred friend's sale and a merge of her referrer at the same moment.

The sale takes the friend's row first (its last purchase), then pays the
referral bonus into the referrer's points account; the merge re-points the
friend's "referred by" and its loyalty hook locks the referrer's account. On
PostgreSQL the two deadlocked until the merge took the customer rows it
changes before any account (found in review). Real threads; not timed.
"""

import threading
import time
import uuid

import pytest

from setia.customers import merging
from setia.customers.models import Customer
from setia.customers.tests.threads import in_thread
from setia.loyalty import programs
from setia.loyalty import services as loyalty_services
from setia.sales import services as sales
from setia.sales.models import Sale
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_customer, make_product

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def referral(shop, owner):
    """Made before `db_for_threads` copies an in-memory SQLite database."""
    programs.save_program(shop, by=owner, expiry_months=12, referral_bonus_points=10)
    referrer = make_customer(shop, name="Bu Ani")
    survivor = make_customer(shop, name="Bu Ani W")
    friend = make_customer(shop, name="Bu Rina")
    friend.referred_by = referrer
    friend.save()
    programs.adjust_points(
        shop, referrer, 100, reason="awal", by=owner, idempotency_key="seed-r"
    )
    variant = make_product(shop, name="Gamis", price=100_000, grosir=0).variants.get()
    return referrer, survivor, friend, variant


def test_a_friends_sale_and_the_merge_of_her_referrer_both_finish(
    shop, owner, referral, db_for_threads, monkeypatch
):
    referrer, survivor, friend, variant = referral

    # The sale is held just before it pays the bonus, holding the friend's row.
    at_bonus, go_on = threading.Event(), threading.Event()
    award = loyalty_services.award_referral_bonus

    def held_award(*args, **kwargs):
        at_bonus.set()
        go_on.wait(10)
        return award(*args, **kwargs)

    monkeypatch.setattr(loyalty_services, "award_referral_bonus", held_award)
    seller, sold = in_thread(
        lambda: (
            sales.record_sale(
                shop,
                owner,
                lines=[LineInput(variant.pk, 1)],
                payments=[PaymentInput("cash", None)],
                idempotency_key=uuid.uuid4().hex,
                customer=friend,
            ).pk
        ),
    )
    assert at_bonus.wait(10), sold
    merger, merged = in_thread(
        lambda: merging.merge_customers(shop, owner, survivor, referrer).pk
    )
    time.sleep(1.0)  # the merge gets as far as it can while the sale is held
    go_on.set()
    seller.join(30)
    merger.join(30)
    assert sold["outcome"][0] == "ok", sold
    assert merged["outcome"] == ("ok", survivor.pk), merged

    def check():
        return (
            Sale.objects.filter(customer_id=friend.pk).count(),
            Customer.objects.get(pk=friend.pk).referred_by_id,
        )

    reader, result = in_thread(check)
    reader.join(10)
    assert result["outcome"] == ("ok", (1, survivor.pk))
