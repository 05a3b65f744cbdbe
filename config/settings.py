"""Django settings, read from the environment.

SQLite with no set-up by default; PostgreSQL (or anything dj-database-url reads) when
DATABASE_URL is set. DEBUG is off unless DEBUG=1, so production never runs in debug
by accident; `make run` turns it on for the local demo.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true/false, 1/0, yes/no or on/off, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# The insecure default lets `manage.py check`, tests and the demo run with nothing set;
# `manage.py check --deploy` (security.W009) refuses it, so production must set one.
SECRET_KEY = (
    os.environ.get("SECRET_KEY") or "django-insecure-local-development-key-not-for-production"
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "axes",
    "rules",
    "simple_history",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "import_export",
    # GOV.UK Frontend 6 components; form fields are drawn through it by
    # config/templatetags/govuk_forms.py.
    "govuk_frontend_django",
    "improvement",
    "metrics",
    "workforce",
    # The site's own system checks (config/checks.py).
    "config.apps.SiteConfig",
]

MIDDLEWARE = [
    "config.requests.RequestBodyLimitMiddleware",
    "config.requests.NoNulInAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "improvement.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take SQLite's write lock when a transaction starts, so two people saving an update
    # to the same action queue up and the second sees the first (PostgreSQL: row lock).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
if "postgresql" in DATABASES["default"]["ENGINE"] and not env_bool("DATABASE_JIT", False):
    # PostgreSQL's JIT compiles the dashboard's and the action table's large queries on
    # every run and spends far longer compiling than it saves: measured on the bench
    # council (bench/README.md), turning it off made the dashboard 20-30% and the filtered
    # action table 50-90% faster. DATABASE_JIT=1 turns it back on (to measure it).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# The shared cache: plans' states and rendered dashboard rows (improvement.state_cache),
# the API's rate limit and anything else Django caches. Every app server must use the
# same one, so that a rate limit is one limit and a cached plan is cached once: by
# default a table in the app's own database (`manage.py createcachetable` makes it;
# `make run`, CI and the README's deployment steps run it), or Redis when CACHE_URL is
# redis://host:6379/0 (install the `redis` extra). CACHE_URL=locmem:// keeps it in each
# process (one server only; the tests use that).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "tracker",
            "TIMEOUT": 7 * 24 * 3600,
        }
    }
elif CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.DatabaseCache",
            "LOCATION": "tracker_cache",
            # Entries are keyed by plan version, so old ones are never read again: they
            # go when they expire or when the table passes MAX_ENTRIES.
            "TIMEOUT": 7 * 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "20000"))},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out username + address is refused before checking.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Failed sign-ins: lock out a username *from one address* (never the username alone,
# which would let anyone lock a real user out) for a while after repeated failures.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind N trusted proxies (a load balancer is 1), the client is the N-th address from the
# right of X-Forwarded-For; with none, the header is ignored (config.requests.client_ip).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.requests.client_ip"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Cookies and transport: strict unless DEBUG (the local demo runs over plain http).
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every PDF it lays out; only its errors matter here.
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# Email: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Improvement tracker <tracker@localhost>")
# Links in emails are absolute: the address people reach the app on.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The accessibility statement (/accessibility/): what only the council running the service
# can say. Unset, the page says "the council that runs this service" and points people to
# its administrators, and `manage.py check --deploy` warns (site.W101). See the README.
ACCESSIBILITY_ORGANISATION = os.environ.get("ACCESSIBILITY_ORGANISATION", "")
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "")
ACCESSIBILITY_CONTACT_PHONE = os.environ.get("ACCESSIBILITY_CONTACT_PHONE", "")
ACCESSIBILITY_RESPONSE_DAYS = int(os.environ.get("ACCESSIBILITY_RESPONSE_DAYS", "5"))
# "gb" (the EHRC enforces the regulations) or "ni" (the ECNI).
ACCESSIBILITY_ENFORCEMENT = os.environ.get("ACCESSIBILITY_ENFORCEMENT", "gb")
# When the council last reviewed the statement (YYYY-MM-DD); unset, the product's own date.
ACCESSIBILITY_REVIEWED_ON = os.environ.get("ACCESSIBILITY_REVIEWED_ON", "")
# Reminders go this many days before a period's update deadline (and once after it).
REMINDER_DAYS_BEFORE_DEADLINE = int(os.environ.get("REMINDER_DAYS_BEFORE_DEADLINE", "3"))

# Evidence uploads: what may be uploaded and how big (also the unzipped size of Office files).
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_MAX_UNZIPPED_BYTES = int(
    os.environ.get("EVIDENCE_MAX_UNZIPPED_BYTES", str(100 * 1024 * 1024))
)
EVIDENCE_MAX_FILES = int(os.environ.get("EVIDENCE_MAX_FILES", "10"))
# No request body larger than this is read at all (RequestBodyLimitMiddleware): enough for
# an update with its most and largest evidence files.
MAX_REQUEST_BYTES = int(
    os.environ.get("MAX_REQUEST_BYTES", str(EVIDENCE_MAX_FILES * EVIDENCE_MAX_BYTES + 1024 * 1024))
)
# Plan workbooks (import): the file, and what its zip says it unpacks to.
WORKBOOK_MAX_BYTES = int(os.environ.get("WORKBOOK_MAX_BYTES", str(5 * 1024 * 1024)))
WORKBOOK_MAX_UNZIPPED_BYTES = int(
    os.environ.get("WORKBOOK_MAX_UNZIPPED_BYTES", str(50 * 1024 * 1024))
)
# Django refuses request bodies larger than this before any view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Content-Security-Policy (django-csp): scripts only from our own static files, nothing
# framed, no plugins. Styles allow inline `style` attributes, which the Django admin uses.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# History is for reading: nothing is ever reverted from it (see improvement.admin.HistoryAdmin).
SIMPLE_HISTORY_REVERT_DISABLED = True

DJANGO_TABLES2_TEMPLATE = "tables/govuk_table.html"

# The read-only API (improvement/api/): token authentication only, so a browser's session
# cookie never reaches it (nothing there is exposed to cross-site requests); GET only;
# paged; one user's runaway BI refresh is slowed down, not the app. The throttle counts in
# the shared cache (CACHES above), so behind several app servers the rate is one rate.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "improvement.api.pagination.PageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": ["improvement.api.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("API_RATE_PER_USER", "1000/hour")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Improvement tracker API",
    "DESCRIPTION": (
        "Read-only: plans, objectives, actions and measures with their statuses as at a "
        "date, and measures' data points. Send `Authorization: Token <your token>` (create "
        "one at /api/). Every list is paged, accepts `as_at=YYYY-MM-DD` (default today) "
        "and `format=csv` (the whole filtered list as CSV)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "improvement.status.Status",
        "RolledUpStatusEnum": "improvement.status.ROLLED_UP_CHOICES",
        "TrendEnum": "improvement.api.serializers.TREND_CHOICES",
    },
}

# --- Reports as files, board packs and background jobs (improvement/reports/, -------------
# improvement/house_style.py, improvement/board_pack.py). Kept together in this block.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
# Board packs are made by a worker (`manage.py db_worker`), from jobs kept in the
# database (django-tasks' database backend): no broker to run. Tests run jobs inline
# (django_tasks.backends.immediate.ImmediateBackend), so they need no worker.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# The council's Word template (house style): the file and what its zip unpacks to.
HOUSE_STYLE_MAX_BYTES = int(os.environ.get("HOUSE_STYLE_MAX_BYTES", str(5 * 1024 * 1024)))
HOUSE_STYLE_MAX_UNZIPPED_BYTES = int(
    os.environ.get("HOUSE_STYLE_MAX_UNZIPPED_BYTES", str(50 * 1024 * 1024))
)
HOUSE_STYLE_MAX_ENTRIES = int(os.environ.get("HOUSE_STYLE_MAX_ENTRIES", "1000"))
# Typst lays out each PDF (and Word's chart pictures) in a child process with these
# limits; fonts in order of preference (the first installed is used).
REPORT_PDF_TIMEOUT_SECONDS = int(os.environ.get("REPORT_PDF_TIMEOUT_SECONDS", "300"))
REPORT_PDF_MEMORY_BYTES = int(os.environ.get("REPORT_PDF_MEMORY_BYTES", str(4 * 1024**3)))
REPORT_PDF_FONTS = env_list("REPORT_PDF_FONTS", "Arial,Liberation Sans,DejaVu Sans")
# --- end of reports' block ---------------------------------------------------------------
