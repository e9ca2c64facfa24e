"""Settings for the test suite: the production settings with test-only conveniences."""

import os

os.environ.setdefault('SECRET_KEY', 'test-only-secret-key-' + 'x' * 40)

from hamkor.settings import *  # noqa: E402,F403

STORAGES = {
    'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},
    'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Hashing passwords at full strength would dominate the suite's run time.
PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']
