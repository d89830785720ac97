from datetime import date, timedelta

import pytest

from setia.customers.models import Customer
from setia.insights import reports, services
from setia.insights.models import CustomerScore, RunStatus, ScoreRun
from setia.insights.tests.factories import add_sale, kiosk_history, shop_history
from setia.sales.models import SaleStatus


@pytest.mark.django_db
def test_scoring_stores_one_row_per_buying_customer(shop):
    customers = shop_history(shop, n_customers=60)
    Customer.objects.create(shop=shop, name="Belum Belanja", phone="+6281399999999")
    run = services.score_shop(shop)
    assert run.status == RunStatus.DONE and run.progress == 100
    assert run.n_customers == 60
    scores = CustomerScore.objects.filter(run=run)
    assert scores.count() == 60
    assert set(scores.values_list("customer_id", flat=True)) == {
        c.pk for c in customers
    }
    assert set(scores.values_list("tier", flat=True)) == {0, 1, 2, 3}
    for s in scores:
        assert 1 <= s.r_score <= 5 and 1 <= s.f_score <= 5 and 1 <= s.m_score <= 5
        assert s.clv_idr >= 0
    assert run.details["pyramid"]


@pytest.mark.django_db
def test_summary_counts_same_day_once_and_nets_returns_and_skips_voids(shop):
    others = shop_history(shop, n_customers=30)
    customer = Customer.objects.create(shop=shop, name="Ani", phone="+6281311112222")
    day = date.today() - timedelta(days=100)
    add_sale(shop, customer, day, 100_000)
    add_sale(shop, customer, day, 50_000)  # same day: one shopping occasion
    add_sale(shop, customer, day + timedelta(days=30), 200_000, returned_idr=50_000)
    add_sale(
        shop, customer, day + timedelta(days=60), 900_000, status=SaleStatus.VOIDED
    )
    run = services.score_shop(shop)
    score = CustomerScore.objects.get(run=run, customer=customer)
    assert score.n_purchases == 2
    assert score.frequency == 1
    assert score.total_spend_idr == 300_000  # 150k + (200k − 50k); void ignored
    assert score.monetary_idr == 150_000  # the repeat day only
    assert score.first_on == day and score.last_on == day + timedelta(days=30)
    assert len(others) == 30


@pytest.mark.django_db
def test_kiosk_frequency_scores_leave_no_empty_column(shop):
    # Most kiosk customers buy once or twice a year. Plain quintiles gave
    # F1 330, F2 0, F3 120, F4 60, F5 90: an empty column on the RFM map.
    visits = kiosk_history(shop)
    run = services.score_shop(shop)
    scores = CustomerScore.objects.filter(run=run)
    f_of = dict(scores.values_list("customer_id", "f_score"))
    by_visits = {}
    for customer_id, k in visits.items():
        by_visits.setdefault(k, set()).add(f_of[customer_id])
    # Same number of purchases, same F; more purchases, never a lower F.
    assert all(len(fs) == 1 for fs in by_visits.values())
    ladder = [by_visits[k].pop() for k in sorted(by_visits)]
    assert ladder == sorted(ladder)
    assert ladder[:3] == [1, 2, 3]  # once, twice, three times
    columns = [0] * 5
    for row in reports.rfm_grid(scores):
        for cell in row["cells"]:
            columns[cell["f"] - 1] += cell["n"]
    assert columns == [330, 120, 60, 45, 45]


@pytest.mark.django_db
def test_too_few_customers_fails_the_run_with_a_clear_message(shop):
    customer = Customer.objects.create(shop=shop, name="Satu", phone="+6281311113333")
    add_sale(shop, customer, date.today(), 100_000)
    run = services.score_shop(shop)
    assert run.status == RunStatus.FAILED
    assert "pelanggan" in run.message
    assert not CustomerScore.objects.exists()


@pytest.mark.django_db
def test_few_repeat_buyers_fall_back_to_history_and_say_so(shop):
    for i in range(8):
        c = Customer.objects.create(shop=shop, name=f"P{i}", phone=f"+628131000{i:04d}")
        add_sale(shop, c, date.today() - timedelta(days=40 + i), 120_000)
    run = services.score_shop(shop)
    assert run.status == RunStatus.DONE
    assert run.purchase_model == "historical"
    assert run.details["fallback_reasons"]


@pytest.mark.django_db
def test_old_runs_are_dropped_and_scores_never_mix_shops(shop, other_shop):
    shop_history(shop, n_customers=25)
    for _ in range(services.KEEP_RUNS + 2):
        services.score_shop(shop)
    assert ScoreRun.objects.filter(shop=shop).count() == services.KEEP_RUNS
    assert services.latest_run(other_shop) is None
    run = services.latest_run(shop)
    assert CustomerScore.objects.filter(run=run).exclude(shop=shop).count() == 0


@pytest.mark.django_db
def test_lapsed_regular_is_at_risk_and_recent_regular_is_not(shop):
    shop_history(shop, n_customers=40)
    today = date.today()
    lapsed = Customer.objects.create(shop=shop, name="Lama", phone="+6281322220001")
    steady = Customer.objects.create(shop=shop, name="Rajin", phone="+6281322220002")
    for week in range(10):  # weekly for ten weeks, then gone for a year
        add_sale(shop, lapsed, today - timedelta(days=430 - 7 * week), 200_000)
        add_sale(shop, steady, today - timedelta(days=63 - 7 * week), 200_000)
    run = services.score_shop(shop)
    assert CustomerScore.objects.get(run=run, customer=lapsed).is_at_risk
    assert not CustomerScore.objects.get(run=run, customer=steady).is_at_risk
    stake = CustomerScore.objects.get(run=run, customer=lapsed).value_at_stake_idr
    # Rp 2 jt over 430 days of acquaintance, per year.
    assert abs(stake - 2_000_000 * 365 / 430) <= 1


@pytest.mark.django_db
def test_share_of_wallet_uses_the_customers_own_budget(shop):
    shop_history(shop, n_customers=30)
    customer = Customer.objects.create(
        shop=shop,
        name="Budget",
        phone="+6281322220003",
        monthly_clothing_spend_idr=500_000,
    )
    today = date.today()
    add_sale(shop, customer, today - timedelta(days=300), 600_000)
    add_sale(shop, customer, today - timedelta(days=150), 600_000)
    run = services.score_shop(shop)
    share = CustomerScore.objects.get(run=run, customer=customer).share_of_wallet
    # Rp 1.2 jt over ~300 days (9.86 months) = Rp 121.7 rb a month of Rp 500 rb.
    assert share == pytest.approx(1_200_000 / (300 / 30.4375) / 500_000, rel=1e-3)
    other = CustomerScore.objects.filter(run=run).exclude(customer=customer).first()
    assert other.share_of_wallet is None


@pytest.mark.django_db
def test_recommendations_are_items_bought_together_not_yet_bought(shop, owner):
    from setia.sales.tests.factories import make_customer, make_product, sell

    shop_history(shop, n_customers=30)
    gamis = make_product(shop, name="Gamis", stock=100).variants.first()
    hijab = make_product(shop, name="Hijab", stock=100).variants.first()
    kulot = make_product(shop, name="Kulot", stock=100).variants.first()
    for i in range(4):
        buyer = make_customer(shop, name=f"Pembeli {i}")
        from setia.sales.services import LineInput, PaymentInput, record_sale

        record_sale(
            shop,
            owner,
            customer=buyer,
            idempotency_key=f"pair-{i}",
            lines=[LineInput(gamis.pk, 1), LineInput(hijab.pk, 1)],
            payments=[PaymentInput("cash", 10_000_000)],
        )
    only_gamis = make_customer(shop, name="Baru Gamis")
    sell(shop, owner, gamis, customer=only_gamis)
    add_sale(shop, only_gamis, date.today() - timedelta(days=90), 100_000)
    run = services.score_shop(shop)
    score = CustomerScore.objects.get(run=run, customer=only_gamis)
    assert score.recommended_product_ids[0] == hijab.product_id
    assert gamis.product_id not in score.recommended_product_ids
    assert kulot.product_id not in score.recommended_product_ids  # never co-bought


@pytest.mark.django_db
def test_merging_two_scored_customers_works_and_rescoring_counts_both(shop, owner):
    from setia.customers.merging import merge_customers

    customers = shop_history(shop, n_customers=30)
    keep, dup = customers[0], customers[3]
    services.score_shop(shop)
    spent = sum(
        CustomerScore.objects.get(
            run=services.latest_run(shop), customer=c
        ).total_spend_idr
        for c in (keep, dup)
    )
    merge_customers(shop, owner, keep, dup)
    assert not CustomerScore.objects.filter(customer_id=dup.pk).exists()
    run = services.score_shop(shop)
    assert CustomerScore.objects.get(run=run, customer=keep).total_spend_idr == spent
