"""Settings, read from the environment.

The embedded default (no variables set) runs on SQLite under ``var/`` with a
filesystem Celery broker, so ``make run`` needs no external service. Production
sets ``DATABASE_URL`` (PostgreSQL), ``CELERY_BROKER_URL`` (Redis), ``SECRET_KEY``
and ``DEBUG=0``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("UNIONFLOW_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for: Django's debug pages list every URL pattern and show settings and
# local variables to whoever triggers an error. Development sets DEBUG=1.
DEBUG = env_bool("DEBUG", False)
#: Production is a deployment with its own database server; the embedded default is one
#: machine with SQLite under var/ (``make run`` with no environment at all).
EMBEDDED = not os.environ.get("DATABASE_URL")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or EMBEDDED):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off and DATABASE_URL is set (production).")
    # The embedded default keeps a random per-checkout key under var/, beside the SQLite file it
    # protects: whoever can read the key can read the whole database anyway, so the file is no
    # weaker than the data, and no two checkouts share a key (nothing is hard-coded). Production
    # has several processes and hosts that must share one key, managed with its other secrets:
    # there a missing key is a mistake, and the start is refused.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: `runserver` with DEBUG=1 serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "viewflow",
    "viewflow.workflow",
    "workflow",
    "workflow.calendar",
    "workflow.notifications",
    "workflow.documents",
    "workflow.votes",
]
# Every package under processes/ with an apps.py is a process; nothing else is edited to add one.
INSTALLED_APPS += [
    f"processes.{p.name}"
    for p in sorted((BASE_DIR / "processes").iterdir())
    if (p / "apps.py").exists()
]
INSTALLED_APPS += [a for a in os.environ.get("UNIONFLOW_EXTRA_APPS", "").split(",") if a]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are served by the app itself (also with DEBUG off), before any session or login work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "workflow.middleware.JsonErrorsUnderApiMiddleware",
    "workflow.middleware.RejectNulInApiMiddleware",
    "workflow.middleware.DatabaseBusyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before viewflow's SiteMiddleware: anonymous users are sent to the login page, not a 403.
    "workflow.middleware.LoginRequiredExceptApiMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "viewflow.middleware.SiteMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# Connections are bounded by how the app is served (README, "How it scales out"). By default each
# request closes its connection when it ends: a threaded server (runserver) starts a thread per
# client connection, and a persistent connection per thread grew until PostgreSQL refused everyone.
# A server with a fixed set of threads (gunicorn's sync workers) may keep one per thread with
# DB_CONN_MAX_AGE=60; the health check then replaces a connection the database dropped.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'unionflow.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server and the Celery worker write to the same file. A deferred transaction that
    # reads first and writes later cannot wait for another writer (SQLite answers "database is
    # locked" at once); IMMEDIATE takes the write lock at BEGIN, where the busy timeout applies.
    # WAL lets readers go on while one writer writes; synchronous=NORMAL is durable under WAL
    # except for the last commits on a power cut, which one machine's embedded default accepts.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (the login page and the API token endpoint): after AXES_FAILURE_LIMIT wrong
# passwords for one username from one address, that pair is refused for the cool-off time,
# even with the right password. Counting by the pair, not the username alone, means a
# guesser elsewhere cannot lock a colleague out. Counted in the database: every web process
# sees the same count. Behind a proxy, set AXES_IPWARE_META_PRECEDENCE_ORDER to the header the
# proxy sets (the default, REMOTE_ADDR, cannot be spoofed by a client).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Quiet: otherwise every manage.py command prints the lockout configuration.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "workflow.lockout.lockout_response"
if os.environ.get("AXES_IPWARE_META_PRECEDENCE_ORDER"):
    AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(os.environ["AXES_IPWARE_META_PRECEDENCE_ORDER"].split(","))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# Days before a year begins from which its missing holiday calendar is flagged to administrators.
CALENDAR_WARN_DAYS = int(os.environ.get("CALENDAR_WARN_DAYS", "61"))
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
if EMBEDDED:  # whitenoise warns at every start about a missing one; production collects into its own
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Production runs `manage.py collectstatic`: hashed, compressed files cached for a year.
# The embedded default serves straight from the apps' static folders (WHITENOISE_USE_FINDERS),
# so `make run` needs no collect step and never serves a stale copy after an upgrade; the
# price is a scan of those folders at start, about a second.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if EMBEDDED or DEBUG
        else "config.static_storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = EMBEDDED or DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "workflow.notifications.mail_log.LoggingEmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "unionflow@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "workflow.api.schema.UnionflowAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "workflow.api.parsing.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "workflow.api.errors.exception_handler",
    # Past a rate the API answers 429 JSON with Retry-After. Per client address when anonymous,
    # per user when authenticated; the token endpoint (throttle_scope "auth") is stricter.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_RATE_ANON", "60/min"),
        "user": os.environ.get("API_RATE_USER", "1200/min"),
        "auth": os.environ.get("API_RATE_AUTH", "10/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "unionflow API",
    "DESCRIPTION": "工会工作流 · Workflow and approvals for trade unions",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page describe every endpoint: for signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from this server's static files, never a CDN (offices may be on closed networks).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The cache holds the API's rate counters. Several server processes (gunicorn workers) must share
# one, or each counts alone and a client gets the rate once per worker: set CACHE_URL (Redis) in
# production. The embedded default serves from one process, where a local memory cache is exact.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis in production; an embedded filesystem broker needs no service.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    _processed_dir.mkdir(parents=True, exist_ok=True)
    _control_dir = VAR_DIR / "celery" / "control"
    _control_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(_control_dir),
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "data_folder_processed": str(_processed_dir),
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "sweep-timers": {"task": "workflow.tasks.sweep_timers", "schedule": float(os.environ.get("TIMER_SWEEP_SECONDS", "60"))},
    # Daily audit anchor, 02:30 Asia/Shanghai (CELERY_TIMEZONE) unless AUDIT_ANCHOR_HOUR/_MINUTE say otherwise.
    "requeue-audit-exports": {"task": "workflow.tasks.requeue_audit_exports", "schedule": 600.0},
    # Notification e-mails still unsent a few minutes after creation (lost message, exhausted retries).
    "resend-notification-emails": {"task": "workflow.tasks.resend_notification_emails", "schedule": 180.0},
    "anchor-audit-log": {
        "task": "workflow.tasks.anchor_audit_log",
        "schedule": crontab(
            hour=os.environ.get("AUDIT_ANCHOR_HOUR", "2"), minute=os.environ.get("AUDIT_ANCHOR_MINUTE", "30")
        ),
    },
}
# Labour disputes: their categories differ from the proposals' (both API fields are named "category").
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update({
    "CategoryEnum": "processes.proposals.states.Category",  # the proposals' name, as before
    "DisputeCategoryEnum": "processes.disputes.states.Category",
})
# Labour disputes: the weekly report of open group disputes, Mondays 07:00 Asia/Shanghai.
CELERY_BEAT_SCHEDULE["disputes-weekly-group-report"] = {
    "task": "processes.disputes.tasks.weekly_group_report", "schedule": crontab(day_of_week=1, hour=7, minute=0),
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Content-Security-Policy: everything from this site only (union offices may run on closed
# networks; nothing is loaded from elsewhere). Scripts: our own files, and an inline script
# only with the per-response nonce — no inline handlers, no eval (viewflow's Material frontend
# needs none: its scripts are files and it uses no eval). Styles keep 'unsafe-inline':
# viewflow's and Django admin's templates and Material's components put style attributes
# on elements, which neither a nonce nor a hash can allow; injected styles cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF, csp_constants.NONCE],
        "style-src": [csp_constants.SELF, csp_constants.UNSAFE_INLINE],
        "img-src": [csp_constants.SELF, "data:", "blob:"],
        "font-src": [csp_constants.SELF, "data:"],
        "connect-src": [csp_constants.SELF],
        "frame-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.SELF],
    },
}

#: Production hardening: HTTPS only. On when DEBUG is off and a database server is configured
#: (not the embedded default, which is served over plain HTTP on one machine or an office
#: network); SECURE=1 or SECURE=0 decides it either way.
SECURE = env_bool("SECURE", not DEBUG and not EMBEDDED)
if SECURE:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer's health check may speak plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # A year, as check --deploy expects; start lower (e.g. 300) when first moving a site to HTTPS.
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        # Only behind a proxy that sets (and strips from clients) X-Forwarded-Proto.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
