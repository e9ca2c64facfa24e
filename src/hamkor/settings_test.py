"""Settings for the test suite: the production settings with test-only conveniences."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

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

# Files the suite writes (the trade store's Parquet files, uploads) go to a directory of the
# run's own, never into the data directory of a running instance.
DATA_DIR = Path(tempfile.mkdtemp(prefix='hamkor-test-data-'))
MEDIA_ROOT = DATA_DIR / 'media'
atexit.register(shutil.rmtree, DATA_DIR, ignore_errors=True)
CACHES['default']['LOCATION'] = str(DATA_DIR / 'cache')  # noqa: F405
# Most tests import files only to read them back; the warming has a test of its own.
HAMKOR_WARM_CACHE_AFTER_IMPORT = False
# Jobs run in the request that queues them, so that a page test sees the result at once; the job
# tests run the worker's own loop.
HAMKOR_JOBS_EAGER = True
# The file cache outlives each test's rolled-back database: a page model is never served stale.
HAMKOR_PAGE_CACHE_STALE_SECONDS = 0
