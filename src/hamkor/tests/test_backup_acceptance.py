"""`hamkor backup` while a trade import and a project import run, then `hamkor restore` into another,
empty deployment: the same portfolio totals, the same trade store (healthy, the import wholly in or
wholly out), the same change log, the same accounts, passwords and API tokens — a demo login works
on the copy.

Real processes, as an operator runs them (docs/deployment.md, "Backup, restore and checking the
trade store"): the `hamkor` command against a data directory of its own with SQLite, whatever
database the suite itself runs on.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

HAMKOR = str(Path(sys.executable).with_name('hamkor'))
SRC = Path(__file__).resolve().parents[2]
BACI_COUNTRIES = 'country_code,country_name,country_iso2,country_iso3\n156,China,CN,CHN\n860,Uzbekistan,UZ,UZB\n'
BACI_ROWS = 400_000  # enough that the import is still running when the backup takes its snapshot

# What the copy must keep, read by the selectors and the models in the deployment's own process.
STATE = r"""
import json
from decimal import Decimal
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from core.models import ObjectChange
from portfolio import selectors
from trade.models import ImportRun, TradeSlice
admin = get_user_model().objects.get(username='admin')
summary = selectors.summary(admin)
print(json.dumps({
    'total': str(summary.total_usd),
    'counted': summary.projects_counted,
    'visible': summary.projects_visible,
    'by_stage': [[group.key, group.projects, str(group.value_usd)] for group in summary.by_stage],
    'by_sector': [[group.key, group.projects, str(group.value_usd)] for group in selectors.breakdown(admin, 'sector')],
    'slices': list(TradeSlice.objects.order_by('pk').values_list('path', 'checksum', 'row_count', 'files')),
    'runs': list(ImportRun.objects.order_by('pk').values_list('pk', 'status')),
    'changes': [
        [c.pk, c.time.isoformat(), c.actor_name, c.channel, c.action, c.content_type_id, c.object_id,
         c.object_repr, c.before, c.after, c.visibility]
        for c in ObjectChange.objects.order_by('pk')
    ],
    'users': list(get_user_model().objects.order_by('username').values_list(
        'username', 'password', 'is_active', 'is_superuser', 'side')),
    'tokens': list(Token.objects.order_by('user__username').values_list('user__username', 'key')),
}, default=str))
"""

TOKEN = r"""
from rest_framework.authtoken.models import Token
from accounts.models import User
Token.objects.create(user=User.objects.get(username='uz_analyst'))
"""

# The copy's pages are not rendered (its static files are collected by the deployment, not the
# restore): a login answers with a redirect and a session, a token with the API's answer.
LOGIN = r"""
import sys
from django.test import Client
from rest_framework.authtoken.models import Token
password, = sys.argv[1:]
client = Client()
answer = client.post('/accounts/login/', {'username': 'secretariat', 'password': password})
token = Token.objects.get(user__username='uz_analyst').key
api = Client().get('/api/projects/', HTTP_AUTHORIZATION=f'Token {token}')
print(answer.status_code, client.session.get('_auth_user_id') is not None, api.status_code)
"""


def environment(data_dir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(('DATABASE_URL', 'DJANGO_'))}
    env |= {
        'HAMKOR_DATA_DIR': str(data_dir),
        'DJANGO_SETTINGS_MODULE': 'hamkor.settings',
        'ALLOWED_HOSTS': 'testserver',
        'PYTHONPATH': str(SRC),
        'HAMKOR_WARM_CACHE_AFTER_IMPORT': '0',
    }
    env.pop('SECRET_KEY', None)  # each deployment's own, in its data directory (a restore brings it back)
    return env


def hamkor(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [HAMKOR, *args], env=environment(data_dir), capture_output=True, text=True, timeout=600, check=False
    )
    if check and done.returncode:
        pytest.fail(f'hamkor {" ".join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}')
    return done


def start(data_dir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [HAMKOR, *args], env=environment(data_dir), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def python(data_dir: Path, code: str, *args: str) -> str:
    setup = 'import django; django.setup()\n'
    done = subprocess.run(
        [sys.executable, '-c', setup + code, *args], env=environment(data_dir), capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def state(data_dir: Path) -> dict:
    return json.loads(python(data_dir, STATE))


def write_baci(path: Path, rows: int) -> None:
    """A year of BACI's format: Uzbekistan's and China's exports to each other, a line per product
    code and partner."""
    with path.open('w') as handle:
        handle.write('t,i,j,k,v,q\n')
        for number in range(rows):
            exporter, importer = ('860', '156') if number % 2 else ('156', '860')
            handle.write(f'2023,{exporter},{importer},{100000 + number // 2:06d},{1 + number % 997}.5,NA\n')


def write_projects(path: Path, count: int) -> None:
    lines = ['identifier,title_en,status,visibility,sectors']
    lines += [
        f'BACKUP-{number:04d},Project {number} written during the backup,proposal,public,' for number in range(count)
    ]
    path.write_text('\n'.join(lines) + '\n')


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    """A running deployment: the reference data the demo needs, the demo (portfolio, change log,
    accounts, official trade tables) and an API token of a demo user."""
    live = tmp_path_factory.mktemp('live')
    hamkor(live, 'migrate', '--verbosity', '0')
    datasets = ['currencies', 'countries', 'iati-codelists', 'fx-cny-monthly', 'fx-uzs-monthly', 'fx-annual']
    hamkor(live, 'load-reference', '--only', *datasets, 'cooperation-sectors')
    hamkor(live, 'load-demo')
    python(live, TOKEN)
    return live


def test_a_backup_taken_while_imports_run_restores_to_the_same_deployment(deployment, tmp_path):
    live = deployment
    before = state(live)
    baci, countries, projects = tmp_path / 'BACI_HS17_Y2023_V202401.csv', tmp_path / 'countries.csv', tmp_path / 'p.csv'
    write_baci(baci, BACI_ROWS)
    countries.write_text(BACI_COUNTRIES)
    write_projects(projects, 300)

    trade_import = start(live, 'import-trade', 'baci', str(baci), '--countries', str(countries), '--edition', 'HS17',
                         '--accept-unvalidated-edition')  # fmt: skip
    project_import = start(live, 'import-projects', str(projects))
    time.sleep(1.0)  # both have started reading their files
    running_at_backup = trade_import.poll() is None
    archive = tmp_path / 'during.tar.gz'
    backup = hamkor(live, 'backup', str(archive))
    trade_output, _ = trade_import.communicate(timeout=600)
    project_output, _ = project_import.communicate(timeout=600)
    assert (trade_import.returncode, project_import.returncode) == (0, 0), trade_output + project_output
    after = state(live)
    assert after['slices'] != before['slices'] and after['visible'] == before['visible'] + 300

    target = tmp_path / 'restored'
    restored_run = hamkor(target, 'restore', str(archive))
    check = hamkor(target, 'check-store')
    restored = state(target)

    assert running_at_backup, 'the trade import ended before the backup began: make the file larger'
    assert 'trade: no problems in the restored files' in restored_run.stdout, restored_run.stdout
    assert check.stdout.strip().endswith('and matches its SHA-256'), check.stdout
    # Each import is in the copy wholly or not at all, its change-log rows and runs with it.
    trade_side = after if restored['slices'] == after['slices'] else before
    assert restored['slices'] == trade_side['slices'], backup.stdout
    assert restored['runs'] == [run for run in after['runs'] if run in restored['runs']]
    portfolio_side = after if restored['visible'] == after['visible'] else before
    portfolio = ('total', 'counted', 'visible', 'by_stage', 'by_sector')
    assert {key: restored[key] for key in portfolio} == {key: portfolio_side[key] for key in portfolio}
    # The change log of the copy is the live one up to the snapshot, row for row.
    assert restored['changes'] == after['changes'][: len(restored['changes'])]
    assert len(restored['changes']) >= len(before['changes'])
    assert (restored['users'], restored['tokens']) == (after['users'], after['tokens'])
    assert restored['tokens'] and restored['users'] == before['users']

    password = (live / 'demo-credentials.txt').read_text().split('password: ', 1)[1].split()[0]
    assert (target / 'secret_key').read_text() == (live / 'secret_key').read_text()
    assert python(target, LOGIN, password).split() == ['302', 'True', '200']
