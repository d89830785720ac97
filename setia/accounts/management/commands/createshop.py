"""`setia createshop NAME --owner USERNAME [--existing-user]`."""

from django.core.management.base import BaseCommand, CommandError

from setia.accounts import services
from setia.accounts.management.commands.demo import DEMO_PASSWORD
from setia.accounts.models import User


class Command(BaseCommand):
    help = "Create a shop and its owner (the owner's password is printed once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--owner", required=True, help="owner's username")
        parser.add_argument("--password", help="owner's password (else generated)")
        parser.add_argument("--slug")
        parser.add_argument("--whatsapp", default="")
        parser.add_argument(
            "--existing-user",
            action="store_true",
            help="make an existing account the owner (else the username must be new)",
        )

    def handle(
        self, *args, name, owner, password, slug, whatsapp, existing_user, **options
    ):
        user = User.objects.filter(username=owner).first()
        new_password = None
        if user is None:
            if existing_user:
                raise CommandError(
                    f"No user {owner} exists; drop --existing-user to create one."
                )
            new_password = password or services.generate_password()
            user = User.objects.create_user(username=owner, password=new_password)
        else:
            _check_reusable(user, owner, existing_user, password)
        if slug and services.Shop.objects.filter(slug=slug).exists():
            raise CommandError(f"A shop with slug {slug} exists already.")
        shop = services.create_shop(name, user, whatsapp=whatsapp, slug=slug)
        self.stdout.write(f"shop {shop.slug} created, owner {owner}")
        if new_password:
            self.stdout.write(f"password: {new_password}")


def _check_reusable(user: User, owner: str, existing_user: bool, password) -> None:
    """Refuse to hand a shop to an account unless that is clearly meant and safe."""
    # The demo logins' password is published (README, `setia demo`): whoever
    # owns such an account opens every shop it belongs to. Even after the demo
    # shop is purged the account keeps that password, hence both checks.
    if user.memberships.filter(shop__is_demo=True).exists() or user.check_password(
        DEMO_PASSWORD
    ):
        raise CommandError(
            f"User {owner} is a demo login with the published password; "
            "choose another owner username for a real shop."
        )
    if not existing_user:
        # A typo or a name clash must not silently give a shop to someone else.
        raise CommandError(
            f"User {owner} exists already; pass --existing-user to make them "
            "the owner of this shop too, or choose a new username."
        )
    if password:
        raise CommandError(
            f"User {owner} exists already; --password would not be used."
        )
