from django.urls import path

from setia.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.reports_index, name="index"),
]
