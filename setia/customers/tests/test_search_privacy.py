"""Customer searches travel in POST bodies, never in URLs (UU PDP).

A proxy in front of Setia logs every URL, and a browser keeps pushed URLs in
its history: a name or WhatsApp number typed into a search must not be in one.
"""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from setia.accounts.tests.factories import UserFactory
from setia.customers.models import Customer, CustomerType
from setia.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

LIST = "/customers/"
HTMX = {"HTTP_HX_REQUEST": "true"}
# Attributes that hold an address the browser may request, log or keep.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "hx-get",
    "hx-post",
    "hx-push-url",
    "hx-replace-url",
    "data-url",
}


class Tags(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag, **attrs):
        return [
            a
            for t, a in self.tags
            if t == tag
            and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def urls(self) -> list[str]:
        return [v for _t, a in self.tags for k, v in a.items() if k in URL_ATTRIBUTES]


def assert_no_url_carries(response, *terms):
    html = response.content.decode()
    for term in terms:
        for url in Tags(html).urls():
            assert term.lower() not in url.lower(), f"{term!r} in {url!r}"
        for header in ("HX-Push-Url", "HX-Replace-Url", "HX-Location", "Location"):
            assert term.lower() not in response.get(header, "").lower(), header


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


@pytest.fixture
def siti(shop):
    return CustomerFactory(shop=shop, name="Siti Aminah", phone="+6281234567890")


@pytest.fixture
def budi(shop):
    return CustomerFactory(shop=shop, name="Budi Santoso", phone="+6285700001111")


@pytest.fixture
def neighbours_siti(other_shop):
    return CustomerFactory(
        shop=other_shop, name="Siti Tetangga", phone="+6281234560000"
    )


def test_the_list_page_posts_its_search_and_pushes_no_address(staff_client, siti):
    page = Tags(staff_client.get(LIST).content.decode())
    [form] = page.find("form", id="customer-search")
    assert form["method"] == "post"
    assert form["hx-post"] == LIST
    assert "hx-get" not in form and "hx-push-url" not in form
    assert page.find("input", name="csrfmiddlewaretoken")
    [box] = page.find("input", id="q")
    assert box["name"] == "q"
    assert not [a for _t, a in page.tags if a.get("hx-push-url", "false") != "false"]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_posted_search_finds_by_name_or_number_in_this_shop_only(
    staff_client, siti, budi, neighbours_siti, htmx
):
    headers = HTMX if htmx else {}
    for query in ["siti", "0812-3456-7890", "+62 812 3456", "SITI am"]:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.post(LIST, {"q": query}, **headers)
        assert response.status_code == 200
        assert list(response.context["customers"]) == [siti], query
        body = response.content.decode()
        assert "0812-3456-7890" in body and "+6281234567890" not in body
        assert "Siti Tetangga" not in body
        assert_no_url_carries(response, query, "siti")
        assert _writes(queries) == [], "a search is a read"
    if not htmx:  # the page shows the term back in the box, in the body only
        [box] = Tags(response.content.decode()).find("input", id="q")
        assert box["value"] == "SITI am"


def test_a_term_in_the_address_is_ignored(staff_client, siti, budi):
    response = staff_client.get(LIST, {"q": "siti", "tag": "x", "area": "y"})
    assert set(response.context["customers"]) == {siti, budi}
    assert response.context["params"]["q"] == ""
    [box] = Tags(response.content.decode()).find("input", id="q")
    assert box["value"] == ""
    partial = staff_client.get(LIST, {"q": "0812"}, **HTMX)
    assert set(partial.context["customers"]) == {siti, budi}


def test_fixed_filters_still_work_from_the_address_and_the_body(
    staff_client, shop, siti
):
    reseller = CustomerFactory(
        shop=shop, name="Sari Grosir", customer_type=CustomerType.RESELLER
    )
    linked = staff_client.get(LIST, {"type": CustomerType.RESELLER})
    assert list(linked.context["customers"]) == [reseller]
    posted = staff_client.post(LIST, {"q": "s", "type": CustomerType.RESELLER}, **HTMX)
    assert list(posted.context["customers"]) == [reseller]


def test_an_empty_search_shows_the_whole_list(
    staff_client, siti, budi, neighbours_siti
):
    response = staff_client.post(LIST, {"q": "  "}, **HTMX)
    assert list(response.context["customers"]) == [budi, siti]
    assert "Siti Tetangga" not in response.content.decode()


def test_spaces_are_no_search(staff_client):
    # A shop with no customers yet: spaces must not offer to add one named "  ".
    response = staff_client.post(LIST, {"q": "   "}, **HTMX)
    assert 'data-testid="add-searched"' not in response.content.decode()


def test_paging_through_search_results_keeps_the_term_out_of_urls(staff_client, shop):
    for n in range(35):
        CustomerFactory(shop=shop, name=f"Siti Nomor {n:02d}")
    for n in range(5):
        CustomerFactory(shop=shop, name=f"Budi Nomor {n:02d}")

    first = staff_client.post(LIST, {"q": "siti"})
    buttons = Tags(first.content.decode()).find("button", name="page")
    assert [(b["value"], b["form"], b["type"]) for b in buttons] == [
        ("2", "customer-search", "submit")
    ]
    assert buttons[0]["hx-post"] == LIST
    assert_no_url_carries(first, "siti")

    # The next-page button posts the search form, so the term comes along.
    second = staff_client.post(LIST, {"q": "siti", "page": "2"}, **HTMX)
    names = [c.name for c in second.context["customers"]]
    assert names == [f"Siti Nomor {n:02d}" for n in range(30, 35)]
    assert [b["value"] for b in Tags(second.content.decode()).find("button")] == ["1"]
    assert_no_url_carries(second, "siti")


@pytest.mark.parametrize("role_client", ["staff_client", "owner_client"])
def test_staff_and_owner_search(request, siti, budi, role_client):
    client = request.getfixturevalue(role_client)
    response = client.post(LIST, {"q": "budi"}, **HTMX)
    assert list(response.context["customers"]) == [budi]


def test_searching_needs_a_login_and_a_shop(client, siti):
    response = client.post(LIST, {"q": "siti"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "Siti" not in response.content.decode()
    client.force_login(UserFactory())
    no_shop = client.post(LIST, {"q": "siti"})
    assert no_shop.status_code == 302 and "Siti" not in no_shop.content.decode()


def test_the_picker_search_is_posted_and_scoped_to_the_shop(
    staff_client, client, siti, budi, neighbours_siti
):
    response = staff_client.post("/customers/search/", {"q": "siti"})
    assert list(response.context["customers"]) == [siti]
    assert "Siti Tetangga" not in response.content.decode()
    by_address = staff_client.get("/customers/search/", {"q": "siti"})
    assert by_address.status_code == 405
    assert "Siti" not in by_address.content.decode()
    client.logout()
    anonymous = client.post("/customers/search/", {"q": "siti"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("term", "field"), [("Rahmawati Sukses", "name"), ("0812 7777 1111", "phone")]
)
def test_add_a_customer_found_by_nobody_posts_the_term(staff_client, shop, term, field):
    response = staff_client.post(LIST, {"q": term}, **HTMX)
    assert_no_url_carries(response, term, term.split()[0])
    page = Tags(response.content.decode())
    [form] = [
        a for t, a in page.tags if t == "form" and a.get("action") == "/customers/add/"
    ]
    assert form["method"] == "post"
    assert page.find("input", name="prefill") == [
        {"type": "hidden", "name": "prefill", "value": term}
    ]

    opened = staff_client.post("/customers/add/", {"prefill": term})
    assert opened.status_code == 200
    form = opened.context["form"]
    other = "phone" if field == "name" else "name"
    assert not form.is_bound
    assert form.initial[field] == term and not form.initial.get(other)
    assert not Customer.objects.filter(shop=shop).exists()
    assert Tags(opened.content.decode()).find("input", name=field)[0]["value"] == term


def test_the_add_page_takes_no_name_from_the_address(staff_client):
    response = staff_client.get("/customers/add/", {"name": "Siti Aminah"})
    assert response.status_code == 200
    assert "Siti Aminah" not in response.content.decode()
