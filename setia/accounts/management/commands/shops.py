"""`setia shops`: list shops with their slugs."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from setia.accounts.models import Shop


class Command(BaseCommand):
    help = "List the shops on this server."

    def handle(self, *args, **options):
        shops = Shop.objects.annotate(n_members=Count("memberships")).order_by("slug")
        for shop in shops:
            self.stdout.write(f"{shop.slug}\t{shop.name}\t{shop.n_members} member(s)")
        if not shops:
            self.stdout.write("no shops yet: setia createshop NAME --owner USERNAME")
