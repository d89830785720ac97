"""Merging two customers: their score rows are derived data, not history.

Each run holds one score per customer, so re-pointing the duplicate's rows at the
survivor would clash; they are dropped instead, and the next scoring counts the
merged purchases together.
"""

from setia.insights.models import CustomerScore


def merge_customers(survivor, duplicate) -> None:
    CustomerScore.objects.filter(customer=duplicate).delete()
