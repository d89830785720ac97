"""Usability fixes on the home page: follow-ups that are late say so."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_home_calls_follow_ups_due_and_marks_the_late_ones(
    staff_client, shop, staff_user
):
    from setia.customers.models import Customer
    from setia.customers.services import log_interaction

    today = timezone.localdate()
    late = Customer.objects.create(shop=shop, name="Ani", phone="+6281355550011")
    due = Customer.objects.create(shop=shop, name="Dewi", phone="+6281355550012")
    log_interaction(
        late,
        staff_user,
        kind="request",
        text="cari gamis hitam XL",
        happened_on=today - timedelta(days=20),
        follow_up_on=today - timedelta(days=12),
    )
    log_interaction(
        due,
        staff_user,
        kind="request",
        text="tanya stok jilbab",
        happened_on=today,
        follow_up_on=today,
    )
    page = staff_client.get(reverse("reports:home")).content.decode()
    assert "Tindak lanjut jatuh tempo" in page
    assert "Tindak lanjut hari ini" not in page
    items = (
        page.split('data-testid="follow-ups"')[1].split("</ul>")[0].split("<li>")[1:]
    )
    late_item = next(i for i in items if "Ani" in i)
    due_item = next(i for i in items if "Dewi" in i)
    old_day = (today - timedelta(days=12)).strftime("%-d")
    assert 'data-testid="follow-up-late"' in late_item and "terlambat" in late_item
    assert f"jatuh tempo {old_day} " in late_item
    assert 'data-testid="follow-up-late"' not in due_item
    assert "hari ini" in due_item
