"""Settings for every environment. Production differences come from the environment.

Every variable read here is documented in README.md ("Configuration"). Bad values raise
ImproperlyConfigured; any secret may instead be given as a file with NAME_FILE.
"""

import re
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    file_name = env.str(f"{name}_FILE", default="")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return env.str(name, default=default)


VAR_DIR = Path(env.str("APC_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_secret("DJANGO_SECRET_KEY", "insecure-development-key-change-me-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files: nothing fetched at run time
    "accounts",
    "tenancy",
    "providers",
    "placements",
    "attendance",
    "monitoring",  # half-termly visits to placements and the overdue-visit ladder (issue 12)
    "safeguarding",  # incidents, emergency reviews, restricted safeguarding concerns (issue 12)
    "escalation",
    "qa_framework",
    "notifications",
    "slas",
    "finance",  # invoices against the SLA's costing basis and sessions delivered (issue 14)
    "exams",  # exam entries for pupils in AP (issue 14)
    "oversight",  # reports: children in AP, trust and governors, census and inspection lists, placement records
    "api",  # /api/v1/ for provider systems: tokens, authentication, OpenAPI; composes the apps' endpoints
    "demo",  # manage.py load_demo_data: depends on every domain app, nothing depends on it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "tenancy.middleware.TenantScopeMiddleware",
    "api.middleware.ApiTokenScopeMiddleware",  # /api/…: a token's requests run in its membership's scope
]

ROOT_URLCONF = "apcommission.urls"
WSGI_APPLICATION = "apcommission.wsgi.application"

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
                "tenancy.context_processors.tenant",
                "apcommission.context_processors.rules",
            ],
        },
    },
]

# --- Database: SQLite by default (no server needed); PostgreSQL when DATABASE_URL is set.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'apcommission.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# PostgreSQL: keep each web/worker thread's connection for a minute (a fresh connection per request
# costs more than a register submission's queries), checked before reuse. SQLite: nothing to keep.
_sqlite = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0 if _sqlite else 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", not _sqlite)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under gunicorn threads (tests/robustness/test_concurrency.py). WAL lets
    # readers run beside the one writer. A deferred transaction that reads and then writes cannot
    # wait for the write lock (SQLite answers "database is locked" at once), so every transaction
    # (ATOMIC_REQUESTS, session saves) begins IMMEDIATE: it takes the write lock first and waits up
    # to `timeout` seconds (the busy timeout, also set by PRAGMA for the connection) for it.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000;",
    }
    # Pages (GET) do not hold the one write lock for their whole run: see apcommission/middleware.py.
    DATABASES["default"]["ATOMIC_REQUESTS"] = False
    MIDDLEWARE.append("apcommission.middleware.AtomicUnsafeRequestsMiddleware")
else:
    # PostgreSQL without JIT compilation: a list with a subquery a row (the LA's children-in-AP view
    # at 70,000 placements) is costed past jit_above_cost, and compiling it took 1.5 s of a 2.1 s
    # query (EXPLAIN ANALYZE, development machine); a web request's queries gain nothing from it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: the role the app (web, worker, beat) connects as through DATABASE_URL. It owns no
# table, so it cannot TRUNCATE the audit log or switch its append-only trigger off; migrations run
# as the tables' owner and grant this role read/write on every table except the audit log, which it
# may only read and append to (tenancy migration 0003; created NOLOGIN if missing and the owner may
# create roles). Empty: grant nothing (one role for everything, e.g. a development database).
APC_DB_APP_ROLE = env.str("APC_DB_APP_ROLE", default="apcommission_app")
if APC_DB_APP_ROLE and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", APC_DB_APP_ROLE):
    raise ImproperlyConfigured("APC_DB_APP_ROLE must be a PostgreSQL role name: a-z, 0-9 and _ (up to 63).")

# --- Redis: cache and (unless CELERY_BROKER_URL says otherwise) Celery broker and results.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # File cache: shared by the web, worker and beat processes of the embedded run.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery. Embedded default: SQLite transport via SQLAlchemy (no daemon to run).
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND", default=REDIS_URL or f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The one periodic schedule. DatabaseScheduler copies these entries into the database at start,
# where they can be seen (and paused) in the admin. Later issues add their sweeps here.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "tenancy.tasks.heartbeat",
        "schedule": env.float("APC_HEARTBEAT_SECONDS", default=30.0),
    },
    # Backstop for notification emails whose on-commit delivery could not be queued.
    "deliver-notifications": {
        "task": "notifications.tasks.deliver_notifications",
        "schedule": 60.0,
    },
    # Every escalation ladder (missing registers, not accounted for, initial assessments due, providers'
    # documents, DBS checks and training expiring; then visits, reviews, reports, QA): issue 11 item 6.
    "escalation-sweep": {"task": "escalation.tasks.sweep", "schedule": 60.0},
    # Last week's attendance figures to each school's AP lead (issue 11 item 4), Mondays 07:00 Europe/London.
    "attendance-weekly-summary": {
        "task": "attendance.tasks_summary.send_weekly_summaries",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
    },
    # Expected sessions and registers up to APC_SESSION_HORIZON_DAYS ahead (issue 11 item 2).
    "attendance-generate-sessions": {
        "task": "attendance.tasks.generate_sessions",
        "schedule": crontab(hour=5, minute=0),  # daily, Europe/London (CELERY_TIMEZONE)
    },
    # Each placement's current half-term visit window and its overdue-visit ladder (issue 12 item 3).
    "monitoring-visit-windows": {
        "task": "monitoring.tasks.open_visit_windows",
        "schedule": crontab(hour=5, minute=30),  # daily, Europe/London
    },
    # Placements with no review meeting yet: the review_overdue ladder for the agreement's first review date.
    "monitoring-first-reviews": {
        "task": "monitoring.tasks.open_first_reviews",
        "schedule": crontab(hour=5, minute=35),  # daily, Europe/London
    },
    # Each placement's termly report for the current term and its ladder (issue 12 item 5).
    "monitoring-termly-reports": {
        "task": "monitoring.tasks.open_termly_reports",
        "schedule": crontab(hour=5, minute=40),  # daily, Europe/London
    },
    # The weekly behaviour update asked of providers while a placement is in emergency review.
    "monitoring-behaviour-updates": {
        "task": "monitoring.tasks.ask_behaviour_updates",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
    },
}
# Task modules other than <app>/tasks.py (autodiscovery finds only those): workers import these too.
CELERY_IMPORTS = ("attendance.tasks_summary",)
# How many days ahead expected sessions (and their registers) exist.
APC_SESSION_HORIZON_DAYS = env.int("APC_SESSION_HORIZON_DAYS", default=21)
if not 1 <= APC_SESSION_HORIZON_DAYS <= 366:
    raise ImproperlyConfigured("APC_SESSION_HORIZON_DAYS must be a whole number of days from 1 to 366.")
# /healthz answers 503 when the last heartbeat is older than this (default: three beat intervals).
APC_HEARTBEAT_MAX_AGE_SECONDS = env.float(
    "APC_HEARTBEAT_MAX_AGE_SECONDS", default=3 * CELERY_BEAT_SCHEDULE["heartbeat"]["schedule"]
)
if APC_HEARTBEAT_MAX_AGE_SECONDS <= CELERY_BEAT_SCHEDULE["heartbeat"]["schedule"]:
    raise ImproperlyConfigured("APC_HEARTBEAT_MAX_AGE_SECONDS must be longer than APC_HEARTBEAT_SECONDS")

# --- Auth: custom user (email login), allauth, django-guardian for per-object grants.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_MONKEY_PATCH_USER = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapters.InviteOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses are proven by the invitation link
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[apcommission] "
MFA_ADAPTER = "accounts.adapters.GovukMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "apcommission"
MFA_RECOVERY_CODE_COUNT = 10
# Every role that can see pupil data must have a second factor (tenancy.roles.role_requires_mfa).
APC_REQUIRE_MFA = env.bool("APC_REQUIRE_MFA", default=True)
INVITATION_TTL_DAYS = env.int("APC_INVITATION_TTL_DAYS", default=7)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after inactivity (seconds), counted from the last request.
SESSION_COOKIE_AGE = env.int("APC_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Email: console by default, SMTP when EMAIL_URL is set (e.g. smtp+tls://user:pass@host:587).
EMAIL_URL = env_secret("EMAIL_URL", "")
if EMAIL_URL:
    vars().update(environ.Env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="apcommission <no-reply@apcommission.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation: England.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Pin "now" for demos and manual testing (ISO 8601, e.g. 2026-11-25T09:20:00+00:00). Read only
# through apcommission.clock.now(); leave unset in production.
APC_CLOCK_NOW = env.str("APC_CLOCK_NOW", default="")

# --- Static and uploaded files. GOV.UK Frontend is built into static/build by scripts/build_assets.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded documents live outside any public path and are only served through authorised views.
MEDIA_ROOT = Path(env.str("APC_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private-media")))
MEDIA_URL = "/no-public-media/"

# --- Content-Security-Policy (django-csp) on every response. Scripts, styles and images come from
# this origin only: no inline script, style or event handler runs (templates/base.html loads
# static/build/js-enabled.js and govuk-init.js; tests/security/test_csp.py checks the templates).
# img-src also allows data: for the TOTP QR code, which allauth renders as an SVG data: URI.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- The register API (/api/v1/, api/ and <app>/api.py): bearer tokens only (no session, so no
# CSRF), JSON in and out, every view names its capability (api.drf.HasCapability).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.drf.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.drf.HasCapability"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "apcommission register API",
    "DESCRIPTION": "Registers for provider systems. Create a token under API tokens in the service and send "
                   "`Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# crispy-forms-gds leaves number, URL and phone inputs unstyled; give them the GOV.UK input class.
CRISPY_CLASS_CONVERTERS = {"numberinput": "govuk-input", "urlinput": "govuk-input", "telinput": "govuk-input"}

# Absolute address of the service, for links in emails sent by background jobs.
APC_BASE_URL = env.str("APC_BASE_URL", default="http://127.0.0.1:8000")
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")
SERVICE_NAME = "Commission alternative provision"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"forbidden_without_traceback": {"()": "apcommission.log_filters.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["forbidden_without_traceback"]},  # a 403 is one line, no traceback
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
