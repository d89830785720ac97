"""Campaign operations: save or delete a draft, launch it (freeze the groups),
mark sends.

Results are in `setia.campaigns.results`.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.accounts import audit
from setia.accounts.models import Shop, User
from setia.campaigns.audiences import audience_customers
from setia.campaigns.experiment import split_groups
from setia.campaigns.models import Campaign, CampaignStatus, Group, Recipient
from setia.campaigns.wording import personalise
from setia.customers.models import Customer
from setia.customers.services import marketing_whatsapp_customers
from setia.lib.phones import wa_link

DRAFT_FIELDS = (
    "name",
    "message",
    "audience",
    "pyramid_level",
    "loyalty_tier",
    "lapsed_days",
    "control_percent",
)


@transaction.atomic
def save_draft(
    shop: Shop, by: User | None, campaign: Campaign | None = None, **values
) -> Campaign:
    """Create or change a draft; a launched campaign is history and stays."""
    if campaign is None:
        campaign = Campaign(shop=shop, created_by=by)
    else:
        campaign = Campaign.objects.select_for_update().get(shop=shop, pk=campaign.pk)
        if not campaign.is_draft:
            raise ValidationError(_("A launched campaign cannot be changed."))
    for name in DRAFT_FIELDS:
        setattr(campaign, name, values[name])
    campaign.save()
    audit.record(shop, by, "campaign.saved", campaign, fields=DRAFT_FIELDS)
    return campaign


def _lock(shop: Shop, campaign: Campaign) -> Campaign | None:
    """The campaign's row, locked; None when another request deleted it while
    this one waited for the lock."""
    locked = Campaign.objects.select_for_update().filter(shop=shop, pk=campaign.pk)
    return locked.first()


@transaction.atomic
def delete_draft(shop: Shop, by: User | None, campaign: Campaign) -> None:
    """Delete a draft. A launched campaign never goes: its recipients and
    results are the record of what was sent.

    The row lock makes a delete and a launch of the same draft wait for each
    other, so a campaign is never deleted while it is being launched.
    """
    campaign = _lock(shop, campaign)
    if campaign is None:
        return  # a double tap: the first tap deleted it
    if not campaign.is_draft:
        raise ValidationError(
            _(
                "A launched campaign cannot be deleted: its list of recipients and "
                "its results are the record of what was sent."
            ),
            code="launched",
        )
    # Recorded before the row goes, while it still has its id.
    audit.record(shop, by, "campaign.deleted", campaign)
    campaign.delete()


@transaction.atomic
def launch_campaign(
    shop: Shop,
    by: User | None,
    campaign: Campaign,
    *,
    seed: int | None = None,
    now: dt.datetime | None = None,
) -> Campaign:
    """Freeze today's audience into recipients, split at random into the group
    that gets the message and the control group.

    `seed` and `now` are for the demo shop, which launches in the past; the
    random seed is otherwise drawn fresh and stored, so the split can be redone.
    """
    campaign = _lock(shop, campaign)
    if campaign is None:
        raise ValidationError(_("This draft was deleted."), code="deleted")
    if not campaign.is_draft:
        # The code lets the launch view treat a double tap as done, not as an error.
        raise ValidationError(
            _("This campaign was launched already."), code="already_launched"
        )
    today = timezone.localdate(now) if now else None
    customer_ids = list(
        audience_customers(shop, campaign, today).values_list("pk", flat=True)
    )
    if not customer_ids:
        raise ValidationError(
            _("Nobody matches this audience, so there is no one to send to.")
        )
    campaign.seed = secrets.randbits(62) if seed is None else seed
    treatment, control = split_groups(
        customer_ids, campaign.control_percent, campaign.seed
    )
    if not treatment:
        # split_groups keeps the control group at most half, so this guards
        # the rule rather than a case seen today.
        raise ValidationError(
            _(
                "Nobody would get the message: the audience is too small for the "
                "share kept aside. Lower the share or pick a bigger audience."
            ),
            code="no_treatment",
        )
    Recipient.objects.bulk_create(
        [
            Recipient(shop=shop, campaign=campaign, customer_id=pk, group=group)
            for ids, group in ((treatment, Group.TREATMENT), (control, Group.CONTROL))
            for pk in ids
        ],
        batch_size=1000,
    )
    campaign.status = CampaignStatus.LAUNCHED
    campaign.launched_at = now or timezone.now()
    campaign.launched_by = by
    campaign.save(update_fields=["seed", "status", "launched_at", "launched_by"])
    # Counts only: the audit detail never names a customer.
    audit.record(
        shop,
        by,
        "campaign.launched",
        campaign,
        detail=f"treatment={len(treatment)} control={len(control)}",
    )
    return campaign


def consenting_ids(shop: Shop, customer_ids: QuerySet) -> set[int]:
    """Those of `customer_ids` (a one-column queryset of customer ids) who agree
    to WhatsApp promotions right now.

    A subquery, not a list of ids: a list binds one parameter per id, and a
    large campaign would pass SQLite's 32,766 and PostgreSQL's 65,535 limits.
    """
    return set(
        marketing_whatsapp_customers(shop)
        .filter(pk__in=customer_ids)
        .values_list("pk", flat=True)
    )


def message_for(shop: Shop, campaign: Campaign, customer: Customer) -> str:
    return personalise(
        campaign.message, customer_name=customer.name, shop_name=shop.name
    )


def send_link(shop: Shop, campaign: Campaign, customer: Customer) -> str:
    """The wa.me link that opens the chat with the personal message typed in."""
    return wa_link(customer.phone, message_for(shop, campaign, customer))


@transaction.atomic
def mark_sent(shop: Shop, by: User | None, recipient: Recipient) -> str:
    """Record the first tap on a recipient's send link; return the wa.me link.

    Consent is checked again now: a customer who withdrew after the launch is
    not messaged, whatever the list said then.
    """
    recipient = (
        Recipient.objects.select_related("campaign", "customer")
        .select_for_update(of=("self",))
        .get(shop=shop, pk=recipient.pk)
    )
    if recipient.group != Group.TREATMENT:
        raise ValidationError(_("This customer is in the group that is not sent."))
    if not (
        marketing_whatsapp_customers(shop).filter(pk=recipient.customer_id).exists()
    ):
        raise ValidationError(
            _("%(name)s no longer wants to receive messages.")
            % {"name": recipient.customer.name}
        )
    Recipient.objects.filter(pk=recipient.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), sent_by=by
    )
    return send_link(shop, recipient.campaign, recipient.customer)


@dataclass(frozen=True)
class Progress:
    treatment: int
    control: int
    sent: int

    @property
    def percent_sent(self) -> int:
        return 100 * self.sent // self.treatment if self.treatment else 0


_PROGRESS_COUNTS = {
    "treatment": Count("id", filter=Q(group=Group.TREATMENT)),
    "control": Count("id", filter=Q(group=Group.CONTROL)),
    "sent": Count("id", filter=Q(sent_at__isnull=False)),
}


def progress(campaign: Campaign) -> Progress:
    return Progress(**campaign.recipients.aggregate(**_PROGRESS_COUNTS))


def progress_of_many(shop: Shop, campaign_ids: list[int]) -> dict[int, Progress]:
    """`progress` of several campaigns in one query (the campaign list)."""
    rows = (
        Recipient.objects.filter(shop=shop, campaign_id__in=campaign_ids)
        .values("campaign_id")
        .annotate(**_PROGRESS_COUNTS)
        .order_by()
    )
    found = {row.pop("campaign_id"): Progress(**row) for row in rows}
    return {pk: found.get(pk, Progress(0, 0, 0)) for pk in campaign_ids}


@dataclass(frozen=True)
class SendRow:
    recipient: Recipient
    may_message: bool
    wa_url: str


def send_rows(shop: Shop, campaign: Campaign) -> list[SendRow]:
    """The group that gets the message, not yet sent first, with today's consent."""
    treatment = campaign.recipients.filter(group=Group.TREATMENT)
    recipients = list(
        treatment.select_related("customer").order_by("sent_at", "customer__name", "id")
    )
    allowed = consenting_ids(shop, treatment.values("customer_id"))
    rows = []
    for r in recipients:
        ok = r.customer_id in allowed
        url = send_link(shop, campaign, r.customer) if ok else ""
        rows.append(SendRow(recipient=r, may_message=ok, wa_url=url))
    # Not yet sent (NULL) first: databases disagree on where NULLs sort.
    rows.sort(key=lambda row: row.recipient.sent_at is not None)
    return rows
