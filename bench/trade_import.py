"""Benchmark: importing a BACI-format world data set, against DuckDB's own CSV→Parquet conversion.

Usage:
    .venv/bin/python bench/trade_import.py                  # 50 million rows: 5 yearly files × 10 million
    .venv/bin/python bench/trade_import.py --rows 5000000   # a smaller run
    .venv/bin/python bench/trade_import.py --keep           # keep the scratch directory

Everything happens in a scratch directory (its own SQLite database and HAMKOR_DATA_DIR), never
in var/. Steps:

1. migrate and load the reference data the importer checks against (countries, HS 2017);
2. generate one BACI CSV per year (`t,i,j,k,v,q`, values with three decimals, about 2 % of
   quantities "NA", unique (t, i, j, k), codes drawn from the loaded countries and HS 2017
   subheadings) and the V2024 country code file; the data are generated, not BACI's; rows in
   BACI's own order (year, exporter, importer, product), or shuffled with `--order shuffled`
   (the importer then needs its slower duplicate test);
3. for each file in turn, the baseline — DuckDB's `COPY (SELECT * FROM read_csv(file)) TO …
   (FORMAT parquet)` — then our import of the same file (SHA-256, full validation, conversion to
   USD, slice checksums, Parquet per slice, registry switch in the database); alternating the
   two makes both meet the same load on a shared machine;
5. the first file imported again (nothing new: checked for, and timed).

Target (from the issue): our throughput ≥ 50 % of the baseline's, measured in the same run.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'src'))

TARGET_RATIO = 0.5
FIRST_YEAR = 2017
STEP = 1_000_003  # a prime: n → n·STEP mod (number of combinations) visits distinct (i, j, k)


def setup_django(scratch: Path) -> None:
    os.environ['HAMKOR_DATA_DIR'] = str(scratch / 'data')
    os.environ['DATABASE_URL'] = f'sqlite:///{scratch}/bench.sqlite3'
    os.environ.setdefault('SECRET_KEY', 'bench-only-' + 'x' * 50)
    os.environ['DJANGO_SETTINGS_MODULE'] = 'hamkor.settings'
    import django

    django.setup()
    from django.core.management import call_command

    call_command('migrate', verbosity=0)
    with open(os.devnull, 'w') as quiet:
        call_command('load_reference', only=['hs-sections', 'hs2017', 'countries'], stdout=quiet)


def generate(scratch: Path, rows: int, years: int, order: str = 'baci') -> tuple[Path, list[Path]]:
    import duckdb

    from core.models import Country, HSCode

    countries = sorted(
        (int(numeric), iso3, iso2, name)
        for numeric, iso3, iso2, name in Country.objects.values_list('iso_numeric', 'iso3', 'iso2', 'name_en')
    )
    products = sorted(HSCode.objects.filter(edition='2017', level=6).values_list('code', flat=True))
    country_file = scratch / 'country_codes_V202401.csv'
    with country_file.open('w') as handle:
        handle.write('country_code,country_name,country_iso2,country_iso3\n')
        for numeric, iso3, iso2, name in countries:
            handle.write(f'{numeric},"{name}",{iso2},{iso3}\n')
    con = duckdb.connect()
    con.execute('CREATE TABLE c AS SELECT unnest(?) AS code', [[c[0] for c in countries]])
    con.execute('CREATE TABLE c2 AS SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM c')
    con.execute(
        'CREATE TABLE p AS SELECT k, row_number() OVER (ORDER BY k) - 1 AS n FROM (SELECT unnest(?) AS k)', [products]
    )
    n_countries, n_products = len(countries), len(products)
    combinations = n_countries * (n_countries - 1) * n_products
    per_year = rows // years
    assert per_year <= combinations
    files = []
    for offset in range(years):
        year = FIRST_YEAR + offset
        path = scratch / f'BACI_HS17_Y{year}_V202401.csv'
        con.execute(
            f"""
            COPY (
                WITH draws AS (
                    SELECT r.n, (r.n * {STEP} + {offset}) % {combinations} AS combination
                    FROM range({per_year}) r(n)
                ), split AS (
                    SELECT n, combination // {n_products} AS pair, combination % {n_products} AS product
                    FROM draws
                ), indexed AS (
                    SELECT n, product, pair // {n_countries - 1} AS exporter,
                           pair % {n_countries - 1} + CASE WHEN pair % {n_countries - 1} >= pair // {n_countries - 1}
                                                          THEN 1 ELSE 0 END AS importer
                    FROM split
                )
                SELECT {year} AS t, e.code AS i, m.code AS j, p.k AS k,
                       printf('%.3f', 0.001 + (hash(x.n, {year}) % 50000000) / 1000.0) AS v,
                       CASE WHEN hash(x.n, 'q', {year}) % 50 = 0 THEN 'NA'
                            ELSE printf('%.3f', (hash(x.n, 'w') % 9000000) / 1000.0) END AS q
                FROM indexed x
                JOIN c2 e ON e.n = x.exporter JOIN c2 m ON m.n = x.importer JOIN p ON p.n = x.product
                ORDER BY {'e.code, m.code, p.k' if order == 'baci' else 'x.n'}
            ) TO '{path}' (HEADER, DELIMITER ',', QUOTE '')
            """
        )
        files.append(path)
        print(f'  generated {path.name}: {path.stat().st_size / 1e6:.0f} MB', flush=True)
    con.close()
    return country_file, files


def convert_with_duckdb(scratch: Path, path: Path) -> float:
    """The baseline: DuckDB's own CSV → Parquet conversion of one file, in a fresh connection."""
    import duckdb

    out = scratch / 'baseline'
    out.mkdir(exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{scratch / 'tmp'}'")
    start = time.perf_counter()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{path}', types = {{'k': 'VARCHAR'}})) "
        f"TO '{out / (path.stem + '.parquet')}' (FORMAT parquet)"
    )
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def import_file(country_file: Path, path: Path):
    from hamkor.permissions import SYSTEM
    from trade.importers.baci import BaciImporter
    from trade.services import run_import

    start = time.perf_counter()
    report = run_import(BaciImporter(path, countries=country_file, edition='HS17'), actor=SYSTEM)
    return time.perf_counter() - start, report


def measure(scratch: Path, country_file: Path, files: list[Path]) -> tuple[float, float, list]:
    """Baseline and import of each file one after the other, so that both meet the same load
    (the machine may be shared); returns the summed times."""
    baseline_s = import_s = 0.0
    reports = []
    for path in files:
        converted = convert_with_duckdb(scratch, path)
        imported, report = import_file(country_file, path)
        baseline_s += converted
        import_s += imported
        reports.append(report)
        print(
            f'  {path.name}: DuckDB {converted:.1f} s, import {imported:.1f} s '
            f'({report.rows_accepted:,} rows, {report.count("new")} slice(s))',
            flush=True,
        )
    return baseline_s, import_s, reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rows', type=int, default=50_000_000, help='total rows (default 50 million)')
    parser.add_argument('--years', type=int, default=5, help='one file per year (default 5)')
    parser.add_argument('--keep', action='store_true', help='keep the scratch directory')
    parser.add_argument('--scratch', help='parent directory of the scratch directory (default: system temp)')
    parser.add_argument('--order', choices=['baci', 'shuffled'], default='baci', help="rows in BACI's order or not")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix='hamkor-bench-trade-', dir=args.scratch))
    (scratch / 'tmp').mkdir()
    print(f'scratch directory: {scratch}', flush=True)
    try:
        setup_django(scratch)
        start = time.perf_counter()
        country_file, files = generate(scratch, args.rows, args.years, args.order)
        print(f'row order: {args.order}', flush=True)
        print(f'generation: {time.perf_counter() - start:.1f} s', flush=True)
        rows = args.rows // args.years * args.years
        csv_bytes = sum(path.stat().st_size for path in files)

        baseline_s, import_s, reports = measure(scratch, country_file, files)
        assert sum(report.rows_accepted for report in reports) == rows

        from hamkor.permissions import SYSTEM
        from trade.importers.baci import BaciImporter
        from trade.services import run_import

        again_start = time.perf_counter()
        again = run_import(BaciImporter(files[0], countries=country_file, edition='HS17'), actor=SYSTEM)
        again_s = time.perf_counter() - again_start
        assert again.run is None and again.count('new') == again.count('replaced') == 0

        from trade.store import layout

        store_bytes = sum(path.stat().st_size for path in layout.flows_directory().rglob('*.parquet'))
        baseline_bytes = sum(path.stat().st_size for path in (scratch / 'baseline').glob('*.parquet'))
        baseline_rate, import_rate = rows / baseline_s, rows / import_s
        ratio = import_rate / baseline_rate
        slices = sum(report.count('new') for report in reports)
        print()
        print(f'{"rows":42} {rows:>16,}')
        print(f'{"CSV size":42} {csv_bytes / 1e9:>14.2f} GB')
        print(f'{"DuckDB CSV → Parquet":42} {baseline_s:>14.1f} s  {baseline_rate:>12,.0f} rows/s')
        print(f'{"our import (validated, sliced, registered)":42} {import_s:>14.1f} s  {import_rate:>12,.0f} rows/s')
        print(
            f'{"ratio (target ≥ {:.0%})".format(TARGET_RATIO):42} {ratio:>16.2f}  '
            f'{"PASS" if ratio >= TARGET_RATIO else "FAIL"}'
        )
        print(f'{"same first file again (nothing new)":42} {again_s:>14.1f} s')
        print(
            f'{"Parquet: baseline / store":42} {baseline_bytes / 1e9:>7.2f} / {store_bytes / 1e9:.2f} GB '
            f'({slices} slices)'
        )
    finally:
        if args.keep:
            print(f'kept {scratch}')
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == '__main__':
    main()
