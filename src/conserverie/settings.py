"""The one settings module, read from the environment; it fails safe.

DEBUG is off unless DEBUG=1 asks for it. With DEBUG off the platform refuses to start without a real SECRET_KEY,
and a system check (core/checks.py) stops `check`, `migrate` and every command while SITE_URL is missing.
`make demo` asks for DEBUG=1 and the SITE_URL of its port; the test suite sets its own (tests/environment.py).
"""

import os
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("CONSERVERIE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str, default: str) -> str:
    """`NAME`, or the content of the file `NAME_FILE` names (a Docker or systemd credential), else `default`."""
    path = os.environ.get(f"{name}_FILE", "").strip()
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path} ({exc.strerror}).") from exc
    return os.environ.get(name, default)


def env_admins(name: str) -> list[tuple[str, str]]:
    """`Name <address>, other@example.org` → [("Name", "address"), ("", "other@example.org")]."""
    value = os.environ.get(name, "")
    admins = [(label, address) for label, address in getaddresses([value]) if label or address]
    for label, address in admins:
        if "@" not in address:
            raise ImproperlyConfigured(f"{name}: {label or address!r} has no e-mail address (Name <a@example.org>).")
    return admins


DEBUG = env_bool("DEBUG", False)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me"
SECRET_KEY = env_secret("SECRET_KEY", _DEV_SECRET)
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a real secret of 40+ characters (SECRET_KEY or SECRET_KEY_FILE): DEBUG is off."
        " For development on this machine only, set DEBUG=1 (make demo does)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_static",
    "conserverie.core",
    "conserverie.territories",
    "conserverie.people",
    "conserverie.producers",
    "conserverie.sourcing",
    "conserverie.recipes",
    "conserverie.workshops",
    "conserverie.gleaning",
    "conserverie.production",
    "conserverie.stock",
    "conserverie.distribution",
    "conserverie.purchasing",
    "conserverie.figures",
    "conserverie.impact",
    "conserverie.economics",
    "conserverie.reporting",
    "conserverie.replication",
    "conserverie.api",
    "conserverie.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "conserverie.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "conserverie.core.languages.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "conserverie.core.scoping.ScopeMiddleware",  # territory scoping, docs/architecture.md §8
    "conserverie.territories.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conserverie.urls"
WSGI_APPLICATION = "conserverie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "conserverie.territories.context.site_context",
                "conserverie.core.languages.page_languages",
            ],
            # `human_date` in every template: "1er janvier", "7 déc." (core/formats.py).
            "builtins": ["conserverie.core.templatetags.dates"],
        },
    },
]


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'conserverie.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    # A URL without a password takes it from DATABASE_PASSWORD, or from the file DATABASE_PASSWORD_FILE names
    # (a Docker secret: compose.yaml): the password is then written in no environment.
    if not config.get("PASSWORD"):
        config["PASSWORD"] = env_secret("DATABASE_PASSWORD", "")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN so that
        # two requests selling the last jar serialise instead of failing half-way.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# The second factor (django-otp; core/two_factor.py, territories/two_factor.py, docs/deploy-en.md "Two-factor").
# Required of coordinators and superusers (and of animators where their territory asks it) unless
# TWO_FACTOR_REQUIRED=0; whoever set one up gives a code at each login either way.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
# Fernet keys that encrypt the authenticator secrets at rest, comma-separated: the first encrypts, each one decrypts
# (add a new key in front to rotate). Unset: a key derived from SECRET_KEY (changing SECRET_KEY then loses every
# second factor). TWO_FACTOR_KEYS_FILE names a file holding them (a Docker or systemd credential).
TWO_FACTOR_KEYS = [key.strip() for key in env_secret("TWO_FACTOR_KEYS", "").split(",") if key.strip()]
# The admin shows devices without their secrets or recovery tokens.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# django-otp's exponential wait is replaced by the lockout of core/two_factor.py (5 failed codes within 15 minutes).
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reporting:workspace"
LOGOUT_REDIRECT_URL = "reporting:home"

LANGUAGE_CODE = "fr"
# The residents' public pages speak four languages, staff pages French and English (core/languages.py).
LANGUAGES = [("fr", _("Français")), ("en", _("English")), ("ar", _("العربية")), ("tr", _("Türkçe"))]
STAFF_LANGUAGES = ("fr", "en")
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The vendored assets (Bootstrap, Leaflet) and our CSS live in the package, outside any app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploaded files (photos of surplus offers): never served as public URLs, only through views that check who asks.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS in production (docs/deploy-fr.md). HSTS for a year on the host and its subdomains; the `preload` directive is
# the owner's decision for the whole registrable domain, so it is off unless asked for (and its check is silenced).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a local probe may ask gunicorn directly, over HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Behind nginx (deploy/nginx.conf), which terminates TLS and sets X-Forwarded-Proto and X-Forwarded-For.
# Only with a proxy that overwrites these headers: otherwise a client could claim HTTPS or any address.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_CLIENT_IP_CALLABLE = "conserverie.core.security.client_ip"

# The default cache: nothing in it must be shared between processes (CACHE_BACKEND/CACHE_LOCATION may change it).
# The "ratelimit" cache holds the rate-limit counters of the public forms, the login page and the API
# (core/ratelimit.py): it must be shared by every gunicorn worker and every process, or the limit is multiplied by
# their number. By default Django's database cache, in the table RATELIMIT_CACHE_LOCATION of the application's own
# database (created by `conserverie migrate`, core migration 0003; `conserverie createcachetable` re-creates it).
# RATELIMIT_CACHE_BACKEND/RATELIMIT_CACHE_LOCATION may choose Redis (django.core.cache.backends.redis.RedisCache,
# redis://127.0.0.1:6379, with the `redis` package). docs/deploy-en.md, "Rate limits".
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"
RATELIMIT_CACHE_BACKEND = os.environ.get("RATELIMIT_CACHE_BACKEND", DATABASE_CACHE)
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "conserverie"),
    },
    "ratelimit": {
        "BACKEND": RATELIMIT_CACHE_BACKEND,
        "LOCATION": os.environ.get("RATELIMIT_CACHE_LOCATION", "conserverie_ratelimit"),
        # The database cache culls beyond MAX_ENTRIES (300 by default) and counts its rows at each write: the expired
        # keys go first, a live one only beyond 20,000 live keys (a key per request of a running window).
        **({"OPTIONS": {"MAX_ENTRIES": 20_000}} if RATELIMIT_CACHE_BACKEND == DATABASE_CACHE else {}),
    },
}
# POSTs per client address per window ("count/seconds"): the public workshop sign-up, the login page, and the
# password reset request. Axes still locks a username+address after AXES_FAILURE_LIMIT failed logins.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
RATELIMIT_CACHE = "ratelimit"
RATELIMITS = {
    "signup": os.environ.get("RATELIMIT_SIGNUP", "20/600"),
    "login": os.environ.get("RATELIMIT_LOGIN", "30/600"),
    "password_reset": os.environ.get("RATELIMIT_PASSWORD_RESET", "5/3600"),
    # A whole Agora may answer a questionnaire from one Wi-Fi address.
    "survey": os.environ.get("RATELIMIT_SURVEY", "60/600"),
    # Calls of the REST API per token (docs/api-en.md): any method, not only POSTs.
    "api": os.environ.get("RATELIMIT_API", "600/60"),
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "conserverie@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who hears about errors: `ADMINS="Camille Martin <camille@example.org>, tech@example.org"`. With DEBUG off, Django's
# `django` logger mails them every server error (AdminEmailHandler) and `conserverie scheduler` every failed job.
# Check with `conserverie sendtestemail --admins`.
ADMINS = env_admins("ADMINS")
EMAIL_SUBJECT_PREFIX = "[Conserverie] "
# With EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (docs/deploy-fr.md).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Text messages (reminders, cancellations): the dotted path of a backend class (conserverie.core.sms). In production
# Brevo's transactional SMS API (SMS_API_URL, SMS_API_KEY, SMS_SENDER: docs/deploy-en.md); with DEBUG=1 the console
# backend, which prints them, and which the check conserverie.E002 refuses when DEBUG is off.
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND", "conserverie.core.sms.ConsoleBackend" if DEBUG else "conserverie.core.sms.BrevoBackend"
)
SMS_API_URL = os.environ.get("SMS_API_URL", "https://api.brevo.com/v3/transactionalSMS/sms")
SMS_API_KEY = env_secret("SMS_API_KEY", "")
# What the phone shows as the sender: 11 letters or digits at most (the operators' rule, Brevo's `sender`).
SMS_SENDER = os.environ.get("SMS_SENDER", "Conserverie")

# The public address printed in label QR codes (the lot page lives at SITE_URL/l/<code>/), cancel links, calendar
# feeds and messages. Required when DEBUG is off (the check conserverie.E001, core/checks.py); DEBUG=1: local server.
SITE_URL = os.environ.get("SITE_URL", "").strip() or ("http://127.0.0.1:8000" if DEBUG else "")
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")

# Participants without any participation for this many months are anonymised by `conserverie retention`.
PARTICIPANT_RETENTION_MONTHS = int(os.environ.get("PARTICIPANT_RETENTION_MONTHS", "24"))
# The log of API calls (who called what, when) is deleted after this many months by the same job. The CNIL keeps
# logs six months to a year in the common case (délibération n° 2021-122 du 14 octobre 2021; docs/api-en.md).
API_CALL_RETENTION_MONTHS = int(os.environ.get("API_CALL_RETENTION_MONTHS", "12"))
# Jobs the cannery carries, in full-time equivalents, for the "jobs" impact indicator; unset: entered by hand.
IMPACT_JOBS_FTE = os.environ.get("IMPACT_JOBS_FTE") or None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
