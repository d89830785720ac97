"""Merging two customers who were both picked for one campaign."""

import pytest

from setia.campaigns import services
from setia.campaigns.models import Group
from setia.campaigns.tests.factories import launched_campaign, make_customer
from setia.customers.merging import merge_customers

pytestmark = pytest.mark.django_db


def test_sent_row_of_the_duplicate_wins_over_the_survivors_control_row(
    shop, owner, staff_user
):
    first, second = make_customer(shop, "Sari"), make_customer(shop, "Sari 2")
    campaign = launched_campaign(shop, owner, control_percent=50)  # one each
    kept_aside = campaign.recipients.get(group=Group.CONTROL)
    messaged = campaign.recipients.get(group=Group.TREATMENT)
    services.mark_sent(shop, staff_user, messaged)
    survivor = kept_aside.customer
    duplicate = messaged.customer
    assert {survivor, duplicate} == {first, second}
    merge_customers(shop, owner, survivor, duplicate)
    row = campaign.recipients.get()
    assert row.customer == survivor
    assert row.group == Group.TREATMENT and row.sent_at is not None
    assert row.sent_by == staff_user


def test_sent_row_of_the_duplicate_wins_when_both_were_to_get_the_message(
    shop, owner, staff_user
):
    survivor, duplicate = make_customer(shop, "Ani"), make_customer(shop, "Ani 2")
    campaign = launched_campaign(shop, owner, control_percent=0)
    services.mark_sent(shop, staff_user, campaign.recipients.get(customer=duplicate))
    merge_customers(shop, owner, survivor, duplicate)
    row = campaign.recipients.get()
    assert row.customer == survivor and row.sent_at is not None


def test_survivor_keeps_their_own_row_when_it_was_sent_or_neither_was(
    shop, owner, staff_user
):
    survivor, duplicate = make_customer(shop, "Dewi"), make_customer(shop, "Dewi 2")
    neither = launched_campaign(shop, owner, name="Belum", control_percent=0)
    mine_sent = launched_campaign(shop, owner, name="Sudah", control_percent=0)
    own_row = neither.recipients.get(customer=survivor)
    sent_row = mine_sent.recipients.get(customer=survivor)
    services.mark_sent(shop, staff_user, sent_row)
    merge_customers(shop, owner, survivor, duplicate)
    assert neither.recipients.get().pk == own_row.pk
    assert mine_sent.recipients.get().pk == sent_row.pk
