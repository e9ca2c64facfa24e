"""Fixtures shared by every app's tests.

The test database gets the full reference data once per session (the same files `make run`
loads). Users are created per test with real role groups; clients log in as them.
"""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Side
from accounts.services import create_user

PASSWORD = 'Correct-Horse-Battery-42'


@pytest.fixture(scope='session')
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command('load_reference', stdout=io.StringIO())


@pytest.fixture
def make_user(db):
    """make_user('secretariat') → a user holding that role (None: no role at all)."""
    counter = iter(range(1, 10_000))

    def make(role: str | None = None, *, side: str = Side.JOINT, username: str | None = None, **extra):
        name = username or f'{role or "norole"}-{next(counter)}'
        return create_user(username=name, password=PASSWORD, roles=[role] if role else [], side=side, **extra)

    return make


@pytest.fixture
def client_as(client, make_user):
    """client_as('secretariat') → the Django test client logged in as a new user with that role."""

    def login(role: str | None = None, **extra):
        if role == 'anonymous':
            return client
        client.force_login(make_user(role, **extra))
        return client

    return login


@pytest.fixture
def api_as(make_user):
    """api_as('secretariat') → an API client authenticated by token as a user with that role."""

    def authenticate(role: str | None = None, **extra):
        api = APIClient()
        if role != 'anonymous':
            token = Token.objects.create(user=make_user(role, **extra))
            api.credentials(HTTP_AUTHORIZATION=f'Token {token.key}')
        return api

    return authenticate


@pytest.fixture
def china(db):
    from core.models import Country

    return Country.objects.get(iso3='CHN')


@pytest.fixture
def uzbekistan(db):
    from core.models import Country

    return Country.objects.get(iso3='UZB')


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request in another language leaves its
    language active in the thread (LocaleMiddleware does not reset it), and texts written by
    services, such as conversion notes, would follow it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
