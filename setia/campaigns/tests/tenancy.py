"""Shop A's campaign records for the tenancy walk (see accounts/tests/test_tenancy)."""

from setia.campaigns.models import Group
from setia.campaigns.tests.factories import launched_campaign, make_customer


def make_objects(shop, owner):
    customer = make_customer(shop, name="Rahasia-Penerima-Kampanye-A")
    campaign = launched_campaign(
        shop,
        owner,
        name="Rahasia-Kampanye-A",
        message="Rahasia-Pesan-A {nama}",
        control_percent=0,
    )
    # Other apps' customers with consent may be in it too.
    recipient = campaign.recipients.get(customer=customer, group=Group.TREATMENT)
    return (
        {"campaign_id": campaign.pk, "recipient_id": recipient.pk},
        ["Rahasia-Kampanye-A", "Rahasia-Pesan-A", "Rahasia-Penerima-Kampanye-A"],
    )
