"""`setia demo`: create or refresh the demo shop (a women's clothing kiosk).

Each app that has demo data provides `setia.<app>.demo.populate(shop, rng, today)`;
they run in INSTALLED_APPS order, so the generator grows with the apps.
"""

import importlib
import random

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from setia.accounts import services
from setia.accounts.models import Role, Shop, User
from setia.accounts.purge import purge_shop

DEMO_SLUG = "demo"
DEMO_OWNER = "wanty"
DEMO_STAFF = "rina"
DEMO_PASSWORD = "setia-demo"  # noqa: S105 - a published demo login, not a secret


class Command(BaseCommand):
    help = "Create or refresh the demo shop with reproducible data."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument("--customers", type=int, default=600)
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument(
            "--if-missing", action="store_true", help="keep an existing demo shop"
        )

    def handle(self, *args, seed, customers, quiet, if_missing, **options):
        if if_missing and Shop.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write(
                f"Demo shop exists. Log in as {DEMO_OWNER} or {DEMO_STAFF}, "
                f"password {DEMO_PASSWORD} (setia demo refreshes it)"
            )
            return
        rng = random.Random(seed)
        today = timezone.localdate()
        with transaction.atomic():
            for old in Shop.objects.filter(slug=DEMO_SLUG):
                if not old.is_demo:
                    raise CommandError(
                        f"The shop with slug {DEMO_SLUG!r} is a real shop; "
                        "setia demo will not touch it."
                    )
                purge_shop(old)
            owner = _user(DEMO_OWNER, "Wanty")
            staff = _user(DEMO_STAFF, "Rina")
            shop = services.create_shop(
                "Butik Wanty (Kios KN-3, Pasar 8)",
                owner,
                whatsapp="+6281290001234",
                address="Pasar 8 Alam Sutera, Kios KN-3, Tangerang Selatan",
                slug=DEMO_SLUG,
            )
            shop.is_demo = True
            shop.save(update_fields=["is_demo"])
            services.add_staff(
                shop, owner, DEMO_STAFF, "Rina", DEMO_PASSWORD, Role.STAFF
            )
            del staff
            for config in apps.get_app_configs():
                if not config.name.startswith("setia."):
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                summary = module.populate(shop, rng, today, n_customers=customers)
                if not quiet and summary:
                    self.stdout.write(f"  {config.label}: {summary}")
        if not quiet:
            self.stdout.write(
                f"Demo shop ready. Log in as {DEMO_OWNER} (owner) or {DEMO_STAFF} "
                f"(staff), password {DEMO_PASSWORD}"
            )


def _user(username: str, name: str) -> User:
    user, _created = User.objects.get_or_create(
        username=username, defaults={"first_name": name, "language": "id"}
    )
    if user.memberships.filter(shop__is_demo=False).exists():
        # Resetting this password to the published demo one would open a real shop.
        raise CommandError(
            f"User {username!r} works in a real shop; setia demo will not reset "
            "their password."
        )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user
