from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def secret_key_is_not_dev_default(app_configs, **kwargs):
    """Refuse to start in production with the key that is published in the repo."""
    weak = (
        settings.SECRET_KEY == settings.EXAMPLE_SECRET_KEY
        or len(settings.SECRET_KEY) < 32
    )
    if not settings.DEBUG and weak:
        return [
            Error(
                "SETIA_SECRET_KEY is the example value or shorter than 32 "
                "characters while SETIA_DEBUG is off.",
                hint="Set SETIA_SECRET_KEY (or SETIA_SECRET_KEY_FILE) to a long random "
                "value, or unset it to use the key kept in the data folder.",
                id="setia.E001",
            )
        ]
    return []
