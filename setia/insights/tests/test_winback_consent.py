"""Win-back WhatsApp buttons respect marketing consent (UU PDP).

A win-back message is a promotion: the at-risk page and the home page offer the
wa.me button only to customers whose latest marketing WhatsApp answer is yes,
and say why there is no button for the others.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.customers import services as customer_services
from setia.customers.models import ConsentChannel, ConsentPurpose, Customer
from setia.insights.models import CustomerScore, RunStatus, ScoreRun

MARKETING_WA = (ConsentPurpose.MARKETING, ConsentChannel.WHATSAPP)
PAGES = ["insights:at_risk", "reports:home"]
NOTE = "Tidak mau menerima pesan promosi"


def _run(shop):
    return ScoreRun.objects.create(
        shop=shop, status=RunStatus.DONE, progress=100, n_customers=1
    )


def _at_risk(run, shop, owner, name, phone, answers=()):
    """A Platinum at-risk customer; `answers` are marketing WhatsApp answers in
    order (the latest one counts)."""
    customer = Customer.objects.create(shop=shop, name=name, phone=phone)
    for granted in answers:
        customer_services.record_consent(customer, owner, {MARKETING_WA: granted})
    today = dt.date.today()
    CustomerScore.objects.create(
        run=run,
        shop=shop,
        customer=customer,
        first_on=today - dt.timedelta(days=400),
        last_on=today - dt.timedelta(days=200),
        n_purchases=5,
        frequency=4,
        total_spend_idr=5_000_000,
        monetary_idr=1_000_000,
        r_score=1,
        f_score=4,
        m_score=5,
        segment=0,
        tier=0,  # Platinum: also listed on the home page
        probability_alive=0.1,
        expected_purchases=0.2,
        expected_spend_idr=1_000_000,
        clv_idr=100_000,
        is_at_risk=True,
        value_at_stake_idr=2_000_000,
    )
    return customer


def _row(page: str, name: str) -> str:
    """The list item of customer `name` (pages keep one row per <li>)."""
    start = page.index(name)
    return page[page.rindex("<li", 0, start) : page.index("</li>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", PAGES)
def test_no_whatsapp_button_without_marketing_consent(
    staff_client, shop, owner, url_name
):
    run = _run(shop)
    _at_risk(run, shop, owner, "Bu Tarik", "+6281299990001", answers=(True, False))
    _at_risk(run, shop, owner, "Bu Belum", "+6281299990002")
    # Yes to another channel is not yes to WhatsApp.
    sms = (ConsentPurpose.MARKETING, ConsentChannel.SMS)
    other = _at_risk(run, shop, owner, "Bu SMS", "+6281299990003")
    customer_services.record_consent(other, owner, {sms: True})

    page = staff_client.get(reverse(url_name)).content.decode()

    assert "wa.me/" not in page
    for name in ("Bu Tarik", "Bu Belum", "Bu SMS"):
        assert NOTE in _row(page, name), name


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", PAGES)
def test_whatsapp_button_kept_with_marketing_consent(
    staff_client, shop, owner, url_name
):
    run = _run(shop)
    _at_risk(run, shop, owner, "Bu Setuju", "+6281299990011", answers=(True,))
    _at_risk(run, shop, owner, "Bu Lagi", "+6281299990012", answers=(False, True))

    page = staff_client.get(reverse(url_name)).content.decode()

    for name, number in (("Bu Setuju", "6281299990011"), ("Bu Lagi", "6281299990012")):
        row = _row(page, name)
        assert f"https://wa.me/{number}" in row
        assert NOTE not in row


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", PAGES)
def test_consent_check_adds_no_query_per_row(staff_client, shop, owner, url_name):
    run = _run(shop)
    _at_risk(run, shop, owner, "Bu Satu", "+6281299990021", answers=(True,))
    url = reverse(url_name)
    staff_client.get(url)  # warm up session and caches
    with CaptureQueriesContext(connection) as one:
        staff_client.get(url)
    for i, answers in enumerate([(True,), (False,), (), (True, False)]):
        _at_risk(run, shop, owner, f"Bu {i}", f"+628129999003{i}", answers=answers)
    with CaptureQueriesContext(connection) as five:
        page = staff_client.get(url).content.decode()
    assert page.count("wa.me/") == 2
    assert len(five) == len(one)
