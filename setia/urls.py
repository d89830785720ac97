from django.urls import include, path

from setia.accounts import views as account_views

urlpatterns = [
    path("healthz", account_views.healthz, name="healthz"),
    path("robots.txt", account_views.robots, name="robots"),
    path("accounts/", include("setia.accounts.urls")),
    path("customers/", include("setia.customers.urls")),
    path("sales/", include("setia.sales.urls")),
    path("loyalty/", include("setia.loyalty.urls")),
    path("insights/", include("setia.insights.urls")),
    path("campaigns/", include("setia.campaigns.urls")),
    path("guide/", include("setia.guide.urls")),
    path("", include("setia.reports.urls")),
]
