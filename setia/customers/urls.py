from django.urls import path

from setia.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("search/", views.customer_search, name="search"),
    path("add/", views.customer_add, name="add"),
    path("quick-add/", views.quick_add, name="quick_add"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<int:customer_id>/consent/", views.customer_consent, name="consent"),
    path(
        "<int:customer_id>/interactions/",
        views.interaction_add,
        name="interaction_add",
    ),
    path("<int:customer_id>/merge/", views.merge, name="merge"),
    path("<int:customer_id>/erase/", views.customer_erase, name="erase"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path(
        "follow-ups/<int:interaction_id>/done/",
        views.follow_up_done,
        name="follow_up_done",
    ),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("privacy-notice/", views.privacy_notice, name="privacy_notice"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:job_id>/", views.import_preview, name="import_preview"),
    path(
        "import/<int:job_id>/contacts/",
        views.import_contacts,
        name="import_contacts",
    ),
    path("import/<int:job_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:job_id>/cancel/", views.import_cancel, name="import_cancel"),
    path(
        "import/<int:job_id>/progress/", views.import_progress, name="import_progress"
    ),
    path("export/", views.export, name="export"),
]
