"""`hamkor backup` and `hamkor restore`: a consistent archive taken while the system runs, restored
into an empty deployment with the engine in use (SQLite, or PostgreSQL in a database of the test's
own); refusals that change nothing.

Transactional tests: the backup reads the database as other connections see it (pg_dump is
another process), so what the test writes must be committed."""

import io
import shutil
import tarfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Sum
from django.test import Client

from accounts.services import create_user
from core.models import ObjectChange
from hamkor.backup import BackupError, create_backup, restore_backup
from hamkor.backup.archive import digest
from hamkor.backup.databases import database_alias, tables
from hamkor.permissions import SYSTEM
from hamkor.registry import BackupPart, register_backup_part, unregister_backup_part
from hamkor.testing.fixtures import PASSWORD
from portfolio.models import Project
from trade import schema
from trade.models import TradeSlice
from trade.services import record_flows
from trade.store import housekeeping, integrity

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = 'illustrative-hs6'


@dataclass
class Target:
    data_dir: Path
    media_root: Path
    database: dict


@pytest.fixture
def live(settings, tmp_path):
    """The data directory of the running deployment: the trade store, media, the secret key."""
    settings.DATA_DIR = tmp_path / 'live'
    settings.MEDIA_ROOT = settings.DATA_DIR / 'media'
    settings.DATA_DIR.mkdir()
    (settings.DATA_DIR / 'secret_key').write_text(settings.SECRET_KEY)
    return settings.DATA_DIR


@pytest.fixture
def make_target(tmp_path):
    """make_target() → an empty deployment to restore into: a data directory, and a new database
    of the engine the suite runs on (a file for SQLite; a database created here for PostgreSQL)."""
    created = []

    def make() -> Target:
        name = f'restored-{len(created) + 1}'
        data_dir = tmp_path / name
        default = connection.settings_dict
        if connection.vendor == 'sqlite':
            database = {**default, 'NAME': str(data_dir / 'hamkor.sqlite3')}
        else:
            database = {**default, 'NAME': f'{default["NAME"]}_{uuid.uuid4().hex[:8]}'}
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{database["NAME"]}"')
        created.append(database)
        return Target(data_dir, data_dir / 'media', database)

    yield make
    for database in created:
        if connection.vendor != 'sqlite':
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')


def restore(archive: Path, target: Target):
    return restore_backup(archive, data_dir=target.data_dir, media_root=target.media_root, database=target.database)


def flows(values: dict[int, float]) -> pa.Table:
    names = [field.name for field in schema.FLOW_SCHEMA if field.name != 'run_id']
    rows = [
        {'source': SOURCE, 'reporter': 'UZB', 'partner': 'CHN', 'flow': 'M', 'year': year, 'month': 0,
         'classification': 'HS2017', 'product': '850440', 'value_usd': value, 'quantity': None, 'unit': None,
         'illustrative': True}
        for year, value in values.items()
    ]  # fmt: skip
    return pa.table({name: [row[name] for row in rows] for name in names})


def store(values: dict[int, float]):
    return record_flows(flows(values), source=SOURCE, illustrative=True, actor=SYSTEM)


def in_thread(work) -> None:
    """Run `work` in another thread, with database connections of its own; re-raise its error."""
    errors = []

    def run():
        try:
            work()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def state(using: str) -> dict:
    """What the round trip must keep: portfolio totals, the change log, users and their log-ins,
    the trade store's registry (paths, content checksums, file digests)."""
    users = get_user_model().objects.using(using).order_by('username')
    return {
        'portfolio_total': Project.objects.using(using).aggregate(total=Sum('value_usd'))['total'],
        'projects': Project.objects.using(using).count(),
        'changes': ObjectChange.objects.using(using).count(),
        'users': list(users.values_list('username', 'password', 'last_login', 'is_active', 'side')),
        'slices': list(
            TradeSlice.objects.using(using).order_by('pk').values_list('path', 'checksum', 'row_count', 'files')
        ),
    }


def store_problems(target: Target) -> list:
    with database_alias(target.database) as alias:
        return integrity.check_store(using=alias, base=target.data_dir / 'trade')


@pytest.fixture
def deployment(live):
    """The demo (portfolio, change log, accounts, official trade tables), a user who has logged in
    through the page, an uploaded document."""
    only = [
        'currencies',
        'countries',
        'iati-codelists',  # the cooperation's sectors name DAC codes
        'fx-cny-monthly',
        'fx-uzs-monthly',
        'fx-annual',
        'cooperation-sectors',
    ]
    call_command('load_reference', '--only', *only, stdout=io.StringIO())
    call_command('load_demo', stdout=io.StringIO())
    create_user(username='operator', password=PASSWORD, roles=['secretariat'], actor=SYSTEM)
    assert Client().post('/accounts/login/', {'username': 'operator', 'password': PASSWORD}).status_code == 302
    document = live / 'media' / 'documents' / 'agreement.pdf'
    document.parent.mkdir(parents=True)
    document.write_bytes(b'%PDF-1.4 the signed agreement')
    return live


def test_backup_then_restore_gives_the_same_deployment(deployment, make_target, tmp_path):
    before = state('default')
    assert before['portfolio_total'] > 0 and before['changes'] and before['slices']
    assert get_user_model().objects.get(username='operator').last_login is not None

    backup = create_backup(tmp_path)  # a directory: a dated file in it
    target = make_target()
    restored = restore(backup.path, target)

    assert restored.problems == []
    with database_alias(target.database) as alias:
        assert state(alias) == before
        operator = get_user_model().objects.using(alias).get(username='operator')
        assert check_password(PASSWORD, operator.password)
    assert store_problems(target) == []
    live_files = {path.relative_to(deployment): digest(path) for path in (deployment / 'trade').rglob('*.parquet')}
    restored_files = {path.relative_to(target.data_dir): digest(path) for path in target.data_dir.rglob('*.parquet')}
    assert restored_files == live_files and len(live_files) == len(before['slices'])
    assert (target.media_root / 'documents' / 'agreement.pdf').read_bytes() == b'%PDF-1.4 the signed agreement'
    assert (target.data_dir / 'secret_key').read_text() == (deployment / 'secret_key').read_text()


def test_the_manifest_lists_every_file_with_its_size_and_sha256(live, tmp_path):
    store({2022: 1.0, 2023: 2.0})
    (live / 'media' / 'notes.txt').parent.mkdir()
    (live / 'media' / 'notes.txt').write_text('uploaded')

    backup = create_backup(tmp_path / 'hamkor.tar.gz')

    with tarfile.open(backup.path) as archive:
        members = archive.getmembers()
        assert members[0].name == 'manifest.json'
        contents = {member.name: archive.extractfile(member).read() for member in members[1:]}
    manifest = backup.manifest
    listed = {entry['path']: (entry['size'], entry['sha256']) for entry in manifest['files']}
    assert listed == {name: digest_of(data) for name, data in contents.items()}
    database = 'database/db.sqlite3' if connection.vendor == 'sqlite' else 'database/db.pgdump'
    assert sorted(listed) == sorted(
        [database, 'data/secret_key', 'media/notes.txt']
        + [f'data/trade/{trade_slice.path}/flows_0.parquet' for trade_slice in TradeSlice.objects.all()]
    )
    applied = MigrationRecorder(connection).applied_migrations()
    assert sum(map(len, manifest['migrations'].values())) == len(applied)
    assert manifest['database']['engine'] == {'sqlite': 'sqlite', 'postgresql': 'postgresql'}[connection.vendor]
    assert manifest['created'] and manifest['secret_key'] == 'included' and manifest['problems'] == []
    assert oct(backup.path.stat().st_mode & 0o777) == '0o600'


def digest_of(data: bytes) -> tuple[int, str]:
    import hashlib

    return len(data), hashlib.sha256(data).hexdigest()


def test_restore_refuses_a_target_that_is_not_empty_and_changes_nothing(live, make_target, tmp_path):
    store({2023: 2.0})
    archive = create_backup(tmp_path / 'hamkor.tar.gz').path
    target = make_target()
    target.data_dir.mkdir()
    (target.data_dir / 'notes.txt').write_text('mine')

    with pytest.raises(BackupError, match=r'is not empty: 1 files \(in notes.txt\)'):
        restore(archive, target)
    assert [path.name for path in target.data_dir.iterdir()] == ['notes.txt']
    assert tables(target.database) == []

    (target.data_dir / 'notes.txt').unlink()
    occupied = Target(target.data_dir, target.media_root, connection.settings_dict)  # the suite's own database
    with pytest.raises(BackupError, match=r'the database .* is not empty: \d+ tables'):
        restore(archive, occupied)
    assert list(target.data_dir.iterdir()) == []


def test_restore_refuses_a_tampered_archive_and_writes_nothing(live, make_target, tmp_path):
    store({2023: 2.0})
    archive = create_backup(tmp_path / 'hamkor.tar.gz').path
    changed = tmp_path / 'changed.tar.gz'
    with tarfile.open(archive) as source, tarfile.open(changed, 'w:gz') as copy:
        for member in source:
            data = bytearray(source.extractfile(member).read())
            if member.name.startswith('data/trade/'):
                data[len(data) // 2] ^= 0x01  # one bit of a slice file
            copy.addfile(member, io.BytesIO(bytes(data)))
    damaged = tmp_path / 'damaged.tar.gz'
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    damaged.write_bytes(bytes(raw))
    target = make_target()

    with pytest.raises(BackupError, match=r'data/trade/.* does not match its SHA-256 in the manifest'):
        restore(changed, target)
    with pytest.raises(BackupError, match='damaged'):
        restore(damaged, target)

    assert not target.data_dir.exists()
    assert tables(target.database) == []
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith('.')] == []  # no staging left


def test_a_backup_refuses_missing_or_damaged_slice_files_unless_told(live, tmp_path):
    store({2021: 0.5, 2022: 1.0, 2023: 2.0})
    gone, damaged = TradeSlice.objects.get(year=2022), TradeSlice.objects.get(year=2023)
    (live / 'trade' / gone.path / 'flows_0.parquet').unlink()
    (live / 'trade' / damaged.path / 'flows_0.parquet').write_bytes(b'not the file that was written')
    problems = [
        f'trade/{gone.path}/flows_0.parquet: missing',
        f'trade/{damaged.path}/flows_0.parquet: does not match the size and SHA-256 the database recorded',
    ]

    with pytest.raises(BackupError) as refused:
        create_backup(tmp_path / 'refused.tar.gz')
    assert str(refused.value).splitlines()[:3] == [
        '2 problems with the files the database names:',
        *(f'  {problem}' for problem in problems),
    ]
    assert not (tmp_path / 'refused.tar.gz').exists()
    assert [path.name for path in live.iterdir() if path.name.startswith('.')] == []  # no staging left

    backup = create_backup(tmp_path / 'as-it-is.tar.gz', allow_damaged=True)
    assert backup.manifest['problems'] == problems
    paths = {entry['path'] for entry in backup.manifest['files']}
    assert f'data/trade/{damaged.path}/flows_0.parquet' in paths
    assert f'data/trade/{gone.path}/flows_0.parquet' not in paths


def concurrent_import(work):
    """A backup part that, the first time the backup asks it for its files (just after the
    snapshot), runs `work` in another thread, as an import running during the backup would."""
    done = []

    def files(using):
        if not done:
            in_thread(lambda: done.append(work()))
        return []

    return BackupPart('test-concurrent-import', files), done


def test_a_backup_taken_while_an_import_replaces_slices_is_consistent(live, make_target, tmp_path):
    store({2022: 1.0, 2023: 2.0})
    snapshot = state('default')['slices']
    part, imported = concurrent_import(lambda: store({2023: 3.0, 2024: 4.0}))

    register_backup_part(part)
    try:
        backup = create_backup(tmp_path / 'during.tar.gz')
    finally:
        unregister_backup_part(part.name)

    assert imported[0].count('replaced') == 1 and state('default')['slices'] != snapshot
    # the import replaced the 2023 slice and could not remove its old file while the backup held it
    assert not any('taking a new snapshot' in line for line in backup.lines)
    target = make_target()
    assert restore(backup.path, target).problems == []
    assert store_problems(target) == []
    with database_alias(target.database) as alias:
        assert state(alias)['slices'] == snapshot
    # once the backup had its copies, the replaced file went
    assert housekeeping.find_orphans() == [] and integrity.check_store() == []


def test_files_removed_in_spite_of_the_hold_make_the_backup_take_a_new_snapshot(live, make_target, tmp_path):
    store({2022: 1.0, 2023: 2.0})
    old = TradeSlice.objects.get(year=2023).path

    def replace_and_remove():
        report = store({2023: 3.0})
        shutil.rmtree(live / 'trade' / old)  # a process that does not wait for backups (say, an operator)
        return report

    part, imported = concurrent_import(replace_and_remove)
    register_backup_part(part)
    try:
        backup = create_backup(tmp_path / 'during.tar.gz')
    finally:
        unregister_backup_part(part.name)

    assert imported and any('taking a new snapshot' in line for line in backup.lines)
    target = make_target()
    assert restore(backup.path, target).problems == []
    with database_alias(target.database) as alias:
        assert state(alias)['slices'] == state('default')['slices']  # the second snapshot, after the import


def test_backups_taken_while_imports_run_restore_to_a_store_that_passes_check_store(live, make_target, tmp_path):
    store({2022: 0.0, 2023: 0.5})
    stop, imports, errors = threading.Event(), [], []

    def keep_importing():
        value = 1.0
        try:
            while not stop.is_set():
                imports.append(store({2022: value, 2023: value + 0.5}))
                value += 1
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=keep_importing)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not imports and not errors and time.monotonic() < deadline:
            time.sleep(0.01)
        archives = [create_backup(tmp_path / f'{number}.tar.gz').path for number in range(3)]
        running = not errors and thread.is_alive()
    finally:
        stop.set()
        thread.join()

    assert errors == [] and running and len(imports) >= 2
    for archive in archives:
        target = make_target()
        assert restore(archive, target).problems == []
        assert store_problems(target) == []


def test_the_commands_print_what_they_did_and_refuse_a_deployment_in_use(live, tmp_path):
    store({2023: 2.0})
    out = io.StringIO()

    call_command('backup', str(tmp_path / 'hamkor.tar.gz'), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[1] == 'trade: 1 files, ' + lines[1].split(', ')[1] + ', checked against the database'
    assert lines[-1].startswith(f'wrote {tmp_path / "hamkor.tar.gz"}: 3 files')
    with pytest.raises(CommandError, match='exists'):
        call_command('backup', str(tmp_path / 'hamkor.tar.gz'), stdout=io.StringIO())
    # the configured deployment is the one running: not empty
    with pytest.raises(CommandError, match=r'not empty[\s\S]*Nothing was restored'):
        call_command('restore', str(tmp_path / 'hamkor.tar.gz'), stdout=io.StringIO())
