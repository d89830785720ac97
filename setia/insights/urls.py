from django.urls import path

from setia.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("update/", views.update_now, name="update_now"),
    path("runs/<int:run_id>/progress/", views.progress, name="progress"),
    path("pyramid/", views.pyramid, name="pyramid"),
    path("settings/", views.analysis_settings_view, name="settings"),
    path("rfm/", views.rfm, name="rfm"),
    path("customers/", views.customers, name="customers"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("together/", views.together, name="together"),
]
