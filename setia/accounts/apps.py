from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "setia.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from setia.accounts import checks  # noqa: F401 - registers the system checks
