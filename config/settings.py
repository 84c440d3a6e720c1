"""MACE Hub settings, driven by the environment.

MACEHUB_ENV selects the profile: "development" (make run), "test" (make test) or
"production". Production refuses to start without the settings that keep it
safe (secret key, allowed hosts, database), so a missing variable fails loudly
instead of falling back to a development default.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

ENV = os.environ.get("MACEHUB_ENV", "development")
if ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"MACEHUB_ENV must be development, test or production, not {ENV!r}")
PRODUCTION = ENV == "production"
TESTING = ENV == "test"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", ENV == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must not be on in production.")

if PRODUCTION:
    SECRET_KEY = required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [required("ALLOWED_HOSTS")]
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
else:
    # Only ever used on a developer's machine or in the test suite.
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-key-not-for-production-use-0123456789")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public base address, used in e-mails ("sign in at ...").
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    # Before django_tasks_db: its `db_worker` command adds worker heartbeats and task leases.
    "macehub.operations",
    "django_tasks_db",
    # Our apps, lowest layer first (core <- audit <- organisations <- everything else).
    "macehub.core",
    "macehub.audit",
    "macehub.organisations",
    "macehub.accounts",
    # Panel work (identifiable data, one partnership's panel).
    "macehub.subjects",
    "macehub.referrals",
    "macehub.meetings",
    "macehub.casework",
    # Cross-border: "known elsewhere?" by keyed fingerprints (the London layer holds no identifiers).
    "macehub.known_elsewhere",
    # Cross-border working: what one partnership sends another (above casework and meetings).
    "macehub.crossborder",
    # Oversight: aggregates only; the London layer sees disclosure-controlled releases.
    "macehub.oversight",
    # London-wide review and improvement (no identifiable child data).
    "macehub.review",
    "macehub.library",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: a body over the limit gets 413 unread.
    "macehub.core.bodylimit.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "macehub.core.middleware.RequestContextMiddleware",
    "macehub.core.middleware.AccessSnapshotMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the session limits, so a timed-out htmx request gets an HX-Redirect.
    "django_htmx.middleware.HtmxMiddleware",
    "macehub.accounts.middleware.SessionTimeoutMiddleware",
    # Django's, plus 401 JSON for scripts and kept drafts for forms posted after a sign-out.
    "macehub.accounts.middleware.LoginRequiredMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "macehub.accounts.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "macehub.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "macehub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "macehub.core.context_processors.layout",
                "macehub.accounts.context_processors.kept_draft",
            ],
            "builtins": ["macehub.core.templatetags.govuk"],
        },
    },
]
# Django's form renderer with GOV.UK field templates (macehub/templates/forms/).
FORM_RENDERER = "macehub.core.forms.GovukFormRenderer"

# --- Database ---------------------------------------------------------------------------------

_default_sqlite = f"sqlite:///{BASE_DIR / 'var' / 'macehub.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or ("" if PRODUCTION else _default_sqlite)
if not DATABASE_URL:
    raise ImproperlyConfigured("The environment variable DATABASE_URL must be set in production.")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the task worker share the file: write transactions take the
    # lock up front (no upgrade deadlocks), WAL lets readers continue during a write,
    # and a busy timeout waits for the lock instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
    Path(BASE_DIR / "var").mkdir(exist_ok=True)
    if TESTING:
        # Tests use a file, not Django's shared in-memory database: in shared-cache mode
        # SQLite answers a concurrent request (a browser test's autosave during a page load)
        # with "database table is locked" at once, where a file waits on the busy timeout
        # as it does in real use. pytest-xdist adds a suffix per worker.
        DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}
        # A test database is thrown away: no fsync, and pages mapped into memory.
        DATABASES["default"]["OPTIONS"]["init_command"] += " PRAGMA synchronous=OFF; PRAGMA mmap_size=268435456;"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler costs 100-200 ms per oversight aggregate (its cost model
    # misjudges the correlated subqueries) and saves nothing at our sizes: measured in
    # docs/performance.md, where it made the dashboard three times slower.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off".strip()
    # The working set lives in memory, so reading a row through an index costs about what a
    # sequential read does: PostgreSQL's default (4) makes it prefer scanning whole tables
    # (every subject in London) to looking up a panel's few hundred rows. 1.1 is the usual
    # setting for SSD or cached data; measured in docs/performance.md (issue 17). Empty leaves
    # the server's own setting.
    _random_page_cost = os.environ.get("PG_RANDOM_PAGE_COST", "1.1").strip()
    if _random_page_cost:
        _pg_options["options"] += f" -c random_page_cost={float(_random_page_cost)}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in lockouts, rate limits (allauth's, the API's, registration's) and used one-time
# codes are counted in this cache, so it must be shared by every process on every app server:
# the database by default (`createcachetable`), or Redis when REDIS_URL (or CACHE_URL) is set,
# which production should use. Never per-process memory, except in the test suite below.
CACHE_URL = (os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or "").strip()
CACHES: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "macehub_cache",
    }
}
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL (or CACHE_URL) must be a redis://, rediss:// or unix:// address.")
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        # Several services (or two MACE Hubs) may share one Redis: keep our keys apart.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "macehub"),
    }

# --- Background jobs --------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        ),
    }
}

# --- Accounts, sign-in and MFA ----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "macehub.accounts.validators.MaximumLengthValidator"},
    {"NAME": "macehub.accounts.validators.ContextWordsValidator"},
    {"NAME": "macehub.accounts.validators.StrengthValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Reset links are single-use (Django's token changes once the password does) and short-lived.
PASSWORD_RESET_TIMEOUT = 60 * 60

ACCOUNT_ADAPTER = "macehub.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "macehub.accounts.forms.RegistrationDetailsForm"
ACCOUNT_FORMS = {
    "login": "macehub.accounts.forms.GovukLoginForm",
    "signup": "macehub.accounts.forms.RegistrationForm",
    "reset_password": "macehub.accounts.forms.GovukResetPasswordForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "MACE Hub: "
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 2
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
ACCOUNT_CHANGE_EMAIL = False
# Tell people by e-mail when their password or second factor changes (someone else may have done it).
ACCOUNT_EMAIL_NOTIFICATIONS = True
# One lockout mechanism: allauth's rate limits (django-axes is not installed). At most ten
# failed passwords or second-factor codes per account in five minutes, from any number of
# addresses; a separate per-address cap slows spraying across accounts.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "30/m/ip,10/5m/key",
    "reset_password": "20/m/ip,3/5m/key",
    "signup": "10/m/ip",
}

MFA_ADAPTER = "macehub.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "MACE Hub"
# Accept the code either side of the current 30-second step (clock drift, slow typing); a used
# code is still refused until it expires.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Single sign-on (docs/security.md): providers are configured by system admins in the app, not
# here. A provider never creates an account or grants access; the client secret is stored
# encrypted with MFA_SECRET_ENCRYPTION_KEY (or SECRET_KEY).
SOCIALACCOUNT_ADAPTER = "macehub.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "oidc"
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
# People holding these roles must sign in with a passkey or security key (phishing-resistant),
# not an authenticator app: they can change who sees what. On by default in production only,
# so the demo's admins can sign in with the codes `make run` prints.
SECURITY_KEY_ROLES = env_list("SECURITY_KEY_ROLES", "system_admin,borough_admin" if PRODUCTION else "")
USERSESSIONS_TRACK_ACTIVITY = True

# --- Sessions and cookies ---------------------------------------------------------------------

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = timedelta(minutes=15)
# The timeout warning (GOV.UK pattern) opens this long before the idle limit.
SESSION_TIMEOUT_WARNING = timedelta(minutes=2)
# A form sent after the session ended is kept for its author this long (macehub/accounts/drafts.py).
MACEHUB_KEPT_DRAFT_HOURS = 24
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
# The server-side session lives at most 12 hours; the 15-minute idle limit is enforced by
# accounts.middleware.SessionTimeoutMiddleware, which can then say why someone was signed out.
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "macehub.core.views.csrf_failure"

# --- Security headers -------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only sent over HTTPS, for this host, on every path.
    SESSION_COOKIE_NAME = "__Host-macehub-session"
    CSRF_COOKIE_NAME = "__Host-macehub-csrf"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
else:
    SESSION_COOKIE_NAME = "macehub-session"
    CSRF_COOKIE_NAME = "macehub-csrf"

# How many reverse proxies sit in front of the app; their X-Forwarded-For entries are trusted
# for the client address recorded in audit events. 0 means use the socket address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# allauth's sign-in and failed-sign-in limits count per client address too: without this, behind
# the proxy everyone would share one address and one limit (30 sign-ins a minute for a borough).
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# A worker beats every TASKS_HEARTBEAT_SECONDS; a task left RUNNING by a worker that has not
# beaten for TASKS_LEASE_SECONDS is run again (see docs/configuration.md).
TASKS_HEARTBEAT_SECONDS = float(os.environ.get("TASKS_HEARTBEAT_SECONDS", "10"))
TASKS_LEASE_SECONDS = float(os.environ.get("TASKS_LEASE_SECONDS", "60"))
# GET /health/ answers 503 when no worker has beaten for this long.
HEALTH_WORKER_MAX_AGE_SECONDS = float(os.environ.get("HEALTH_WORKER_MAX_AGE_SECONDS", "120"))

# --- E-mail -----------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MACE Hub <no-reply@macehub.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS: dict[str, dict[str, object]]
if TESTING:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
elif PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": required("EMAIL_HOST"),
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {
        "default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
    }
# The outbox: a failed delivery is retried after OUTBOX_RETRY_SECONDS, doubling each time, up to
# OUTBOX_MAX_ATTEMPTS; a message unsent for OUTBOX_STALL_SECONDS with no delivery queued is
# queued again; sent messages are deleted after OUTBOX_KEEP_SENT_DAYS.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_RETRY_SECONDS = int(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))
OUTBOX_STALL_SECONDS = int(os.environ.get("OUTBOX_STALL_SECONDS", "600"))
OUTBOX_KEEP_SENT_DAYS = int(os.environ.get("OUTBOX_KEEP_SENT_DAYS", "7"))
# Error reports by e-mail could carry personal data; errors are logged instead.
ADMINS: list[tuple[str, str]] = []
MANAGERS: list[tuple[str, str]] = []

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"

# --- Static files and uploads -----------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("MACEHUB_STATIC_ROOT", BASE_DIR / "staticfiles"))
if not PRODUCTION:
    # WhiteNoise serves from the finders in development; the empty folder stops its warning.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "assets" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files live outside the web root and are served only through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MACEHUB_UPLOAD_ROOT", BASE_DIR / "var" / "uploads"))
# Backups (manage.py backup; docs/restore.md): where archives go, and the age public keys
# they are encrypted to (comma-separated; the private keys are kept off the server).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "var" / "backups"))
BACKUP_AGE_RECIPIENTS = env_list("BACKUP_AGE_RECIPIENTS")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request body accepted (a 10 MB upload and its form with room to spare); larger
# gets 413 before it is read. The proxy's client_max_body_size must match (docs/deployment.md).
# API rate limits (macehub/oversight/api.py), counted in the shared cache.
MACEHUB_API_RATE_PER_CALLER = os.environ.get("MACEHUB_API_RATE_PER_CALLER", "100/m")
MACEHUB_API_RATE_PER_ADDRESS = os.environ.get("MACEHUB_API_RATE_PER_ADDRESS", "300/m")
MACEHUB_MAX_REQUEST_BYTES = int(os.environ.get("MACEHUB_MAX_REQUEST_BYTES", str(25 * 1024 * 1024)))

# --- Logging ----------------------------------------------------------------------------------

# One JSON object per line in production (LOG_FORMAT=json), for the log store to index;
# readable lines on a developer's machine. Both carry the request id (X-Request-ID).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "macehub.core.logging.RequestContextFilter"}},
    "formatters": {
        "plain": {
            "()": "macehub.core.logging.SafeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "macehub.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # 4xx responses are expected (scoped 404s, CSRF); audit events record what matters.
        "django.request": {"level": "ERROR"},
        # WeasyPrint and its font library report every font and stylesheet at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- MACE Hub ---------------------------------------------------------------------------------

MACEHUB_SERVICE_NAME = "MACE Hub"


def _retention_years(text: str) -> dict[str, int]:
    """``child=35,looked_after=75,person=6`` → years per record type (see docs/configuration.md)."""
    known = {"child", "looked_after", "person", "location", "group", "theme"}
    years: dict[str, int] = {}
    for item in (part.strip() for part in text.split(",") if part.strip()):
        kind, _, value = item.partition("=")
        if kind.strip() not in known or not value.strip().isdigit() or int(value) < 1:
            raise ImproperlyConfigured(
                f"MACEHUB_RETENTION_YEARS: {item!r} is not type=years with type one of {', '.join(sorted(known))}"
            )
        years[kind.strip()] = int(value)
    return years


#: Retention periods agreed locally, overriding the defaults in macehub/subjects/services/retention.py.
MACEHUB_RETENTION_YEARS = _retention_years(os.environ.get("MACEHUB_RETENTION_YEARS", ""))
# Key for encrypting authenticator secrets at rest; defaults to one derived from SECRET_KEY.
MFA_SECRET_ENCRYPTION_KEY = os.environ.get("MFA_SECRET_ENCRYPTION_KEY", "")
# A demonstration site on the production configuration (docs/deployment.md, "The demo on the
# production configuration"): lets seed_demo and demo_logins run there. The demo accounts share
# a published password, so never set it where real people or real records are.
DEMO_SITE = env_bool("MACEHUB_DEMO_SITE", False)
# Key for the audit trail's hash chain (HMAC); defaults to one derived from SECRET_KEY.
AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", "")
# The London key for "known elsewhere?" fingerprints (HMAC-SHA256 over normalised identifiers).
# Held by the deployment, never in the database; production refuses to start without it. After
# changing it run `manage.py refingerprint` (every fingerprint is computed again).
if PRODUCTION:
    KNOWN_ELSEWHERE_KEY = required("MACEHUB_LONDON_KEY")
else:
    KNOWN_ELSEWHERE_KEY = os.environ.get("MACEHUB_LONDON_KEY", "development-and-test-only-london-fingerprint-key")

if TESTING:
    # Fast hashing keeps the suite quick; a test checks production uses Argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    # One process runs the tests and the live server: an in-memory cache is shared by both
    # and cleared between tests.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    MEDIA_ROOT = Path(os.environ.get("MACEHUB_UPLOAD_ROOT", BASE_DIR / "var" / "test-uploads"))
