"""Password guessing on a hosted Setia: wrong passwords lock that name from
that address for a while; nobody else is locked out, and nothing is logged."""

import logging

import pytest
from django.http import HttpRequest
from django.urls import reverse

from setia.accounts.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "kulot-biru-2026"


@pytest.fixture
def wanty():
    user = MembershipFactory(role="owner").user
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_ten_wrong_passwords_pause_that_name_from_that_address(
    client, wanty, settings, caplog
):
    caplog.set_level(logging.DEBUG)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, wanty.username, "salah").status_code == 200
    # The tenth miss pauses the name, with a page that says why...
    page = _login(client, wanty.username, "salah").content.decode()
    assert "Terlalu banyak" in page and "15 menit" in page
    # ...and now even the right password is refused.
    response = _login(client, wanty.username, PASSWORD)
    assert response.status_code == 429
    assert "Terlalu banyak" in page and "15 menit" in page
    assert "_auth_user_id" not in client.session
    # The owner's own phone, elsewhere, still gets in.
    assert _login(client, wanty.username, PASSWORD, "198.51.100.2").status_code == 302
    # Neither the name nor the address went to the logs.
    assert wanty.username not in caplog.text
    assert "203.0.113.7" not in caplog.text


def test_a_right_password_before_the_limit_starts_the_count_again(
    client, wanty, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, wanty.username, "salah")
    assert _login(client, wanty.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, wanty.username, "salah")
    assert _login(client, wanty.username, PASSWORD).status_code == 302


def test_guessing_another_name_does_not_lock_the_owner(client, wanty, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _login(client, "rina", "salah")
    assert _login(client, wanty.username, PASSWORD).status_code == 302


def test_a_login_without_a_request_still_works_where_code_passes_one(client, wanty):
    # django-axes needs the request; the test client and scripts pass one.
    assert client.login(
        request=HttpRequest(), username=wanty.username, password=PASSWORD
    )


def test_a_new_password_from_the_owner_lifts_a_clerks_pause(client, settings):
    from setia.accounts import services
    from setia.accounts.models import Membership

    staff = MembershipFactory(role="staff")
    owner = MembershipFactory(shop=staff.shop, role="owner").user
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, staff.user.username, "salah")
    assert _login(client, staff.user.username, "salah").status_code == 429
    password = services.reset_staff_password(
        staff.shop, owner, Membership.objects.get(pk=staff.pk)
    )
    assert _login(client, staff.user.username, password).status_code == 302
