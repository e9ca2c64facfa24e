"""Account writes refuse an actor without the permission and write nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token

from accounts import services
from hamkor.testing.fixtures import PASSWORD
from hamkor.testing.services import assert_refused

ACCOUNT_TABLES = ('accounts.User', 'auth.Group', Token)


@pytest.mark.parametrize('role', [None, 'secretariat'])  # the secretariat runs the committee, not its accounts
def test_creating_a_user_needs_the_permission_to_add_users(role, make_user):
    actor = make_user(role)
    assert_refused(
        lambda: services.create_user(username='new', password=PASSWORD, roles=[], actor=actor), *ACCOUNT_TABLES
    )


def test_changing_roles_needs_the_permission_to_change_users(make_user):
    actor, user = make_user('secretariat'), make_user(None)
    assert_refused(lambda: services.set_roles(user=user, roles=['secretariat'], actor=actor), *ACCOUNT_TABLES)
    assert not user.groups.exists()


def test_a_user_rotates_their_own_token_but_not_anothers(make_user):
    user, other = make_user(None), make_user(None)

    first = services.rotate_api_token(user=user, actor=user)
    assert Token.objects.get(user=user) == first
    assert_refused(lambda: services.rotate_api_token(user=other, actor=user), *ACCOUNT_TABLES)
    assert_refused(lambda: services.rotate_api_token(user=other, actor=AnonymousUser()), *ACCOUNT_TABLES)
