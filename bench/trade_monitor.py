"""Benchmark: the bilateral trade monitor for Uzbekistan–China on a BACI-like world store.

Usage:
    .venv/bin/python bench/trade_monitor.py --rows 5000000            # generate 5 M rows in a temporary directory
    .venv/bin/python bench/trade_monitor.py                           # 50 M rows (5 years × 10 M)
    .venv/bin/python bench/trade_monitor.py --store /tmp/world --keep # generate once into PATH and keep it
    .venv/bin/python bench/trade_monitor.py --store /tmp/world        # reuse the Parquet files in PATH

The store is one Parquet file per year in the trade store's schema (trade.schema.FLOW_SCHEMA),
generated with DuckDB: 200 countries (UZB and CHN among them), 5,000 HS6 products, every flow
from exporter to importer (flow X, source "baci", HS2017), each pair with its own set of about
rows / (years × 39,800) products, written in BACI's order (exporter, importer, product). Values
are random (log-uniform), so the data are illustrative and only their size and shape matter.

The monitor (what the page and the API compute): yearly totals, balance and coverage of the pair;
the top 20 HS6 products of each direction with their contribution to growth (latest year against
the year before); Balassa RCA of Uzbekistan for every product in the latest year. It is timed:

- with our code: trade.analytics.expressions (Ibis) on DuckDB over the Parquet files;
- with pandas: pd.read_parquet of the same files (the columns needed) and groupby, the same
  results; plus the pandas computation alone on a frame already in memory, for reference.

"Warm" = the files are in the OS page cache and the process has run the computation once; each
run reads the Parquet files again. Three variants of our code are timed, to say what is cached:

A. the Ibis expressions built and executed every run, nothing precomputed;
B. as A, but RCA reads the exporter × product × year totals precomputed once (as an import would,
   timed separately) instead of every flow of the year;
C. as B, with the SQL Ibis compiled once kept and run again (Ibis's compilation is Python work
   of ~50–100 ms a query, independent of the data's size).
D. the application's own `trade.analytics.monitor.Monitor`, as a page or the API runs it when its result
   cache is empty: a new Monitor over the store's view (`trade.analytics.engine.flows_view`) each run, calling
   yearly(), top_products() for both directions and rca(); its SQL is kept by the Monitor itself and
   RCA reads the exporter × product totals that `trade.analytics.aggregates.exporter_products_file` builds once per
   slice (the first call builds them: "first" includes that).

No result is cached in any variant (the pages add a result cache on top, see trade.selectors).
Targets: < 1 s warm p50, and at least 10× faster than pandas.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'src'))

YEARS_DEFAULT = 5
FIRST_YEAR = 2019
COUNTRIES = 200
PRODUCTS = 5000
PAIRS = COUNTRIES * (COUNTRIES - 1)
TARGET_SECONDS, TARGET_RATIO = 1.0, 10.0
REPORTER, PARTNER = 'UZB', 'CHN'


def country_codes() -> list[str]:
    letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
    codes = [REPORTER, PARTNER]
    for first in 'QXZ':
        for second in letters:
            for third in letters:
                if len(codes) < COUNTRIES:
                    codes.append(first + second + third)
    return codes


def generate(directory: Path, rows: int, years: int) -> list[Path]:
    import duckdb

    directory.mkdir(parents=True, exist_ok=True)
    per_year = rows // years
    codes = country_codes()
    listed = ', '.join(f"'{code}'" for code in codes)
    paths = []
    con = duckdb.connect()
    con.execute('SET enable_progress_bar = false')
    for offset in range(years):
        year = FIRST_YEAR + offset
        path = directory / f'baci_HS17_{year}.parquet'
        started = time.perf_counter()
        con.execute(f"""
            COPY (
                WITH numbered AS (
                    SELECT i, i % {PAIRS} AS pair, i // {PAIRS} AS slot FROM range({per_year}) t(i)
                ), pairs AS (
                    SELECT i, slot, pair, pair // {COUNTRIES - 1} AS e, pair % {COUNTRIES - 1} AS j FROM numbered
                )
                SELECT 'baci' AS source,
                       list_extract([{listed}], e + 1) AS reporter,
                       list_extract([{listed}], (CASE WHEN j < e THEN j ELSE j + 1 END) + 1) AS partner,
                       'X' AS flow, CAST({year} AS SMALLINT) AS year, CAST(0 AS TINYINT) AS month,
                       'HS2017' AS classification,
                       lpad(CAST(10000 + ((slot * 17 + pair * 31) % {PRODUCTS}) * 19 AS VARCHAR), 6, '0') AS product,
                       round(exp(7 + 8 * ((hash(i, {year}) % 1000003) / 1000003.0)), 2) AS value_usd,
                       round(exp(1 + 6 * ((hash(i, {year}, 1) % 1000003) / 1000003.0)), 3) AS quantity,
                       't' AS unit, CAST(0 AS BIGINT) AS run_id, false AS illustrative
                FROM pairs
                ORDER BY reporter, partner, product
            ) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)
        """)
        print(f'  generated {path.name}: {per_year:,} rows in {time.perf_counter() - started:.1f} s', flush=True)
        paths.append(path)
    con.close()
    return paths


#
# The monitor with our code (Ibis on DuckDB)
#


def monitor_expressions(con, paths, year: int, exports=None) -> dict:
    """The monitor's four queries as Ibis expressions (nothing runs yet)."""
    import ibis

    from trade.analytics import engine
    from trade.analytics import expressions as analytics

    flows = engine.flows_from_paths(con, paths)
    expressions = {'totals': analytics.pair_totals(flows, REPORTER, PARTNER)}
    for direction in ('X', 'M'):
        growth = analytics.product_growth(
            flows, REPORTER, PARTNER, direction, year=year, base_year=year - 1, source='baci', classification='HS2017'
        )
        expressions[direction] = growth.order_by([ibis.desc('value_usd'), 'product']).limit(20)
    expressions['rca'] = analytics.rca(
        flows, REPORTER, year=year, source='baci', classification='HS2017', exports=exports
    )
    return expressions


def shaped(results: dict) -> dict:
    return {'totals': results['totals'], 'top': {'X': results['X'], 'M': results['M']}, 'rca': results['rca']}


def monitor_ibis(con, paths, year: int, exports=None) -> dict:
    """Build the expressions and execute them (Ibis compiles each to SQL every time)."""
    expressions = monitor_expressions(con, paths, year, exports)
    return shaped({name: expression.execute() for name, expression in expressions.items()})


def monitor_compiled(con, compiled: dict) -> dict:
    """Run SQL that Ibis compiled once (what a long-running process would keep)."""
    return shaped({name: con.raw_sql(sql).fetch_arrow_table().to_pandas() for name, sql in compiled.items()})


def monitor_application(paths, year: int) -> dict:
    """What trade.selectors.CachedMonitor computes on a cache miss, with the application's code."""
    from trade.analytics import aggregates, engine
    from trade.analytics.monitor import Monitor

    by_year = {int(Path(path).stem.rsplit('_', 1)[1]): path for path in paths}

    def exporter_products(source, classification, wanted_year):
        path = by_year[wanted_year]
        key = f'bench-{Path(path).stem}-{Path(path).stat().st_size}'
        return engine.exporter_products_view([str(aggregates.exporter_products_file(key, [path]))])

    monitor = Monitor(REPORTER, PARTNER, flows=engine.flows_view(paths), exporter_products=exporter_products)
    results = {'totals': monitor.yearly()}
    for direction in ('X', 'M'):
        results[direction] = monitor.top_products(direction=direction, year=year, n=20)
    results['rca'] = monitor.rca(year, source='baci', classification='HS2017')
    return shaped(results)


def precompute_exports(con, paths, directory: Path) -> Path:
    """The exporter × product × year totals (the input of RCA) as one Parquet file, sorted so that
    a reporter's rows are found from the row-group statistics."""
    import ibis

    from trade.analytics import engine
    from trade.analytics.expressions import exports_by_exporter_product

    flows = engine.flows_from_paths(con, paths)
    sql = ibis.to_sql(exports_by_exporter_product(flows))
    path = directory / 'aggregate_exports_by_exporter_product.parquet'
    con.raw_sql(f"COPY ({sql} ORDER BY year, reporter, product) TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
    return path


#
# The same computation in pandas
#

COLUMNS = ['source', 'reporter', 'partner', 'flow', 'year', 'product', 'value_usd']


def read_pandas(paths):
    import pandas as pd

    return pd.concat([pd.read_parquet(path, columns=COLUMNS) for path in paths], ignore_index=True)


def compute_pandas(frame, year: int) -> dict:
    import pandas as pd

    frame = frame[(frame.source == 'baci') & (frame.flow == 'X')]
    exports = frame[(frame.reporter == REPORTER) & (frame.partner == PARTNER)]
    imports = frame[(frame.reporter == PARTNER) & (frame.partner == REPORTER)]
    totals = pd.DataFrame({
        'exports': exports.groupby('year').value_usd.sum(), 'imports': imports.groupby('year').value_usd.sum(),
    })  # fmt: skip
    totals['turnover'] = totals.exports + totals.imports
    totals['balance'] = totals.exports - totals.imports
    totals['coverage'] = totals.exports / totals.imports
    top = {}
    for direction, rows in (('X', exports), ('M', imports)):
        rows = rows[rows.year.isin([year, year - 1])]
        table = rows.pivot_table(index='product', columns='year', values='value_usd', aggfunc='sum', fill_value=0)
        table = table.reindex(columns=[year, year - 1], fill_value=0)
        table.columns = ['value_usd', 'base_value_usd']
        table['share'] = table.value_usd / table.value_usd.sum()
        table['contribution'] = (table.value_usd - table.base_value_usd) / table.base_value_usd.sum()
        top[direction] = table.reset_index().sort_values(['value_usd', 'product'], ascending=[False, True]).head(20)
    latest = frame[frame.year == year]
    world_k = latest.groupby('product').value_usd.sum()
    own = latest[latest.reporter == REPORTER].groupby('product').value_usd.sum()
    rca = (own / own.sum()) / (world_k.reindex(own.index) / world_k.sum())
    return {'totals': totals, 'top': top, 'rca': rca}


def pandas_compute_only(paths, year: int, runs: int) -> list[float]:
    frame = read_pandas(paths)
    return timed(lambda: compute_pandas(frame, year), runs)[0]


def monitor_pandas(paths, year: int) -> dict:
    return compute_pandas(read_pandas(paths), year)


#
# Measuring
#


def timed(function, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def report(label: str, first: float, times: list[float], threads) -> None:
    print(f'{label} ({threads} threads): first {first:.3f} s; warm p50 {percentile(times, 0.5):.3f} s, '
          f'p95 {percentile(times, 0.95):.3f} s over {len(times)} runs', flush=True)  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def check_same(ours: dict, theirs: dict) -> None:
    """Both implementations must give the same answers (else the timing compares nothing)."""
    import math

    totals = ours['totals'].set_index('year')
    for year, row in theirs['totals'].iterrows():
        assert math.isclose(totals.at[year, 'turnover'], row.turnover, rel_tol=1e-9), year
    for direction in ('X', 'M'):
        assert ours['top'][direction]['product'].tolist() == theirs['top'][direction]['product'].tolist()
        assert (
            ours['top'][direction].contribution.round(9).tolist()
            == theirs['top'][direction].contribution.round(9).tolist()
        )
    rca = ours['rca'].set_index('product').rca
    assert len(rca) == len(theirs['rca'])
    assert all(math.isclose(rca[product], value, rel_tol=1e-9) for product, value in theirs['rca'].items())


def setup_django() -> Path:
    """Settings for the application's code (D), with a data directory of the run's own, so that
    the exporter totals are built afresh in every run."""
    import os

    data_directory = Path(tempfile.mkdtemp(prefix='hamkor-trade-bench-data-'))
    os.environ['HAMKOR_DATA_DIR'] = str(data_directory)
    os.environ.setdefault('SECRET_KEY', 'bench-only-' + 'x' * 50)
    os.environ['DJANGO_SETTINGS_MODULE'] = 'hamkor.settings'
    import django

    django.setup()
    return data_directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rows', type=int, default=50_000_000)
    parser.add_argument('--years', type=int, default=YEARS_DEFAULT)
    parser.add_argument('--store', type=Path, help='directory of the Parquet files (reused when it holds them)')
    parser.add_argument('--keep', action='store_true', help='keep a generated temporary store')
    parser.add_argument('--runs', type=int, default=7, help='timed runs of our code (pandas: --pandas-runs)')
    parser.add_argument('--pandas-runs', type=int, default=3)
    args = parser.parse_args()

    directory = args.store or Path(tempfile.mkdtemp(prefix='hamkor-trade-bench-'))
    data_directory = setup_django()
    paths = sorted(directory.glob('baci_*.parquet')) if directory.is_dir() else []
    try:
        if paths:
            print(f'reusing {len(paths)} Parquet files in {directory}')
        else:
            print(f'generating {args.rows:,} rows ({args.years} years) in {directory}')
            started = time.perf_counter()
            paths = generate(directory, args.rows, args.years)
            print(f'  generated in {time.perf_counter() - started:.1f} s')
        import duckdb
        import pyarrow.parquet as pq

        rows = sum(pq.ParquetFile(path).metadata.num_rows for path in paths)
        size = sum(path.stat().st_size for path in paths) / 1e6
        year = max(int(pq.read_table(path, columns=['year']).column('year')[0].as_py()) for path in paths[-1:])
        print(f'store: {rows:,} rows in {len(paths)} files, {size:,.0f} MB; latest year {year}')

        import ibis

        from trade.analytics import engine

        con = engine.connect()
        threads = con.raw_sql("SELECT current_setting('threads')").fetchone()[0]
        paths_text = [str(path) for path in paths]
        first = timed(lambda: monitor_ibis(con, paths_text, year), 1)[0][0]
        plain_times, plain = timed(lambda: monitor_ibis(con, paths_text, year), args.runs)
        report('A  ibis/duckdb, nothing precomputed', first, plain_times, threads)

        started = time.perf_counter()
        aggregate = precompute_exports(con, paths_text, directory)
        aggregate_seconds = time.perf_counter() - started
        aggregate_rows = pq.ParquetFile(aggregate).metadata.num_rows
        print(f'   precomputed exporter × product × year totals: {aggregate_rows:,} rows in {aggregate_seconds:.2f} s '
              f'(once per import; {aggregate.stat().st_size / 1e6:.0f} MB)')  # fmt: skip
        exports = con.read_parquet(str(aggregate))
        first = timed(lambda: monitor_ibis(con, paths_text, year, exports), 1)[0][0]
        cached_times, cached = timed(lambda: monitor_ibis(con, paths_text, year, exports), args.runs)
        report('B  ibis/duckdb, RCA from the precomputed totals', first, cached_times, threads)

        compiled = {name: str(ibis.to_sql(expression))
                    for name, expression in monitor_expressions(con, paths_text, year, exports).items()}  # fmt: skip
        compiled_times, ours = timed(lambda: monitor_compiled(con, compiled), args.runs)
        report('C  as B, SQL compiled once and kept', compiled_times[0], compiled_times, threads)
        print(f'   UZB–CHN {year}: turnover ${ours["totals"].set_index("year").at[year, "turnover"]:,.0f}; '
              f'{len(ours["rca"]):,} products with RCA; top import {ours["top"]["M"]["product"].iloc[0]}')  # fmt: skip

        first = timed(lambda: monitor_application(paths_text, year), 1)[0][0]
        application_times, application = timed(lambda: monitor_application(paths_text, year), args.runs)
        report("D  the application's Monitor (kept SQL, per-slice exporter totals)", first, application_times, threads)

        timed(lambda: monitor_pandas(paths_text, year), 1)  # warm-up (page cache, imports)
        pandas_times, theirs = timed(lambda: monitor_pandas(paths_text, year), args.pandas_runs)
        compute_times = pandas_compute_only(paths_text, year, args.pandas_runs)
        for result in (plain, cached, ours, application):
            check_same(result, theirs)
        print(f'P  pandas read_parquet + groupby: p50 {percentile(pandas_times, 0.5):.3f} s, '
              f'p95 {percentile(pandas_times, 0.95):.3f} s over {args.pandas_runs} runs '
              f'(computing on the frame already in memory: p50 {percentile(compute_times, 0.5):.3f} s)')  # fmt: skip
        print('   results identical in A, B, C, D and pandas')
        print()
        print(f'{"measure":<52}{"value":>10}{"target":>10}  result')
        for label, times in (('A', plain_times), ('B', cached_times), ('C', compiled_times), ('D', application_times)):
            p50 = percentile(times, 0.5)
            ratio = percentile(pandas_times, 0.5) / p50
            print(f'{label + "  warm p50":<52}{p50:>8.3f} s{"< 1 s":>10}  {"PASS" if p50 < TARGET_SECONDS else "FAIL"}')
            print(f'{label + "  speed-up over pandas (p50 / p50)":<52}{ratio:>9.1f}×{"≥ 10×":>10}  '
                  f'{"PASS" if ratio >= TARGET_RATIO else "FAIL"}')  # fmt: skip
        print(f'duckdb {duckdb.__version__}, ibis {ibis.__version__}')
    finally:
        shutil.rmtree(data_directory, ignore_errors=True)
        if not args.store and not args.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == '__main__':
    main()
