"""The rules a sale reads (offers, loyalty program, coupon rules) are cached per
server process under the shop's settings token: a change made on the Owner's
screens must reach the very next sale, whatever the process or the age of the
`shop` object in hand."""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.accounts.models import Shop, shop_settings_scope
from setia.loyalty import promotions
from setia.loyalty.models import EntryKind, PointsEntry, PromoCode
from setia.sales import services
from setia.sales.models import Sale
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_customer, make_product

pytestmark = pytest.mark.django_db
NEW = "/sales/new/"

PROGRAM = {
    "is_active": "on",
    "idr_per_point": "10000",
    "rounding": "floor",
    "min_purchase_idr": "0",
    "excluded_categories": "",
    "earn_after_discounts": "on",
    "earn_and_redeem_same_sale": "on",
    "point_value_idr": "100",
    "expiry_months": "12",
    "welcome_bonus_points": "0",
    "birthday_bonus_points": "0",
    "referral_bonus_points": "0",
    "tier_basis": "spend",
}
RULE = {
    "name": "Belanja 100rb dapat 10rb",
    "min_spend_idr": "100000",
    "discount_idr": "10000",
    "percent_bp": "0",
    "cap_idr": "0",
    "min_purchase_idr": "0",
    "valid_days": "14",
    "is_active": "on",
}


def _offer(product):
    return {
        "name": "Beli 2 gratis 1",
        "buy_qty": "2",
        "buy_product": product.pk,
        "buy_category": "",
        "get_qty": "1",
        "percent_off_bp": "100",
        "is_active": "on",
    }


@pytest.fixture
def clients(owner, staff_user):
    owner_client, staff_client = Client(), Client()
    owner_client.force_login(owner)
    staff_client.force_login(staff_user)
    return owner_client, staff_client


@pytest.fixture
def gamis(shop):
    return make_product(shop, name="Gamis Zahra", price=150_000, grosir=0, stock=99)


def _save_sale(staff_client, variant, customer, qty=3) -> Sale:
    key = uuid.uuid4().hex
    response = staff_client.post(
        NEW,
        {
            "key": key,
            "v": [variant.pk],
            "q": [qty],
            "customer": customer.pk,
            "action": "save",
            "pay_method": "cash",
        },
    )
    assert response.status_code == 302, response.content[:300]
    return Sale.objects.get(idempotency_key=key)


def _earned(sale) -> int:
    entry = PointsEntry.objects.filter(sale_id=sale.pk, kind=EntryKind.EARN).first()
    return entry.points if entry else 0


def test_rule_changes_reach_the_very_next_sale(clients, shop, gamis):
    owner_client, staff_client = clients
    variant = gamis.variants.get()
    customer = make_customer(shop)
    staff_client.get(NEW)  # the sale screen reads (and caches) the rules too

    before = _save_sale(staff_client, variant, customer)
    assert before.total_idr == 450_000
    assert _earned(before) == 0
    assert not PromoCode.objects.filter(issued_by_sale_id=before.pk).exists()

    assert (
        owner_client.post(reverse("loyalty:offers"), _offer(gamis)).status_code == 302
    )
    assert owner_client.post(reverse("loyalty:settings"), PROGRAM).status_code == 302
    assert owner_client.post(reverse("loyalty:coupon_rules"), RULE).status_code == 302

    after = _save_sale(staff_client, variant, customer)
    assert after.total_idr == 300_000  # the third piece is free
    assert _earned(after) == 30
    assert PromoCode.objects.filter(issued_by_sale_id=after.pk).exists()

    offer = shop.buy_get_offers.get()
    rule = shop.coupon_rules.get()
    switched_off = {**_offer(gamis), "is_active": ""}
    owner_client.post(reverse("loyalty:offer_edit", args=[offer.pk]), switched_off)
    owner_client.post(
        reverse("loyalty:coupon_rule_edit", args=[rule.pk]),
        {**RULE, "is_active": ""},
    )
    owner_client.post(reverse("loyalty:settings"), {**PROGRAM, "idr_per_point": "5000"})

    last = _save_sale(staff_client, variant, customer)
    assert last.total_idr == 450_000
    assert _earned(last) == 90
    assert not PromoCode.objects.filter(issued_by_sale_id=last.pk).exists()


def test_unchanged_rules_are_not_read_again_for_each_sale(clients, shop, gamis):
    owner_client, staff_client = clients
    variant = gamis.variants.get()
    customer = make_customer(shop)
    owner_client.post(reverse("loyalty:offers"), _offer(gamis))
    owner_client.post(reverse("loyalty:settings"), PROGRAM)
    owner_client.post(reverse("loyalty:coupon_rules"), RULE)
    _save_sale(staff_client, variant, customer)
    with CaptureQueriesContext(connection) as queries:
        sale = _save_sale(staff_client, variant, customer)
    assert sale.total_idr == 300_000 and _earned(sale) == 30
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    for table in (
        "loyalty_buygetoffer",
        "loyalty_programversion",
        "loyalty_couponrule",
    ):
        assert f'FROM "{table}"' not in sql


def test_a_sale_with_an_old_shop_object_still_sees_new_rules(shop, owner, gamis):
    variant = gamis.variants.get()

    def sell_three():
        return services.record_sale(
            shop,
            owner,
            lines=[LineInput(variant.pk, 3)],
            payments=[PaymentInput("cash", None)],
            idempotency_key=uuid.uuid4().hex,
        )

    assert sell_three().total_idr == 450_000
    # Another request (another process) saves an offer through its own shop row;
    # the `shop` object here still carries the old settings token.
    elsewhere = Shop.objects.get(pk=shop.pk)
    offer = promotions.save_offer(
        elsewhere, by=owner, name="Beli 2 gratis 1", buy_product=gamis, buy_qty=2
    )
    assert sell_three().total_idr == 300_000
    promotions.save_offer(
        Shop.objects.get(pk=shop.pk), by=owner, offer=offer, is_active=False
    )
    assert sell_three().total_idr == 450_000


def test_after_a_scope_that_saved_rules_the_thread_reads_them_afresh(shop):
    """A scope ends without leaving its token behind in the thread, even when
    rules were saved inside it; else code outside any scope later in the same
    thread read rules cached under that old token."""
    from setia.accounts.models import new_settings_token, shop_settings_scope
    from setia.loyalty import ledger
    from setia.loyalty.models import ProgramVersion
    from setia.loyalty.tests.factories import make_program

    with shop_settings_scope(shop.pk):
        program = make_program(shop, welcome_bonus_points=1)
        assert ledger.current_program(shop).welcome_bonus_points == 1
    # Another server process changes the rules: new values, new token.
    ProgramVersion.objects.filter(pk=program.pk).update(welcome_bonus_points=7)
    Shop.objects.filter(pk=shop.pk).update(settings_token=new_settings_token())
    assert ledger.current_program(shop).welcome_bonus_points == 7


def _tier(owner_client, name, min_spend, times, active="on", tier=None):
    url = (
        reverse("loyalty:tier_edit", args=[tier.pk])
        if tier is not None
        else reverse("loyalty:tiers")
    )
    response = owner_client.post(
        url,
        {
            "name": name,
            "min_spend_idr": str(min_spend),
            "multiplier_bp": times,
            "is_active": active,
        },
    )
    assert response.status_code == 302, response.content[:300]


def test_tier_changes_reach_the_very_next_sale(clients, shop, gamis):
    """Tiers are read from the per-process cache inside the sale; a tier the
    Owner adds, raises or switches off counts from the next sale on."""
    owner_client, staff_client = clients
    variant = gamis.variants.get()
    customer = make_customer(shop)
    owner_client.post(reverse("loyalty:settings"), PROGRAM)
    _tier(owner_client, "Silver", 0, "1")
    first = _save_sale(staff_client, variant, customer, qty=1)  # Rp 150.000
    assert _earned(first) == 15
    assert customer.points_account.tier.name == "Silver"

    _tier(owner_client, "Gold", 200_000, "2")
    second = _save_sale(staff_client, variant, customer, qty=1)  # 300.000 a year
    assert _earned(second) == 15  # earned at Silver, then moved up
    customer.points_account.refresh_from_db()
    assert customer.points_account.tier.name == "Gold"
    assert _earned(_save_sale(staff_client, variant, customer, qty=1)) == 30

    gold = shop.loyalty_tiers.get(name="Gold")
    _tier(owner_client, "Gold", 1_000_000, "2", tier=gold)
    _save_sale(staff_client, variant, customer, qty=1)
    customer.points_account.refresh_from_db()
    assert customer.points_account.tier.name == "Silver"

    silver = shop.loyalty_tiers.get(name="Silver")
    _tier(owner_client, "Silver", 0, "1", active="", tier=silver)
    _save_sale(staff_client, variant, customer, qty=1)
    customer.points_account.refresh_from_db()
    assert customer.points_account.tier is None


def test_a_members_sale_reads_nothing_back_inside_its_transaction(clients, shop, gamis):
    """Inside the write transaction (on SQLite the other clerks wait for it):
    no tier rows, no lines read back, no look-up of the new sale's entry key,
    no savepoint."""
    owner_client, staff_client = clients
    variant = gamis.variants.get()
    customer = make_customer(shop)
    owner_client.post(reverse("loyalty:settings"), PROGRAM)
    _tier(owner_client, "Silver", 0, "1")
    _tier(owner_client, "Gold", 1_000_000, "2")
    _save_sale(staff_client, variant, customer, qty=1)
    with CaptureQueriesContext(connection) as queries:
        sale = _save_sale(staff_client, variant, customer, qty=1)
    assert _earned(sale) == 15
    sqls = [q["sql"] for q in queries.captured_queries]
    # From the customer's last-purchase date, the sale's first write, to its
    # last write (PostgreSQL's BEGIN and COMMIT are not captured).
    begin = next(i for i, s in enumerate(sqls) if 'UPDATE "customers_customer"' in s)
    end = max(
        i
        for i, s in enumerate(sqls)
        if s.startswith(("INSERT", "UPDATE")) and ('"sales_' in s or '"loyalty_' in s)
    )
    inside = sqls[begin : end + 1]
    assert len(inside) > 5
    assert not [s for s in inside if 'FROM "loyalty_tier"' in s]
    assert not [s for s in inside if 'FROM "sales_saleline"' in s]
    assert not [s for s in inside if 'FROM "loyalty_pointsentry"' in s]
    assert not [s for s in inside if "SAVEPOINT" in s]


@pytest.mark.parametrize("undo", ["void", "return"])
def test_a_void_or_return_sees_a_tier_switched_off_after_its_request_began(
    shop, owner, gamis, undo
):
    """The request's shop row (and its settings token) is read when the request
    starts; the Owner may switch a tier off in another process before the void
    or return gets its turn to write. It must still see the change (found in
    review: tiers from the cache under the request's token kept the member in
    the retired tier)."""
    from setia.loyalty import programs
    from setia.loyalty.models import PointsAccount

    programs.save_program(
        shop,
        by=owner,
        is_active=True,
        idr_per_point=10_000,
        min_purchase_idr=0,
        earn_after_discounts=True,
    )

    def tier(name, spend, active=True, instance=None):
        return programs.save_tier(
            shop,
            by=owner,
            tier=instance,
            name=name,
            min_spend_idr=spend,
            multiplier_bp=10_000,
            perk="",
            is_active=active,
        )

    silver, gold = tier("Silver", 0), tier("Gold", 200_000)
    variant = gamis.variants.get()
    customer = make_customer(shop)
    sales = [
        services.record_sale(
            shop,
            owner,
            lines=[LineInput(variant.pk, 1)],
            payments=[PaymentInput("cash", None)],
            idempotency_key=uuid.uuid4().hex,
            customer=customer,
        )
        for _ in range(3)
    ]
    account = PointsAccount.objects.get(customer=customer)
    assert account.tier == gold  # Rp 450.000 in 12 months
    token_when_the_request_began = Shop.objects.get(pk=shop.pk).settings_token
    tier("Gold", 200_000, active=False, instance=gold)
    with shop_settings_scope(shop.pk, token_when_the_request_began):
        if undo == "void":
            services.void_sale(shop, owner, sales[0], reason="salah input")
        else:
            line = sales[0].lines.get()
            services.record_return(
                shop,
                owner,
                sales[0],
                quantities={line.pk: 1},
                reason="kekecilan",
                refund_method="cash",
            )
    account.refresh_from_db()
    assert account.tier == silver
