"""Whether the store's files are what the registry recorded (`hamkor check-store`), and the files
no slice names (`hamkor trade-runs [--remove-orphans]`)."""

import io
import os
import signal
import subprocess
import sys
import time

import pyarrow as pa
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from hamkor.permissions import SYSTEM
from trade import schema
from trade.models import TradeSlice
from trade.services import record_flows
from trade.store import housekeeping, integrity, layout
from trade.store.locks import RunLock, lock_path

pytestmark = pytest.mark.django_db

SOURCE = 'illustrative-hs6'


@pytest.fixture
def store(trade_data_dir, django_capture_on_commit_callbacks):
    """store({year: value}) stores one row per year as a run, committed (its lock released, the
    files it replaced removed); the report."""

    def record(values: dict[int, float], *, flow: str = 'M'):
        names = [field.name for field in schema.FLOW_SCHEMA if field.name != 'run_id']
        rows = [
            {'source': SOURCE, 'reporter': 'UZB', 'partner': 'CHN', 'flow': flow, 'year': year, 'month': 0,
             'classification': 'HS2017', 'product': '850440', 'value_usd': value, 'quantity': None, 'unit': None,
             'illustrative': True}
            for year, value in values.items()
        ]  # fmt: skip
        table = pa.table({name: [row[name] for row in rows] for name in names})
        with django_capture_on_commit_callbacks(execute=True):
            return record_flows(table, source=SOURCE, illustrative=True, actor=SYSTEM)

    return record


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def file_of(trade_slice: TradeSlice):
    [name] = trade_slice.files
    return layout.trade_directory() / trade_slice.path / name


def test_an_import_records_each_file_and_check_store_finds_them_as_written(store):
    store({2022: 10.0, 2023: 20.0})

    for trade_slice in TradeSlice.objects.all():
        [(name, recorded)] = trade_slice.files.items()
        path = layout.trade_directory() / trade_slice.path / name
        assert recorded == {'size': path.stat().st_size, 'sha256': integrity.sha256_of(path)}
        assert integrity.is_healthy(trade_slice)
    assert run('check_store') == '2 slices checked: every file is there and matches its SHA-256\n'


def test_check_store_finds_a_missing_and_a_corrupted_slice_file(store):
    store({2021: 5.0, 2022: 10.0, 2023: 20.0})
    missing, corrupted, healthy = TradeSlice.objects.order_by('year')
    file_of(missing).unlink()
    damaged = bytearray(file_of(corrupted).read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # one byte: same size, another content
    file_of(corrupted).write_bytes(bytes(damaged))

    out = io.StringIO()
    with pytest.raises(CommandError, match='2 of 3 slices have problems'):
        call_command('check_store', stdout=out)

    assert out.getvalue().splitlines() == [
        f'{missing}: flows_0.parquet is missing ({missing.path})',
        f'{corrupted}: flows_0.parquet does not match its SHA-256 (the file was changed or damaged) ({corrupted.path})',
    ]
    # the quick check (for pages) sees the missing file, not the changed byte
    assert (integrity.is_healthy(missing), integrity.is_healthy(corrupted), integrity.is_healthy(healthy)) == (
        False,
        True,
        True,
    )
    with pytest.raises(CommandError, match='1 of 3 slices'):
        call_command('check_store', '--quick', stdout=io.StringIO())
    # a reader can leave the missing slice out, and say why
    paths, problems = integrity.healthy_current_paths()
    assert paths == [layout.slice_glob(corrupted.path), layout.slice_glob(healthy.path)]
    assert problems == {str(missing): ['flows_0.parquet is missing']}


def test_a_stray_file_in_a_slice_directory_is_a_problem(store):
    store({2023: 20.0})
    trade_slice = TradeSlice.objects.get()
    stray = file_of(trade_slice).with_name('flows_1.parquet')
    stray.write_bytes(file_of(trade_slice).read_bytes())  # a reader of the slice would count its rows twice

    assert integrity.slice_problems(trade_slice) == ['flows_1.parquet is not a file of the slice']


def test_a_slice_recorded_before_digests_is_checked_by_its_row_count(store):
    store({2023: 20.0})
    TradeSlice.objects.update(files={})
    trade_slice = TradeSlice.objects.get()

    assert integrity.slice_problems(trade_slice, deep=True) == []
    TradeSlice.objects.update(row_count=2)
    assert integrity.slice_problems(TradeSlice.objects.get(), deep=True) == ['the files hold 1 rows, the registry 2']


def test_trade_runs_reports_orphans_and_removes_them_except_a_running_imports(store):
    store({2022: 10.0, 2023: 20.0})
    source = layout.flows_directory() / SOURCE
    [current] = source.glob('run-*')
    killed = source / 'run-900-deadbeef' / 'source=x' / 'flows_0.parquet'  # a killed import, any age
    killed.parent.mkdir(parents=True)
    killed.write_bytes(b'PAR1')
    empty = source / 'run-901-deadbeef'
    empty.mkdir()
    lock_path(source / 'run-902-deadbeef').write_text('')  # the lock of a process that is gone
    replaced = current / 'source=illustrative-hs6' / 'slice_reporter=UZB' / 'flow=X'  # switched, not yet removed
    replaced.mkdir()
    (replaced / 'flows_0.parquet').write_bytes(b'PAR1')
    running = source / 'run-903-cafecafe'
    lock = RunLock(running)  # an import writing right now, for a day already
    (running / 'part').mkdir(parents=True)
    old = time.time() - 86400
    os.utime(running, (old, old))

    out = run('trade_runs')

    found = sorted([  # listed in the order of their paths (the current run's number depends on the database)
        (f'flows/{SOURCE}/.run-902-deadbeef.lock', 'lock of an import that is not running'),
        (str(replaced.relative_to(layout.trade_directory())),
         'slice directory no slice names (replaced, or left by an import that did not finish)'),
        (f'flows/{SOURCE}/run-900-deadbeef', 'run directory no slice names (an import that did not finish)'),
        (f'flows/{SOURCE}/run-901-deadbeef', 'empty run directory'),
    ])  # fmt: skip
    assert out.splitlines()[-6:] == [
        'orphans: 4 (8 bytes) no slice names:',
        *(f'  {path}  ({why})' for path, why in found),
        'remove them with --remove-orphans',
    ]
    assert run('trade_runs', '--remove-orphans').splitlines()[-1] == 'removed 4 orphans'
    assert sorted(path.name for path in source.iterdir()) == sorted([current.name, running.name, lock.path.name])
    assert run('check_store').startswith('2 slices checked')

    lock.release()  # the import is over and its transaction was rolled back without cleaning up
    assert housekeeping.remove_orphans() == [running]


def test_the_directory_of_an_import_killed_with_sigkill_is_an_orphan(trade_data_dir):
    directory = layout.flows_directory() / SOURCE / 'run-77-0badf00d'
    script = (
        'import sys, time; from pathlib import Path; from trade.store.locks import RunLock; '
        'd = Path(sys.argv[1]); lock = RunLock(d); d.mkdir(parents=True); (d / "flows_0.parquet").write_bytes(b"x"); '
        'print("writing", flush=True); time.sleep(60)'
    )
    process = subprocess.Popen(
        [sys.executable, '-c', script, str(directory)], stdout=subprocess.PIPE, text=True, cwd=settings.SRC_DIR
    )
    try:
        assert process.stdout.readline() == 'writing\n'
        assert housekeeping.find_orphans() == []  # its import runs: kept
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    assert housekeeping.remove_orphans() == [lock_path(directory), directory]
    assert not (layout.flows_directory() / SOURCE).exists()
