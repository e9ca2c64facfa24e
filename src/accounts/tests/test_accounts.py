import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.roles import ROLE_PERMISSIONS, ROLES
from hamkor.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_role_exists_with_exactly_its_permissions():
    groups = {
        group.name: sorted(f'{p.content_type.app_label}.{p.codename}' for p in group.permissions.all())
        for group in Group.objects.prefetch_related('permissions__content_type')
    }
    assert groups == {role: sorted(perms) for role, perms in ROLE_PERMISSIONS.items()}
    assert ROLES == (
        'secretariat',
        'uz-analyst',
        'cn-analyst',
        'cert-evaluator',
        'cert-reviewer',
        'cert-decision',
        'applicant',
    )


def test_login_and_logout(client, make_user):
    user = make_user('uz-analyst', side='UZ')

    response = client.post(reverse('accounts:login'), {'username': user.username, 'password': PASSWORD})
    assert (response.status_code, response['Location']) == (302, '/')
    assert client.get(reverse('accounts:profile')).context['user'] == user

    response = client.post(reverse('accounts:logout'))
    assert response.status_code == 302
    assert client.get(reverse('accounts:profile')).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user('applicant')

    response = client.post(reverse('accounts:login'), {'username': user.username, 'password': 'wrong'})

    assert response.status_code == 200
    assert 'Please enter a correct username and password.' in response.content.decode()


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, make_user):
    user = make_user('applicant')
    for _ in range(5):
        client.post(reverse('accounts:login'), {'username': user.username, 'password': 'guess'})

    response = client.post(reverse('accounts:login'), {'username': user.username, 'password': PASSWORD})

    assert response.status_code == 429
    assert 'Too many attempts' in response.content.decode()
    assert '_auth_user_id' not in client.session


def test_password_change(client, make_user):
    user = make_user('applicant')
    client.force_login(user)

    response = client.post(
        reverse('accounts:password_change'),
        {'old_password': PASSWORD, 'new_password1': 'A-new-Pass-2026!', 'new_password2': 'A-new-Pass-2026!'},
    )

    assert (response.status_code, response['Location']) == (302, reverse('accounts:profile'))
    user.refresh_from_db()
    assert user.check_password('A-new-Pass-2026!')


def test_password_change_rejects_a_short_password(client, make_user):
    client.force_login(make_user('applicant'))

    response = client.post(
        reverse('accounts:password_change'),
        {'old_password': PASSWORD, 'new_password1': 'short', 'new_password2': 'short'},
    )

    assert response.status_code == 200
    assert 'This password is too short. It must contain at least 10 characters.' in response.content.decode()


def test_profile_shows_side_roles_and_rotates_the_api_token(client, make_user):
    user = make_user('cn-analyst', side='CN')
    client.force_login(user)
    old = Token.objects.create(user=user)

    page = client.get(reverse('accounts:profile')).content.decode()
    assert 'China' in page and 'Analyst (China)' in page and old.key in page

    client.post(reverse('accounts:rotate_token'))
    new = Token.objects.get(user=user)
    assert new.key != old.key
    assert not Token.objects.filter(key=old.key).exists()


def test_api_token_for_username_and_password(make_user):
    user = make_user('secretariat')

    response = APIClient().post('/api/auth/token/', {'username': user.username, 'password': PASSWORD}, format='json')

    assert response.status_code == 200
    assert response.json() == {'token': Token.objects.get(user=user).key}


def test_api_token_locks_out_after_failures(make_user):
    user = make_user('secretariat')
    api = APIClient()
    for _ in range(5):
        assert api.post('/api/auth/token/', {'username': user.username, 'password': 'x'}).status_code == 400

    response = api.post('/api/auth/token/', {'username': user.username, 'password': PASSWORD})

    assert response.status_code == 429
    assert response.json() == {
        'error': {'status': 429, 'code': 'locked_out', 'message': 'Too many failed attempts; try again later.'}
    }


def test_createuser_command(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import User

    password_file = tmp_path / 'pw'
    password_file.write_text('Strong-Enough-Pass-1\n')
    out = StringIO()

    call_command(
        'createuser', 'cbu', '--role', 'uz-analyst', '--side', 'UZ', '--password-file', str(password_file), stdout=out
    )

    user = User.objects.get(username='cbu')
    assert (user.side, user.role_names, user.check_password('Strong-Enough-Pass-1')) == ('UZ', ['uz-analyst'], True)
    assert out.getvalue() == 'created user cbu with roles uz-analyst, side UZ\n'


def test_createuser_refuses_a_weak_password(tmp_path):
    from django.core.management import CommandError, call_command

    password_file = tmp_path / 'pw'
    password_file.write_text('12345\n')

    with pytest.raises(CommandError, match='This password is too short'):
        call_command('createuser', 'weak', '--password-file', str(password_file))
