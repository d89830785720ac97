from django.urls import path

from setia.sales import views, views_catalogue, views_import

app_name = "sales"

urlpatterns = [
    path("new/", views.new_sale, name="new"),
    path("new/items/", views.item_search, name="item_search"),
    path("new/customers/", views.customer_search, name="customer_search"),
    path("", views.sale_list, name="list"),
    path("credit/", views.credit_list, name="credit"),
    path("<int:sale_id>/", views.sale_detail, name="detail"),
    path("<int:sale_id>/receipt/", views.receipt, name="receipt"),
    path("<int:sale_id>/settle/", views.settle, name="settle"),
    path("<int:sale_id>/return/", views.sale_return, name="return"),
    path("<int:sale_id>/void/", views.void, name="void"),
    path("customer/<int:customer_id>/", views.customer_sales, name="customer_sales"),
    path("products/", views_catalogue.product_list, name="products"),
    path("products/new/", views_catalogue.product_new, name="product_new"),
    path(
        "products/<int:product_id>/", views_catalogue.product_edit, name="product_edit"
    ),
    path("restocks/", views_catalogue.restock_list, name="restocks"),
    path("restocks/new/", views_catalogue.restock_new, name="restock_new"),
    path("import/", views_import.import_sales, name="import"),
    path("import/preview/", views_import.import_preview, name="import_preview"),
]
