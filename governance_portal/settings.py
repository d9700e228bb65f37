"""Settings for the 五社联动 portal, read from environment variables only.

Every variable is listed in ``docs/configuration.md`` and ``.env.example``.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from governance_portal.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value when DJANGO_DEBUG is off "
        "(the development key is refused in production)."
    )
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "governance_portal",
    "communities",
    "activities",
    "volunteers",
    "services",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "governance_portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "governance_portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "governance_portal.audit.AuditContextMiddleware",
    "governance_portal.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "governance_portal.urls"
WSGI_APPLICATION = "governance_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance_portal.context_processors.portal",
            ],
        },
    },
]

# --- Database: SQLite by default, DATABASE_URL selects PostgreSQL ---------------------------
_database_url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=0)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once; WAL lets readers run beside it.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
# A read replica for reports (docs/deploy.md). Nothing reads from it unless a query asks with
# ``.using(reporting_database())``; the router keeps every write and migration on the primary.
_replica_url = env_str("DATABASE_REPLICA_URL", "")
if _replica_url:
    try:
        DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=0)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a valid database URL: {exc}"
        ) from None
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    # Tests read the replica's alias from the test database of the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["governance_portal.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ------------------------------------------------------------------------------
AUTH_USER_MODEL = "communities.User"
AUTHENTICATION_BACKENDS = ["communities.backends.UsernameOrPhoneBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "phone", "email")},
    },
    {
        "NAME": "communities.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "communities.passwords.StaffMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The version of the privacy notice residents agree to; bump it when templates/privacy.html changes.
PRIVACY_NOTICE_VERSION = env_str("PORTAL_PRIVACY_NOTICE_VERSION", "2026-11")

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- E-mail: console in development ----------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")

# --- Internationalisation: Chinese first -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files on S3-compatible object storage (MinIO, OSS, OBS, COS, S3) when a bucket is set,
# so every app server sees the same files. Objects are private and links are signed for an hour:
# the bucket holds volunteers' evidence photos as well as the public activity photos.
S3_BUCKET = env_str("PORTAL_S3_BUCKET", "")
_s3 = {
    "endpoint_url": env_str("PORTAL_S3_ENDPOINT_URL", ""),
    "access_key": env_str("PORTAL_S3_ACCESS_KEY_ID", ""),
    "secret_key": env_str("PORTAL_S3_SECRET_ACCESS_KEY", ""),
    "region_name": env_str("PORTAL_S3_REGION", ""),
    "custom_domain": env_str("PORTAL_S3_CUSTOM_DOMAIN", ""),
    "addressing_style": env_choice(
        "PORTAL_S3_ADDRESSING_STYLE", "auto", {"auto", "path", "virtual"}
    ),
}
# Where the browser fetches media from, for the Content-Security-Policy's img-src ("" = 'self').
MEDIA_SOURCES: list[str] = []
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            **{option: value or None for option, value in _s3.items()},
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 3600,
            # Like the file system: a second file of the same name gets a new name.
            "file_overwrite": False,
        },
    }
    if _s3["custom_domain"]:
        MEDIA_SOURCES = [f"https://{_s3['custom_domain'].split('/')[0]}"]
    elif _s3["endpoint_url"]:
        _endpoint = _s3["endpoint_url"].rstrip("/")
        _scheme, _separator, _host = _endpoint.partition("://")
        if not _host:
            raise ImproperlyConfigured(
                f"PORTAL_S3_ENDPOINT_URL must be a URL like https://host; got {_endpoint!r}."
            )
        _host = _host.split("/")[0]
        MEDIA_SOURCES = [f"{_scheme}://{_host}", f"{_scheme}://*.{_host}"]
    else:
        MEDIA_SOURCES = ["https://*.amazonaws.com"]
elif any(_s3[option] for option in _s3 if option != "addressing_style"):
    raise ImproperlyConfigured(
        "PORTAL_S3_BUCKET must be set when other PORTAL_S3_* variables are (media would "
        "silently stay on the local disk)."
    )

# --- Cache and sessions: Redis when REDIS_URL is set (shared by every app process) -------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "governance_portal.cache_backends.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        },
        # Pages and parts of pages (governance_portal.pagecache): every entry expires within a
        # minute, so they never crowd out the rate-limit counters of "default".
        "pages": {
            "BACKEND": "governance_portal.cache_backends.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal-pages",
        },
    }
    # Sessions read from Redis and written through to the database, which stays the truth: a
    # Redis restart, flush or eviction costs a database read, never a logout (docs/deploy.md).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Its own store: a flood of distinct page addresses evicts only other pages, never the
        # rate-limit counters of "default" (a per-process cache drops its oldest third when full).
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }

# Requests per client address and window on public forms (governance_portal.ratelimit).
RATE_LIMIT_REGISTRATION_PER_HOUR = env_int("RATE_LIMIT_REGISTRATION_PER_HOUR", 10, minimum=1)
RATE_LIMIT_SIGNUP_PER_MINUTE = env_int("RATE_LIMIT_SIGNUP_PER_MINUTE", 20, minimum=1)
RATE_LIMIT_LOGIN_PER_MINUTE = env_int("RATE_LIMIT_LOGIN_PER_MINUTE", 30, minimum=1)

# Residents may cancel a service booking online until this many hours before its time.
SERVICE_CANCEL_CUTOFF_HOURS = env_int("SERVICE_CANCEL_CUTOFF_HOURS", 2, minimum=0)
# The station's LED job board: seconds per screen, and postings per screen (1 or 2).
JOBS_LED_SECONDS = env_int("JOBS_LED_SECONDS", 15, minimum=5)
JOBS_LED_PER_SCREEN = int(env_choice("JOBS_LED_PER_SCREEN", "1", {"1", "2"}))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
# Reverse proxies in front of the app (nginx: 1). The client address for login locks, rate
# limits and the audit log is then read from X-Forwarded-For; 0 means REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

PORTAL_NAME = _("Five Forces Community Governance Portal")
# Where residents reach the portal: links in e-mails are built on it.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# `make bench` only (bench/, docs/performance.md): serves the trivial ceiling view /bench/ok/.
BENCHMARK = env_bool("PORTAL_BENCHMARK", False)
