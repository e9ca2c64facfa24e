"""Log-in lockout: per (username, real client address), for a fixed time after the failure that
locked the pair, and never for the same user from an address that has not failed."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from rest_framework.test import APIClient

from hamkor.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER, OWNER, PROXY = '203.0.113.9', '198.51.100.7', '10.0.0.2'
LIMIT, COOL_OFF = 5, timedelta(minutes=15)  # HAMKOR_LOGIN_FAILURE_LIMIT, HAMKOR_LOGIN_LOCKOUT_MINUTES defaults


def log_in(client, username, password, **meta):
    return client.post(reverse('accounts:login'), {'username': username, 'password': password}, **meta)


def fail(client, username, times=LIMIT, **meta) -> list[int]:
    return [log_in(client, username, 'a-wrong-guess', **meta).status_code for _ in range(times)]


def shift_attempts(by: timedelta) -> None:
    """Let `by` pass for the lockout: its clock is the time of the recorded failures."""
    AccessAttempt.objects.update(attempt_time=F('attempt_time') - by)


def test_failures_from_one_address_do_not_lock_the_user_out_from_another(client, make_user):
    user = make_user('secretariat')
    # The failure that reaches the limit is answered with the lock already.
    assert fail(client, user.username, REMOTE_ADDR=ATTACKER) == [200] * (LIMIT - 1) + [429]

    assert log_in(client, user.username, PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 429
    response = log_in(client, user.username, PASSWORD, REMOTE_ADDR=OWNER)
    assert (response.status_code, response['Location']) == (302, '/')


def test_without_trusted_proxies_a_forged_forwarded_for_neither_frees_nor_blames_anyone(client, make_user):
    user = make_user('secretariat')
    # The attacker claims a different address on every attempt, one of them the owner's.
    for n in range(LIMIT):
        log_in(client, user.username, 'guess', REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f'192.0.2.{n}, {OWNER}')

    assert list(AccessAttempt.objects.values_list('ip_address', 'failures_since_start')) == [(ATTACKER, LIMIT)]
    assert log_in(client, user.username, PASSWORD, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=OWNER).status_code == 429
    assert log_in(client, user.username, PASSWORD, REMOTE_ADDR=OWNER).status_code == 302


def test_behind_a_trusted_proxy_every_client_is_known_by_the_address_the_proxy_saw(client, make_user, settings):
    settings.HAMKOR_TRUSTED_PROXIES = 1
    user = make_user('secretariat')
    # Every request reaches gunicorn from the proxy; the proxy appends the address it saw, after
    # whatever the client wrote itself.
    for n in range(LIMIT):
        log_in(client, user.username, 'guess', REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f'192.0.2.{n}, {ATTACKER}')

    assert list(AccessAttempt.objects.values_list('ip_address', flat=True)) == [ATTACKER]
    forged = f'{OWNER}, {ATTACKER}'  # the attacker pretending to be the owner
    assert log_in(client, user.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged).status_code == 429
    response = log_in(client, user.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OWNER)
    assert response.status_code == 302


def test_a_lock_ends_at_its_fixed_time_however_often_it_is_tried_meanwhile(client, make_user):
    user = make_user('applicant')
    fail(client, user.username, REMOTE_ADDR=ATTACKER)
    locked_at = AccessAttempt.objects.get().attempt_time

    shift_attempts(timedelta(minutes=10))
    for _ in range(3):  # more failures during the lock: refused, and not counted
        assert log_in(client, user.username, 'guess', REMOTE_ADDR=ATTACKER).status_code == 429
    attempt = AccessAttempt.objects.get()
    assert (attempt.failures_since_start, attempt.attempt_time) == (LIMIT, locked_at - timedelta(minutes=10))

    shift_attempts(timedelta(minutes=4, seconds=59))  # 14:59 after the locking failure
    assert log_in(client, user.username, PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 429
    shift_attempts(timedelta(seconds=2))  # 15:01
    assert log_in(client, user.username, PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 302
    assert not AccessAttempt.objects.exists()  # a success clears the pair's failures


def test_after_the_lock_the_count_starts_again(client, make_user):
    user = make_user('applicant')
    fail(client, user.username, REMOTE_ADDR=ATTACKER)
    shift_attempts(COOL_OFF + timedelta(seconds=1))

    assert fail(client, user.username, times=LIMIT - 1, REMOTE_ADDR=ATTACKER) == [200] * (LIMIT - 1)

    assert AccessAttempt.objects.get().failures_since_start == LIMIT - 1
    assert log_in(client, user.username, PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 302


def test_the_locked_page_says_until_when(client, make_user):
    user = make_user('applicant')
    fail(client, user.username, REMOTE_ADDR=ATTACKER)

    response = log_in(client, user.username, PASSWORD, REMOTE_ADDR=ATTACKER)

    assert response.status_code == 429
    assert response.context['ends'] == AccessAttempt.objects.get().attempt_time + COOL_OFF
    assert 'Too many attempts' in response.content.decode()
    assert '_auth_user_id' not in client.session


def test_the_api_token_endpoint_locks_the_same_pair_and_says_when_to_retry(make_user):
    user = make_user('secretariat')
    attacker, owner = APIClient(REMOTE_ADDR=ATTACKER), APIClient(REMOTE_ADDR=OWNER)
    for _ in range(LIMIT):
        assert attacker.post('/api/auth/token/', {'username': user.username, 'password': 'x'}).status_code == 400
    shift_attempts(timedelta(minutes=5))

    response = attacker.post('/api/auth/token/', {'username': user.username, 'password': PASSWORD})

    assert (response.status_code, response['Retry-After']) == (429, str(10 * 60))
    assert response.json()['error']['code'] == 'locked_out'
    assert owner.post('/api/auth/token/', {'username': user.username, 'password': PASSWORD}).status_code == 200


def test_an_operator_lifts_a_lock_at_once(client, make_user):
    user = make_user('applicant')
    fail(client, user.username, REMOTE_ADDR=ATTACKER)

    call_command('axes_reset_username', user.username, stdout=StringIO())

    assert log_in(client, user.username, PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 302
