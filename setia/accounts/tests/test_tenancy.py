"""Walk every URL as a user of another shop: nothing of shop A may be reachable.

Each app registers objects for its URL arguments in its own `tests/tenancy.py`;
a URL argument nobody registered fails the test, so new URLs cannot slip past.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from setia.accounts.models import Role
from setia.accounts.tests.factories import MembershipFactory, ShopFactory

# Reachable without signing in, by design.
PUBLIC = {
    "healthz",
    "robots",
    "accounts:login",
    "accounts:logout",
    "accounts:signup",
}
# Reached without a login through a signed token rather than a session; their
# own tests check the token. Names are added by the apps that define them.
TOKEN_PUBLIC: set[str] = set()
# URL arguments that name something every shop has (a guide topic, a report
# section), not a shop's record; apps list them in SHARED_PARAMS.
SHARED_PARAMS: set[str] = set()


def walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from walk(entry, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern), list(entry.pattern.converters)


def all_urls():
    return sorted(walk(get_resolver()), key=lambda item: item[0])


def shop_a_objects(shop, owner):
    kwargs, markers = {}, [shop.name]
    for config in apps.get_app_configs():
        if not config.name.startswith("setia."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.tenancy")
        except ModuleNotFoundError:
            continue
        app_kwargs, app_markers = module.make_objects(shop, owner)
        kwargs.update(app_kwargs)
        markers.extend(app_markers)
        TOKEN_PUBLIC.update(getattr(module, "TOKEN_PUBLIC", ()))
        SHARED_PARAMS.update(getattr(module, "SHARED_PARAMS", ()))
    return kwargs, markers


@pytest.fixture
def tenancy_setup(db, client):
    shop_a = ShopFactory(name="Toko Rahasia A")
    owner_a = MembershipFactory(shop=shop_a, role=Role.OWNER).user
    kwargs, markers = shop_a_objects(shop_a, owner_a)
    shop_b = ShopFactory(name="Toko Tetangga B")
    owner_b = MembershipFactory(shop=shop_b, role=Role.OWNER).user
    return kwargs, markers, owner_b


def _resolve(name, params, kwargs):
    from django.urls import reverse

    missing = [p for p in params if p not in kwargs]
    assert not missing, (
        f"URL {name} takes {missing}: register shop-A objects for them in the "
        "app's tests/tenancy.py"
    )
    return reverse(name, kwargs={p: kwargs[p] for p in params})


@pytest.mark.django_db
def test_another_shops_owner_reaches_nothing_of_shop_a(client, tenancy_setup):
    kwargs, markers, owner_b = tenancy_setup
    client.force_login(owner_b)
    checked = 0
    for name, _pattern, params in all_urls():
        if name in PUBLIC or name in TOKEN_PUBLIC:
            continue
        url = _resolve(name, params, kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if set(params) - SHARED_PARAMS:
                assert response.status_code in (403, 404, 405), (
                    f"{method.upper()} {url} ({name}) answered "
                    f"{response.status_code} to another shop's owner"
                )
            body = response.content.decode(errors="replace")
            for marker in markers:
                assert marker not in body, f"{name} shows shop A's {marker!r}"
            checked += 1
    assert checked > 10


@pytest.mark.django_db
def test_every_private_url_needs_a_login(client, tenancy_setup):
    kwargs, _markers, _owner_b = tenancy_setup
    for name, _pattern, params in all_urls():
        if name in PUBLIC or name in TOKEN_PUBLIC:
            continue
        url = _resolve(name, params, kwargs)
        response = client.get(url)
        assert response.status_code in (302, 405), f"{name} is open without a login"
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], name
