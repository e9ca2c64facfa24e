"""Fixtures shared by every app's tests: the reference data once per session (the same files
`make run` loads) and the default language for every test. Apps add their own fixtures in
`<app>/testing.py`, listed in `src/conftest.py` (users and logged-in clients: `accounts.testing`).
"""

import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

PASSWORD = 'Correct-Horse-Battery-42'


@pytest.fixture(scope='session')
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command('load_reference', stdout=io.StringIO())


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request in another language leaves its
    language active in the thread (LocaleMiddleware does not reset it), and texts written by
    services, such as conversion notes, would follow it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def empty_page_cache(settings):
    """A test of cached pages (hamkor.pagecache) starts from an empty shared cache (the cache
    outlives the database of the test before it) and sees every write on the next read."""
    settings.HAMKOR_PAGE_CACHE_STALE_SECONDS = 0
    cache.clear()


def commit() -> None:
    """What a commit does after the writes of a test that runs in a transaction: run their
    on-commit callbacks (the page cache's version bumps) and leave none pending."""
    pending = transaction.get_connection().run_on_commit
    callbacks = [callback for _savepoints, callback, _robust in pending]
    pending.clear()
    for callback in callbacks:
        callback()
