import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from setia.accounts.models import Membership, Role, Shop


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_createshop_makes_owner_and_prints_password():
    out = run("createshop", "Toko Kenanga", owner="kenanga")
    shop = Shop.objects.get(name="Toko Kenanga")
    member = Membership.objects.get(shop=shop)
    assert member.role == Role.OWNER and member.user.username == "kenanga"
    password = out.split("password: ")[1].strip()
    assert member.user.check_password(password)
    assert "toko-kenanga" in run("shops")


@pytest.mark.django_db
def test_demo_is_reproducible_and_refreshable():
    run("demo", customers=30, quiet=True)
    shop = Shop.objects.get(slug="demo")
    first = sorted(shop.customers.values_list("phone", flat=True))
    run("demo", customers=30, quiet=True)
    shop = Shop.objects.get(slug="demo")
    assert sorted(shop.customers.values_list("phone", flat=True)) == first
    assert Shop.objects.filter(slug="demo").count() == 1
    assert "exists" in run("demo", if_missing=True)


def _row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_gives_back_every_row(tmp_path):
    run("demo", customers=50, quiet=True)
    before = _row_counts()
    names = sorted(Shop.objects.get(slug="demo").customers.values_list("name", "phone"))
    assert sum(before.values()) > 50
    target = tmp_path / "backup.bin"
    run("backup", str(target))
    assert target.stat().st_size > 0
    call_command("flush", interactive=False, verbosity=0)
    assert Shop.objects.count() == 0
    run("restore", str(target), yes=True)
    connection.close()
    assert _row_counts() == before
    restored = sorted(
        Shop.objects.get(slug="demo").customers.values_list("name", "phone")
    )
    assert restored == names


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    from django.core.management.base import CommandError

    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CommandError):
        run("restore", str(junk), yes=True)
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_demo_never_wipes_a_real_shop_or_takes_over_a_real_user():
    from django.core.management.base import CommandError

    from setia.accounts import services
    from setia.accounts.models import User

    real_owner = User.objects.create_user("siti", password="x-long-password-1")
    real = services.create_shop("Demo", real_owner)
    assert real.slug != "demo"  # the slug is reserved for the demo shop
    services.create_shop("Toko Asli", real_owner, slug="demo")
    with pytest.raises(CommandError):
        run("demo", customers=10, quiet=True)
    assert Shop.objects.filter(slug="demo", is_demo=False).exists()

    Shop.objects.filter(slug="demo").update(slug="toko-asli")
    wanty = User.objects.create_user("wanty", password="her-own-password-1")
    Membership.objects.create(user=wanty, shop=real, role=Role.STAFF)
    with pytest.raises(CommandError):
        run("demo", customers=10, quiet=True)
    wanty.refresh_from_db()
    assert wanty.check_password("her-own-password-1")
