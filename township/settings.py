"""Settings for the township portal, read from the environment (django-environ); production defaults are safe."""

import secrets
import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# `make run` writes the embedded servers' addresses here, so manage.py in another terminal finds them.
if not env.str("DATABASE_URL", default="") and (VAR_DIR / "run.env").exists():
    environ.Env.read_env(VAR_DIR / "run.env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="" if not DEBUG else "dev-only-insecure-key-change-me")
# Commands that sign nothing (migration files, message catalogues) may run without a key: they
# get a random one for this process. Serving (gunicorn, runserver, Celery) must be given SECRET_KEY.
OFFLINE_COMMANDS = {"makemigrations", "showmigrations", "makemessages", "compilemessages"}
if (
    not SECRET_KEY
    and Path(sys.argv[0]).name == "manage.py"
    and sys.argv[1:2]
    and sys.argv[1] in OFFLINE_COMMANDS
):
    SECRET_KEY = secrets.token_urlsafe(50)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415 - only on this error path

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "import_export",
    "guardian",
    "axes",
    "csp",
    # the kernel
    "township",
    "township.org",
    "township.calendar",
    "township.casework",
    "township.notify",
    "township.documents",
    "township.audit",
    "township.entities",
    # the loops
    "services",
    "approvals",
    "enforcement",
    "grid",
    "command_center",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "township.middleware.BadInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "township.middleware.IdleSessionTimeoutMiddleware",
    "township.devices.LockedDeviceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "township.middleware.PrivateResponseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "township.audit.middleware.AuditMiddleware",
    "township.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "township.urls"
WSGI_APPLICATION = "township.wsgi.application"
ASGI_APPLICATION = "township.asgi.application"

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
                "township.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@localhost:5432/portal")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica for the command centre's dashboard (command_center.routers): reads inside the
# dashboard's selectors go there; unset, everything is on "default".
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["command_center.routers.DashboardReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "township.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "portal",
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "township.auth_backends.PortalModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "township.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# MLPS level 3: login-failure lockout that expires, idle logout.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address of every rate limit and of the lockout: township.clients.client_address.
AXES_CLIENT_IP_CALLABLE = "township.clients.client_address"
SESSION_IDLE_TIMEOUT_STAFF = env.int("SESSION_IDLE_TIMEOUT_STAFF", default=30 * 60)
SESSION_IDLE_TIMEOUT_RESIDENT = env.int("SESSION_IDLE_TIMEOUT_RESIDENT", default=2 * 60 * 60)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_ENGINE = "django.contrib.sessions.backends.cache"

GUARDIAN_RAISE_403 = True
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: files go through permission-checking views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded application materials: what a resident or clerk may hand in, checked by content, not by name.
MATERIAL_MAX_BYTES = env.int("MATERIAL_MAX_BYTES", default=10 * 1024 * 1024)
# Bad reviews are rectified within this many working days (Sichuan: 15); a local setting.
RECTIFICATION_LIMIT_WORKING_DAYS = env.int("RECTIFICATION_LIMIT_WORKING_DAYS", default=15)
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Security: safe by default, relaxed only by DEBUG for the local run command.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_SSL_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies we run in front of the app, each appending to X-Forwarded-For (the documented TLS
# proxy is one). Rate limits then count the address the outermost one saw, not the proxy's own.
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=int(BEHIND_TLS_PROXY))
)
# django-ipware reads X-Forwarded-For; with left-most order and non-strict matching, a count of
# K skips the K right-most entries (our inner proxies), so the client is entry -TRUSTED_PROXY_COUNT.
# The hall's ticket kiosks, exempt from the per-address ticket limit of the public kiosk page.
KIOSK_ADDRESSES = env.list("KIOSK_ADDRESSES", default=[])
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = max(TRUSTED_PROXY_COUNT - 1, 0)
AXES_IPWARE_PROXY_TRUSTED_IPS = None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "township.api_schema.AutoSchema",
    # A DomainError (a refusal the user can read) answers 400/409 with its message, never a 500.
    "EXCEPTION_HANDLER": "township.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "township.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["township.api.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "township.api.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Township one-window portal API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # The catalog's delivery options and an application's chosen delivery share one choice set.
    "ENUM_NAME_OVERRIDES": {
        "DeliveryEnum": "services.models.catalog.Delivery",
        "ApplicationStatusEnum": "services.models.applications.ApplicationStatus",
        "EntityKindEnum": "township.entities.models.EntityKind",
        "HotlineKindEnum": "grid.models.hotline.HotlineKind",
        "HotlineStatusEnum": "grid.models.hotline.HotlineStatus",
        "HotlineUrgencyEnum": "grid.models.hotline.HotlineUrgency",
        "FollowUpResultEnum": "grid.models.hotline.FollowUpResult",
        "GridEventStatusEnum": "grid.models.events.EventStatus",
    },
}

# Celery: Redis broker; beat schedules live here, as crontabs, with `expires` on frequent jobs.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_RESULT_EXPIRES = timedelta(hours=6)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "casework-sweep": {
        "task": "township.casework.tasks.sweep_warning_levels",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    "notify-resend-stuck": {
        "task": "township.notify.tasks.resend_pending",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},
    },
    "services-open-appointment-slots": {
        "task": "services.tasks.open_slots_for_every_township",
        "schedule": crontab(minute=10, hour=1),
        "options": {"expires": 3600},
    },
    "approvals-start-pending-reviews": {
        "task": "approvals.tasks.start_pending_reviews",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    "grid-care-visits": {  # gridbase
        "task": "grid.tasks.schedule_due_care_visits",
        "schedule": crontab(minute=20, hour=6),
        "options": {"expires": 3600},
    },
    "audit-retention": {
        "task": "township.audit.tasks.purge_audit_events",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 3600},
    },
    "grid-ask-if-fixed": {
        "task": "grid.tasks.ask_if_fixed",
        "schedule": crontab(minute=0, hour=10),
        "options": {"expires": 3600},
    },
    # The command centre's daily rollups: today and yesterday every quarter hour, the recent days nightly.
    "command-centre-rollups": {
        "task": "command_center.tasks.refresh_recent_rollups",
        "schedule": crontab(minute="7,22,37,52"),
        "options": {"expires": 14 * 60},
    },
    # today by the hour from the watermark, and the open snapshot ("now" figures), every minute
    "command-centre-today": {
        "task": "command_center.tasks.refresh_today_and_open",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "command-centre-rollups-nightly": {
        "task": "command_center.tasks.recompute_rollups",
        "schedule": crontab(minute=40, hour=2),
        "options": {"expires": 3 * 3600},
    },
    "beat-heartbeat": {
        "task": "township.tasks.heartbeat",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
}

# Online applications: the front desk tells the applicant within this many working days what is missing,
# or the application counts as accepted from the day it was received (Administrative Licensing Law art. 32).
PRE_REVIEW_LIMIT_WORKING_DAYS = env.int("PRE_REVIEW_LIMIT_WORKING_DAYS", default=5)

# Audit log: how long events are kept (days; never less than six months, Cybersecurity Law art. 21).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

# Working time: office hours for "working hours" limits (grid events), local time.
WORKING_HOURS = env.list("WORKING_HOURS", default=["09:00-12:00", "13:30-17:30"])

# --- gridbase: grid network ---
# A point outside every grid goes to the nearest grid within this many metres (0: never).
GRID_NEAREST_MAX_METRES = env.int("GRID_NEAREST_MAX_METRES", default=200)
# Early warning for vulnerable households: an out-of-pocket medical expense over this (yuan) raises a
# warning and a home visit due within GRID_CARE_VISIT_WORKING_DAYS working days.
GRID_CARE_EXPENSE_THRESHOLD = env.str("GRID_CARE_EXPENSE_THRESHOLD", default="5000")
GRID_CARE_VISIT_WORKING_DAYS = env.int("GRID_CARE_VISIT_WORKING_DAYS", default=3)
# --- end gridbase ---

# Case kernel: default yellow thresholds per limit unit (how much remains when yellow starts).
# 12345 hotline work orders (grid.hotline.limits): per urgency, the dispatch, sign-for and reply limits
# as (amount, unit); Beijing's published classes (reference: grid-and-command.md §6) as the default.
HOTLINE_LIMITS = {
    "emergency": {"dispatch": (1, "clock_hours"), "sign": (1, "clock_hours"), "reply": (2, "clock_hours")},
    "utilities": {"dispatch": (2, "clock_hours"), "sign": (2, "clock_hours"), "reply": (24, "clock_hours")},
    "general": {"dispatch": (24, "clock_hours"), "sign": (4, "working_hours"), "reply": (7, "working_days")},
    "complex": {"dispatch": (24, "clock_hours"), "sign": (4, "working_hours"), "reply": (15, "working_days")},
}
HOTLINE_MAX_SEND_BACKS = env.int("HOTLINE_MAX_SEND_BACKS", default=2)
HOTLINE_PLATFORM = "hotline12345"  # the NOTIFY_PLATFORMS entry replies go to

# Grid events: a step's limit when the category sets none, as (amount, unit); the time a summoned
# department has to report on site after a whistle; whether the closure rates subtract deferred events
# from the events due (Jinhua's variant of the published formulas).
GRID_EVENT_DEFAULT_LIMITS = {
    "register": (2, "working_hours"),
    "handle": (3, "working_days"),
    "check": (1, "working_days"),
}
# Channels into the loop (grid.channels): how long after closing a reporter may reopen a report as
# "not fixed", when the "is it fixed?" question goes out, and how long repeated camera alerts merge.
GRID_REOPEN_DAYS = env.int("GRID_REOPEN_DAYS", default=14)
GRID_FOLLOW_UP_DAYS = env.int("GRID_FOLLOW_UP_DAYS", default=28)
GRID_ALERT_MERGE_MINUTES = env.int("GRID_ALERT_MERGE_MINUTES", default=120)
GRID_WHISTLE_ON_SITE = (1, "clock_hours")
# Open311 GeoReport v2 (grid.open311): the input attributes of the service definitions (answers go into
# the event's description or address), whether POST requests answer with a token instead of the id,
# and the contact shown in discovery.
GRID_OPEN311_ATTRIBUTES = [
    {
        "code": "landmark",
        "datatype": "string",
        "description": _("Nearby landmark or shop sign"),
        "datatype_description": _("Up to 200 characters."),
        "into": "address",
    },
    {
        "code": "danger",
        "datatype": "singlevaluelist",
        "required": True,
        "description": _("Is anyone in danger now?"),
        "values": [("yes", _("Yes")), ("no", _("No"))],
        "major_codes": ["04"],
    },
]
GRID_OPEN311_ANSWER_WITH_TOKEN = env.bool("GRID_OPEN311_ANSWER_WITH_TOKEN", default=False)
GRID_OPEN311_CONTACT = env.str("GRID_OPEN311_CONTACT", default="12345")
GRID_KPI_SUBTRACT_DEFERRED = env.bool("GRID_KPI_SUBTRACT_DEFERRED", default=False)
CASEWORK_YELLOW_THRESHOLDS = {"working_days": 2, "working_hours": 1, "calendar_days": 3, "clock_hours": 1}
# Enforcement: the code of the township department that is the enforcement bureau (its squads are its
# sub-departments); clues handed over by the grid, the hotline and inspections go to it.
ENFORCEMENT_BUREAU_CODE = env.str("ENFORCEMENT_BUREAU_CODE", default="ZHZF")

# Command centre: departments whose head oversees the whole township (the party-government office), how
# many past days the nightly rollup recomputes (late corrections), and how often the screens refresh.
COMMAND_CENTRE_LEADER_DEPARTMENTS = env.list("COMMAND_CENTRE_LEADER_DEPARTMENTS", default=["DZB"])
COMMAND_CENTRE_RECOMPUTE_DAYS = env.int("COMMAND_CENTRE_RECOMPUTE_DAYS", default=35)
COMMAND_CENTRE_REFRESH_SECONDS = env.int("COMMAND_CENTRE_REFRESH_SECONDS", default=60)
# today's hourly rollups recompute from this long before the watermark (transactions that commit late)
COMMAND_CENTRE_COMMIT_LAG_SECONDS = env.int("COMMAND_CENTRE_COMMIT_LAG_SECONDS", default=300)


# Notifications: one backend per channel; the file backend writes to var/outbox/ for development.
NOTIFY_BACKENDS = {
    "sms": env.str("SMS_BACKEND", default="township.notify.backends.FileBackend"),
    "email": env.str("EMAIL_NOTIFY_BACKEND", default="township.notify.backends.FileBackend"),
    "platform": env.str("PLATFORM_NOTIFY_BACKEND", default="township.notify.backends.FileBackend"),
}
# External platforms we report back to (HttpPlatformBackend): name -> url, token, timeout.
NOTIFY_PLATFORMS = {
    "hotline12345": {
        "url": env.str("HOTLINE_PLATFORM_URL", default=""),
        "token": env.str("HOTLINE_PLATFORM_TOKEN", default=""),
        "timeout": env.float("HOTLINE_PLATFORM_TIMEOUT", default=10.0),
    },
}
NOTIFY_OUTBOX_DIR = env.path("NOTIFY_OUTBOX_DIR", default=str(VAR_DIR / "outbox"))
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="便民服务中心")
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=6)
NOTIFY_RETRY_BASE_SECONDS = env.int("NOTIFY_RETRY_BASE_SECONDS", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="Demo-Portal-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

PORTAL_NAME = _("Township one-window portal")
