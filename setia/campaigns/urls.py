from django.urls import path

from setia.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("preview/", views.preview, name="preview"),
    path("<int:campaign_id>/", views.detail, name="detail"),
    path("<int:campaign_id>/edit/", views.edit, name="edit"),
    path("<int:campaign_id>/delete/", views.delete, name="delete"),
    path("<int:campaign_id>/launch/", views.launch, name="launch"),
    path("<int:campaign_id>/send/", views.send, name="send"),
    path(
        "<int:campaign_id>/send/<int:recipient_id>/",
        views.mark_sent,
        name="mark_sent",
    ),
    path("<int:campaign_id>/results/", views.results, name="results"),
]
