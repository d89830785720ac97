"""Customer pages: the list."""

import pytest

from setia.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_list_shows_numbers_as_written_here_and_finds_either_form(staff_client, shop):
    siti = CustomerFactory(shop=shop, name="Siti Aminah", phone="+6281234567890")
    for query in ["", "0812-3456-7890", "+62 812 3456", "siti"]:
        response = staff_client.get("/customers/", {"q": query})
        body = response.content.decode()
        assert list(response.context["customers"]) == [siti], query
        assert "0812-3456-7890" in body and "+6281234567890" not in body, query
