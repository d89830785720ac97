from django.shortcuts import render

from setia.accounts.decorators import staff_required


@staff_required
def home(request):
    from setia.reports.dashboard import home_context

    return render(request, "reports/home.html", home_context(request))


@staff_required
def reports_index(request):
    from setia.reports.dashboard import monthly_sales

    return render(
        request, "reports/index.html", {"monthly": monthly_sales(request.shop)}
    )
