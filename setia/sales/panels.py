"""Panels the customer profile page shows from the sales app."""

from setia.sales.history import customer_history


def customer_panel(request, customer):
    """Purchase history and unpaid credit (kasbon) of `customer`, or None."""
    if customer.shop_id != request.shop.pk:
        return None
    history = customer_history(request.shop, customer, limit=10)
    return "sales/_customer_panel.html", {
        "customer": customer,
        "show_all_link": history["count"] > len(history["sales"]),
        **history,
    }
