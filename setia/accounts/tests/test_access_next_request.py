"""Access changes take effect on the very next request of a signed-in person,
even one whose session, user and membership were just read (nothing about who
may do what is kept between requests)."""

import pytest
from django.test import Client
from django.urls import reverse

from setia.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db
SALE_SCREEN = "/sales/new/"


@pytest.fixture
def clients(owner, staff_user):
    owner_client, staff_client = Client(), Client()
    owner_client.force_login(owner)
    staff_client.force_login(staff_user)
    assert staff_client.get(SALE_SCREEN).status_code == 200
    return owner_client, staff_client


def test_deactivated_staff_is_out_on_the_next_request(clients, shop, staff_user):
    owner_client, staff_client = clients
    member = Membership.objects.get(shop=shop, user=staff_user)
    owner_client.post(reverse("accounts:toggle_staff", args=[member.pk]))
    response = staff_client.get(SALE_SCREEN)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:no_shop")


def test_removed_staff_is_out_on_the_next_request(clients, shop, staff_user):
    _owner_client, staff_client = clients
    Membership.objects.filter(shop=shop, user=staff_user).delete()
    response = staff_client.get(SALE_SCREEN)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:no_shop")


def test_a_password_reset_signs_the_person_out_on_the_next_request(
    clients, shop, staff_user
):
    owner_client, staff_client = clients
    member = Membership.objects.get(shop=shop, user=staff_user)
    owner_client.post(reverse("accounts:reset_staff_password", args=[member.pk]))
    response = staff_client.get(SALE_SCREEN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_role_change_applies_on_the_next_request(clients, shop, owner):
    owner_client, _staff_client = clients
    audit = reverse("accounts:audit_log")
    assert owner_client.get(audit).status_code == 200
    Membership.objects.filter(shop=shop, user=owner).update(role=Role.STAFF)
    assert owner_client.get(audit).status_code == 403
