import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from setia.customers import services as customer_services
from setia.customers.models import ConsentChannel, ConsentPurpose
from setia.insights import services
from setia.insights.models import CustomerScore, RunStatus, ScoreRun
from setia.insights.tests.factories import shop_history


@pytest.fixture
def scored_shop(shop):
    shop_history(shop, n_customers=80)
    services.score_shop(shop)
    return shop


@pytest.mark.django_db
def test_update_now_scores_and_reports_progress(staff_client, shop):
    shop_history(shop, n_customers=40)
    response = staff_client.post(reverse("insights:update_now"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    run = ScoreRun.objects.get(shop=shop)
    assert run.status == RunStatus.DONE  # jobs run inline under tests
    poll = staff_client.get(reverse("insights:progress", args=[run.pk]))
    assert poll["HX-Refresh"] == "true"
    page = staff_client.get(reverse("insights:index")).content.decode()
    assert "40 pelanggan" in page


@pytest.mark.django_db
def test_pyramid_page_shows_every_tier_with_counts(staff_client, scored_shop):
    page = staff_client.get(reverse("insights:pyramid")).content.decode()
    for label in ("Platinum", "Emas", "Besi", "Timah"):
        assert label in page
    run = services.latest_run(scored_shop)
    platinum = CustomerScore.objects.filter(run=run, tier=0).count()
    assert platinum >= 20  # a quarter of 80, ties go up


@pytest.mark.django_db
def test_rfm_cell_click_lists_exactly_those_customers(staff_client, scored_shop):
    run = services.latest_run(scored_shop)
    cell = CustomerScore.objects.filter(run=run).values("r_score", "f_score").first()
    expected = CustomerScore.objects.filter(run=run, **cell).count()
    response = staff_client.get(
        reverse("insights:customers"), {"r": cell["r_score"], "f": cell["f_score"]}
    )
    assert response.context["page"].paginator.count == expected
    assert staff_client.get(reverse("insights:rfm")).status_code == 200


@pytest.mark.django_db
def test_bad_filters_are_404_not_500(staff_client, scored_shop):
    url = reverse("insights:customers")
    assert staff_client.get(url, {"tier": "9"}).status_code == 404
    assert staff_client.get(url, {"segment": "x"}).status_code == 404


@pytest.mark.django_db
def test_at_risk_lists_slipping_customers_with_whatsapp(staff_client, scored_shop):
    response = staff_client.get(reverse("insights:at_risk"))
    rows = list(response.context["rows"])
    assert rows, "a two-year history has lapsed customers"
    assert all(row.is_at_risk for row in rows)
    tiers = [row.tier for row in rows]
    assert tiers == sorted(tiers)  # Platinum and Gold first
    # A WhatsApp button only for a customer who agreed to promotional messages.
    assert "wa.me/62" not in response.content.decode()
    customer_services.record_consent(
        rows[0].customer,
        None,
        {(ConsentPurpose.MARKETING, ConsentChannel.WHATSAPP): True},
    )
    page = staff_client.get(reverse("insights:at_risk")).content.decode()
    assert page.count("wa.me/62") == 1


@pytest.mark.django_db
def test_pages_without_scores_say_what_to_do(staff_client):
    page = staff_client.get(reverse("insights:pyramid")).content.decode()
    assert "Belum ada skor" in page


@pytest.mark.django_db
def test_score_command(scored_shop):
    out = io.StringIO()
    call_command("score", shop=scored_shop.slug, stdout=out)
    assert "80 customers scored" in out.getvalue()


@pytest.mark.django_db
def test_cohort_page_shows_retention_by_first_month(staff_client, scored_shop):
    response = staff_client.get(reverse("insights:cohorts"))
    table = response.context["table"]
    assert 1 <= len(table["rows"]) <= 12
    for row in table["rows"]:
        first = row["cells"][0]
        assert first["share"] == 1.0 and first["n"] == row["size"]
    assert "Apakah pelanggan baru kembali?" in response.content.decode()


@pytest.mark.django_db
def test_bought_together_lists_pairs_with_product_names(staff_client, shop, owner):
    from setia.sales.services import LineInput, PaymentInput, record_sale
    from setia.sales.tests.factories import make_product

    gamis = make_product(shop, name="Gamis Syari", stock=100).variants.first()
    hijab = make_product(shop, name="Pashmina", stock=100).variants.first()
    for i in range(3):
        record_sale(
            shop,
            owner,
            idempotency_key=f"t{i}",
            lines=[LineInput(gamis.pk, 1), LineInput(hijab.pk, 1)],
            payments=[PaymentInput("cash", 1_000_000)],
        )
    # Other sales: a pair in every sale would be no more often than chance.
    kaos = make_product(shop, name="Kaos", stock=100).variants.first()
    for i in range(3):
        record_sale(
            shop,
            owner,
            idempotency_key=f"k{i}",
            lines=[LineInput(kaos.pk, 1)],
            payments=[PaymentInput("cash", 1_000_000)],
        )
    pairs = staff_client.get(reverse("insights:together")).context["pairs"]
    assert len(pairs) == 1
    assert {pairs[0]["a"], pairs[0]["b"]} == {"Gamis Syari", "Pashmina"}
    assert pairs[0]["baskets"] == 3 and pairs[0]["confidence"] == 1.0
