"""What the home page (Beranda) shows. Each block reads one app's data."""

from setia.customers.models import Customer


def home_context(request) -> dict:
    shop = request.shop
    return {
        "customer_count": Customer.objects.filter(shop=shop).count(),
    }
