from django.urls import path

from setia.sales import views

app_name = "sales"

urlpatterns = [
    path("new/", views.new_sale, name="new"),
]
