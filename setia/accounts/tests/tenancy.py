"""Objects of shop A for the tenancy walk (see test_tenancy.py).

Every app whose URLs take arguments has a `tests/tenancy.py` with
`make_objects(shop, owner) -> (kwargs, markers)`: URL keyword values that point at
shop A's records, and strings that must never show on another shop's pages.
"""

from setia.accounts.models import Membership, Role
from setia.accounts.tests.factories import UserFactory


def make_objects(shop, owner):
    staff = Membership.objects.create(
        shop=shop, user=UserFactory(username="rahasia-staf-a"), role=Role.STAFF
    )
    return {"membership_id": staff.pk}, ["rahasia-staf-a"]
