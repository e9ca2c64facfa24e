"""What the application creates on disk is private to its user: the data directory, the SQLite
database, the secret key, uploads and media (files 0600, directories 0700)."""

import os
import stat
import subprocess
import sys

from django.conf import settings

PROBE = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

connection.ensure_connection()
default_storage.save('imports/probe.csv', ContentFile(b'a,b'))
"""


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_directory_database_secret_key_and_media_are_private(tmp_path):
    data = tmp_path / 'data'
    env = {key: value for key, value in os.environ.items() if key not in ('DATABASE_URL', 'SECRET_KEY')}
    env |= {'HAMKOR_DATA_DIR': str(data), 'DJANGO_SETTINGS_MODULE': 'hamkor.settings'}

    subprocess.run(
        [sys.executable, '-c', f'import django; django.setup()\n{PROBE}'],
        cwd=settings.SRC_DIR,
        env=env,
        check=True,
        # The caller's umask is the usual one: the application makes its files private itself.
        preexec_fn=lambda: os.umask(0o022),
    )

    assert {
        'data directory': mode(data),
        'database': mode(data / 'hamkor.sqlite3'),
        'secret key': mode(data / 'secret_key'),
        'media': mode(data / 'media'),
        'media folder': mode(data / 'media' / 'imports'),
        'uploaded file': mode(data / 'media' / 'imports' / 'probe.csv'),
    } == {
        'data directory': 0o700,
        'database': 0o600,
        'secret key': 0o600,
        'media': 0o700,
        'media folder': 0o700,
        'uploaded file': 0o600,
    }


def test_uploads_are_stored_private_whatever_the_umask():
    assert (settings.FILE_UPLOAD_PERMISSIONS, settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS) == (0o600, 0o700)
