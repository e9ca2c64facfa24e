"""API tokens: replaced whenever the password changes, optionally expiring, listed and revoked
on the profile page — one's own only."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services
from accounts.tokens import last_used
from hamkor.permissions import SYSTEM
from hamkor.testing.fixtures import PASSWORD
from hamkor.testing.services import assert_refused, table_state

pytestmark = pytest.mark.django_db

NEW_PASSWORD = 'A-new-Pass-2026!'
URL = '/api/reference/currencies/'  # public: a bad token is still refused (401)
TOKEN_TABLES = ('accounts.User', Token)


def api_status(key: str) -> int:
    return APIClient().get(URL, HTTP_AUTHORIZATION=f'Token {key}').status_code


def test_changing_ones_password_on_the_profile_replaces_the_token(client, make_user):
    user = make_user('applicant')
    old = Token.objects.create(user=user)
    client.force_login(user)

    response = client.post(
        reverse('accounts:password_change'),
        {'old_password': PASSWORD, 'new_password1': NEW_PASSWORD, 'new_password2': NEW_PASSWORD},
        follow=True,
    )

    new = Token.objects.get(user=user)
    assert new.key != old.key
    assert (api_status(old.key), api_status(new.key)) == (401, 200)
    assert [str(m) for m in response.context['messages']] == [
        'Your password has been changed.',
        'Your API token has been replaced by a new one: the previous one no longer works.',
    ]
    assert client.get(reverse('accounts:profile')).status_code == 200  # still logged in


def test_an_administrator_setting_a_password_through_the_service_replaces_the_token(make_user):
    admin, user = make_user(None, is_superuser=True), make_user('applicant')
    old = Token.objects.create(user=user)

    services.set_password(user=user, password=NEW_PASSWORD, actor=admin)

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert api_status(old.key) == 401
    assert Token.objects.get(user=user).key != old.key


def test_the_django_admin_password_form_replaces_the_token(client, make_user):
    admin, user = make_user(None, is_superuser=True), make_user('applicant')
    old = Token.objects.create(user=user)
    client.force_login(admin)

    response = client.post(
        reverse('admin:auth_user_password_change', args=[user.pk]),
        {'password1': NEW_PASSWORD, 'password2': NEW_PASSWORD, 'usable_password': 'true'},
    )

    assert response.status_code == 302
    assert api_status(old.key) == 401
    assert Token.objects.filter(user=user).exclude(key=old.key).count() == 1


def test_a_user_without_a_token_gets_none_when_the_password_changes(make_user):
    user = make_user('applicant')

    services.set_password(user=user, password=NEW_PASSWORD, actor=user)

    assert not Token.objects.filter(user=user).exists()


def test_a_save_that_does_not_touch_the_password_keeps_the_token(make_user):
    user = make_user('applicant')
    token = Token.objects.create(user=user)

    user.first_name = 'Dilnoza'
    user.save()

    assert Token.objects.get(user=user).key == token.key


def test_setting_another_users_password_needs_the_permission_to_change_users(make_user):
    actor, user = make_user('secretariat'), make_user('applicant')
    token = Token.objects.create(user=user)

    assert_refused(lambda: services.set_password(user=user, password=NEW_PASSWORD, actor=actor), *TOKEN_TABLES)
    assert api_status(token.key) == 200


@pytest.mark.parametrize(('age', 'status'), [(timedelta(days=29, hours=23), 200), (timedelta(days=30), 401)])
def test_a_token_expires_after_the_configured_days(make_user, settings, age, status):
    settings.HAMKOR_API_TOKEN_DAYS = 30
    token = Token.objects.create(user=make_user('applicant'))
    Token.objects.filter(pk=token.pk).update(created=datetime.now(UTC) - age)

    response = APIClient().get(URL, HTTP_AUTHORIZATION=f'Token {token.key}')

    assert response.status_code == status
    if status == 401:
        assert response.json()['error'] == {
            'status': 401,
            'code': 'authentication_failed',
            'message': 'This API token has expired: issue a new one on your account page.',
        }


def test_without_a_configured_lifetime_tokens_do_not_expire(make_user):
    token = Token.objects.create(user=make_user('applicant'))
    Token.objects.filter(pk=token.pk).update(created=datetime.now(UTC) - timedelta(days=3650))

    assert api_status(token.key) == 200


def test_the_token_endpoint_replaces_an_expired_token(make_user, settings):
    settings.HAMKOR_API_TOKEN_DAYS = 30
    user = make_user('applicant')
    expired = Token.objects.create(user=user)
    Token.objects.filter(pk=expired.pk).update(created=datetime.now(UTC) - timedelta(days=31))

    response = APIClient().post('/api/auth/token/', {'username': user.username, 'password': PASSWORD})

    fresh = Token.objects.get(user=user)
    assert response.json() == {'token': fresh.key}
    assert fresh.key != expired.key
    assert (api_status(expired.key), api_status(fresh.key)) == (401, 200)


def test_the_last_use_of_a_token_is_kept_to_the_hour_without_a_database_write(make_user, monkeypatch):
    token = Token.objects.create(user=make_user('applicant'))
    start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

    def at(moment):
        monkeypatch.setattr('accounts.authentication.timezone.now', lambda: moment)
        with CaptureQueriesContext(connection) as queries:
            assert api_status(token.key) == 200
        assert [query['sql'].split()[0] for query in queries.captured_queries] == ['SELECT'] * 3  # token, count, page
        return last_used(token)

    assert last_used(token) is None
    assert at(start) == start
    assert at(start + timedelta(minutes=59)) == start  # within the hour: not written again
    assert at(start + timedelta(minutes=61)) == start + timedelta(minutes=61)


def test_the_profile_lists_the_token_with_its_dates(client, make_user, settings):
    settings.HAMKOR_API_TOKEN_DAYS = 90
    user = make_user('applicant')
    token = Token.objects.create(user=user)
    client.force_login(user)

    first = client.get(reverse('accounts:profile')).context['page']
    api_status(token.key)
    [row] = client.get(reverse('accounts:profile')).context['page'].tokens

    assert [row.last_used for row in first.tokens] == [None]
    assert (row.key, row.created, row.expires, row.expired) == (
        token.key,
        token.created,
        token.created + timedelta(days=90),
        False,
    )
    assert row.last_used == last_used(token) and row.last_used >= token.created


def test_a_user_revokes_their_own_token_on_the_profile(client, make_user):
    user = make_user('applicant')
    token = Token.objects.create(user=user)
    client.force_login(user)

    response = client.post(reverse('accounts:rotate_token'), {'action': 'revoke', 'token': token.key})

    assert (response.status_code, response['Location']) == (302, reverse('accounts:profile'))
    assert not Token.objects.filter(user=user).exists()
    assert api_status(token.key) == 401
    assert 'You have no API token yet.' in client.get(reverse('accounts:profile')).content.decode()


def test_revoking_someone_elses_token_is_refused_and_changes_nothing(client, make_user):
    user, other = make_user('secretariat'), make_user('applicant')
    theirs = Token.objects.create(user=other)
    Token.objects.create(user=user)
    client.force_login(user)
    before = table_state(*TOKEN_TABLES, 'core.ObjectChange')

    response = client.post(reverse('accounts:rotate_token'), {'action': 'revoke', 'token': theirs.key})

    assert response.status_code == 403
    assert table_state(*TOKEN_TABLES, 'core.ObjectChange') == before
    assert api_status(theirs.key) == 200


def test_revoking_needs_the_permission_to_change_users_unless_the_token_is_ones_own(make_user):
    user, other, admin = make_user('secretariat'), make_user('applicant'), make_user(None, is_superuser=True)
    theirs = Token.objects.create(user=other)

    assert_refused(lambda: services.revoke_api_token(token=theirs, actor=user), *TOKEN_TABLES)
    services.revoke_api_token(token=theirs, actor=admin)
    assert not Token.objects.filter(user=other).exists()


def test_revoking_an_unknown_token_is_not_found(client, make_user):
    client.force_login(make_user('applicant'))

    assert client.post(reverse('accounts:rotate_token'), {'action': 'revoke', 'token': 'f' * 40}).status_code == 404


def test_issuing_a_token_for_another_user_needs_the_permission(make_user):
    user, other = make_user('secretariat'), make_user('applicant')

    assert_refused(lambda: services.issue_api_token(user=other, actor=user), *TOKEN_TABLES)
    assert services.issue_api_token(user=other, actor=SYSTEM).user == other
