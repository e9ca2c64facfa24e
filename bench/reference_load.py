"""Benchmark: loading the reference data into an empty database, then again (idempotent pass).

Usage:
    .venv/bin/python bench/reference_load.py                       # SQLite file in a temporary directory
    .venv/bin/python bench/reference_load.py --postgres postgres://postgres@127.0.0.1:5432/hamkor_bench

The PostgreSQL database named in the URL is dropped and created again. Prints seconds and rows
per second for each dataset and in total.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'src'))


def recreate_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit('/', 1)
    with psycopg.connect(f'{base}/postgres', autocommit=True) as connection:
        connection.execute(sql.SQL('DROP DATABASE IF EXISTS {}').format(sql.Identifier(name)))
        connection.execute(sql.SQL('CREATE DATABASE {}').format(sql.Identifier(name)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--postgres', help='PostgreSQL URL of a scratch database (dropped and re-created)')
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix='hamkor-bench-')
    os.environ['HAMKOR_DATA_DIR'] = scratch
    os.environ['DATABASE_URL'] = args.postgres or f'sqlite:///{scratch}/bench.sqlite3'
    if args.postgres:
        recreate_postgres_database(args.postgres)
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hamkor.settings')

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from core.reference import DATASETS, load_dataset

    call_command('migrate', verbosity=0)
    print(f'database: {connection.vendor}')
    for label in ('empty database', 'second load (idempotent)'):
        total_rows, total_seconds = 0, 0.0
        print(f'\n{label}')
        for spec in DATASETS:
            start = time.perf_counter()
            result = load_dataset(spec)
            seconds = time.perf_counter() - start
            total_rows += result.rows
            total_seconds += seconds
            print(f'  {spec.key:16} {result.rows:>6} rows  {seconds:6.3f} s  {result.rows / seconds:>9,.0f} rows/s')
        print(
            f'  {"total":16} {total_rows:>6} rows  {total_seconds:6.3f} s  {total_rows / total_seconds:>9,.0f} rows/s'
        )


if __name__ == '__main__':
    main()
