"""Benchmark: the project import (portfolio.imports) of a 20,000-row file, planned and applied.

Usage:
    .venv/bin/python bench/portfolio_import.py                 # SQLite file in a fresh data directory
    .venv/bin/python bench/portfolio_import.py --rows 2000 --profile
    .venv/bin/python bench/portfolio_import.py --postgres postgres://postgres@127.0.0.1:5432/bench_import

The PostgreSQL database named in the URL is dropped and created again, and dropped at the end.
Each database runs in a process of its own: migrate, then build a file with the export's
columns (portfolio.downloads.COLUMNS; 5 % umbrella agreements with parts, every visibility level
the umbrella rule allows, one to three sectors), then

1. create: plan and apply the file on an empty portfolio (every row creates a project);
2. update: plan and apply the same file edited (every title, half of the statuses one step on).

Printed for each step: seconds and rows per second of the plan, of the apply and of both (the
file's rows over plan plus apply), each with its floor ratio (rows/s ÷ 1,000, the target: at
least 1.0), and the longest single write transaction of the apply (from BEGIN to COMMIT on
the import's connection). On SQLite a second connection also writes a row every 20 ms during the
apply and the longest it waited for the lock is printed: what any other writer (a form, an API
call) would have waited.
"""

import argparse
import cProfile
import csv
import json
import os
import pstats
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'src'))

SEED = 20261203
FLOOR_ROWS_PER_SECOND = 1000
PROBE_INTERVAL = 0.02


#
# Driver
#


def postgres_database(url: str, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit('/', 1)
    with psycopg.connect(f'{base}/postgres', autocommit=True) as connection:
        connection.execute(sql.SQL('DROP DATABASE IF EXISTS {}').format(sql.Identifier(name)))
        if create:
            connection.execute(sql.SQL('CREATE DATABASE {}').format(sql.Identifier(name)))


def run_child(args, scratch: str, database_url: str, label: str) -> dict:
    command = [sys.executable, __file__, '--child', '--scratch', scratch, '--database-url', database_url]
    command += ['--rows', str(args.rows), '--label', label] + (['--profile'] if args.profile else [])
    subprocess.run(command, check=True)
    return json.loads(Path(scratch, f'results-{label}.json').read_text())


def driver(args) -> None:
    results = []
    scratch = tempfile.mkdtemp(prefix='hamkor-bench-import-')
    try:
        sqlite_dir = Path(scratch, 'sqlite')
        sqlite_dir.mkdir()
        results.append(run_child(args, str(sqlite_dir), f'sqlite:///{sqlite_dir}/bench.sqlite3', 'SQLite'))
        if args.postgres:
            postgres_database(args.postgres, create=True)
            try:
                postgres_dir = Path(scratch, 'postgres')
                postgres_dir.mkdir()
                results.append(run_child(args, str(postgres_dir), args.postgres, 'PostgreSQL'))
            finally:
                postgres_database(args.postgres, create=False)
    finally:
        if args.keep:
            print(f'scratch kept in {scratch}')
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print()
    print(f'load average: {Path("/proc/loadavg").read_text().strip()}')
    header = (
        f'{"database":<11} {"step":<7} {"plan s":>7} {"plan rows/s":>11} {"floor":>6} '
        f'{"apply s":>8} {"apply rows/s":>12} {"floor":>6} {"both rows/s":>11} {"floor":>6} '
        f'{"longest txn s":>13} {"probe wait s":>12}'
    )
    print(header)
    print('-' * len(header))
    for result in results:
        for step in result['steps']:
            probe = f'{step["probe_wait"]:.3f}' if step['probe_wait'] is not None else '—'
            both = step['rows'] / (step['plan_seconds'] + step['apply_seconds'])
            print(
                f'{result["label"]:<11} {step["name"]:<7} {step["plan_seconds"]:7.2f} {step["plan_rate"]:11,.0f} '
                f'{step["plan_rate"] / FLOOR_ROWS_PER_SECOND:6.2f} {step["apply_seconds"]:8.2f} '
                f'{step["apply_rate"]:12,.0f} {step["apply_rate"] / FLOOR_ROWS_PER_SECOND:6.2f} '
                f'{both:11,.0f} {both / FLOOR_ROWS_PER_SECOND:6.2f} {step["longest_transaction"]:13.3f} {probe:>12}'
            )


#
# Child process: one database
#


def setup_django(scratch: str, database_url: str) -> None:
    os.environ['DJANGO_SETTINGS_MODULE'] = 'hamkor.settings'
    os.environ['HAMKOR_DATA_DIR'] = scratch
    os.environ['DATABASE_URL'] = database_url
    os.environ['DEBUG'] = '0'
    os.environ.setdefault('SECRET_KEY', 'bench-only-' + 'x' * 50)
    import django

    django.setup()
    from django.core.management import call_command

    call_command('migrate', verbosity=0)
    with open(os.devnull, 'w') as quiet:
        call_command('load_reference', only=['iati-codelists', 'cooperation-sectors'], stdout=quiet)


def build_rows(count: int, rng: random.Random) -> list[dict]:
    """Rows of the export's shape: umbrellas first in the file order of their parts' parents
    (any order works; parents are written first), every part at a level its umbrella allows."""
    from portfolio.choices import LIFECYCLE, PART_LEVELS, Region, Visibility
    from portfolio.models import CooperationSector

    codes = sorted(CooperationSector.objects.values_list('code', flat=True))
    levels = list(Visibility.values)
    regions = list(Region.values)
    rows, umbrellas = [], []
    for number in range(count):
        identifier = f'BENCH-{number:06d}'
        row = {
            'identifier': identifier,
            'data_status': 'illustrative',
            'title_en': f'Generated project {number}',
            'title_ru': f'Проект {number}',
            'title_zh': f'项目 {number}',
            'title_uz': f'Loyiha {number}',
            'status': rng.choice(LIFECYCLE[:4]),
            'region': rng.choice(regions),
            'parent': '',
            'is_umbrella': 'no',
            'visibility': rng.choice(levels),
            'planned_start': f'{rng.randint(2016, 2025)}-0{rng.randint(1, 9)}-01',
            'planned_end': '',
            'actual_start': '',
            'actual_end': '',
        }
        row['planned_end'] = f'{int(row["planned_start"][:4]) + rng.randint(1, 5)}-12-31'
        chosen = rng.sample(codes, rng.randint(1, 3))
        shares = {1: [100], 2: [60, 40], 3: [50, 30, 20]}[len(chosen)]
        row['sectors'] = '; '.join(f'{code} {share}%' for code, share in zip(chosen, shares, strict=True))
        if number % 20 == 0:
            row['is_umbrella'] = 'yes'
            umbrellas.append(row)
        elif umbrellas and number % 20 < 5:
            umbrella = umbrellas[-1]
            row['parent'] = umbrella['identifier']
            row['visibility'] = rng.choice(sorted(PART_LEVELS[umbrella['visibility']]))
        rows.append(row)
    return rows


def write_file(path: Path, rows: list[dict]) -> None:
    from portfolio.downloads import COLUMNS

    with path.open('w', newline='', encoding='utf-8') as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS, restval='')
        writer.writeheader()
        writer.writerows(rows)


class TransactionClock:
    """The longest time the connection spends between BEGIN and COMMIT (or ROLLBACK)."""

    def __init__(self, connection):
        self.connection = connection
        self.longest = 0.0
        self._started = None
        self._set_autocommit = connection.set_autocommit
        connection.set_autocommit = self._wrapped

    def _wrapped(self, autocommit, *args, **kwargs):
        if not autocommit and self._started is None:
            self._started = time.perf_counter()
        result = self._set_autocommit(autocommit, *args, **kwargs)
        if autocommit and self._started is not None:
            self.longest = max(self.longest, time.perf_counter() - self._started)
            self._started = None
        return result

    def reset(self) -> None:
        self.longest = 0.0


class SqliteProbe:
    """Another writer on the same SQLite file: one short write transaction every 20 ms."""

    def __init__(self, path: str):
        self.path = path
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        with sqlite3.connect(path, timeout=600) as connection:
            connection.execute('CREATE TABLE IF NOT EXISTS bench_probe (id INTEGER PRIMARY KEY, at REAL)')

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=600, isolation_level=None)
        while True:
            start = time.perf_counter()
            connection.execute('BEGIN IMMEDIATE')
            connection.execute('INSERT INTO bench_probe (at) VALUES (?)', (start,))
            connection.execute('COMMIT')
            self.longest = max(self.longest, time.perf_counter() - start)
            if self._stop.is_set():
                break
            time.sleep(PROBE_INTERVAL)
        connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def timed(profile: bool, label: str, function, *args, **kwargs):
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = function(*args, **kwargs)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    if profiler:
        print(f'--- profile: {label}')
        pstats.Stats(profiler).sort_stats('cumulative').print_stats(30)
    return result, seconds


def child(args) -> None:
    setup_django(args.scratch, args.database_url)
    from django.db import connection

    from hamkor.permissions import SYSTEM
    from portfolio.imports import apply_import, plan_import
    from portfolio.models import Project

    rng = random.Random(SEED)
    rows = build_rows(args.rows, rng)
    clock = TransactionClock(connection)
    steps = []
    for name in ('create', 'update'):
        if name == 'update':
            for number, row in enumerate(rows):
                row['title_en'] = f'Edited project {number}'
                if number % 2 == 0:
                    row['status'] = {'proposal': 'negotiation', 'negotiation': 'agreement_signed'}.get(
                        row['status'], row['status']
                    )
        path = Path(args.scratch, f'projects-{name}.csv')
        write_file(path, rows)
        reports = []

        def progress(done, total, reports=reports):
            reports.append(done)

        print(f'{args.label} {name}: planning {len(rows):,} rows …', flush=True)
        plan, plan_seconds = timed(args.profile, f'{name} plan', plan_import, path, actor=SYSTEM, progress=progress)
        assert plan.is_valid, plan.problems[:5]
        print(f'  {plan.summary()} in {plan_seconds:.2f} s', flush=True)
        clock.reset()
        probe = SqliteProbe(connection.settings_dict['NAME']) if connection.vendor == 'sqlite' else None
        if probe:
            probe.__enter__()
        try:
            result, apply_seconds = timed(
                args.profile, f'{name} apply', apply_import, plan, actor=SYSTEM, progress=progress
            )
        finally:
            if probe:
                probe.__exit__(None, None, None)
        written = result.created + result.updated
        print(
            f'  applied ({result.created:,} created, {result.updated:,} updated) in {apply_seconds:.2f} s; '
            f'longest write transaction {clock.longest:.3f} s'
            + (f'; another writer waited at most {probe.longest:.3f} s' if probe else ''),
            flush=True,
        )
        steps.append(
            {
                'name': name,
                'rows': len(rows),
                'plan_seconds': plan_seconds,
                'plan_rate': len(rows) / plan_seconds,
                'apply_seconds': apply_seconds,
                'apply_rate': written / apply_seconds,
                'longest_transaction': clock.longest,
                'probe_wait': probe.longest if probe else None,
                'progress_calls': len(reports),
            }
        )
    assert Project.objects.count() == len(rows)
    Path(args.scratch, f'results-{args.label}.json').write_text(json.dumps({'label': args.label, 'steps': steps}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rows', type=int, default=20_000)
    parser.add_argument('--postgres', help='PostgreSQL URL of a scratch database (dropped, created, dropped)')
    parser.add_argument('--profile', action='store_true', help='print a cProfile of every plan and apply')
    parser.add_argument('--keep', action='store_true', help='keep the scratch directory')
    parser.add_argument('--child', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--scratch', help=argparse.SUPPRESS)
    parser.add_argument('--database-url', help=argparse.SUPPRESS)
    parser.add_argument('--label', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        driver(args)


if __name__ == '__main__':
    main()
