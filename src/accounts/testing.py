"""Test fixtures: users holding real role groups, and clients logged in as them."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import create_user
from core.choices import Side
from hamkor.permissions import SYSTEM
from hamkor.testing.fixtures import PASSWORD


@pytest.fixture
def make_user(db):
    """make_user('secretariat') → a user holding that role (None: no role at all)."""
    counter = iter(range(1, 10_000))

    def make(role: str | None = None, *, side: str = Side.JOINT, username: str | None = None, **extra):
        name = username or f'{role or "norole"}-{next(counter)}'
        return create_user(
            username=name, password=PASSWORD, roles=[role] if role else [], side=side, actor=SYSTEM, **extra
        )

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
