"""Settings, read from environment variables with safe local defaults.

Every variable is documented in `.env.example`. With DJANGO_DEBUG off (production) the app
refuses to start without DJANGO_SECRET_KEY, so a deployment can never run on the development key.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production (DJANGO_DEBUG off) refuses to start without "
            "a secret key; set DJANGO_SECRET_KEY, or DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "import_export",
    "axes",
    "rules",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Two-factor log-in: django-otp's devices (authenticator app, recovery codes) and passkeys.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware, so that its refusal is in the reader's language.
    "tracker.middleware.RejectNullCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the user verified (request.user.is_verified()) once a second factor was given.
    "django_otp.middleware.OTPMiddleware",
    # Sees every 403, whichever layer refused, and writes it into the security log.
    "tracker.security_middleware.PermissionRefusalLogMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Then a session that owes its second factor (or an enrolment) reaches only that step.
    "tracker.two_factor_middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "tracker.middleware.IdleTimeoutMiddleware",
    # Last, so that it sees the outcome of authentication on log-in attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.context_processors.notifications",
            ],
        },
    },
]

# Django's form templates, with the inputs and text areas written in Python (same HTML, faster).
FORM_RENDERER = "tracker.widgets.QuickRenderer"

WSGI_APPLICATION = "tracker.wsgi.application"
ASGI_APPLICATION = "tracker.asgi.application"

# Database: DATABASE_URL (postgres://… in production and CI); SQLite for a laptop.
DATABASE_ROUTERS = ["tracker.database_routers.SearchIndexRouter"]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiler starts on queries its planner guesses expensive, and the
        # weekly report's as-of reads are such: compiling took 0.7 s of a 0.85 s query that
        # runs in 0.18 s without it (docs/benchmarks.md). Nothing here gains from it.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # Django's defaults make a second concurrent writer fail at once with "database is
                # locked": IMMEDIATE takes the write lock when the transaction begins, so writers
                # queue for up to `timeout` seconds instead, and WAL lets readers go on meanwhile.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request (tracker.middleware).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lock-out after repeated failed log-ins, counted per user name and address together.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The client's address behind AXES_PROXY_COUNT reverse proxies (the documented deployment has one,
# the TLS proxy), read by axes through django-ipware. Each proxy appends the address it was
# connected from to X-Forwarded-For, so the client is the AXES_PROXY_COUNT-th entry from the right;
# entries further left were written by the client and may be forged. Without this every client
# has the proxy's address, and anyone could lock any user out.
try:
    _axes_proxies = int(os.environ.get("AXES_PROXY_COUNT") or "0")
except ValueError:
    _axes_proxies = -1
if _axes_proxies < 0:
    raise ImproperlyConfigured("AXES_PROXY_COUNT must be the number of proxies: 0, 1, 2 …")
if _axes_proxies:
    # Not REMOTE_ADDR as a fallback: ipware prefers whichever address looks more public, so a
    # proxy with a public address would win over every client on the intranet.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    # ipware counts only the proxies named in the header (the last one is REMOTE_ADDR); with
    # "left-most" and a count it takes the entry that many places from the right.
    AXES_IPWARE_PROXY_COUNT = _axes_proxies - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    # Strict parsing drops the whole header when a client-written entry is not an address or the
    # chain is longer than expected, and the client would then escape its own lock-out.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# State every app server must see alike: sessions and the lock-out's failure counts. Without
# REDIS_URL both live in the database, which every server shares; Django's default cache is
# local memory, one per process, so nothing that must be shared is kept in it. With REDIS_URL
# (redis://host:6379/0) the counts move to Redis and sessions are read through it, so a log-in
# attempt or a page costs no database round trip for them. A Redis that is down fails log-ins
# loudly (an error page), never by forgetting failures.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Another application on the same Redis database keeps its own keys.
        "KEY_PREFIX": "tracker",
    }
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    # Written through to the database as well, so a restart or flush of Redis logs no one out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Internationalisation: English and Japanese; Asia/Tokyo unless TIME_ZONE says otherwise.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "tracker" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    # Nothing is stored in files: issued reports live in the database, the one store.
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail (the weekly report is sent through this mailer). Django 6.1's MAILERS replaces EMAIL_*.
# Locally (DJANGO_DEBUG) every message is kept as a file in var/mail/ (or EMAIL_FILE_PATH),
# where the demo's notifications can be read. (A setting of that name is refused next to MAILERS.)
EMAIL_BACKEND_NAME = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_file_path = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
if EMAIL_BACKEND_NAME.endswith("smtp.EmailBackend"):
    _mailer_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 30,
    }
elif EMAIL_BACKEND_NAME.endswith("filebased.EmailBackend"):
    _mailer_options = {"file_path": _mail_file_path}
else:
    _mailer_options = {}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_NAME, "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
REPORT_RECIPIENTS = env_list("REPORT_RECIPIENTS")
# The address the site is reached at, for the links in e-mails (which have no request to ask).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# When the weekly digest goes out each Monday, wall-clock time in Tokyo ("HH:MM").
try:
    WEEKLY_DIGEST_TIME = datetime.time.fromisoformat(os.environ.get("WEEKLY_DIGEST_TIME", "08:00"))
except ValueError as error:
    raise ImproperlyConfigured("WEEKLY_DIGEST_TIME must be a time such as 08:00.") from error

# Background work: tasks queue in the database and `manage.py db_worker` runs them;
# `manage.py run_scheduler` enqueues the periodic jobs (tracker/scheduling.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A failed job is tried again this many times in all, after a growing pause (tracker/tasks.py).
JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "4"))
JOB_RETRY_DELAY_SECONDS = int(os.environ.get("JOB_RETRY_DELAY_SECONDS", "60"))

# Security headers. Everything is served by the app itself, so the policy allows 'self' only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy (the documented gunicorn deployment).
    if env_bool("DJANGO_BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Import and export in the admin: a whole file is one transaction, so a bad row saves nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Each cell is escaped by tracker.cells.safe_cell (which the import undoes); the library's own
# escaping would drop the "=" and change the data.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Caps on one import file, checked before its rows are read (a larger file is refused with a
# message to split it). Each written row goes through the services (version check, journal,
# history) at 15-50 ms; 1,000 rows keep a confirmation near gunicorn's 30 s worker timeout.
IMPORT_MAX_ROWS = 1_000
IMPORT_MAX_BYTES = 5 * 1024 * 1024

SIMPLE_HISTORY_REVERT_DISABLED = True

# The JSON API under /api/v1/ (tracker/api/, docs/api.md): personal access tokens or the browser's
# session (with its CSRF check), problem-details errors, cursor pages, and a rate limit per token
# kept in the default cache (Redis with REDIS_URL, so every app server counts alike).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.authentication.BearerTokenAuthentication",
        "tracker.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.permissions.ApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["tracker.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE_LIMIT},
    "DEFAULT_PARSER_CLASSES": ["tracker.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "tracker.api.errors.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Commitment tracker API",
    "DESCRIPTION": "Commitments, meetings, follow-ups and the weekly report; see docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs under the API's own rules: a token or a session, never anonymous.
    "SERVE_PERMISSIONS": ["tracker.api.permissions.ApiAccess"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI's files come from drf-spectacular-sidecar, served by the app (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "MeetingKindEnum": "tracker.models.choices.MeetingKind",
        "TimelineKindEnum": ["update", "followup", "change"],
    },
}

# The security log (log-ins, refusals, downloads, imports, exports) keeps this many days of
# events; a daily job deletes older ones.
try:
    SECURITY_LOG_RETENTION_DAYS = int(os.environ.get("SECURITY_LOG_RETENTION_DAYS") or "400")
except ValueError as error:
    raise ImproperlyConfigured("SECURITY_LOG_RETENTION_DAYS must be a number of days.") from error
if SECURITY_LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("SECURITY_LOG_RETENTION_DAYS must be at least 1.")

# Two-factor log-in (tracker/two_factor.py, docs/security.md) is required of these roles, by the
# names of tracker.permissions.Role, and "admin" for staff and superusers; others may enrol.
# An empty value requires it of nobody.
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES", "Manager,admin")
_two_factor_role_names = {"viewer", "editor", "manager", "data entry", "admin"}
_unknown_roles = [r for r in TWO_FACTOR_REQUIRED_ROLES if r.lower() not in _two_factor_role_names]
if _unknown_roles:
    raise ImproperlyConfigured(
        f"TWO_FACTOR_REQUIRED_ROLES names unknown roles {_unknown_roles}: use Viewer, Editor, "
        "Manager, Data entry or admin, separated by commas."
    )
# Wrong codes in a row that end a half-logged-in session (back to the log-in page); each device
# also makes the next try wait longer after each wrong code (django-otp's throttling).
TWO_FACTOR_MAX_FAILURES = 5

# Passkeys are bound to the site's domain (the relying party) and the browser checks the page's
# origin. Both follow SITE_URL; a browser allows passkeys only over https or on localhost, never on
# a bare IP address, so the laptop demo at 127.0.0.1 offers them at http://localhost:<port>.
_site = urlsplit(SITE_URL)
_site_is_secure = _site.scheme == "https" or _site.hostname == "localhost"
OTP_WEBAUTHN_RP_ID = _site.hostname if _site_is_secure else "localhost"
OTP_WEBAUTHN_RP_NAME = os.environ.get("OTP_WEBAUTHN_RP_NAME", "Commitment tracker")
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    SITE_URL if _site_is_secure else f"http://localhost:{_site.port or 80}",
    *env_list("OTP_WEBAUTHN_EXTRA_ORIGINS"),
]
# Passkeys are a second factor here, after the password, never a log-in on their own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# The name authenticator apps show next to the user name.
OTP_TOTP_ISSUER = OTP_WEBAUTHN_RP_NAME
