from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from setia.insights import services as insight_services
from setia.insights.tests.factories import add_sale, shop_history


@pytest.mark.django_db
def test_home_shows_today_and_month_in_rupiah(staff_client, shop):
    today = timezone.localdate()
    customers = shop_history(shop, n_customers=30, today=today - timedelta(days=1))
    add_sale(shop, customers[0], today, 175_000)
    add_sale(shop, customers[1], today, 250_000)
    response = staff_client.get(reverse("reports:home"))
    assert response.context["today"]["sales"] == 2
    assert response.context["today"]["revenue_idr"] == 425_000
    assert "Rp 425.000" in response.content.decode()


@pytest.mark.django_db
def test_home_shows_pyramid_and_valuable_customers_slipping_away(staff_client, shop):
    shop_history(shop, n_customers=60)
    insight_services.score_shop(shop)
    response = staff_client.get(reverse("reports:home"))
    assert [row["tier"].label for row in response.context["pyramid"]] == [
        "Platinum",
        "Emas",
        "Besi",
        "Timah",
    ]
    assert all(s.tier <= 1 and s.is_at_risk for s in response.context["at_risk"])


@pytest.mark.django_db
def test_home_lists_follow_ups_due(staff_client, shop, staff_user):
    from setia.customers.models import Customer
    from setia.customers.services import log_interaction

    customer = Customer.objects.create(shop=shop, name="Ani", phone="+6281355550001")
    log_interaction(
        customer,
        staff_user,
        kind="request",
        text="cari gamis hitam XL",
        happened_on=timezone.localdate(),
        follow_up_on=timezone.localdate() - timedelta(days=1),
    )
    page = staff_client.get(reverse("reports:home")).content.decode()
    assert "cari gamis hitam XL" in page


@pytest.mark.django_db
def test_reports_page_charts_twelve_months_of_revenue(staff_client, shop):
    customers = shop_history(shop, n_customers=20)
    today = timezone.localdate()
    add_sale(shop, customers[0], today, 300_000, returned_idr=100_000)
    monthly = staff_client.get(reverse("reports:index")).context["monthly"]
    assert len(monthly["labels"]) == 12
    assert monthly["labels"][-1] == today.replace(day=1).isoformat()
    from setia.sales.models import Sale

    this_month = Sale.objects.filter(
        shop=shop, business_on__gte=today.replace(day=1), status="completed"
    )
    expected = sum(s.total_idr - s.returned_idr for s in this_month)
    assert monthly["revenue"][-1] == expected
    assert monthly["sales"][-1] == this_month.count()
