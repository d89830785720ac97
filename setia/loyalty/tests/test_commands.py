from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from setia.loyalty import services
from setia.loyalty.models import CouponRule, PointsAccount, PointsEntry
from setia.loyalty.tests.factories import make_customer, make_program

pytestmark = pytest.mark.django_db


def test_daily_command_reports_what_it_did(shop, owner):
    make_program(shop, birthday_bonus_points=10)
    make_customer(shop, birth_day=1, birth_month=3)
    out = StringIO()
    call_command("loyalty", "daily", "--date", "2026-03-02", stdout=out)
    call_command("loyalty", "daily", "--date", "2026-03-03", stdout=out)
    assert "1 birthday bonuses" in out.getvalue()
    assert PointsEntry.objects.count() == 1


def test_command_refuses_an_unknown_shop_or_date(shop):
    with pytest.raises(CommandError):
        call_command("loyalty", "expire", "--shop", "tidak-ada")
    with pytest.raises(CommandError):
        call_command("loyalty", "expire", "--date", "31-12-2026")


def test_demo_shop_ledger_balances_equal_their_entries(db):
    call_command("demo", customers=40, quiet=True)
    accounts = PointsAccount.objects.filter(customer__isnull=False)
    assert accounts.exists()
    for account in accounts:
        total = account.entries.aggregate(total=Sum("points"))["total"] or 0
        assert account.balance == total >= 0
    shop = accounts.first().shop
    expired_again = services.ledger.expire_points(shop, timezone.localdate())
    assert expired_again == 0
    # The promotions are waiting at the counter: a hijab offer priced in.
    from setia.loyalty.promotions import active_offers

    assert [o.name for o in active_offers(shop)] == ["Hijab beli 2 gratis 1"]
    assert CouponRule.objects.filter(shop=shop, is_active=True).count() == 1
