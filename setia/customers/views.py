from django.shortcuts import render

from setia.accounts.decorators import staff_required
from setia.customers.models import Customer


@staff_required
def customer_list(request):
    customers = Customer.objects.filter(shop=request.shop)[:50]
    return render(request, "customers/list.html", {"customers": customers})
