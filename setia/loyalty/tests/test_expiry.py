import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from setia.loyalty import ledger, members, services
from setia.loyalty.models import EntryKind, PointsEntry
from setia.loyalty.services import Redemption
from setia.loyalty.tasks import daily_loyalty
from setia.loyalty.tests.factories import make_customer, make_program, make_sale

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 10)
MAR = dt.date(2026, 3, 10)


def earn(shop, customer, points, on, owner):
    with time_machine.travel(dt.datetime.combine(on, dt.time(10)), tick=False):
        sale = make_sale(shop, customer, [(points * 10_000, 1, "", False)])
        services.record_sale_loyalty(sale, None, owner)


def test_points_expire_first_in_first_out_and_only_once(shop, owner):
    make_program(shop, expiry_months=6)
    customer = make_customer(shop)
    earn(shop, customer, 50, JAN, owner)
    earn(shop, customer, 30, MAR, owner)
    with time_machine.travel(dt.datetime(2026, 4, 1, 10), tick=False):
        services.record_sale_loyalty(
            make_sale(shop, customer), Redemption(20, 2_000, None), owner
        )
    # The January lot (50, 20 used) expires on 10 July; March's stays.
    assert ledger.expire_points(shop, dt.date(2026, 7, 9)) == 0
    assert ledger.expire_points(shop, dt.date(2026, 7, 10)) == 30
    assert ledger.expire_points(shop, dt.date(2026, 7, 10)) == 0
    assert ledger.expire_points(shop, dt.date(2026, 7, 11)) == 0
    balance = services.points_balance(shop, customer)
    # 50 + 30 - 20 + the April sale's 10 - 30 expired
    assert balance == 40
    assert ledger.expire_points(shop, dt.date(2026, 9, 10)) == 30


def test_expire_command_is_idempotent(shop, owner):
    make_program(shop, expiry_months=1)
    customer = make_customer(shop)
    earn(shop, customer, 10, JAN, owner)
    call_command("loyalty", "expire", "--date", "2026-02-10")
    call_command("loyalty", "expire", "--date", "2026-02-10")
    call_command("loyalty", "expire", "--date", "2026-02-11")
    assert list(
        PointsEntry.objects.filter(kind=EntryKind.EXPIRE).values_list(
            "points", flat=True
        )
    ) == [-10]
    assert services.points_balance(shop, customer) == 0


def test_points_never_expire_when_months_is_zero(shop, owner):
    make_program(shop, expiry_months=0)
    customer = make_customer(shop)
    earn(shop, customer, 10, JAN, owner)
    assert ledger.expire_points(shop, dt.date(2030, 1, 1)) == 0


def test_daily_task_expires_and_gives_birthday_bonus(shop, owner):
    make_program(shop, expiry_months=1, birthday_bonus_points=15)
    customer = make_customer(shop, birth_day=20, birth_month=2)
    earn(shop, customer, 10, JAN, owner)
    with time_machine.travel(dt.datetime(2026, 2, 15, 1), tick=False):
        daily_loyalty()
        daily_loyalty()
    kinds = sorted(
        PointsEntry.objects.filter(account__customer=customer).values_list(
            "kind", "points"
        )
    )
    assert kinds == [
        (EntryKind.BONUS, 15),
        (EntryKind.EARN, 10),
        (EntryKind.EXPIRE, -10),
    ]


def test_birthday_bonus_once_a_year_in_the_birthday_month(shop, owner):
    make_program(shop, birthday_bonus_points=20)
    customer = make_customer(shop, birth_day=5, birth_month=6)
    assert members.award_birthday_bonuses(shop, dt.date(2026, 5, 31)) == 0
    assert members.award_birthday_bonuses(shop, dt.date(2026, 6, 1)) == 1
    assert members.award_birthday_bonuses(shop, dt.date(2026, 6, 30)) == 0
    assert members.award_birthday_bonuses(shop, dt.date(2027, 6, 2)) == 1
    assert services.points_balance(shop, customer) == 40


def test_warning_list_shows_points_about_to_expire(shop, owner):
    make_program(shop, expiry_months=6)
    soon = make_customer(shop, name="Segera")
    later = make_customer(shop, name="Nanti")
    earn(shop, soon, 10, JAN, owner)
    earn(shop, later, 10, MAR, owner)
    rows = members.members_with_points_expiring(shop, 30, today=dt.date(2026, 7, 1))
    assert [(a.customer.name, pts, day) for a, pts, day in rows] == [
        ("Segera", 10, dt.date(2026, 7, 10))
    ]
