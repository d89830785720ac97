"""Member cards with a QR code, the customer's own-page link, birthday bonuses."""

import datetime as dt
import io
import secrets

import segno
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.accounts import audit
from setia.customers import services as customer_services
from setia.customers.normalize import HONORIFICS, fold
from setia.loyalty import ledger
from setia.loyalty.card_image import render_card_png
from setia.loyalty.models import (
    EntryKind,
    MemberCard,
    OwnPageLink,
    PointsAccount,
    PointsEntry,
)

# Crockford's base32 without I, L, O, U: easy to read aloud and to type.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits
LINK_SALT = "setia.loyalty.own-page"


def new_member_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def active_card(shop, customer) -> MemberCard | None:
    return MemberCard.objects.filter(
        shop=shop, customer=customer, revoked_at__isnull=True
    ).first()


@transaction.atomic
def issue_member_card(shop, customer, *, by) -> MemberCard:
    """Give the customer a card with a fresh code, revoking any older one."""
    # A card asked for on a page read just before an erasure must not follow it.
    customer_services.lock_unerased(customer)
    now = timezone.now()
    MemberCard.objects.filter(
        shop=shop, customer=customer, revoked_at__isnull=True
    ).update(revoked_at=now)
    card = MemberCard.objects.create(
        shop=shop, customer=customer, code=new_member_code()
    )
    ledger.get_account(shop, customer)
    audit.record(shop, by, "loyalty.card_issued", card)
    return card


def ensure_member_card(shop, customer, *, by) -> MemberCard:
    return active_card(shop, customer) or issue_member_card(shop, customer, by=by)


@transaction.atomic
def revoke_member_card(shop, customer, *, by) -> int:
    count = MemberCard.objects.filter(
        shop=shop, customer=customer, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    audit.record(shop, by, "loyalty.card_revoked", customer, detail=f"{count}")
    return count


def member_qr(card: MemberCard) -> segno.QRCode:
    return segno.make_qr(card.code, error="m")


def card_png(card: MemberCard, shop_name: str, tier_name: str) -> bytes:
    """The whole card as an image: shop, member, tier, code and the QR."""
    return render_card_png(
        shop_name=shop_name,
        member_name=card.customer.name,
        tier_name=tier_name,
        code=card.code,
        display_code=card.display_code,
    )


def card_qr_svg(card: MemberCard) -> str:
    out = io.BytesIO()
    member_qr(card).save(
        out, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, nl=False
    )
    return out.getvalue().decode()


# ---- The customer's own page ----


def greeting_name(name: str) -> str:
    """How the own page greets the customer: the first word of the name, with a
    leading title kept ("Bu Wulan Sari" -> "Bu Wulan"). The page opens by a link
    that may be forwarded or seen over a shoulder: the full name stays off it."""
    words = (name or "").split()
    kept = []
    for word in words:
        kept.append(word)
        if fold(word) not in HONORIFICS:
            break
    return " ".join(kept).strip(",;:") if kept else ""


def own_page_token(link: OwnPageLink) -> str:
    return signing.Signer(salt=LINK_SALT).sign(link.secret)


@transaction.atomic
def issue_own_page_link(shop, customer, *, by) -> OwnPageLink:
    """A new secret link for the customer's own page; older links stop working."""
    # A card asked for on a page read just before an erasure must not follow it.
    customer_services.lock_unerased(customer)
    OwnPageLink.objects.filter(
        shop=shop, customer=customer, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    link = OwnPageLink.objects.create(
        shop=shop, customer=customer, secret=secrets.token_urlsafe(24)
    )
    audit.record(shop, by, "loyalty.own_link_issued", link)
    return link


@transaction.atomic
def revoke_own_page_link(shop, customer, *, by) -> int:
    count = OwnPageLink.objects.filter(
        shop=shop, customer=customer, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    audit.record(shop, by, "loyalty.own_link_revoked", customer, detail=f"{count}")
    return count


@transaction.atomic
def revoke_for_erasure(shop, customer) -> tuple[int, int]:
    """Stop every card and own-page link of a customer whose data is being
    erased; returns (cards, links). The customers app records the audit event."""
    now = timezone.now()
    cards = MemberCard.objects.filter(
        shop=shop, customer=customer, revoked_at__isnull=True
    ).update(revoked_at=now)
    links = OwnPageLink.objects.filter(
        shop=shop, customer=customer, revoked_at__isnull=True
    ).update(revoked_at=now)
    return cards, links


@transaction.atomic
def settle_for_merge(shop, survivor, duplicate) -> tuple[int, int]:
    """Before a merge moves the duplicate's cards and own-page links to the
    survivor: stop the duplicate's live ones where the survivor has its own, so
    one customer never has two working codes or links (the member page shows
    only one). The survivor's card is the one the shop kept and printed, so it
    stays valid; a duplicate's card is moved over, still working, only when the
    survivor has none. Returns (cards, links) stopped; the customers app records
    the merge."""
    now = timezone.now()
    cards = links = 0
    if active_card(shop, survivor) is not None:
        cards = MemberCard.objects.filter(
            shop=shop, customer=duplicate, revoked_at__isnull=True
        ).update(revoked_at=now)
    if active_own_link(shop, survivor) is not None:
        links = OwnPageLink.objects.filter(
            shop=shop, customer=duplicate, revoked_at__isnull=True
        ).update(revoked_at=now)
    return cards, links


def active_own_link(shop, customer) -> OwnPageLink | None:
    return OwnPageLink.objects.filter(
        shop=shop, customer=customer, revoked_at__isnull=True
    ).first()


def link_from_token(token: str) -> OwnPageLink | None:
    """The live link a token names; a bad signature never reaches the database."""
    try:
        secret = signing.Signer(salt=LINK_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return (
        OwnPageLink.objects.select_related("customer", "shop")
        .filter(secret=secret, revoked_at__isnull=True)
        .first()
    )


# ---- Birthday bonus ----


def award_birthday_bonuses(shop, today: dt.date | None = None) -> int:
    """Give this month's birthday members their bonus, once a year each."""
    today = today or timezone.localdate()
    program = ledger.current_program(shop)
    if program is None or not program.is_active or not program.birthday_bonus_points:
        return 0
    from setia.customers.models import Customer

    given = 0
    for customer in Customer.objects.filter(shop=shop, birth_month=today.month):
        with transaction.atomic():
            account = ledger.lock_account(shop, customer)
            entry = ledger.post_points(
                account,
                kind=EntryKind.BONUS,
                points=program.birthday_bonus_points,
                key=f"birthday:{customer.pk}:{today.year}",
                program=program,
                reason=_("Birthday bonus %(year)s") % {"year": today.year},
                expires_on=ledger.expiry_for(program, today),
            )
            given += entry is not None
    return given


def members_with_points_expiring(shop, within_days: int = 30, today=None):
    """[(account, points, first date)] for lots expiring in the next days."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    account_ids = (
        PointsEntry.objects.filter(
            shop=shop,
            points__gt=0,
            expires_on__gt=today,
            expires_on__lte=horizon,
        )
        .values_list("account_id", flat=True)
        .distinct()
    )
    rows = []
    # An erased customer cannot be reminded: the shop no longer has the number.
    for account in PointsAccount.objects.filter(
        pk__in=list(account_ids),
        balance__gt=0,
        customer__isnull=False,
        customer__erased_at__isnull=True,
    ).select_related("customer"):
        soon = [
            lot
            for lot in ledger.open_lots(account)
            if lot.expires_on is not None and today < lot.expires_on <= horizon
        ]
        if soon:
            rows.append(
                (
                    account,
                    sum(lot.remaining for lot in soon),
                    min(lot.expires_on for lot in soon),
                )
            )
    return sorted(rows, key=lambda row: row[2])
