"""The loyalty panel on the customer profile page (rendered by `customers`)."""

from django.urls import reverse
from django.utils import timezone

from setia.loyalty import ledger, members, promotions, services, tiers
from setia.loyalty.models import PointsAccount


def customer_panel(request, customer):
    """(template, context), or None when there is nothing to show: no points
    program, no store credit and no open coupon (coupons and store credit work
    without a points program)."""
    shop = request.shop
    if shop is None or customer.shop_id != shop.pk:
        return None
    program = ledger.current_program(shop)
    today = timezone.localdate()
    # (coupon, value, starts later): a coupon issued today works from tomorrow.
    coupons = [
        (
            coupon,
            promotions.promo_value_text(coupon),
            coupon.valid_from is not None and coupon.valid_from > today,
        )
        for coupon in promotions.open_coupons(shop, customer, today)
    ]
    store_credit = services.store_credit_balance(shop, customer)
    if program is None:
        if not coupons and not store_credit:
            return None
        return (
            "loyalty/_customer_panel.html",
            {
                "has_program": False,
                "coupons": coupons,
                "store_credit_idr": store_credit,
            },
        )
    account = (
        PointsAccount.objects.select_related("tier")
        .filter(shop=shop, customer=customer)
        .first()
    )
    tier = account.tier if account else None
    step = tiers.progress(shop, customer, tier)
    link = members.active_own_link(shop, customer)
    return (
        "loyalty/_customer_panel.html",
        {
            "has_program": True,
            "points_balance": account.balance if account else 0,
            "points_value_idr": (account.balance if account else 0)
            * program.point_value_idr,
            "tier": tier,
            "next_tier": step.next_tier,
            "to_next_tier_idr": step.to_next_tier_idr,
            "tier_basis": step.basis,
            "next_pyramid_name": step.next_pyramid_name,
            "store_credit_idr": store_credit,
            "coupons": coupons,
            "member_url": reverse("loyalty:member", args=[customer.pk]),
            "card_url": reverse("loyalty:card", args=[customer.pk]),
            "own_page_url": request.build_absolute_uri(
                reverse("loyalty:own_page", args=[members.own_page_token(link)])
            )
            if link
            else "",
        },
    )
