"""Merging two customers: a campaign holds each customer once.

When both were picked for the same campaign, one row goes and the customers app
then moves the duplicate's remaining rows to the survivor. The row kept is the
one whose message was sent (`sent_at`, only ever set in the group that gets the
message): the merged customer did get it, and dropping that row would lose the
send and count them as never reached, or even as not sent at all. When neither
or both were sent, the survivor keeps their own row (their group stays as drawn).
"""

from setia.campaigns.models import Recipient


def merge_customers(survivor, duplicate) -> None:
    mine = Recipient.objects.filter(customer=survivor)
    theirs = Recipient.objects.filter(customer=duplicate)
    sent_to_duplicate = theirs.filter(sent_at__isnull=False).values("campaign_id")
    mine.filter(sent_at__isnull=True, campaign_id__in=sent_to_duplicate).delete()
    theirs.filter(campaign_id__in=mine.values("campaign_id")).delete()
