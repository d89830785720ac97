"""`setia createshop NAME --owner USERNAME`."""

from django.core.management.base import BaseCommand, CommandError

from setia.accounts import services
from setia.accounts.models import User


class Command(BaseCommand):
    help = "Create a shop and its owner (the owner's password is printed once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--owner", required=True, help="owner's username")
        parser.add_argument("--password", help="owner's password (else generated)")
        parser.add_argument("--slug")
        parser.add_argument("--whatsapp", default="")

    def handle(self, *args, name, owner, password, slug, whatsapp, **options):
        user = User.objects.filter(username=owner).first()
        new_password = None
        if user is None:
            new_password = password or services.generate_password()
            user = User.objects.create_user(username=owner, password=new_password)
        elif password:
            raise CommandError(
                f"User {owner} exists already; --password would not be used."
            )
        if slug and services.Shop.objects.filter(slug=slug).exists():
            raise CommandError(f"A shop with slug {slug} exists already.")
        shop = services.create_shop(name, user, whatsapp=whatsapp, slug=slug)
        self.stdout.write(f"shop {shop.slug} created, owner {owner}")
        if new_password:
            self.stdout.write(f"password: {new_password}")
