"""The customer pages take rupiah with thousands dots and show dates a phone's
date box can hold.

A number box read "150.000" as 150 (a monthly spend of Rp 150.000 was saved as
Rp 150), and the timeline's date box got the Indonesian "28-11-2026", which it
drops: the required date came up empty.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from setia.customers.models import Customer, CustomerType, Interaction
from setia.customers.tests.factories import CustomerFactory
from setia.lib.tests.test_form_fields import form_as_posted, input_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_id(staff_client):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    return staff_client


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_customers_monthly_spend_typed_150_000(client_id, shop):
    add = reverse("customers:add")
    data = form_as_posted(_page(client_id, add), "monthly_clothing_spend_idr")
    data.update(
        name=["Siti Aminah"],
        phone=["0812-3456-7890"],
        customer_type=[CustomerType.values[0]],
        monthly_clothing_spend_idr=["150.000"],
    )
    response = client_id.post(add, data)
    assert response.status_code == 302
    customer = Customer.objects.get(shop=shop)
    assert customer.monthly_clothing_spend_idr == 150_000


def test_a_reopened_customer_shows_the_spend_and_keeps_it_unchanged(client_id, shop):
    customer = CustomerFactory(shop=shop, monthly_clothing_spend_idr=1_500_000)
    edit = reverse("customers:edit", args=[customer.pk])
    page = _page(client_id, edit)
    box = input_tag(page, "monthly_clothing_spend_idr")
    assert 'value="1.500.000"' in box and 'inputmode="numeric"' in box
    assert 'type="number"' not in box
    response = client_id.post(edit, form_as_posted(page, "monthly_clothing_spend_idr"))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.monthly_clothing_spend_idr == 1_500_000


def test_a_spend_typed_300rb_is_read_and_one_with_cents_refused(client_id, shop):
    customer = CustomerFactory(shop=shop)
    edit = reverse("customers:edit", args=[customer.pk])
    data = form_as_posted(_page(client_id, edit), "monthly_clothing_spend_idr")
    data["monthly_clothing_spend_idr"] = ["150,50"]
    response = client_id.post(edit, data)
    assert response.status_code == 200
    assert "Rupiah tidak pakai desimal" in response.content.decode()
    data["monthly_clothing_spend_idr"] = ["300rb"]
    assert client_id.post(edit, data).status_code == 302
    customer.refresh_from_db()
    assert customer.monthly_clothing_spend_idr == 300_000


def test_the_timeline_date_box_holds_today_and_saves_it(client_id, shop):
    customer = CustomerFactory(shop=shop)
    detail = reverse("customers:detail", args=[customer.pk])
    page = _page(client_id, detail)
    today = timezone.localdate()
    box = input_tag(page, "happened_on")
    assert 'type="date"' in box and f'value="{today.isoformat()}"' in box
    data = form_as_posted(page, "happened_on")
    data.update(text=["Mau gamis hitam XL"], follow_up_on=["2026-11-28"])
    client_id.post(reverse("customers:interaction_add", args=[customer.pk]), data)
    item = Interaction.objects.get(customer=customer)
    assert (item.happened_on, item.follow_up_on) == (today, dt.date(2026, 11, 28))
