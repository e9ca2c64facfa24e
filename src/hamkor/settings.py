"""Settings for Hamkor, read from environment variables.

Variables: DATABASE_URL, HAMKOR_DATA_DIR, PORT (used by `make run`), SECRET_KEY, ALLOWED_HOSTS,
DEBUG, HAMKOR_TLS (set to 1 behind a TLS-terminating proxy: secure cookies, HSTS, redirects),
HAMKOR_API_ANON_RATE / HAMKOR_API_USER_RATE (API throttles), HAMKOR_LOGIN_FAILURE_LIMIT,
HAMKOR_LOGIN_LOCKOUT_MINUTES, HAMKOR_TRUSTED_PROXIES (reverse proxies in front of gunicorn),
HAMKOR_API_TOKEN_DAYS (API token lifetime).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from hamkor.env import env_bool, env_int, env_list, env_str, load_or_create_secret_key

SRC_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = SRC_DIR.parent
REFERENCE_DATA_DIR = PROJECT_DIR / 'data'
DATA_DIR = Path(env_str('HAMKOR_DATA_DIR') or PROJECT_DIR / 'var').resolve()

# Every file and directory the application creates is private to the user it runs as (files
# 0600, directories 0700): the data directory, the SQLite database and its WAL files, the secret
# key, uploads and media, the trade store, the cache. Nothing is served from disk by another
# user (WhiteNoise serves the static files from this process).
os.umask(0o077)

DEBUG = env_bool('DEBUG', False)
SECRET_KEY = env_str('SECRET_KEY') or load_or_create_secret_key(DATA_DIR / 'secret_key')
ALLOWED_HOSTS = env_list('ALLOWED_HOSTS', ['127.0.0.1', 'localhost', '[::1]'])
CSRF_TRUSTED_ORIGINS = env_list('CSRF_TRUSTED_ORIGINS', [])

INSTALLED_APPS = [
    'django.contrib.admin',
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.messages',
    'whitenoise.runserver_nostatic',
    'django.contrib.staticfiles',
    'django.contrib.humanize',
    'rest_framework',
    'rest_framework.authtoken',
    'django_filters',
    'drf_spectacular',
    'drf_spectacular_sidecar',
    'axes',
    'hamkor',
    'core',
    'accounts',
    'organizations',
    'sources',
    'portfolio',
    'trade',
]

MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'hamkor.security.RequestSizeMiddleware',
    'hamkor.security.SecurityHeadersMiddleware',
    'whitenoise.middleware.WhiteNoiseMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.locale.LocaleMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
    'django.middleware.clickjacking.XFrameOptionsMiddleware',
    'hamkor.middleware.ChangeContextMiddleware',
    'axes.middleware.AxesMiddleware',
]

ROOT_URLCONF = 'hamkor.urls'
WSGI_APPLICATION = 'hamkor.wsgi.application'

TEMPLATES = [
    {
        'BACKEND': 'django.template.backends.django.DjangoTemplates',
        'DIRS': [SRC_DIR / 'templates'],
        'APP_DIRS': True,
        'OPTIONS': {
            'context_processors': [
                'django.template.context_processors.request',
                'django.template.context_processors.i18n',
                'django.contrib.auth.context_processors.auth',
                'django.contrib.messages.context_processors.messages',
                'hamkor.context_processors.navigation',
            ],
        },
    },
]

DATABASES = {
    'default': dj_database_url.parse(
        env_str('DATABASE_URL') or f'sqlite:///{DATA_DIR / "hamkor.sqlite3"}',
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES['default']['ENGINE'] == 'django.db.backends.sqlite3':
    # WAL lets readers proceed while a writer commits; IMMEDIATE makes concurrent writers
    # queue on the lock instead of failing half-way through a transaction.
    DATABASES['default']['OPTIONS'] = {
        'init_command': 'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;',
        'transaction_mode': 'IMMEDIATE',
        'timeout': 20,
    }
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'

AUTH_USER_MODEL = 'accounts.User'
AUTHENTICATION_BACKENDS = [
    'axes.backends.AxesStandaloneBackend',
    'django.contrib.auth.backends.ModelBackend',
]
AUTH_PASSWORD_VALIDATORS = [
    {'NAME': 'django.contrib.auth.password_validation.UserAttributeSimilarityValidator'},
    {'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator', 'OPTIONS': {'min_length': 10}},
    {'NAME': 'django.contrib.auth.password_validation.CommonPasswordValidator'},
    {'NAME': 'django.contrib.auth.password_validation.NumericPasswordValidator'},
]
LOGIN_URL = 'accounts:login'
LOGIN_REDIRECT_URL = 'dashboard'
LOGOUT_REDIRECT_URL = 'dashboard'

# The reverse proxies in front of gunicorn (0: clients connect to gunicorn directly). With N,
# a client's address is the Nth from the right of X-Forwarded-For (hamkor.security.client_address):
# the log-in lockout and the API throttles identify clients by it, and never believe an address
# a client wrote into the header itself.
HAMKOR_TRUSTED_PROXIES = env_int('HAMKOR_TRUSTED_PROXIES', 0)
if HAMKOR_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured('HAMKOR_TRUSTED_PROXIES is a number of proxies: 0 or more')

# Login guessing (django-axes, in the database every worker shares): after this many failures
# for one username from one client address, that pair — and only that pair — is refused for
# AXES_COOLOFF_TIME, counted from the failure that locked it; failures during the lock do not
# extend it, so it always ends. The same user from another address is not affected (web form,
# admin and API token endpoint alike). See docs/deployment.md, "Security settings".
AXES_FAILURE_LIMIT = env_int('HAMKOR_LOGIN_FAILURE_LIMIT', 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int('HAMKOR_LOGIN_LOCKOUT_MINUTES', 15))
AXES_LOCKOUT_PARAMETERS = [['username', 'ip_address']]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = 'hamkor.security.client_address'
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = 'accounts.lockout.locked_out'  # the page, with when the lock ends
AXES_VERBOSE = False

# API tokens stop working this many days after they were issued (unset: they do not expire);
# every token is replaced when its user's password changes.
HAMKOR_API_TOKEN_DAYS = env_int('HAMKOR_API_TOKEN_DAYS', 0) or None

LANGUAGE_CODE = 'en'
LANGUAGES = [
    ('en', 'English'),
    ('uz', "O'zbekcha"),
    ('ru', 'Русский'),
    ('zh-hans', '中文'),
]
LOCALE_PATHS = [SRC_DIR / 'locale']
FORMAT_MODULE_PATH = ['hamkor.formats']
TIME_ZONE = 'Asia/Tashkent'
USE_I18N = True
USE_TZ = True

STATIC_URL = '/static/'
STATIC_ROOT = DATA_DIR / 'staticfiles'
STORAGES = {
    'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},
    'staticfiles': {'BACKEND': 'whitenoise.storage.CompressedManifestStaticFilesStorage'},
}
MEDIA_ROOT = DATA_DIR / 'media'
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = 'Lax'
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = 'same-origin'
X_FRAME_OPTIONS = 'DENY'
# Content-Security-Policy (hamkor.security.SecurityHeadersMiddleware). Every script, style sheet,
# font and image is served by the application itself (no CDN), and the policy allows nothing
# else. Scripts: no inline script, no eval (charts are Vega-Lite specs in <script
# type="application/json"> blocks, which are data, drawn by static/hamkor/charts.js with Vega's
# interpreter), and no inline event handler except the exact ones listed in
# HAMKOR_CSP_INLINE_HANDLERS ('unsafe-hashes' with the hash of each; none: controls that submit
# their form are marked data-autosubmit, static/hamkor/page.js). Styles: inline style
# attributes and <style> blocks are allowed ('unsafe-inline'): templates and the chart library
# use them, and with images, fonts and connections limited to this origin an injected style can
# neither load nor send anything elsewhere.
HAMKOR_CSP_INLINE_HANDLERS: list[str] = []
HAMKOR_CONTENT_SECURITY_POLICY = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
}
# The largest request body accepted (413 beyond, before the body is read): an upload form's own
# limit plus room for the rest of the form; the trade import takes files of up to 1 GB.
HAMKOR_MAX_REQUEST_BYTES = 25 * 1024 * 1024
HAMKOR_MAX_REQUEST_BYTES_PATHS = {'/trade/import/': 1024 * 1024 * 1024 + 10 * 1024 * 1024}

# Powerful browser features the application never uses, denied to every page and frame.
HAMKOR_PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        'accelerometer',
        'autoplay',
        'camera',
        'display-capture',
        'encrypted-media',
        'geolocation',
        'gyroscope',
        'magnetometer',
        'microphone',
        'midi',
        'payment',
        'publickey-credentials-get',
        'screen-wake-lock',
        'serial',
        'usb',
        'xr-spatial-tracking',
    )
}
if env_bool('HAMKOR_TLS', False):
    SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

REST_FRAMEWORK = {
    'DEFAULT_AUTHENTICATION_CLASSES': [
        'accounts.authentication.TokenAuthentication',
        'rest_framework.authentication.SessionAuthentication',
    ],
    'DEFAULT_PERMISSION_CLASSES': ['hamkor.permissions.ModelPermissions'],
    'DEFAULT_FILTER_BACKENDS': ['django_filters.rest_framework.DjangoFilterBackend'],
    'DEFAULT_PAGINATION_CLASS': 'hamkor.api.Pagination',
    'DEFAULT_SCHEMA_CLASS': 'drf_spectacular.openapi.AutoSchema',
    'EXCEPTION_HANDLER': 'hamkor.api.exception_handler',
    'DEFAULT_THROTTLE_CLASSES': [
        'hamkor.security.AnonRateThrottle',
        'hamkor.security.UserRateThrottle',
        'hamkor.security.ScopedRateThrottle',
    ],
    'DEFAULT_THROTTLE_RATES': {
        'anon': env_str('HAMKOR_API_ANON_RATE') or '600/minute',
        'user': env_str('HAMKOR_API_USER_RATE') or '6000/minute',
        'auth': '30/minute',
    },
    'TEST_REQUEST_DEFAULT_FORMAT': 'json',
}
SPECTACULAR_SETTINGS = {
    'TITLE': 'Hamkor API',
    'DESCRIPTION': 'Uzbekistan–China cooperation: reference data, registries and analytics. '
    '[← Back to Hamkor](/) · [Data sources](/reference/sources/) · '
    '[How the portfolio totals are counted](/reference/methodology/portfolio-aggregation/)',
    'VERSION': '1.0.0',
    'SERVE_INCLUDE_SCHEMA': False,
    'SWAGGER_UI_DIST': 'SIDECAR',
    'SWAGGER_UI_FAVICON_HREF': 'SIDECAR',
    'REDOC_DIST': 'SIDECAR',
    'COMPONENT_SPLIT_REQUEST': True,
    'POSTPROCESSING_HOOKS': [
        'drf_spectacular.hooks.postprocess_schema_enums',
        'hamkor.api.summarize_operations',
    ],
    'ENUM_NAME_OVERRIDES': {
        'ProjectStatusEnum': 'portfolio.choices.ProjectStatus',
        'OrganizationStatusEnum': 'organizations.choices.OrganizationStatus',
        'SourceKindEnum': 'sources.models.Source.Kind',
        'ClaimMetricEnum': 'sources.models.Claim.Metric',
        'TransactionTypeEnum': 'portfolio.choices.TransactionType',
        'BudgetTypeEnum': 'portfolio.choices.BudgetType',
        'OrganizationKindEnum': 'organizations.choices.OrganizationKind',
    },
}

# One cache for every worker process, under the data directory: each gunicorn worker serves the
# same cached figures, and a figure computed once (the portfolio's totals, the trade monitor's
# aggregates) is not recomputed by every worker. Keys carry the version of the data they were
# computed from (the portfolio state token, the trade store's current slices), so a write never
# needs to find and delete stale entries.
CACHES = {
    'default': {
        'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache',
        'LOCATION': str(DATA_DIR / 'cache'),
        'TIMEOUT': 24 * 3600,
        'OPTIONS': {'MAX_ENTRIES': 20_000},
    }
}

# Fill the trade monitor's cache as soon as an import commits (trade.selectors.warm).
HAMKOR_WARM_CACHE_AFTER_IMPORT = env_bool('HAMKOR_WARM_CACHE_AFTER_IMPORT', True)

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'filters': {'one_line_forbidden': {'()': 'hamkor.security.OneLineForbidden'}},
    'handlers': {'console': {'class': 'logging.StreamHandler'}},
    'loggers': {'django.request': {'filters': ['one_line_forbidden']}},
    'root': {'handlers': ['console'], 'level': 'WARNING'},
}
