"""The loyalty panel on the customer profile page (rendered by `customers`)."""

from django.urls import reverse

from setia.loyalty import ledger, members, services
from setia.loyalty.models import PointsAccount


def customer_panel(request, customer):
    """None before the shop has a program, else (template, context)."""
    shop = request.shop
    if shop is None or customer.shop_id != shop.pk:
        return None
    program = ledger.current_program(shop)
    if program is None:
        return None
    account = (
        PointsAccount.objects.select_related("tier")
        .filter(shop=shop, customer=customer)
        .first()
    )
    tier = account.tier if account else None
    upcoming = services.next_tier(shop, tier)
    spend = services.rolling_spend(shop, customer)
    link = members.active_own_link(shop, customer)
    return (
        "loyalty/_customer_panel.html",
        {
            "points_balance": account.balance if account else 0,
            "points_value_idr": (account.balance if account else 0)
            * program.point_value_idr,
            "tier": tier,
            "next_tier": upcoming,
            "to_next_tier_idr": max(0, upcoming.min_spend_idr - spend)
            if upcoming
            else 0,
            "store_credit_idr": services.store_credit_balance(shop, customer),
            "member_url": reverse("loyalty:member", args=[customer.pk]),
            "card_url": reverse("loyalty:card", args=[customer.pk]),
            "own_page_url": request.build_absolute_uri(
                reverse("loyalty:own_page", args=[members.own_page_token(link)])
            )
            if link
            else "",
        },
    )
