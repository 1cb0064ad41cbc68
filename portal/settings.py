"""Accord settings: one module, every value from the environment (django-environ)."""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# On by default so that a fresh checkout's manage.py commands work without
# configuration; every deployment sets DJANGO_DEBUG=0, and `check --deploy`
# flags one that forgot.
DEBUG = env.bool("DJANGO_DEBUG", default=True)

# No secret default when DEBUG is off (STYLE 6): production must set one.
if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-only-for-debug")
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY")

# Rotating the key: the old one here keeps sessions and signed messages valid until they lapse.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

PORTAL_CLOUD = env.str("PORTAL_CLOUD", default="public")
PORTAL_ENVIRONMENT = env.str("PORTAL_ENVIRONMENT", default="production")
PORTAL_CLOUDS = ("public", "china", "germany", "usgov")
PORTAL_ENVIRONMENTS = ("production", "sandbox")
if PORTAL_CLOUD not in PORTAL_CLOUDS:
    raise environ.ImproperlyConfigured(f"PORTAL_CLOUD must be one of {', '.join(PORTAL_CLOUDS)}")
if PORTAL_ENVIRONMENT not in PORTAL_ENVIRONMENTS:
    raise environ.ImproperlyConfigured(f"PORTAL_ENVIRONMENT must be one of {', '.join(PORTAL_ENVIRONMENTS)}")

INSTALLED_APPS = [
    "portal.third_party_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "phonenumber_field",
    "simple_history",
    "rest_framework",
    "portal.third_party_apps.KnoxConfig",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal.third_party_apps.AxesConfig",
    "accounts",
    "customers",
    "agreements",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside every other middleware, so that a database failure anywhere (session,
    # time zone, view) becomes a clear 503 instead of a 500 (R14).
    "portal.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which answers static files itself with their own cache headers.
    "portal.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Around the admin's lists: a lookup they cannot run is a bad lookup, not a 500 (R14).
    "portal.middleware.AdminLookupMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
            # portal is no app of its own; its template tags are named here.
            "libraries": {
                "portal_forms": "portal.templatetags.portal_forms",
                "portal_text": "portal.templatetags.portal_text",
            },
        },
    },
]

# SQLite is the embedded default; DATABASE_URL switches to PostgreSQL (psycopg 3).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tuned for a web server: WAL lets readers run beside the writer, IMMEDIATE
    # takes the write lock at BEGIN so writers queue instead of failing, and the
    # busy timeout is how long they queue.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA cache_size=-20000;"
            ),
        }
    )
else:
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# Keep connections between requests: on PostgreSQL no connect per request; on SQLite no
# reopening the file and rerunning the PRAGMAs, and the page cache stays warm (issue 6).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="dummycache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the partner and all permissions in fewer queries.
    "accounts.backends.PortalBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.NotTheCurrentPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes): lock the username+IP pair, not the whole IP,
# so one attacker cannot lock out colleagues behind the same NAT.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Reverse proxies in front of the portal, each appending to X-Forwarded-For; sign-in lockouts and
# the audit fields (R13) read the client's address the same way (portal.audit.client_ip).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "portal.audit.client_ip"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# django-countries' English names for these two are ISO's (Naoero, Bahamas (The)), not what people call them.
COUNTRIES_OVERRIDE = {"NR": _("Nauru"), "BS": _("Bahamas")}
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# Times the admin shows name their zone, as the portal's do (portal/formats).
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed files for production; tests and `make run` serve straight
# from the apps' static folders (no collectstatic step).
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# Messages travel in a signed cookie (the session only when one is too big), so that showing
# "Confirmation recorded" costs no session write: on SQLite every write waits its turn (issue 6).
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

# Security: identical in every environment (nothing only production runs);
# HTTPS-only settings follow DJANGO_SECURE_SSL so a plain-HTTP `make run` works.
SECURE_SSL = env.bool("DJANGO_SECURE_SSL", default=not DEBUG)
SECURE_SSL_REDIRECT = SECURE_SSL
# Django's database sessions, read by one written-out statement (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
# The language choice (R16) too: nothing in the page's scripts reads it.
LANGUAGE_COOKIE_SECURE = SECURE_SSL
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if SECURE_SSL else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CSRF_FAILURE_VIEW = "portal.csrf.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

REST_FRAMEWORK = {
    # Partner Center's `Authorization: Bearer <token>` with knox's hashed tokens;
    # no session authentication, so the API needs no CSRF token.
    "DEFAULT_AUTHENTICATION_CLASSES": ["portal.api.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
# An API token lives API_TOKEN_TTL_DAYS days (0: until revoked); a leaked script's token stops working.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
if API_TOKEN_TTL_DAYS < 0:
    raise environ.ImproperlyConfigured("API_TOKEN_TTL_DAYS must be a number of days, or 0: never expire.")
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_TTL_DAYS) if API_TOKEN_TTL_DAYS else None,
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Bearer",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Accord API",
    "DESCRIPTION": (
        "Partner Center-compatible customer agreement API. Send `Authorization: Bearer <token>` "
        "(`python manage.py create_api_token USERNAME`, or the API tokens page). Errors are "
        "`{code, description, errorName}`: 600002 future acceptance date (400), 600061 a partner "
        "confirmed agreement already exists (409), 13605 the customer's agreement is not confirmed "
        "(403); 401 without a valid token, 403 for a role that may not act, 404 for an unknown or "
        "another partner's customer."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The one PATCH (a license count) requires its quantity: not every field made optional.
    "COMPONENT_SPLIT_PATCH": False,
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # When, how bad, from where and which worker: several app servers write to one place.
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}},
    "filters": {"client_errors_in_one_line": {"()": "portal.log.ClientErrorsWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["client_errors_in_one_line"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # Django's own handlers wrote each record again, unformatted, when DEBUG is on; its records
    # reach the console above through the root, at the root's level.
    "loggers": {"django": {"handlers": [], "level": "NOTSET", "propagate": True}},
}
