"""Shops, owners and staff."""

import secrets

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify

from setia.accounts import audit
from setia.accounts.models import Membership, Role, Shop, User

# Slugs that commands treat specially; a real shop never gets one.
RESERVED_SLUGS = {"demo"}


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "toko"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Shop.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_shop(
    name: str,
    owner: User,
    whatsapp: str = "",
    address: str = "",
    language: str = "id",
    slug: str | None = None,
) -> Shop:
    """Create a shop and make `owner` its Owner."""
    shop = Shop.objects.create(
        name=name,
        slug=slug or unique_slug(name),
        whatsapp=whatsapp,
        address=address,
        language=language,
    )
    Membership.objects.create(user=owner, shop=shop, role=Role.OWNER)
    audit.record(shop, owner, "shop.created", shop)
    return shop


@transaction.atomic
def sign_up(
    username: str,
    password: str,
    full_name: str,
    shop_name: str,
    whatsapp: str,
    address: str,
    language: str,
) -> tuple[User, Shop]:
    """A shop owner registers herself and her shop."""
    user = User.objects.create_user(
        username=username, password=password, first_name=full_name, language=language
    )
    shop = create_shop(shop_name, user, whatsapp, address, language)
    return user, shop


@transaction.atomic
def add_staff(
    shop: Shop,
    by: User,
    username: str,
    full_name: str,
    password: str,
    role: str = Role.STAFF,
) -> Membership:
    """Create a staff account (or attach an existing user) to the shop."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password=password,
            first_name=full_name,
            language=shop.language,
        )
    membership = Membership.objects.create(user=user, shop=shop, role=role)
    audit.record(shop, by, "staff.added", membership, fields=["role"])
    return membership


def can_reset_password(shop: Shop, by: User, membership: Membership) -> bool:
    """Only Staff who work for this shop alone: a password is global, so resetting
    an Owner's, or that of someone who also works elsewhere, would hand over
    their other shops too."""
    if membership.shop_id != shop.pk or membership.user_id == by.pk:
        return False
    if membership.role != Role.STAFF:
        return False
    return not (
        Membership.objects.filter(user_id=membership.user_id)
        .exclude(shop=shop)
        .exists()
    )


@transaction.atomic
def reset_staff_password(
    shop: Shop, by: User, membership: Membership, password: str | None = None
) -> str:
    """Owner sets a new password for a member of her shop; returns it."""
    if not can_reset_password(shop, by, membership):
        raise PermissionDenied
    password = password or generate_password()
    membership.user.set_password(password)
    membership.user.save(update_fields=["password"])
    # A clerk locked out by wrong guesses is told to ask for a new password:
    # with it, the pause on her name is lifted too.
    axes_reset(username=membership.user.username)
    audit.record(shop, by, "staff.password_reset", membership)
    return password


@transaction.atomic
def set_membership_active(
    shop: Shop, by: User, membership: Membership, active: bool
) -> None:
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    audit.record(
        shop, by, "staff.activated" if active else "staff.deactivated", membership
    )


def generate_password() -> str:
    """Readable enough to say over the phone, long enough to resist guessing."""
    words = secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")
    return words[:12]
