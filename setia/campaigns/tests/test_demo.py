import random

import pytest
from django.utils import timezone

from setia.campaigns import demo
from setia.campaigns.models import Campaign, CampaignStatus, Group
from setia.campaigns.tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_demo_makes_one_past_campaign_with_sends_after_its_launch(shop, owner):
    for i in range(30):
        make_customer(shop, f"Demo {i}")
    today = timezone.localdate()
    summary = demo.populate(shop, random.Random(8), today)
    campaign = Campaign.objects.get(shop=shop)
    assert campaign.status == CampaignStatus.LAUNCHED
    assert (today - timezone.localdate(campaign.launched_at)).days == 21
    assert campaign.recipients.filter(group=Group.CONTROL).count() == 6
    sent = campaign.recipients.filter(sent_at__isnull=False)
    assert sent.exists()
    assert all(r.sent_at > campaign.launched_at for r in sent)
    assert "1 campaign" in summary
