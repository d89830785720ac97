"""Next-order coupons: a qualifying sale issues one, the receipt and the profile
show it, the next sale uses it, a void of the issuing sale cancels it."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from setia.accounts.models import AuditEvent
from setia.loyalty.models import CouponRule, PromoCode
from setia.loyalty.promotions import COUPON_ALPHABET, open_coupons
from setia.loyalty.tests.factories import make_program
from setia.sales import services
from setia.sales.receipts import receipt_text
from setia.sales.services import LineInput, PaymentInput
from setia.sales.tests.factories import make_customer, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def gamis(shop):
    return make_product(
        shop, name="Gamis Zahra", price=150_000, grosir=0
    ).variants.get()


@pytest.fixture
def rule(shop):
    return CouponRule.objects.create(
        shop=shop,
        name="Kupon belanja lagi",
        min_spend_idr=300_000,
        discount_idr=25_000,
        valid_days=30,
    )


@pytest.fixture
def siti(shop):
    return make_customer(shop, name="Siti Lestari")


def sell(shop, by, variant, quantity=1, *, customer=None, code="", key=None):
    return services.record_sale(
        shop,
        by,
        lines=[LineInput(variant.pk, quantity)],
        payments=[PaymentInput("cash", None)],
        idempotency_key=key or uuid.uuid4().hex,
        customer=customer,
        promo_code=code,
    )


def coupon_of(sale) -> PromoCode | None:
    return PromoCode.objects.filter(issued_by_sale_id=sale.pk).first()


def tomorrow():
    """A coupon for the next purchase works from the day after it was issued."""
    return time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=True)


def test_a_qualifying_sale_issues_a_coupon_bound_to_the_customer(
    shop, owner, gamis, rule, siti
):
    sale = sell(shop, owner, gamis, 2, customer=siti)
    coupon = coupon_of(sale)
    assert len(coupon.code) == 8 and set(coupon.code) <= set(COUPON_ALPHABET)
    assert coupon.customer == siti and coupon.rule == rule
    assert (coupon.max_uses, coupon.discount_idr) == (1, 25_000)
    # "Valid 30 days": from tomorrow, 30 days in all.
    today = timezone.localdate()
    assert coupon.valid_from == today + dt.timedelta(days=1)
    assert coupon.valid_until == today + dt.timedelta(days=30)
    assert list(open_coupons(shop, siti)) == [coupon]
    assert list(open_coupons(shop, siti, usable_today=True)) == []
    with tomorrow():
        assert list(open_coupons(shop, siti, usable_today=True)) == [coupon]


def test_the_coupon_cannot_be_used_on_the_day_it_was_issued(
    shop, owner, gamis, rule, siti
):
    """Else the rest of one basket, rung up as a second sale, takes the coupon
    meant to bring the customer back another day."""
    coupon = coupon_of(sell(shop, owner, gamis, 2, customer=siti))
    start = coupon.valid_from.strftime("%d/%m/%Y")
    with pytest.raises(ValidationError, match=f"baru bisa dipakai mulai {start}"):
        sell(shop, owner, gamis, customer=siti, code=coupon.code)
    with tomorrow():
        assert sell(shop, owner, gamis, customer=siti, code=coupon.code).promo_code


def test_no_coupon_below_the_amount_for_a_walk_in_or_an_inactive_rule(
    shop, owner, gamis, rule, siti
):
    assert coupon_of(sell(shop, owner, gamis, 1, customer=siti)) is None
    assert coupon_of(sell(shop, owner, gamis, 2)) is None
    rule.is_active = False
    rule.save()
    assert coupon_of(sell(shop, owner, gamis, 2, customer=siti)) is None


def test_the_highest_rule_reached_gives_the_coupon(shop, owner, gamis, rule, siti):
    CouponRule.objects.create(
        shop=shop, name="Kupon besar", min_spend_idr=600_000, percent_bp=1000
    )
    assert coupon_of(sell(shop, owner, gamis, 2, customer=siti)).discount_idr == 25_000
    big = coupon_of(sell(shop, owner, gamis, 4, customer=siti))
    assert (big.percent_bp, big.discount_idr) == (1000, 0)


def test_a_retried_sale_issues_one_coupon(shop, owner, gamis, rule, siti):
    first = sell(shop, owner, gamis, 2, customer=siti, key="tap")
    again = sell(shop, owner, gamis, 2, customer=siti, key="tap")
    assert first.pk == again.pk
    assert PromoCode.objects.filter(customer=siti).count() == 1


def test_the_coupon_works_once_and_only_for_its_customer(
    shop, owner, gamis, rule, siti
):
    code = coupon_of(sell(shop, owner, gamis, 2, customer=siti)).code
    rina = make_customer(shop, name="Rina")
    with tomorrow():
        with pytest.raises(ValidationError, match="milik pelanggan lain"):
            sell(shop, owner, gamis, customer=rina, code=code)
        with pytest.raises(ValidationError, match="milik pelanggan lain"):
            sell(shop, owner, gamis, code=code)
        next_sale = sell(shop, owner, gamis, customer=siti, code=code.lower())
        assert next_sale.promo_discount_idr == 25_000
        with pytest.raises(ValidationError, match="sudah habis dipakai"):
            sell(shop, owner, gamis, customer=siti, code=code)
        assert list(open_coupons(shop, siti)) == []


def test_an_expired_coupon_is_refused(shop, owner, gamis, rule, siti):
    code = coupon_of(sell(shop, owner, gamis, 2, customer=siti)).code
    later = timezone.now() + dt.timedelta(days=32)
    with (
        time_machine.travel(later),
        pytest.raises(ValidationError, match="tidak berlaku hari ini"),
    ):
        sell(shop, owner, gamis, customer=siti, code=code)


def test_a_coupon_with_a_minimum_purchase_needs_it(shop, owner, gamis, rule, siti):
    rule.min_purchase_idr = 200_000
    rule.save()
    code = coupon_of(sell(shop, owner, gamis, 2, customer=siti)).code
    with tomorrow(), pytest.raises(ValidationError, match="minimal Rp 200.000"):
        sell(shop, owner, gamis, 1, customer=siti, code=code)


def test_voiding_the_issuing_sale_cancels_an_unused_coupon(
    shop, owner, gamis, rule, siti
):
    sale = sell(shop, owner, gamis, 2, customer=siti)
    coupon = coupon_of(sale)
    services.void_sale(shop, owner, sale, reason="salah input")
    coupon.refresh_from_db()
    assert not coupon.is_active
    with pytest.raises(ValidationError, match="tidak ada"):
        sell(shop, owner, gamis, customer=siti, code=coupon.code)
    assert AuditEvent.objects.filter(action="loyalty.coupon_cancelled").count() == 1


def test_voiding_the_issuing_sale_after_the_coupon_was_used_keeps_that_use(
    shop, owner, gamis, rule, siti
):
    sale = sell(shop, owner, gamis, 2, customer=siti)
    coupon = coupon_of(sale)
    with tomorrow():
        used_on = sell(shop, owner, gamis, customer=siti, code=coupon.code)
    services.void_sale(shop, owner, sale, reason="retur penuh")
    coupon.refresh_from_db()
    assert coupon.uses == 1
    used_on.refresh_from_db()
    assert used_on.promo_discount_idr == 25_000


def test_receipt_page_and_whatsapp_text_tell_the_code_and_expiry(
    owner_client, shop, owner, gamis, rule, siti
):
    sale = sell(shop, owner, gamis, 2, customer=siti)
    coupon = coupon_of(sale)
    start = coupon.valid_from.strftime("%d/%m/%Y")
    day = coupon.valid_until.strftime("%d/%m/%Y")
    page = owner_client.get(reverse("sales:receipt", args=[sale.pk])).content.decode()
    assert coupon.code in page and day in page and "Rp 25.000" in page
    assert f"mulai {start}" in page
    text = receipt_text(sale)
    assert f"*{coupon.code}*" in text and day in text and f"mulai {start}" in text
    assert "Kupon" in text or "kupon" in text


def test_the_profile_panel_lists_open_coupons(
    owner_client, shop, owner, gamis, rule, siti
):
    make_program(shop)
    code = coupon_of(sell(shop, owner, gamis, 2, customer=siti)).code
    url = reverse("customers:detail", args=[siti.pk])
    page = owner_client.get(url).content.decode()
    assert 'data-testid="open-coupons"' in page and code in page
    assert "mulai" in page  # it starts tomorrow
    with tomorrow():
        sell(shop, owner, gamis, customer=siti, code=code)
        assert code not in owner_client.get(url).content.decode()


# ---- The Owner's page ----


def test_the_owner_sets_up_a_coupon_rule_and_it_is_audited(owner_client, shop):
    response = owner_client.post(
        reverse("loyalty:coupon_rules"),
        {
            "name": "Belanja 300rb dapat 25rb",
            "min_spend_idr": "300000",
            "discount_idr": "25000",
            "percent_bp": "0",
            "cap_idr": "0",
            "min_purchase_idr": "0",
            "valid_days": "14",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = CouponRule.objects.get(shop=shop)
    assert (rule.min_spend_idr, rule.valid_days) == (300_000, 14)
    assert AuditEvent.objects.filter(
        shop=shop, action="loyalty.coupon_rule_saved"
    ).exists()
    page = owner_client.get(reverse("loyalty:coupon_rules")).content.decode()
    assert "Belanja 300rb dapat 25rb" in page


def test_a_coupon_rule_needs_a_discount(owner_client, shop):
    response = owner_client.post(
        reverse("loyalty:coupon_rules"),
        {"name": "Kosong", "min_spend_idr": "1", "valid_days": "7"},
    )
    assert response.status_code == 200
    assert not CouponRule.objects.exists()


def test_a_coupon_rule_of_more_than_ten_years_is_refused(owner_client, shop):
    response = owner_client.post(
        reverse("loyalty:coupon_rules"),
        {
            "name": "Selamanya",
            "min_spend_idr": "1",
            "discount_idr": "5000",
            "valid_days": "3650000",
        },
    )
    assert response.status_code == 200
    assert not CouponRule.objects.exists()


def test_the_owner_edits_a_rule_and_staff_cannot(
    owner_client, shop, rule, staff_user, client
):
    url = reverse("loyalty:coupon_rule_edit", args=[rule.pk])
    owner_client.post(
        url,
        {
            "name": "Kupon baru",
            "min_spend_idr": "500000",
            "discount_idr": "50000",
            "percent_bp": "0",
            "cap_idr": "0",
            "min_purchase_idr": "0",
            "valid_days": "30",
        },
    )
    rule.refresh_from_db()
    assert (rule.name, rule.is_active) == ("Kupon baru", False)
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("loyalty:coupon_rules")).status_code == 403


def test_without_a_points_program_the_profile_still_lists_open_coupons(
    owner_client, shop, owner, gamis, rule, siti
):
    code = coupon_of(sell(shop, owner, gamis, 2, customer=siti)).code
    page = owner_client.get(reverse("customers:detail", args=[siti.pk]))
    text = page.content.decode()
    assert 'data-testid="loyalty-panel"' in text
    assert 'data-testid="open-coupons"' in text and code in text
    # No points program: no points, tier or member-card block.
    assert reverse("loyalty:card", args=[siti.pk]) not in text


def test_a_kasbon_sale_earns_its_coupon_when_paid_in_full(
    shop, owner, gamis, rule, siti
):
    sale = services.record_sale(
        shop,
        owner,
        lines=[LineInput(gamis.pk, 2)],
        payments=[PaymentInput("cash", 100_000)],
        idempotency_key=uuid.uuid4().hex,
        customer=siti,
        on_credit=True,
    )
    assert sale.outstanding_idr == 200_000 and coupon_of(sale) is None
    services.settle_credit(shop, owner, sale, method="cash", amount_idr=150_000)
    assert coupon_of(sale) is None
    services.settle_credit(shop, owner, sale, method="qris", amount_idr=50_000)
    assert coupon_of(sale).customer == siti
    # Paying again is refused and issues nothing more.
    assert PromoCode.objects.filter(issued_by_sale_id=sale.pk).count() == 1


def test_returning_the_purchase_cancels_its_unused_coupon(
    shop, owner, gamis, rule, siti
):
    sale = sell(shop, owner, gamis, 3, customer=siti)  # Rp 450.000
    coupon = coupon_of(sale)
    line = sale.lines.get()

    def give_back(pieces):
        services.record_return(
            shop,
            owner,
            sale,
            quantities={line.pk: pieces},
            reason="tidak cocok",
            refund_method="cash",
        )
        coupon.refresh_from_db()

    give_back(1)  # Rp 300.000 kept: still reaches the rule's Rp 300.000
    assert coupon.is_active
    give_back(2)  # nothing kept
    assert not coupon.is_active
    assert AuditEvent.objects.filter(action="loyalty.coupon_cancelled").exists()
    page_sale = sale.__class__.objects.get(pk=sale.pk)
    assert coupon.code not in receipt_text(page_sale)


def test_a_used_coupon_no_longer_shows_on_the_issuing_receipt(
    shop, owner, gamis, rule, siti
):
    sale = sell(shop, owner, gamis, 2, customer=siti)
    code = coupon_of(sale).code
    assert code in receipt_text(sale)
    with tomorrow():
        sell(shop, owner, gamis, customer=siti, code=code)
    assert code not in receipt_text(sale)
