"""Customer operations. Other apps (sales, loyalty) call these, never the ORM directly
for writes to customers."""

from django.db import transaction
from django.db.models import Q, QuerySet

from setia.accounts import audit
from setia.accounts.models import Shop, User
from setia.customers.models import Customer
from setia.lib.phones import normalize_phone


def search_customers(shop: Shop, query: str, limit: int = 20) -> QuerySet[Customer]:
    """Customers of `shop` whose name or number contains `query`."""
    qs = Customer.objects.filter(shop=shop)
    query = query.strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        condition = Q(name__icontains=query)
        if len(digits) >= 3:
            # Local numbers are typed with a leading 0; stored numbers start +62.
            condition |= Q(phone__contains=digits.removeprefix("0"))
        qs = qs.filter(condition)
    return qs.order_by("name", "id")[:limit]


@transaction.atomic
def quick_add_customer(shop: Shop, by: User | None, name: str, phone: str) -> Customer:
    """Add a customer with just a name and a WhatsApp number (sale screen).

    Raises ValidationError for a bad number; returns the existing customer when the
    number is already known, so the clerk never creates a duplicate.
    """
    e164 = normalize_phone(phone)
    existing = Customer.objects.filter(shop=shop, phone=e164).first()
    if existing is not None:
        return existing
    customer = Customer.objects.create(shop=shop, name=name.strip(), phone=e164)
    audit.record(shop, by, "customer.created", customer, fields=["name", "phone"])
    return customer
