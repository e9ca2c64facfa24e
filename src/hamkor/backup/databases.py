"""The database in a backup: a consistent snapshot taken while the system runs, and its restore.

The code path is chosen by the engine the deployment uses:

- SQLite: the online backup API (`sqlite3.Connection.backup`) on the live database, every page
  in one step, which is one read transaction: a consistent copy while writers go on (WAL lets
  them; a writer that holds the lock is waited for). The copy is then opened as a database alias
  of its own, in which the apps read what the snapshot names.
- PostgreSQL: a REPEATABLE READ, READ ONLY transaction exports its snapshot
  (`pg_export_snapshot()`); the apps read in that transaction, and `pg_dump --snapshot` dumps
  exactly the same state (custom format). The restore is `pg_restore --single-transaction` into
  the configured, empty database.
"""

import os
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend

from hamkor.backup.errors import BackupError

ENGINES = {'django.db.backends.sqlite3': 'sqlite', 'django.db.backends.postgresql': 'postgresql'}
DUMP_NAMES = {'sqlite': 'database/db.sqlite3', 'postgresql': 'database/db.pgdump'}
SQLITE_COMPANIONS = ('-wal', '-shm', '-journal')
PG_OPTIONS = ('sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'passfile', 'service')


def engine_of(settings_dict: dict) -> str:
    engine = ENGINES.get(settings_dict['ENGINE'])
    if engine is None:
        raise BackupError(f'hamkor backup knows SQLite and PostgreSQL, not {settings_dict["ENGINE"]}')
    return engine


@contextmanager
def database_alias(settings_dict: dict) -> Iterator[str]:
    """A database alias of its own for `settings_dict` (complete, as in connections[…].settings_dict),
    closed and forgotten on the way out."""
    alias = f'hamkor_backup_{uuid.uuid4().hex[:8]}'
    settings_dict = {**settings_dict, 'ATOMIC_REQUESTS': False, 'AUTOCOMMIT': True, 'CONN_MAX_AGE': 0}
    # A connection of this thread only, not a configured database (which every thread could open).
    wrapper = load_backend(settings_dict['ENGINE']).DatabaseWrapper(settings_dict, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


@dataclass
class Snapshot:
    engine: str
    alias: str  # where the snapshot is read
    version: str  # of the database server or library
    dump: Path
    write_dump: Callable[[], None]

    def applied_migrations(self) -> dict[str, list[str]]:
        applied: dict[str, list[str]] = {}
        for app, name in sorted(MigrationRecorder(connections[self.alias]).applied_migrations()):
            applied.setdefault(app, []).append(name)
        return applied


@contextmanager
def snapshot(alias: str, dump: Path, *, before: Callable[[], None] = lambda: None) -> Iterator[Snapshot]:
    """The database `alias` as it is at this moment, readable through `Snapshot.alias` inside the
    block; `write_dump()` writes it to `dump` (for SQLite it is written on entry). `before()` is
    called just before the snapshot is taken."""
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError('a backup takes a snapshot of its own: run it outside a transaction')
    engine = engine_of(connection.settings_dict)
    dump.parent.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    before()
    if engine == 'sqlite':
        target = sqlite3.connect(dump)
        try:
            connection.connection.backup(target)  # pages=-1: all of them in one read transaction
        finally:
            target.close()
        settings_dict = {**connection.settings_dict, 'NAME': str(dump), 'OPTIONS': {}}
        with database_alias(settings_dict) as copy:
            yield Snapshot(engine, copy, sqlite3.sqlite_version, dump, lambda: None)
        return
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
        cursor.execute('SELECT pg_export_snapshot(), current_setting(%s)', ['server_version'])
        exported, version = cursor.fetchone()
        yield Snapshot(engine, alias, version, dump, lambda: _pg_dump(connection.settings_dict, exported, dump))


def _pg_dump(settings_dict: dict, exported: str, dump: Path) -> None:
    command = ['pg_dump', '--format=custom', f'--snapshot={exported}', f'--file={dump}', '--no-password']
    _run_pg(command + [f'--dbname={settings_dict["NAME"]}'], settings_dict)


def _run_pg(command: list[str], settings_dict: dict) -> None:
    try:
        result = subprocess.run(command, env=pg_environment(settings_dict), capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f'{command[0]} is not installed (Debian: apt-get install postgresql-client)') from None
    if result.returncode:
        raise BackupError(f'{command[0]} failed: {result.stderr.strip()}')


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """The libpq environment (PGHOST, PGUSER, …) of a Django PostgreSQL database."""
    environment = dict(os.environ)
    for key, name in (('HOST', 'PGHOST'), ('PORT', 'PGPORT'), ('USER', 'PGUSER'), ('PASSWORD', 'PGPASSWORD')):
        if settings_dict.get(key):
            environment[name] = str(settings_dict[key])
    for option in PG_OPTIONS:
        if settings_dict.get('OPTIONS', {}).get(option):
            environment[f'PG{option.upper()}'] = str(settings_dict['OPTIONS'][option])
    return environment


def describe(settings_dict: dict) -> str:
    """The database for a message: its file, or database@host."""
    if engine_of(settings_dict) == 'sqlite':
        return str(settings_dict['NAME'])
    return f'{settings_dict["NAME"]}@{settings_dict.get("HOST") or "localhost"}'


def sqlite_files(settings_dict: dict) -> list[Path]:
    """The files of a SQLite database (none for an in-memory one)."""
    name = str(settings_dict['NAME'])
    if engine_of(settings_dict) != 'sqlite' or name.startswith('file:') or name == ':memory:':
        return []
    return [Path(name).resolve(), *(Path(name + suffix).resolve() for suffix in SQLITE_COMPANIONS)]


def tables(settings_dict: dict) -> list[str]:
    """The tables of a database, read without creating it or changing it."""
    if engine_of(settings_dict) == 'sqlite':
        name = str(settings_dict['NAME'])
        if name.startswith('file:'):
            uri = name
        else:
            path = Path(name)
            if not path.exists() or path.stat().st_size == 0:
                return []
            uri = f'file:{path.resolve()}?mode=ro'
        with closing(sqlite3.connect(uri, uri=True)) as database:
            return [row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    with database_alias(settings_dict) as alias:
        try:
            return connections[alias].introspection.table_names()
        except DatabaseError as error:
            raise BackupError(f'cannot read the database {describe(settings_dict)}: {error}'.strip()) from None


def restore_database(engine: str, dump: Path, settings_dict: dict) -> None:
    """Write the dump into the (empty) database of `settings_dict`."""
    if engine == 'sqlite':
        name = str(settings_dict['NAME'])
        if not name.startswith('file:'):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT, 0o600))
        with (
            closing(sqlite3.connect(f'file:{dump}?mode=ro', uri=True)) as source,
            closing(sqlite3.connect(name, uri=name.startswith('file:'))) as target,
        ):
            source.backup(target)
        return
    command = [
        'pg_restore', '--exit-on-error', '--single-transaction', '--no-owner', '--no-privileges', '--no-password',
        f'--dbname={settings_dict["NAME"]}', str(dump),
    ]  # fmt: skip
    _run_pg(command, settings_dict)
