"""`setia score --shop SLUG` (or `--all`): score customers now."""

from django.core.management.base import BaseCommand, CommandError

from setia.accounts.models import Shop
from setia.insights import services


class Command(BaseCommand):
    help = "Compute RFM, pyramid tier and lifetime value for a shop's customers."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--shop", help="shop slug")
        group.add_argument("--all", action="store_true", help="every shop")

    def handle(self, *args, shop, all, **options):
        shops = Shop.objects.all() if all else Shop.objects.filter(slug=shop)
        if not all and not shops.exists():
            raise CommandError(f"no shop with slug {shop!r} (see: setia shops)")
        for one in shops:
            run = services.score_shop(one)
            if run.status == "done":
                seconds = run.details.get("seconds", 0)
                self.stdout.write(
                    f"{one.slug}: {run.n_customers} customers scored from "
                    f"{run.n_purchases} purchase days in {seconds:.1f} s "
                    f"(purchases: {run.purchase_model}, spend: {run.spend_model})"
                )
                for reason in run.details.get("fallback_reasons", []):
                    self.stdout.write(f"  note: {reason}")
            else:
                self.stderr.write(f"{one.slug}: {run.message}")
