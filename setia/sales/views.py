from django.shortcuts import render

from setia.accounts.decorators import staff_required


@staff_required
def new_sale(request):
    return render(request, "sales/new.html")
