"""Django settings for Setia. Every value comes from the environment (.env.example)."""

import datetime as dt
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from setia.lib.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    read_or_create_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("SETIA_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

# The example value in .env.example; the system check refuses it outside DEBUG.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-value"  # noqa: S105
SECRET_KEY = env_secret("SETIA_SECRET_KEY") or read_or_create_secret_key(
    DATA_DIR / "secret_key"
)
DEBUG = env_bool("SETIA_DEBUG", False)
ALLOWED_HOSTS = env_list("SETIA_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SETIA_CSRF_TRUSTED_ORIGINS", [])

# Under pytest the live server and test client speak plain HTTP.
TESTING = "pytest" in sys.modules
# A shop server on a market's LAN may run without TLS; a hosted one must not.
HTTPS = env_bool("SETIA_HTTPS", not TESTING)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SETIA_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SETIA_BEHIND_PROXY") else None
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SETIA_SESSION_AGE", 60 * 60 * 24 * 30)

# Open sign-up lets any shop owner register; a host may close it.
OPEN_SIGNUP = env_bool("SETIA_OPEN_SIGNUP", True)
# Largest accepted upload (imports, logos), in bytes.
MAX_UPLOAD_BYTES = env_int("SETIA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huey.contrib.djhuey",
    "axes",
    "setia.accounts",
    "setia.customers",
    "setia.sales",
    "setia.loyalty",
    "setia.insights",
    "setia.campaigns",
    "setia.reports",
    "setia.guide",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "setia.accounts.middleware.ShopMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

# Password guessing: a hosted Setia serves many shops on the open internet.
# django-axes counts failed logins per username *and* address, so a stranger
# cannot lock Ibu Wanty out from elsewhere; after 10 misses that pair waits
# 15 minutes (an operator can lift it: `setia axes_reset_username NAME`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("SETIA_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "setia.lib.client_ip.login_guard_address"
AXES_RESET_ON_SUCCESS = True
# No table of every successful login (who, from where, which phone): not needed.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "setia.urls"
WSGI_APPLICATION = "setia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "setia.accounts.context_processors.shop",
            ],
            "builtins": ["setia.lib.templatetags.setia_format"],
        },
    }
]

SQLITE_PATH = DATA_DIR / "setia.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets a clerk write while the owner reads; IMMEDIATE makes writers queue
    # on the busy timeout instead of failing with "database is locked".
    # Connections are kept (one per server thread): opening one and running the
    # PRAGMAs cost ~2 ms of every request. `setia restore` copies pages into the
    # live file with SQLite's backup API, which open connections see at once.
    # Writers queue in Python for their turn instead of sleeping in SQLite's
    # busy handler (setia/lib/sqlite_backend/base.py).
    DATABASES["default"]["ENGINE"] = "setia.lib.sqlite_backend"
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env_bool("SETIA_PG_PREPARED", True):
        # Server-side binding lets psycopg prepare a statement once it has run 5
        # times on a connection: PostgreSQL then skips parsing and planning it,
        # ~40% of its CPU per sale (bench/sales/README.md). Turn off behind a
        # pooler in transaction mode (PgBouncer < 1.21), which cannot keep them.
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": 5,
        }
if env_str("SETIA_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("SETIA_TEST_DB_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_VALIDATORS}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
PHONE_REGION = env_str("SETIA_PHONE_REGION", "ID")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "setia" / "static"]
STATIC_ROOT = Path(env_str("SETIA_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "setia",
    "filename": str(DATA_DIR / "huey.sqlite3"),
    # Local (Asia/Jakarta, TIME_ZONE) clock for the crontabs: the nightly jobs
    # say "01:30" meaning Jakarta, and huey's default UTC made it 08:30.
    "utc": False,
    # Tests run jobs inline so they see the results without a worker.
    "immediate": env_bool("SETIA_JOBS_IMMEDIATE", False) or TESTING,
}

# Personal data never goes to logs: no request bodies, no SQL parameters.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "hide_database_error_text": {
            "()": "setia.lib.log_privacy.HideDatabaseErrorText"
        },
        "hide_secret_paths": {"()": "setia.lib.log_privacy.HideSecretPaths"},
    },
    "formatters": {
        # Django's own format for runserver's request lines.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["hide_database_error_text", "hide_secret_paths"],
        },
        # Replaces Django's default handler of the same name, which has no filter:
        # runserver logs every request line, an own-page link's secret included.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["hide_database_error_text", "hide_secret_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("SETIA_LOG_LEVEL", "INFO")},
    "loggers": {
        # On the logger too, so every handler (and test capture) gets the record
        # already cleaned: Django logs each 4xx/5xx with its path.
        "django.request": {"filters": ["hide_secret_paths"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
        },
        "django.db.backends": {"level": "WARNING", "propagate": True},
        "waitress": {"level": "WARNING"},
        # axes logs each failed or locked login with the username and address.
        "axes": {"level": "ERROR"},
    },
}
