"""Security review fixes: no card made by a GET, the own page greets by first
name only, no live own-page token in the logs, one live card/link after a merge."""

import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from setia.accounts.models import AuditEvent
from setia.customers.merging import merge_customers
from setia.loyalty import members, services
from setia.loyalty.models import MemberCard, OwnPageLink
from setia.loyalty.tests.factories import make_customer, make_program
from setia.loyalty.views import OWN_PAGE_LIMIT

pytestmark = pytest.mark.django_db


# ---- 1. Opening the card page changes nothing ----


def test_opening_the_card_page_makes_no_card(staff_client, shop):
    make_program(shop)
    customer = make_customer(shop, name="Bu Ani")
    url = reverse("loyalty:card", args=[customer.pk])

    page = staff_client.get(url)

    assert page.status_code == 200
    assert not MemberCard.objects.filter(customer=customer).exists()
    assert not AuditEvent.objects.filter(action="loyalty.card_issued").exists()
    text = page.content.decode()
    # Instead: a button that posts (with its CSRF token) to make one.
    assert f'<form method="post" action="{url}">' in text
    assert "csrfmiddlewaretoken" in text and 'data-testid="make-card"' in text


def test_the_card_is_made_by_the_button_and_shown_afterwards(staff_client, shop):
    make_program(shop)
    customer = make_customer(shop, name="Bu Ani")
    url = reverse("loyalty:card", args=[customer.pk])

    made = staff_client.post(url)
    assert made.status_code == 302 and made["Location"] == url
    card = members.active_card(shop, customer)
    assert AuditEvent.objects.filter(action="loyalty.card_issued").count() == 1

    # A second tap (or a reload) keeps the card: no new code.
    staff_client.post(url)
    assert list(MemberCard.objects.filter(customer=customer)) == [card]

    page = staff_client.get(url).content.decode()
    assert card.display_code in page and "<svg" in page
    assert 'data-testid="make-card"' not in page
    assert AuditEvent.objects.filter(action="loyalty.card_issued").count() == 1


def test_a_cross_site_post_cannot_make_a_card(shop, staff_user):
    customer = make_customer(shop)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_user)

    response = browser.post(reverse("loyalty:card", args=[customer.pk]))

    assert response.status_code == 403
    assert not MemberCard.objects.filter(customer=customer).exists()


# ---- 2. The own page greets by first name ----


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Siti Rahmawati Kusumaningrum", "Siti"),
        ("Bu Wulan Sari", "Bu Wulan"),
        ("Ibu Hj. Siti Aminah", "Ibu Hj. Siti"),
        ("Kak Rina", "Kak Rina"),
        ("Wulan", "Wulan"),
        ("Ibu", "Ibu"),
        ("Siti, S.Pd.", "Siti"),
        ("  Dewi   Lestari ", "Dewi"),
        ("", ""),
    ],
)
def test_greeting_name(name, greeting):
    assert members.greeting_name(name) == greeting


def test_own_page_shows_only_the_first_name(client, shop, owner):
    make_program(shop)
    customer = make_customer(shop, name="Siti Rahmawati Kusumaningrum")
    link = members.issue_own_page_link(shop, customer, by=owner)

    page = client.get(
        reverse("loyalty:own_page", args=[members.own_page_token(link)])
    ).content.decode()

    assert "Siti" in page
    assert "Rahmawati" not in page and "Kusumaningrum" not in page


# ---- 3. A live own-page token never reaches the log ----


def test_the_rate_limited_own_page_logs_no_token(client, shop, owner, caplog):
    cache.clear()
    make_program(shop)
    customer = make_customer(shop)
    token = members.own_page_token(
        members.issue_own_page_link(shop, customer, by=owner)
    )
    url = reverse("loyalty:own_page", args=[token])

    with caplog.at_level(logging.WARNING, logger="django.request"):
        for _ in range(OWN_PAGE_LIMIT + 1):
            response = client.get(url)

    assert response.status_code == 429
    logged = [r for r in caplog.records if r.name == "django.request"]
    # Still logged (someone is hammering the page), but without the key.
    assert [r.getMessage() for r in logged] == [
        "Too Many Requests: /loyalty/me/[hidden]/"
    ]
    for record in caplog.records:
        assert token not in record.getMessage()
        assert token.split(":")[0] not in record.getMessage()
    cache.clear()


def test_a_bad_own_page_token_is_not_logged_either(client, shop, caplog):
    cache.clear()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("loyalty:own_page", args=["guessed:abc"]))
    assert response.status_code == 404
    assert caplog.records
    assert all("guessed" not in r.getMessage() for r in caplog.records)
    cache.clear()


# ---- 4. After a merge: one live card and one live link ----


def test_merge_stops_the_duplicates_card_and_link_when_the_survivor_has_its_own(
    shop, owner
):
    make_program(shop)
    survivor = make_customer(shop, name="Bu Sari")
    duplicate = make_customer(shop, name="Sari (lama)")
    kept_card = members.issue_member_card(shop, survivor, by=owner)
    kept_link = members.issue_own_page_link(shop, survivor, by=owner)
    old_card = members.issue_member_card(shop, duplicate, by=owner)
    old_link = members.issue_own_page_link(shop, duplicate, by=owner)

    merge_customers(shop, owner, survivor, duplicate)

    live_cards = MemberCard.objects.filter(customer=survivor, revoked_at__isnull=True)
    live_links = OwnPageLink.objects.filter(customer=survivor, revoked_at__isnull=True)
    assert list(live_cards) == [kept_card]
    assert list(live_links) == [kept_link]
    # The survivor's card is the one that keeps working; the other code is dead.
    assert services.find_customer_by_member_code(shop, kept_card.code) == survivor
    assert services.find_customer_by_member_code(shop, old_card.code) is None
    assert members.link_from_token(members.own_page_token(old_link)) is None
    assert members.link_from_token(members.own_page_token(kept_link)) == kept_link
    # Stopped, not deleted: the old code is still on record for the survivor.
    assert MemberCard.objects.filter(customer=survivor).count() == 2


def test_merge_keeps_the_duplicates_card_and_link_when_the_survivor_has_none(
    shop, owner
):
    make_program(shop)
    survivor = make_customer(shop, name="Bu Sari")
    duplicate = make_customer(shop, name="Sari (lama)")
    card = members.issue_member_card(shop, duplicate, by=owner)
    link = members.issue_own_page_link(shop, duplicate, by=owner)

    merge_customers(shop, owner, survivor, duplicate)

    assert members.active_card(shop, survivor) == card
    assert members.active_own_link(shop, survivor) == link
    assert services.find_customer_by_member_code(shop, card.code) == survivor
