"""One past campaign for the demo shop: first news of new stock for the Platinum
customers, launched three weeks ago, most messages sent, results read from the
demo sales (runs after insights, whose pyramid picks the audience).

The sales demo knows nothing of the campaign, so the result shows what an honest
comparison says when a message made no clear difference.
"""

import datetime as dt
import random

from django.utils import timezone

from setia.accounts.models import Membership, Role
from setia.campaigns import services
from setia.campaigns.audiences import audience_customers
from setia.campaigns.models import Audience, Group, Recipient
from setia.campaigns.results import campaign_results

MESSAGE = (
    "Halo {nama}, Kakak yang pertama kami kabari: gamis dan tunik model baru dari "
    "Tanah Abang sudah datang di {toko}, ukuran S sampai XXL. Ada bros cantik "
    "untuk pembelian minggu ini. Kami tunggu ya!"
)


def populate(shop, rng: random.Random, today: dt.date, n_customers: int = 600) -> str:
    owner = (
        Membership.objects.filter(shop=shop, role=Role.OWNER)
        .select_related("user")
        .first()
        .user
    )
    fields = {
        "name": "Kabar pertama stok baru (Platinum)",
        "message": MESSAGE,
        "audience": Audience.PYRAMID,
        "pyramid_level": 0,
        "loyalty_tier": None,
        "lapsed_days": None,
        "control_percent": 20,
    }
    launched_on = today - dt.timedelta(days=21)
    launch_at = timezone.make_aware(dt.datetime.combine(launched_on, dt.time(9, 30)))
    campaign = services.save_draft(shop, owner, **fields)
    if not audience_customers(shop, campaign, launched_on).exists():
        # No analysis (too few customers): fall back to everyone with consent.
        campaign = services.save_draft(
            shop,
            owner,
            campaign,
            **{**fields, "audience": Audience.ALL, "pyramid_level": None},
        )
    campaign = services.launch_campaign(
        shop, owner, campaign, seed=rng.getrandbits(62), now=launch_at
    )
    # Written a day before it went out (created_at is set on insert).
    type(campaign).objects.filter(pk=campaign.pk).update(
        created_at=launch_at - dt.timedelta(days=1)
    )
    # The owner sent most messages over the first two mornings.
    treatment = list(campaign.recipients.filter(group=Group.TREATMENT).order_by("id"))
    sent = []
    for recipient in treatment:
        if rng.random() < 0.9:
            recipient.sent_at = launch_at + dt.timedelta(minutes=rng.randint(1, 1800))
            recipient.sent_by = owner
            sent.append(recipient)
    Recipient.objects.bulk_update(sent, ["sent_at", "sent_by"])
    results = campaign_results(shop, campaign)
    return (
        f"1 campaign to {len(treatment)} + {results.control.customers} control, "
        f"{len(sent)} sent, {results.treatment.buyers} and "
        f"{results.control.buyers} bought within 14 days"
    )
