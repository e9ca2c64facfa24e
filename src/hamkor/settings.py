"""Settings for Hamkor, read from environment variables.

Variables: DATABASE_URL, HAMKOR_DATA_DIR, PORT (used by `make run`), SECRET_KEY, ALLOWED_HOSTS,
DEBUG, HAMKOR_TLS (set to 1 behind a TLS-terminating proxy: secure cookies, HSTS, redirects),
HAMKOR_API_ANON_RATE / HAMKOR_API_USER_RATE (API throttles), HAMKOR_LOGIN_FAILURE_LIMIT.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from hamkor.env import env_bool, env_int, env_list, env_str, load_or_create_secret_key

SRC_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = SRC_DIR.parent
REFERENCE_DATA_DIR = PROJECT_DIR / 'data'
DATA_DIR = Path(env_str('HAMKOR_DATA_DIR') or PROJECT_DIR / 'var').resolve()

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
    DATABASES['default']['CONN_MAX_AGE'] = 0
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

# Login guessing: after this many failures for one username from one address the pair is
# locked out for AXES_COOLOFF_TIME (web form and API token endpoint alike).
AXES_FAILURE_LIMIT = env_int('HAMKOR_LOGIN_FAILURE_LIMIT', 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [['username', 'ip_address']]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = 'accounts/locked_out.html'
AXES_VERBOSE = False

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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = 'Lax'
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = 'same-origin'
X_FRAME_OPTIONS = 'DENY'
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
        'rest_framework.authentication.TokenAuthentication',
        'rest_framework.authentication.SessionAuthentication',
    ],
    'DEFAULT_PERMISSION_CLASSES': ['hamkor.permissions.ModelPermissions'],
    'DEFAULT_FILTER_BACKENDS': ['django_filters.rest_framework.DjangoFilterBackend'],
    'DEFAULT_PAGINATION_CLASS': 'hamkor.api.Pagination',
    'DEFAULT_SCHEMA_CLASS': 'drf_spectacular.openapi.AutoSchema',
    'EXCEPTION_HANDLER': 'hamkor.api.exception_handler',
    'DEFAULT_THROTTLE_CLASSES': [
        'rest_framework.throttling.AnonRateThrottle',
        'rest_framework.throttling.UserRateThrottle',
        'rest_framework.throttling.ScopedRateThrottle',
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
    'DESCRIPTION': 'Uzbekistan–China cooperation: reference data, registries and analytics.',
    'VERSION': '1.0.0',
    'SERVE_INCLUDE_SCHEMA': False,
    'SWAGGER_UI_DIST': 'SIDECAR',
    'SWAGGER_UI_FAVICON_HREF': 'SIDECAR',
    'REDOC_DIST': 'SIDECAR',
    'COMPONENT_SPLIT_REQUEST': True,
    'ENUM_NAME_OVERRIDES': {
        'ProjectStatusEnum': 'portfolio.choices.ProjectStatus',
        'OrganizationStatusEnum': 'organizations.choices.OrganizationStatus',
        'SourceKindEnum': 'sources.models.Source.Kind',
        'ClaimMetricEnum': 'sources.models.Claim.Metric',
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
    'handlers': {'console': {'class': 'logging.StreamHandler'}},
    'root': {'handlers': ['console'], 'level': 'WARNING'},
}
