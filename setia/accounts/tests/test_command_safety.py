"""Command-line safety: `createshop` never hands a real shop to the public demo
login or (silently) to any existing account; `backup` files are private."""

import io
import os
import stat
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import HttpRequest
from django.urls import reverse

from setia.accounts.management.commands import backup as backup_command
from setia.accounts.models import Membership, Role, Shop, User
from setia.accounts.purge import purge_shop


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


# --- createshop -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["wanty", "rina"])
@pytest.mark.parametrize("existing_user", [False, True])
def test_createshop_refuses_the_demo_logins(client, login, existing_user):
    run("demo", customers=5, quiet=True)
    with pytest.raises(CommandError, match="demo"):
        run("createshop", "Toko Asli", owner=login, existing_user=existing_user)
    assert not Shop.objects.filter(name="Toko Asli").exists()
    # The published password still opens nothing but the demo shop.
    assert client.login(request=HttpRequest(), username=login, password="setia-demo")
    page = client.get(reverse("reports:home"))
    assert page.context["shop"].is_demo


@pytest.mark.django_db
def test_createshop_refuses_a_demo_login_left_after_its_shop_is_gone():
    run("demo", customers=5, quiet=True)
    purge_shop(Shop.objects.get(slug="demo"))
    assert not Membership.objects.filter(user__username="wanty").exists()
    with pytest.raises(CommandError, match="demo"):
        run("createshop", "Toko Asli", owner="wanty", existing_user=True)
    assert not Shop.objects.filter(name="Toko Asli").exists()


@pytest.mark.django_db
def test_createshop_needs_existing_user_flag_to_reuse_an_account():
    siti = User.objects.create_user("siti", password="her-own-password-1")
    with pytest.raises(CommandError, match="--existing-user"):
        run("createshop", "Toko Kedua", owner="siti")
    assert not Shop.objects.filter(name="Toko Kedua").exists()

    out = run("createshop", "Toko Kedua", owner="siti", existing_user=True)
    shop = Shop.objects.get(name="Toko Kedua")
    assert Membership.objects.get(shop=shop).user == siti
    assert Membership.objects.get(shop=shop).role == Role.OWNER
    assert "password:" not in out  # her password is hers, untouched
    siti.refresh_from_db()
    assert siti.check_password("her-own-password-1")


@pytest.mark.django_db
def test_createshop_existing_user_flag_mistakes_are_errors():
    with pytest.raises(CommandError, match="No user"):
        run("createshop", "Toko Baru", owner="nobody", existing_user=True)
    assert not User.objects.filter(username="nobody").exists()
    User.objects.create_user("siti", password="her-own-password-1")
    with pytest.raises(CommandError, match="--password"):
        run("createshop", "Toko Baru", owner="siti", existing_user=True, password="x")
    assert not Shop.objects.exists()


# --- backup -----------------------------------------------------------------


@pytest.fixture
def open_umask():
    """A umask that would make new files world-readable (the usual 022)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.django_db(transaction=True)
def test_backup_file_is_private_from_creation(tmp_path, monkeypatch, open_umask):
    """The file is 0600 before a byte is written into it, and stays 0600."""
    target = tmp_path / "backup.bin"
    seen = []
    if connection.vendor == "sqlite":
        real = backup_command.sqlite3.connect

        def connect(path, *args, **kwargs):
            seen.append(_mode(path))
            return real(path, *args, **kwargs)

        monkeypatch.setattr(backup_command.sqlite3, "connect", connect)
    else:
        real = subprocess.run

        def pg_dump(cmd, *args, **kwargs):
            seen.append(_mode(target))
            assert kwargs.get("umask") == 0o077
            return real(cmd, *args, **kwargs)

        monkeypatch.setattr(backup_command.subprocess, "run", pg_dump)
    run("backup", str(target))
    assert seen == [0o600]
    assert target.stat().st_size > 0
    assert _mode(target) == 0o600


@pytest.mark.django_db(transaction=True)
def test_backup_over_an_old_readable_file_makes_it_private(tmp_path, open_umask):
    target = tmp_path / "backup.bin"
    run("backup", str(target))
    target.chmod(0o644)
    run("backup", str(target))
    assert _mode(target) == 0o600
    assert target.stat().st_size > 0


@pytest.mark.django_db
def test_backup_into_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot write"):
        run("backup", str(tmp_path / "nope" / "backup.bin"))
