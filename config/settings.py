"""Voronka settings: one file, driven by environment variables.

Every setting a deployment may change is read from the environment with a default that
suits a laptop. `docs/deploy.md` lists them; `README.md` explains the common ones.
"""

import hashlib
import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# The fallback key starts with "django-insecure-" on purpose: `check --deploy` flags it,
# so a production server cannot start clean without its own SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-voronka-development-key-not-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "csp",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    # From the foundation up (LAYERING in docs/architecture.md; `make lint` keeps it so).
    "voronka.accounts",
    "voronka.core",
    "voronka.audit",
    "voronka.ui",
    "voronka.contacts",
    "voronka.notifications",
    "voronka.catalog",
    "voronka.sales",
    "voronka.leads",
    "voronka.activities",
    "voronka.calendars",
    "voronka.automation",
    "voronka.handover",
    "voronka.merging",
    "voronka.mail",
    "voronka.documents",
    "voronka.service",
    "voronka.imports",
    "voronka.marketing",
    "voronka.analytics",
    "voronka.administration",
    "voronka.web",
    "voronka.api",
    "voronka.staff",
    # The demo, the volume data set and the bench: management commands only.
    "voronka.devdata",
]

MIDDLEWARE = [
    # /healthz for load balancers: before HTTPS redirects, sessions and users.
    "voronka.administration.health.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "voronka.accounts.middleware.UserPreferencesMiddleware",
    "voronka.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

FORM_RENDERER = "voronka.ui.forms.FormRenderer"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "voronka.web.context_processors.voronka",
                "voronka.notifications.context_processors.unread",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# SQLite is the embedded default; DATABASE_URL switches to PostgreSQL (or another server).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
    # start of a transaction, so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file, not the shared in-memory database: threads with their own connections
    # (the numbering test) then queue on the write lock as in production, instead of failing
    # with "table is locked". One file per checkout (and per xdist worker).
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("TEST_SQLITE_PATH")
        or str(
            Path(tempfile.gettempdir())
            / f"voronka-test-{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:10]}.sqlite3"
        )
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# The cache holds what every web process must share (the sign-in failure counts, the API's
# throttles): Redis with REDIS_URL, else a table of the database (`migrate` creates it).
# Memory of one process would let each gunicorn worker count on its own: development only.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "voronka_cache",
        }
    }

# Background jobs (Huey). Embedded: a SQLite queue file next to the database, consumed by the
# `run_huey` process that `make run` starts with the web server. With HUEY_REDIS_URL (or
# REDIS_URL) the queue is in Redis and any number of `run_huey` workers consume it.
# HUEY_IMMEDIATE=1 runs each job at once in the calling process (tests).
_huey_redis = os.environ.get("HUEY_REDIS_URL") or os.environ.get("REDIS_URL")
HUEY = {
    "name": os.environ.get("HUEY_NAME", "voronka"),
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
}
if _huey_redis:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": _huey_redis}
else:
    HUEY |= {
        "huey_class": "huey.SqliteHuey",
        "filename": os.environ.get("HUEY_SQLITE", str(BASE_DIR / "huey.sqlite3")),
    }
# The daily job `voronka.core.tasks.load_daily_rates`: the bank feed (nbk or cbr; empty turns
# the job off) and the hour, in TIME_ZONE, at which the consumer's scheduler loads its rates.
RATES_SOURCE = os.environ.get("RATES_SOURCE", "nbk").strip().lower()
RATES_HOUR = env_int("RATES_HOUR", 9)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["voronka.accounts.backends.UserWithRoleBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Russian is the default language of the interface; English is complete too.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Attachments and documents go to an S3-compatible bucket when one is named (django-storages);
# they are never served from MEDIA_URL: every download goes through the access layer.
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# The largest attachment accepted, in megabytes.
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: printed to the console until an SMTP server is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Voronka <crm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of the web processes that append the client's address to X-Forwarded-For
# (nginx with $proxy_add_x_forwarded_for: 1). With 0 the address is REMOTE_ADDR. Sign-in
# throttling and the API's throttles count per address.
NUM_PROXIES = env_int("NUM_PROXIES", 0)
# Content-Security-Policy (django-csp; Django 5.2 has none of its own). Scripts come only from
# our own static files: no inline <script>, no on*= attributes, no eval; templates pass values
# in data attributes or `json_script` blocks (type application/json, data that never runs).
# Styles allow 'unsafe-inline' on purpose: templates set data-driven colours and widths in
# style attributes (stage colours, progress bars), and FullCalendar and htmx add <style>
# elements of their own. Inline CSS cannot run script; script-src stays strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],  # FullCalendar's icon font is inlined in its CSS
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The language cookie goes where the session cookie goes; no script reads it.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "voronka.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "voronka.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "voronka.api.exceptions.exception_handler",
    "PAGE_SIZE": 25,
    # Wrong tokens count with wrong passwords (accounts/throttle.py); this one limits calls of
    # anonymous callers where the API lets them in at all (the schema while DEBUG=1).
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "60/minute")},
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Voronka API",
    "DESCRIPTION": "REST API of the Voronka CRM: companies, contacts, deals, pipelines, "
    "activities. Authenticate with `Authorization: Token <key>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page: for signed-in users only when DEBUG=0.
    "SERVE_PERMISSIONS": ["voronka.api.permissions.SignedInOutsideDebug"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two models have a field "entity" with different choices: name each set.
    "ENUM_NAME_OVERRIDES": {
        "ReportEntityEnum": "voronka.analytics.models.ReportEntity",
        "AccessEntityEnum": "voronka.accounts.models.Entity",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # run_huey adds its own handler; without this each of its lines would print twice.
        "huey": {"level": "INFO", "propagate": False},
        # WeasyPrint tells every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Voronka's own settings.
VORONKA = {
    # Region used to read phone numbers written without a country code ("8 701 ...").
    "PHONE_REGION": os.environ.get("PHONE_REGION", "KZ"),
    "CURRENCIES": env_list("CURRENCIES", "KZT,USD,EUR,RUB,GBP,CNY,TRY,AED"),
    "DEFAULT_CURRENCY": os.environ.get("DEFAULT_CURRENCY", "KZT"),
    # The organisation's currency: totals, the board and reports are shown in it.
    "BASE_CURRENCY": os.environ.get("BASE_CURRENCY", "KZT"),
    # Lists count matching rows up to this number and then say "more than N": an exact
    # COUNT(*) over millions of rows costs more than the page itself.
    "LIST_COUNT_LIMIT": env_int("LIST_COUNT_LIMIT", 10000),
    "PAGE_SIZE": env_int("PAGE_SIZE", 25),
    # Sign-in throttling (voronka/accounts/throttle.py): this many wrong passwords or API tokens
    # for one account or from one address within so many minutes, and it must wait.
    "LOGIN_FAILURE_LIMIT": env_int("LOGIN_FAILURE_LIMIT", 10),
    "LOGIN_FAILURE_MINUTES": env_int("LOGIN_FAILURE_MINUTES", 15),
    # Public web forms (/f/<key>/): sendings per visitor address in a window of minutes.
    "WEBFORM_RATE": env_int("WEBFORM_RATE", 5),
    "WEBFORM_RATE_MINUTES": env_int("WEBFORM_RATE_MINUTES", 10),
    # Networks that outgoing connections (mail servers) may reach although they are private
    # or local, e.g. "10.0.0.0/8" for an office mail server (core.net); none by default.
    "OUTGOING_ALLOWED_NETWORKS": env_list("OUTGOING_ALLOWED_NETWORKS", ""),
    # Recycle bin (voronka.administration.bin): entries older than this many days are purged
    # by the nightly job.
    "BIN_DAYS": env_int("BIN_DAYS", 30),
    # Scheduled backups (voronka.administration.backup): the folder (empty turns the nightly
    # job off) and how many archives are kept there.
    "BACKUP_DIR": os.environ.get("BACKUP_DIR", ""),
    "BACKUP_KEEP": env_int("BACKUP_KEEP", 7),
}

# Mail (voronka.mail): the key that encrypts mailbox passwords in the database. Give every
# deployment its own (any long random text; several, comma-separated, to rotate: the first
# encrypts, all decrypt). Without it a key is derived from SECRET_KEY, and `check --deploy`
# warns.
MAIL_SECRET_KEY = os.environ.get("MAIL_SECRET_KEY", "")
# The first sync of a mailbox takes the letters of the last N days only.
MAIL_FIRST_SYNC_DAYS = env_int("MAIL_FIRST_SYNC_DAYS", 90)
# Where attachments and the original letters are kept (the default storage's folder).
MAIL_STORAGE_PREFIX = os.environ.get("MAIL_STORAGE_PREFIX", "mail")
