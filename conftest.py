"""Fixtures shared by every app's tests: shops, people in them, signed-in clients."""

import pytest

from setia.accounts.models import Role
from setia.accounts.tests.factories import MembershipFactory, ShopFactory


@pytest.fixture
def shop(db):
    return ShopFactory(name="Butik Uji A")


@pytest.fixture
def owner(shop):
    return MembershipFactory(shop=shop, role=Role.OWNER).user


@pytest.fixture
def staff_user(shop):
    return MembershipFactory(shop=shop, role=Role.STAFF).user


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def other_shop(db):
    return ShopFactory(name="Toko Lain B")


@pytest.fixture
def other_owner(other_shop):
    return MembershipFactory(shop=other_shop, role=Role.OWNER).user


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The test client speaks plain HTTP; production redirects to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    # Tests do not run collectstatic, so there is no manifest to look names up in.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
