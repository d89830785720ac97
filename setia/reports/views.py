from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from setia.accounts.decorators import staff_required

# Sections of the CRM cycle whose apps are not built yet. The page says so plainly
# instead of pretending; each entry disappears when its app lands.
UPCOMING = {
    "campaigns": (
        _("Campaigns"),
        _(
            "Sending WhatsApp messages to a group of "
            "customers, with a control group to see what "
            "worked, is being built."
        ),
    ),
}


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


@staff_required
def upcoming(request, section: str):
    if section not in UPCOMING:
        raise Http404
    title, text = UPCOMING[section]
    return render(request, "reports/upcoming.html", {"title": title, "text": text})
