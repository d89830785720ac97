from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from setia.accounts import views

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_done.html"
        ),
        name="password_done",
    ),
    path("signup/", views.signup, name="signup"),
    path("no-shop/", views.no_shop, name="no_shop"),
    path("switch/", views.switch_shop, name="switch_shop"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/language/", views.set_language, name="set_language"),
    path("settings/shop/", views.edit_shop, name="edit_shop"),
    path("settings/staff/add/", views.add_staff, name="add_staff"),
    path(
        "settings/staff/<int:membership_id>/reset-password/",
        views.reset_staff_password,
        name="reset_staff_password",
    ),
    path(
        "settings/staff/<int:membership_id>/toggle/",
        views.toggle_staff,
        name="toggle_staff",
    ),
    path("settings/audit/", views.audit_log, name="audit_log"),
]
