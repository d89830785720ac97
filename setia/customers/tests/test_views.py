"""Customer pages: the list, adding, follow-ups, merging."""

import logging

import pytest
from django.utils import timezone

from setia.customers import services
from setia.customers.models import (
    ConsentEvent,
    Customer,
    CustomerType,
    Interaction,
)
from setia.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_list_shows_numbers_as_written_here_and_finds_either_form(staff_client, shop):
    siti = CustomerFactory(shop=shop, name="Siti Aminah", phone="+6281234567890")
    for query in ["", "0812-3456-7890", "+62 812 3456", "siti"]:
        response = staff_client.post("/customers/", {"q": query})
        body = response.content.decode()
        assert list(response.context["customers"]) == [siti], query
        assert "0812-3456-7890" in body and "+6281234567890" not in body, query


# ---- safety of the add, follow-up, merge and search pages -------------------


def _add_form(**extra):
    return {
        "name": "Siti Aminah",
        "phone": "0812-3456-7890",
        "customer_type": CustomerType.values[0],
        "consent-source": "in_person",
        "consent-marketing__whatsapp": "on",
        **extra,
    }


def test_follow_up_done_never_redirects_to_another_site(staff_client, shop, owner):
    customer = CustomerFactory(shop=shop)
    today = timezone.localdate()
    item = services.log_interaction(customer, owner, "request", "gamis", today, today)
    url = f"/customers/follow-ups/{item.pk}/done/"
    for evil in ["https://evil.example/", "//evil.example/x", "https:evil.example"]:
        response = staff_client.post(url, {"next": evil})
        assert response.status_code == 302
        assert response["Location"] == "/customers/follow-ups/", evil
    response = staff_client.post(url, {"next": f"/customers/{customer.pk}/"})
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert Interaction.objects.get(pk=item.pk).follow_up_done_at is not None


def test_add_writes_the_customer_and_the_consent_together_or_not_at_all(
    staff_client, shop, monkeypatch
):
    def consent_fails(*args, **kwargs):
        raise RuntimeError("consent ledger unavailable")

    monkeypatch.setattr(services, "record_consent", consent_fails)
    with pytest.raises(RuntimeError):
        staff_client.post("/customers/add/", _add_form())
    assert not Customer.objects.filter(shop=shop).exists()


def test_quick_add_writes_the_customer_and_the_consent_together_or_not_at_all(
    staff_client, shop, monkeypatch
):
    def consent_fails(*args, **kwargs):
        raise RuntimeError("consent ledger unavailable")

    monkeypatch.setattr(services, "record_consent", consent_fails)
    with pytest.raises(RuntimeError):
        staff_client.post(
            "/customers/quick-add/",
            {"name": "Siti", "phone": "0812-3456-7890", "agrees_marketing": "on"},
        )
    assert not Customer.objects.filter(shop=shop).exists()


@pytest.fixture
def other_clerk_adds_first(monkeypatch, shop):
    """Another clerk saves the same number just after our "is it known?" check."""
    filter_ = Customer.objects.filter
    state = {}

    def check_then_the_other_clerk_saves(*args, **kwargs):
        if "phone" in kwargs and "theirs" not in state:
            state["theirs"] = Customer.objects.create(
                shop=shop, name="Bu Siti", phone=kwargs["phone"]
            )
            return Customer.objects.none()
        return filter_(*args, **kwargs)

    monkeypatch.setattr(Customer.objects, "filter", check_then_the_other_clerk_saves)
    return state


def test_quick_add_at_the_same_moment_returns_the_other_clerks_customer(
    staff_client, shop, other_clerk_adds_first, caplog
):
    with caplog.at_level(logging.DEBUG):
        response = staff_client.post(
            "/customers/quick-add/",
            {"name": "Siti", "phone": "0812-3456-7890", "agrees_marketing": "on"},
        )
    assert response.status_code == 200
    theirs = other_clerk_adds_first["theirs"]
    assert response.context["customer"] == theirs
    assert response.context["existed"] is True
    assert list(Customer.objects.filter(shop=shop)) == [theirs]
    # Their customer's consent is theirs to give: our tick is not recorded.
    assert not ConsentEvent.objects.filter(customer=theirs).exists()
    assert "3456" not in caplog.text


def test_add_at_the_same_moment_shows_the_known_customer(
    staff_client, shop, other_clerk_adds_first, caplog
):
    with caplog.at_level(logging.DEBUG):
        response = staff_client.post("/customers/add/", _add_form())
    assert response.status_code == 200
    # The friendly "this number is already a customer" form, not a server error.
    assert response.context["existing"] == other_clerk_adds_first["theirs"]
    assert response.templates[0].name == "customers/form.html"
    assert "3456" not in caplog.text


def test_merge_page_looks_up_the_number_by_post_and_merges_only_on_confirm(
    owner_client, shop
):
    survivor = CustomerFactory(shop=shop, name="Siti Aminah")
    other = CustomerFactory(shop=shop, name="Siti (lama)", phone="+6281299990000")
    url = f"/customers/{survivor.pk}/merge/"
    page = owner_client.get(url).content.decode()
    assert 'method="post" class="card"' in page
    assert owner_client.get(url, {"phone": "0812-9999-0000"}).context["other"] is None

    response = owner_client.post(url, {"phone": "0812-9999-0000"})
    assert response.status_code == 200
    assert response.context["other"] == other
    assert Customer.objects.filter(pk=other.pk).exists()

    response = owner_client.post(url, {"other": other.pk})
    assert response.status_code == 302
    assert not Customer.objects.filter(pk=other.pk).exists()
