import pytest
from django.urls import reverse

from setia.loyalty import members, services
from setia.loyalty.models import Tier
from setia.loyalty.tests.factories import make_customer, make_program, make_sale

pytestmark = pytest.mark.django_db


def test_profile_panel_shows_points_tier_and_links(staff_client, shop, owner):
    make_program(shop)
    Tier.objects.create(shop=shop, name="Silver", min_spend_idr=0)
    Tier.objects.create(shop=shop, name="Gold", min_spend_idr=2_000_000)
    customer = make_customer(shop, name="Bu Yanti")
    services.record_sale_loyalty(make_sale(shop, customer), None, owner)
    link = members.issue_own_page_link(shop, customer, by=owner)
    page = staff_client.get(reverse("customers:detail", args=[customer.pk]))
    text = page.content.decode()
    assert 'data-testid="loyalty-panel"' in text
    assert "Silver" in text and "Gold" in text and "Rp 1.900.000" in text
    assert reverse("loyalty:card", args=[customer.pk]) in text
    assert members.own_page_token(link) in text


def test_no_panel_before_the_shop_has_a_program(staff_client, shop):
    customer = make_customer(shop)
    page = staff_client.get(reverse("customers:detail", args=[customer.pk]))
    assert 'data-testid="loyalty-panel"' not in page.content.decode()
