"""The sale screen's customer picker posts what the clerk typed (UU PDP).

A name, a WhatsApp number or a member code in a URL would land in the access
log of any proxy in front of Setia.
"""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from setia.loyalty import members, programs
from setia.sales.tests.factories import make_customer

pytestmark = pytest.mark.django_db

PICKER = "/sales/new/customers/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def attributes_of(html: str, element_id: str) -> dict:
    found = {}

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("id") == element_id:
                found.update(attrs)

    Parser().feed(html)
    return found


def test_the_sale_screen_posts_only_the_customer_search_term(staff_client):
    html = staff_client.get("/sales/new/").content.decode()
    box = attributes_of(html, "cq")
    assert box["name"] == "cq"
    assert box["hx-post"] == PICKER and "hx-get" not in box
    # Only the term goes along, not the whole cart; the CSRF token comes from
    # the hx-headers on <body>.
    assert box["hx-params"] == "cq"
    assert "X-CSRFToken" in html
    # The catalogue search beside it searches no people and stays a GET.
    assert attributes_of(html, "iq")["hx-get"] == "/sales/new/items/"


def test_the_picker_finds_by_name_number_and_member_code_in_this_shop_only(
    staff_client, shop, owner, other_shop
):
    programs.save_program(shop, by=owner)
    siti = make_customer(shop, name="Siti Lestari")
    make_customer(shop, name="Budi Santoso")
    make_customer(other_shop, name="Siti Tetangga")
    card = members.issue_member_card(shop, siti, by=owner)
    local = "0" + siti.phone[3:]
    for term in ["siti", "lestari", local, card.code.lower()]:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.post(PICKER, {"cq": term}, **HTMX)
        assert response.status_code == 200
        assert list(response.context["customers"]) == [siti], term
        body = response.content.decode()
        assert "Siti Lestari" in body and "Siti Tetangga" not in body
        assert "Budi" not in body
        writes = [
            q["sql"]
            for q in queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == [], "a search is a read"


def test_an_empty_picker_search_lists_nobody(staff_client, shop):
    make_customer(shop, name="Siti Lestari")
    response = staff_client.post(PICKER, {"cq": " "}, **HTMX)
    assert list(response.context["customers"]) == []


def test_the_picker_no_longer_answers_a_term_in_the_address(staff_client, shop):
    make_customer(shop, name="Siti Lestari")
    response = staff_client.get(PICKER, {"cq": "siti"}, **HTMX)
    assert response.status_code == 405
    assert "Siti" not in response.content.decode()


@pytest.mark.parametrize("role_client", ["staff_client", "owner_client"])
def test_staff_and_owner_use_the_picker(request, shop, role_client):
    client = request.getfixturevalue(role_client)
    make_customer(shop, name="Siti Lestari")
    response = client.post(PICKER, {"cq": "siti"}, **HTMX)
    assert "Siti Lestari" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_picker_sends_a_stranger_to_the_login(client, shop, method):
    make_customer(shop, name="Siti Lestari")
    response = getattr(client, method)(PICKER, {"cq": "siti"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "Siti" not in response.content.decode()
