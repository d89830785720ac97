import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from setia.campaigns.models import Group
from setia.campaigns.results import campaign_results
from setia.campaigns.tests.factories import add_sale, launched_campaign, make_customer
from setia.sales import importing
from setia.sales.models import SaleStatus

pytestmark = pytest.mark.django_db

JAKARTA = timezone.get_fixed_timezone(7 * 60)
LAUNCH = dt.datetime(2025, 6, 2, 10, 0, tzinfo=JAKARTA)


@pytest.fixture
def campaign(shop, owner):
    for i in range(10):
        make_customer(shop, f"Pelanggan {i}")
    with time_machine.travel(LAUNCH, tick=False):
        return launched_campaign(shop, owner, control_percent=20)


def _members(campaign, group):
    return [r.customer for r in campaign.recipients.filter(group=group).order_by("id")]


def test_counts_buyers_and_net_revenue_per_group_in_the_window(shop, campaign):
    treated = _members(campaign, Group.TREATMENT)
    control = _members(campaign, Group.CONTROL)
    assert (len(treated), len(control)) == (8, 2)
    day = dt.timedelta(days=1)
    add_sale(shop, treated[0], LAUNCH + day, 200_000, returned_idr=50_000)
    add_sale(shop, treated[0], LAUNCH + 3 * day, 100_000)  # same buyer twice
    add_sale(shop, treated[1], LAUNCH + dt.timedelta(hours=2), 175_000)
    add_sale(shop, control[0], LAUNCH + 5 * day, 90_000)
    with time_machine.travel(LAUNCH + 30 * day):
        results = campaign_results(shop, campaign, 14)
    assert results.treatment.customers == 8 and results.treatment.buyers == 2
    assert results.treatment.revenue_idr == 425_000
    assert results.treatment.revenue_per_customer_idr == 53_125
    assert results.control.buyers == 1 and results.control.revenue_idr == 90_000
    assert results.comparison.lift_points == pytest.approx(25 - 50)
    assert results.verdict == "unclear"
    assert results.is_complete
    assert isinstance(results.treatment.revenue_idr, int)


def test_voided_sales_and_sales_before_launch_do_not_count(shop, campaign):
    someone = _members(campaign, Group.TREATMENT)[0]
    add_sale(shop, someone, LAUNCH - dt.timedelta(days=1), 300_000)
    add_sale(shop, someone, LAUNCH - dt.timedelta(hours=1), 300_000)  # same day
    add_sale(
        shop, someone, LAUNCH + dt.timedelta(days=1), 300_000, status=SaleStatus.VOIDED
    )
    results = campaign_results(shop, campaign, 14)
    assert results.treatment.buyers == 0 and results.treatment.revenue_idr == 0


def test_window_choice_decides_which_days_count(shop, campaign):
    someone = _members(campaign, Group.TREATMENT)[0]
    add_sale(shop, someone, LAUNCH + dt.timedelta(days=10), 120_000)
    assert campaign_results(shop, campaign, 7).treatment.buyers == 0
    assert campaign_results(shop, campaign, 14).treatment.buyers == 1
    # 14 days: the launch day and the 13 after it.
    assert campaign_results(shop, campaign, 14).ends_on == dt.date(2025, 6, 15)


def test_only_recipients_and_this_shop_count(shop, other_shop, campaign):
    outsider = make_customer(shop, "Tidak Dipilih")
    add_sale(shop, outsider, LAUNCH + dt.timedelta(days=1), 500_000)
    stranger = make_customer(other_shop, "Toko Lain")
    add_sale(other_shop, stranger, LAUNCH + dt.timedelta(days=1), 500_000)
    results = campaign_results(shop, campaign, 14)
    assert results.treatment.buyers + results.control.buyers == 0


def test_clear_lift_reads_as_extra_buyers_per_hundred(shop, owner):
    for i in range(200):
        make_customer(shop, f"P{i:03d}")
    with time_machine.travel(LAUNCH, tick=False):
        campaign = launched_campaign(shop, owner, control_percent=50)
    treated = _members(campaign, Group.TREATMENT)
    control = _members(campaign, Group.CONTROL)
    for customer in treated[:40]:
        add_sale(shop, customer, LAUNCH + dt.timedelta(days=2), 100_000)
    for customer in control[:10]:
        add_sale(shop, customer, LAUNCH + dt.timedelta(days=2), 100_000)
    results = campaign_results(shop, campaign, 14)
    assert results.verdict == "helped"
    assert results.extra_per_hundred == 30


def test_without_control_group_the_result_cannot_be_attributed(shop, owner):
    make_customer(shop)
    campaign = launched_campaign(shop, owner, control_percent=0)
    results = campaign_results(shop, campaign)
    assert results.comparison is None and results.verdict == "no_control"


def test_customer_whose_purchases_were_all_returned_is_not_a_buyer(shop, campaign):
    treated = _members(campaign, Group.TREATMENT)
    day = dt.timedelta(days=1)
    add_sale(shop, treated[0], LAUNCH + day, 150_000, returned_idr=150_000)
    # Two sales, both brought back in full: still nothing bought.
    add_sale(shop, treated[1], LAUNCH + day, 80_000, returned_idr=80_000)
    add_sale(shop, treated[1], LAUNCH + 2 * day, 20_000, returned_idr=20_000)
    # One returned in full, one kept: a buyer.
    add_sale(shop, treated[2], LAUNCH + day, 60_000, returned_idr=60_000)
    add_sale(shop, treated[2], LAUNCH + 2 * day, 45_000)
    results = campaign_results(shop, campaign, 14)
    assert results.treatment.buyers == 1
    assert results.treatment.revenue_idr == 45_000


def _clear_lift_campaign(shop, owner):
    """200 customers, half kept aside; 40 of 100 messaged and 10 of 100 kept
    aside buy two days after the launch (Fisher's p ≈ 1e-6)."""
    for i in range(200):
        make_customer(shop, f"P{i:03d}")
    with time_machine.travel(LAUNCH, tick=False):
        campaign = launched_campaign(shop, owner, control_percent=50)
    for customer in _members(campaign, Group.TREATMENT)[:40]:
        add_sale(shop, customer, LAUNCH + dt.timedelta(days=2), 100_000)
    for customer in _members(campaign, Group.CONTROL)[:10]:
        add_sale(shop, customer, LAUNCH + dt.timedelta(days=2), 100_000)
    return campaign


def test_no_helped_or_hurt_verdict_until_the_window_is_over(shop, owner):
    campaign = _clear_lift_campaign(shop, owner)
    # 14 days: 2 to 15 June; the verdict may be given from 16 June.
    with time_machine.travel(dt.datetime(2025, 6, 15, 21, 0, tzinfo=JAKARTA)):
        running = campaign_results(shop, campaign, 14)
    assert not running.is_complete and running.verdict == "running"
    assert running.extra_per_hundred == 30  # the numbers are still shown
    with time_machine.travel(dt.datetime(2025, 6, 16, 0, 5, tzinfo=JAKARTA)):
        over = campaign_results(shop, campaign, 14)
    assert over.is_complete and over.verdict == "helped"
    assert over.p_below_one_in_thousand


def test_finished_window_with_nobody_buying_says_no_difference(shop, campaign):
    results = campaign_results(shop, campaign, 14)  # today is long after June 2025
    assert results.treatment.buyers == results.control.buyers == 0
    assert results.is_complete and results.verdict == "no_difference"


def test_finished_window_with_the_same_share_says_no_difference(shop, campaign):
    treated = _members(campaign, Group.TREATMENT)  # 8
    control = _members(campaign, Group.CONTROL)  # 2
    for customer in treated[:4] + control[:1]:  # half of each
        add_sale(shop, customer, LAUNCH + dt.timedelta(days=1), 50_000)
    results = campaign_results(shop, campaign, 14)
    assert results.comparison.lift_points == 0
    assert results.verdict == "no_difference"


def test_campaign_with_nobody_to_message_has_its_own_verdict(shop, campaign):
    # As a campaign launched before the control group was capped could be.
    campaign.recipients.update(group=Group.CONTROL)
    results = campaign_results(shop, campaign, 14)
    assert results.treatment.customers == 0
    assert results.verdict == "no_treatment"


def test_window_follows_jakarta_days_for_an_early_morning_launch(shop, owner):
    # 06:00 in Jakarta is 23:00 UTC on the day before.
    launch = dt.datetime(2025, 6, 1, 23, 0, tzinfo=dt.UTC)
    customers = [make_customer(shop, f"Pagi {i}") for i in range(4)]
    with time_machine.travel(launch, tick=False):
        campaign = launched_campaign(shop, owner, control_percent=0)
    results = campaign_results(shop, campaign, 7)
    assert (results.starts_on, results.ends_on) == (
        dt.date(2025, 6, 2),
        dt.date(2025, 6, 8),
    )
    add_sale(shop, customers[0], dt.datetime(2025, 6, 2, 5, 30, tzinfo=JAKARTA), 1_000)
    add_sale(shop, customers[1], dt.datetime(2025, 6, 2, 6, 30, tzinfo=JAKARTA), 2_000)
    add_sale(shop, customers[2], dt.datetime(2025, 6, 8, 23, 30, tzinfo=JAKARTA), 4_000)
    add_sale(shop, customers[3], dt.datetime(2025, 6, 9, 0, 30, tzinfo=JAKARTA), 8_000)
    results = campaign_results(shop, campaign, 7)
    # Counted: 06:30 on the launch day and 23:30 on the last day; not counted:
    # before the launch, and 00:30 on the day after the window.
    assert results.treatment.buyers == 2
    assert results.treatment.revenue_idr == 6_000


def _import_sales(shop, owner, tmp_path, rows):
    """Sales brought in from a file, as the shop's sales import does it."""
    lines = ["Tanggal;No Nota;No HP;Nama;Barang;Qty;Total"]
    for n, (day, customer, total_idr) in enumerate(rows, 1):
        lines.append(
            f"{day:%d/%m/%Y};IMP{n};{customer.phone};{customer.name};Gamis;1;{total_idr}"
        )
    path = tmp_path / "penjualan.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = importing.commit_import(shop, owner, path, "csv")
    assert result.created == len(rows)


def test_imported_sales_count_from_the_day_after_launch_in_both_groups(
    shop, owner, campaign, tmp_path
):
    # An imported sale has a date but no time: one dated on the launch day may
    # have been made before the message, so it is not counted, in either group.
    treated = _members(campaign, Group.TREATMENT)
    control = _members(campaign, Group.CONTROL)
    launch_day, next_day = dt.date(2025, 6, 2), dt.date(2025, 6, 3)
    _import_sales(
        shop,
        owner,
        tmp_path,
        [
            (launch_day, treated[0], 100_000),
            (launch_day, control[0], 70_000),
            (next_day, treated[1], 50_000),
            (next_day, control[1], 30_000),
        ],
    )
    # A sale at the counter keeps its real time: after the launch, it counts.
    add_sale(shop, treated[2], LAUNCH + dt.timedelta(hours=1), 20_000)
    results = campaign_results(shop, campaign, 14)
    assert results.starts_on == launch_day
    assert results.treatment.buyers == 2
    assert results.treatment.revenue_idr == 70_000
    assert results.control.buyers == 1
    assert results.control.revenue_idr == 30_000
