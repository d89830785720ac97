"""`setia loyalty expire|birthdays|daily [--shop SLUG] [--date YYYY-MM-DD]`."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from setia.accounts.models import Shop
from setia.loyalty import jobs, ledger, members


class Command(BaseCommand):
    help = "Loyalty jobs: expire points, birthday bonuses, or the whole daily run."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["expire", "birthdays", "daily"])
        parser.add_argument("--shop", help="shop slug (default: every shop)")
        parser.add_argument("--date", help="run as if today were YYYY-MM-DD")

    def handle(self, *args, action, shop=None, date=None, **options):
        today = timezone.localdate()
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date}") from exc
        shops = Shop.objects.all()
        if shop:
            shops = shops.filter(slug=shop)
            if not shops.exists():
                raise CommandError(f"no shop with slug {shop}")
        if action == "daily":
            totals = jobs.run_daily(today, shops)
            self.stdout.write(
                f"expired {totals['expired']} points, "
                f"{totals['birthdays']} birthday bonuses, "
                f"{totals['tiers']} tier changes"
            )
            return
        total = 0
        for one in shops:
            if action == "expire":
                total += ledger.expire_points(one, today)
            else:
                total += members.award_birthday_bonuses(one, today)
        noun = "points expired" if action == "expire" else "birthday bonuses"
        self.stdout.write(f"{total} {noun}")
