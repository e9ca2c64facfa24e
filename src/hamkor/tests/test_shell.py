import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hamkor.env import env_bool, load_or_create_secret_key
from hamkor.permissions import SYSTEM
from hamkor.tests.test_permissions import API, WEB
from organizations.services import create_organization

EXTERNAL = re.compile(r'(?:https?:)?//(?!127\.0\.0\.1|localhost|testserver)[a-z0-9.-]+\.[a-z]{2,}', re.IGNORECASE)
ATTRIBUTE_URL = re.compile(r'(?:src|href|action|url)\s*[=(]\s*["\']?((?:https?:)?//[^"\' )>]+)', re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize('role', ['anonymous', 'secretariat'])
def test_no_page_or_api_response_references_an_external_host(role, client_as, api_as, china):
    organization = create_organization(actor=SYSTEM, name_en='Bank of China', kind='bank', country=china)
    client, api = client_as(role), api_as(role)
    checked = 0
    for case in WEB + API:
        if case.method != 'get' or '{' in case.url:
            continue
        response = (api if case in API else client).get(case.url)
        if response.status_code != 200:
            continue
        content = b''.join(response.streaming_content) if response.streaming else response.content
        body = content.decode()
        links = ATTRIBUTE_URL.findall(body)
        assert links == [], (case.url, links)
        if case in API:
            assert EXTERNAL.findall(body) == [], case.url
        checked += 1
    assert client.get(organization.get_absolute_url()).status_code == 200
    assert checked >= 30


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    path = tmp_path / 'data' / 'secret_key'

    first = load_or_create_secret_key(path)

    assert len(first) >= 80
    assert load_or_create_secret_key(path) == first
    assert oct(path.stat().st_mode & 0o777) == '0o600'


def test_a_short_secret_key_file_is_refused(tmp_path):
    path = tmp_path / 'secret_key'
    path.write_text('short')

    with pytest.raises(ImproperlyConfigured, match='shorter than 50 characters'):
        load_or_create_secret_key(path)


def test_boolean_environment_values(monkeypatch):
    monkeypatch.setenv('HAMKOR_FLAG', 'yes')
    assert env_bool('HAMKOR_FLAG') is True
    monkeypatch.setenv('HAMKOR_FLAG', 'maybe')
    with pytest.raises(ImproperlyConfigured, match="HAMKOR_FLAG='maybe' is not a boolean"):
        env_bool('HAMKOR_FLAG')


def hamkor(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name('hamkor')
    # SECRET_KEY empty: each run generates and keeps its own in its data directory
    environment = {**os.environ, 'SECRET_KEY': '', **env}
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=environment, check=False)


def test_deploy_check_behind_tls_has_no_warnings(tmp_path):
    result = hamkor(
        'check',
        '--deploy',
        '--fail-level',
        'WARNING',
        env={
            'DJANGO_SETTINGS_MODULE': 'hamkor.settings',
            'HAMKOR_DATA_DIR': str(tmp_path),
            'HAMKOR_TLS': '1',
            'DEBUG': '0',
            'ALLOWED_HOSTS': 'hamkor.example.org',
        },
    )

    assert (result.returncode, result.stdout.strip()) == (0, 'System check identified no issues (0 silenced).')


def test_settings_default_to_a_sqlite_file_in_the_data_directory(tmp_path):
    result = hamkor(
        'shell',
        '-c',
        'from django.conf import settings; print(settings.DATABASES["default"]["NAME"], settings.DEBUG)',
        env={'DJANGO_SETTINGS_MODULE': 'hamkor.settings', 'HAMKOR_DATA_DIR': str(tmp_path), 'DATABASE_URL': ''},
    )

    assert result.stdout.strip().splitlines()[-1] == f'{tmp_path}/hamkor.sqlite3 False'
    assert (tmp_path / 'secret_key').exists()


@pytest.mark.django_db
def test_cli_runs_commands_by_their_dashed_names(capsys):
    from hamkor.cli import main

    main(['load-reference', '--only', 'hs-sections'])

    assert 'hs-sections           21 rows  (0 new, 21 already present)' in capsys.readouterr().out
