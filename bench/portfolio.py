"""Benchmark: the portfolio at scale (summary API, project list page, CSV export).

Usage:
    .venv/bin/python bench/portfolio.py                      # SQLite file in a temporary directory
    .venv/bin/python bench/portfolio.py --projects 2000 --transactions 20000
    .venv/bin/python bench/portfolio.py --postgres postgres://postgres@127.0.0.1:5432/hamkor_bench_portfolio

The PostgreSQL database named in the URL is dropped and created again. The run has two phases,
each in a process of its own so that the memory figures of the measurements are not those of
the generation:

1. generate: migrate, collect static files, load the reference data, then write generated
   (illustrative) projects, sector shares and transactions set-based with bulk_create, with the
   USD value of every amount filled from the monthly rates table, and finally compute the
   derived project columns with portfolio.aggregation.refresh_projects;
2. measure: with Django's test client in-process, the summary API (anonymous and secretariat),
   the project list page (page 1 and page 50 sorted by value) and the CSV export (10 % and
   100 % of the projects; time, rows per second, tracemalloc peak and process RSS).

Targets (from the issue): summary p95 < 100 ms, list page p95 < 200 ms, CSV export > 20,000
rows/s with flat memory. Prints the figures of every phase and a final table with PASS/FAIL.
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'src'))

SEED = 20250917
SUMMARY_TARGET_MS = 100
LIST_TARGET_MS = 200
EXPORT_TARGET_ROWS = 20_000
# "Flat memory": the peak while exporting everything is at most this much above the peak for 10 %.
FLAT_FACTOR, FLAT_SLACK_MB = 1.5, 5.0
WARMUP = 3


#
# Driver: creates the scratch database and runs each phase in a child process
#


def recreate_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit('/', 1)
    with psycopg.connect(f'{base}/postgres', autocommit=True) as connection:
        connection.execute(sql.SQL('DROP DATABASE IF EXISTS {}').format(sql.Identifier(name)))
        connection.execute(sql.SQL('CREATE DATABASE {}').format(sql.Identifier(name)))


def run_phase(phase: str, args, scratch: str, database_url: str) -> dict:
    command = [
        sys.executable,
        __file__,
        '--phase',
        phase,
        '--scratch',
        scratch,
        '--database-url',
        database_url,
        '--projects',
        str(args.projects),
        '--transactions',
        str(args.transactions),
    ]
    subprocess.run(command, check=True)
    return json.loads(Path(scratch, f'results-{phase}.json').read_text())


def driver(args) -> None:
    scratch = tempfile.mkdtemp(prefix='hamkor-bench-portfolio-')
    database_url = args.postgres or f'sqlite:///{scratch}/bench.sqlite3'
    if args.postgres:
        recreate_postgres_database(args.postgres)
    print(f'scratch directory: {scratch}', flush=True)
    try:
        generated = run_phase('generate', args, scratch, database_url)
        measured = run_phase('measure', args, scratch, database_url)
        print_final_table(generated, measured)
    finally:
        if args.keep:
            print(f'kept {scratch}')
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def verdict(ok: bool) -> str:
    return 'PASS' if ok else 'FAIL'


def print_final_table(generated: dict, measured: dict) -> None:
    summary, listing, export = measured['summary'], measured['list'], measured['export']
    summary_p95 = [summary[who]['p95'] for who in ('anonymous', 'secretariat')]
    list_p95 = {
        who: [listing[who][page]['p95'] for page in ('page 1', 'page 50 by value')]
        for who in ('anonymous', 'secretariat')
    }
    rows_per_second = export['100%']['rows_per_s']
    peak_10, peak_100 = export['10%']['tracemalloc_peak_mb'], export['100%']['tracemalloc_peak_mb']
    flat = peak_100 <= FLAT_FACTOR * peak_10 + FLAT_SLACK_MB
    chunk = export.get('chunk', 0)
    if export['10%']['rows'] < chunk:  # a subset within one chunk says nothing about flatness
        flat = None
    lines = [
        ('database', generated['database'], '', None),
        ('projects / transactions', f'{generated["projects"]:,} / {generated["transactions"]:,}', '', None),
        ('generation (without refresh)', f'{generated["generation_s"]:.1f} s', '', None),
        ('refresh_projects (all ids)', f'{generated["refresh_s"]:.1f} s', '', None),
        (
            'summary API p95 anon / secretariat',
            f'{summary_p95[0]:.1f} / {summary_p95[1]:.1f} ms',
            f'< {SUMMARY_TARGET_MS} ms',
            all(value < SUMMARY_TARGET_MS for value in summary_p95),
        ),
        (
            'summary API p95, cache emptied each time',
            '{} / {} ms'.format(
                *(f'{measured["summary_cold"][who]["p95"]:.1f}' for who in ('anonymous', 'secretariat'))
            )
            if 'summary_cold' in measured
            else '',
            '(first read after a write)',
            None,
        ),
        (
            'list p95 page 1 / page 50, anonymous',
            f'{list_p95["anonymous"][0]:.1f} / {list_p95["anonymous"][1]:.1f} ms',
            f'< {LIST_TARGET_MS} ms',
            all(value < LIST_TARGET_MS for value in list_p95['anonymous']),
        ),
        (
            'list p95 page 1 / page 50, secretariat',
            f'{list_p95["secretariat"][0]:.1f} / {list_p95["secretariat"][1]:.1f} ms',
            f'< {LIST_TARGET_MS} ms',
            all(value < LIST_TARGET_MS for value in list_p95['secretariat']),
        ),
        (
            'CSV export, all projects',
            f'{rows_per_second:,.0f} rows/s',
            f'> {EXPORT_TARGET_ROWS:,} rows/s',
            rows_per_second > EXPORT_TARGET_ROWS,
        ),
        (
            'export peak memory 10% / 100%',
            f'{peak_10:.1f} / {peak_100:.1f} MB',
            f'100% <= {FLAT_FACTOR} x 10% + {FLAT_SLACK_MB:g} MB'
            if flat is not None
            else f'n/a: 10% is under one chunk ({chunk} rows)',
            flat,
        ),
        (
            'export RSS growth 10% / 100%',
            f'{export["10%"]["maxrss_growth_mb"]:.1f} / {export["100%"]["maxrss_growth_mb"]:.1f} MB',
            '(ru_maxrss, informative)',
            None,
        ),
        (
            'load average after the measurements',
            ' '.join(f'{value:.2f}' for value in measured.get('load_average', ())),
            '(1, 5, 15 min; CPU contention)',
            None,
        ),
    ]
    print('\n' + '=' * 100)
    print('Final figures')
    print('=' * 100)
    for label, value, target, ok in lines:
        print(f'{label:40} {value:>26}   {target:30} {"" if ok is None else verdict(ok)}')
    print('=' * 100, flush=True)


#
# Child processes
#


def setup_django(scratch: str, database_url: str) -> None:
    os.environ['DJANGO_SETTINGS_MODULE'] = 'hamkor.settings'
    os.environ['HAMKOR_DATA_DIR'] = scratch
    os.environ['DATABASE_URL'] = database_url
    os.environ['DEBUG'] = '0'
    os.environ['ALLOWED_HOSTS'] = 'testserver,127.0.0.1'
    import django

    django.setup()


class Phases:
    """Prints and records how long each named step takes."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def run(self, name: str, function, *args, **kwargs):
        print(f'  {name} …', end='', flush=True)
        start = time.perf_counter()
        result = function(*args, **kwargs)
        seconds = time.perf_counter() - start
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        print(f' {seconds:8.2f} s', flush=True)
        return result


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def stats(values: list[float]) -> dict:
    return {
        'n': len(values),
        'p50': percentile(values, 0.50),
        'p95': percentile(values, 0.95),
        'max': max(values),
        'mean': sum(values) / len(values),
    }


def write_results(scratch: str, phase: str, results: dict) -> None:
    Path(scratch, f'results-{phase}.json').write_text(json.dumps(results, indent=2, default=str))


#
# Phase 1: generation
#


def load_reference_data() -> int:
    from core.reference import all_datasets, load_dataset

    return sum(load_dataset(spec).rows for spec in all_datasets())


def create_financiers(rng) -> list[int]:
    from core.models import Country
    from portfolio.models import Organization, OrganizationKind

    countries = dict(Country.objects.filter(iso3__in=['CHN', 'UZB']).values_list('iso3', 'pk'))
    banks = [
        Organization(
            name_en=f'Generated bank {side} {number:02d}',
            kind=OrganizationKind.BANK,
            country_id=countries['CHN' if side == 'CN' else 'UZB'],
            is_illustrative=True,
        )
        for side, count in (('CN', 20), ('UZ', 10))
        for number in range(1, count + 1)
    ]
    return [bank.pk for bank in Organization.objects.bulk_create(banks)]


class Rates:
    """The monthly (and, where no month is loaded, annual) per-USD rates, read once, converting
    exactly as core.fx.convert does and explaining the rate as portfolio.services does."""

    def __init__(self):
        from core.fx import Conversion, RateUsed
        from core.models import ExchangeRate

        self.monthly: dict[tuple[str, int, int], tuple] = {}
        self.annual: dict[tuple[str, int], tuple] = {}
        for rate in ExchangeRate.objects.filter(currency_id__in=['CNY', 'UZS']).select_related('dataset'):
            used = RateUsed.from_rate(rate)
            explanation = Conversion(None, rate.currency_id, 'USD', None, None, (used,)).explanation[:300]
            entry = (rate.per_usd, used.per_usd, explanation)
            if rate.frequency == ExchangeRate.Frequency.MONTHLY:
                self.monthly[rate.currency_id, rate.period_start.year, rate.period_start.month] = entry
            else:
                for year in range(rate.period_start.year, rate.period_end.year + 1):
                    self.annual[rate.currency_id, year] = entry
        self.coverage: dict[str, str] = {}
        self.unconverted = 0

    def convert(self, amount, currency: str, on):
        """(value_usd, fx_rate, fx_note) of an amount."""
        from decimal import Decimal

        from core.fx import RateUnavailable, describe_coverage, to_cents

        if currency == 'USD':
            return to_cents(amount), Decimal('1'), 'same currency'
        entry = self.monthly.get((currency, on.year, on.month)) or self.annual.get((currency, on.year))
        if entry is None:
            self.unconverted += 1
            if currency not in self.coverage:
                self.coverage[currency] = describe_coverage(currency)
            return None, None, str(RateUnavailable(currency, on, self.coverage[currency]))[:300]
        per_usd, normalized, explanation = entry
        return to_cents(amount / per_usd), normalized, explanation


def weighted(rng, table: dict, count: int) -> list:
    return rng.choices(list(table), weights=list(table.values()), k=count)


def plan_projects(rng, projects: int, transactions: int) -> dict:
    """The shape of the portfolio, decided up front in plain lists (index = project id - 1)."""
    from portfolio.choices import ProjectStatus, Region, Visibility

    statuses = weighted(
        rng,
        {
            ProjectStatus.PROPOSAL: 12,
            ProjectStatus.NEGOTIATION: 13,
            ProjectStatus.AGREEMENT_SIGNED: 12,
            ProjectStatus.FINANCING_CLOSED: 10,
            ProjectStatus.IMPLEMENTATION: 26,
            ProjectStatus.COMPLETED: 13,
            ProjectStatus.SUSPENDED: 6,
            ProjectStatus.CANCELLED: 8,
        },
        projects,
    )
    visibilities = weighted(
        rng,
        {
            Visibility.PUBLIC: 75,
            Visibility.PARTNERS: 10,
            Visibility.UZBEKISTAN: 5,
            Visibility.CHINA: 5,
            Visibility.RESTRICTED: 5,
        },
        projects,
    )
    # Tashkent city holds 10 % of the projects (the subset exported to show flat memory).
    others = [region for region in Region.values if region != Region.TASHKENT_CITY]
    regions = weighted(rng, {Region.TASHKENT_CITY: 10, **{region: 90 / len(others) for region in others}}, projects)

    ids = list(range(1, projects + 1))
    umbrellas = set(rng.sample(ids, max(1, projects // 20)))
    pool = [pid for pid in ids if pid not in umbrellas]
    rng.shuffle(pool)
    parents: dict[int, int] = {}
    for umbrella in sorted(umbrellas):
        for _ in range(rng.randint(1, 4)):
            if pool:
                parents[pool.pop()] = umbrella

    # About 3 % of projects have no amount recorded; the others have at least one.
    with_amounts = [pid for pid in ids if rng.random() >= 0.03]
    counts = [0] * projects
    for pid in with_amounts[:transactions]:
        counts[pid - 1] = 1
    remaining = transactions - min(transactions, len(with_amounts))
    if remaining:
        weights = [rng.expovariate(1.0) for _ in with_amounts]
        for pid in rng.choices(with_amounts, weights=weights, k=remaining):
            counts[pid - 1] += 1
    return {
        'statuses': statuses,
        'visibilities': visibilities,
        'regions': regions,
        'umbrellas': umbrellas,
        'parents': parents,
        'counts': counts,
    }


SECTOR_SPLITS = {
    1: [('100',)],
    2: [('50', '50'), ('60', '40'), ('70', '30'), ('75', '25'), ('80', '20')],
    3: [('50', '30', '20'), ('40', '30', '30'), ('60', '25', '15'), ('33.34', '33.33', '33.33')],
}
# Rough units per USD, only to make generated amounts in CNY and UZS look like amounts.
APPROXIMATE_PER_USD = {'USD': 1.0, 'CNY': 7.0, 'UZS': 11_000.0}
FINANCE_TYPES = {'421': 60, '110': 15, '432': 15, '': 10}


def generate(args) -> dict:
    import datetime
    import random
    from decimal import Decimal

    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from portfolio.aggregation import refresh_projects
    from portfolio.choices import ProjectStatus, Region, TransactionType
    from portfolio.models import CooperationSector, Project, ProjectSector, Transaction

    rng = random.Random(SEED)
    phases = Phases()
    print(f'\n[generate] database: {connection.vendor}, {args.projects:,} projects, {args.transactions:,} transactions')
    phases.run('migrate', call_command, 'migrate', verbosity=0)
    phases.run('collectstatic', call_command, 'collectstatic', interactive=False, verbosity=0)
    rows = phases.run('load reference data', load_reference_data)
    print(f'    {rows:,} reference rows')
    financiers = phases.run('create 30 financiers', create_financiers, rng)
    rates = phases.run('read exchange rates', Rates)
    print(f'    {len(rates.monthly)} monthly and {len(rates.annual)} annual (currency, period) rates')
    plan = phases.run('plan the portfolio', plan_projects, rng, args.projects, args.transactions)
    sectors = list(CooperationSector.objects.values_list('pk', 'name_en'))
    region_names = dict(Region.choices)

    stage_of = {
        ProjectStatus.PROPOSAL: 'pipeline',
        ProjectStatus.NEGOTIATION: 'pipeline',
    }
    started = {ProjectStatus.IMPLEMENTATION, ProjectStatus.COMPLETED, ProjectStatus.SUSPENDED}
    first_day = datetime.date(2016, 1, 1).toordinal()
    last_day = datetime.date(2025, 12, 31).toordinal()
    commitment, pledge, disbursement = (
        TransactionType.INCOMING_COMMITMENT,
        TransactionType.INCOMING_PLEDGE,
        TransactionType.DISBURSEMENT,
    )
    counters = {'projects': 0, 'sectors': 0, 'transactions': 0, 'superseded': 0}
    next_tx_id = 1

    def build_chunk(first: int, last: int):
        nonlocal next_tx_id
        projects, shares, transactions = [], [], []
        for pid in range(first, last + 1):
            index = pid - 1
            status = plan['statuses'][index]
            region = plan['regions'][index]
            chosen = rng.sample(sectors, rng.choice((1, 1, 2, 2, 3)))
            split = rng.choice(SECTOR_SPLITS[len(chosen)])
            start_day = rng.randint(first_day, last_day - 200)
            planned_start = datetime.date.fromordinal(start_day)
            planned_end = datetime.date.fromordinal(start_day + rng.randint(365, 6 * 365))
            actual_start = actual_end = None
            if status in started:
                actual_start = datetime.date.fromordinal(start_day + rng.randint(0, 120))
                if status == ProjectStatus.COMPLETED:
                    actual_end = datetime.date.fromordinal(actual_start.toordinal() + rng.randint(180, 5 * 365))
            located = rng.random() < 0.6
            title = f'{chosen[0][1]} project {pid} in {region_names[region]}'
            projects.append(
                Project(
                    id=pid,
                    identifier=f'GEN-{pid:07d}',
                    title_en=title,
                    title_ru=f'Проект {pid}: {chosen[0][1]}',
                    title_zh=f'项目 {pid}',
                    title_uz=f'Loyiha {pid}',
                    description_en=(
                        f'Generated project {pid} for the portfolio benchmark: {title.lower()}, '
                        f'with {plan["counts"][index]} recorded amounts. Not from a cited source.'
                    ),
                    status=status,
                    visibility=plan['visibilities'][index],
                    region=region,
                    latitude=Decimal(f'{rng.uniform(37.2, 45.5):.5f}') if located else None,
                    longitude=Decimal(f'{rng.uniform(56.0, 73.1):.5f}') if located else None,
                    planned_start=planned_start,
                    planned_end=planned_end,
                    actual_start=actual_start,
                    actual_end=actual_end,
                    parent_id=plan['parents'].get(pid),
                    is_umbrella=pid in plan['umbrellas'],
                    is_illustrative=True,
                    stage='',
                )
            )
            shares.extend(
                ProjectSector(project_id=pid, sector_id=sector[0], percentage=Decimal(percentage))
                for sector, percentage in zip(chosen, split, strict=True)
            )

            count = plan['counts'][index]
            if not count:
                continue
            size = min(max(rng.lognormvariate(16.8, 1.3), 50_000.0), 5e9)  # USD, median ≈ 20 million
            currency = rng.choices(('USD', 'CNY', 'UZS'), weights=(50, 35, 15))[0]
            provider = rng.choice(financiers) if rng.random() < 0.8 else None
            finance_type = weighted(rng, FINANCE_TYPES, 1)[0]
            if stage_of.get(status) == 'pipeline':
                types = [pledge] * count
            else:
                commitments = min(count, 1 + count // 6)
                types = [commitment] * commitments + [disbursement] * (count - commitments)
                if count >= 3 and rng.random() < 0.3:
                    types[0] = pledge
            days = sorted(rng.randint(start_day, last_day) for _ in range(count))
            # A revision: the first amount of the main type is superseded by the second one.
            revised = None
            basis = commitment if commitment in types else pledge
            candidates = [position for position, kind in enumerate(types) if kind == basis]
            if len(candidates) >= 2 and rng.random() < 0.3:
                revised = (candidates[0], candidates[1])
            ids = list(range(next_tx_id, next_tx_id + count))
            next_tx_id += count
            for position, (tx_id, kind, day) in enumerate(zip(ids, types, days, strict=True)):
                if kind == disbursement:
                    usd = size * rng.uniform(0.02, 0.25)
                elif kind == pledge:
                    usd = size * rng.uniform(0.5, 1.2)
                else:
                    usd = size * rng.uniform(0.4, 1.0)
                tx_currency = currency if rng.random() < 0.9 else rng.choice(('USD', 'CNY', 'UZS'))
                value = Decimal(f'{max(usd * APPROXIMATE_PER_USD[tx_currency], 1.0):.2f}')
                value_date = datetime.date.fromordinal(day)
                value_usd, fx_rate, fx_note = rates.convert(value, tx_currency, value_date)
                superseded_by = ids[revised[1]] if revised and position == revised[0] else None
                counters['superseded'] += superseded_by is not None
                transactions.append(
                    Transaction(
                        id=tx_id,
                        project_id=pid,
                        type=kind,
                        value=value,
                        currency_id=tx_currency,
                        value_date=value_date,
                        finance_type=finance_type,
                        provider_id=provider,
                        superseded_by_id=superseded_by,
                        value_usd=value_usd,
                        fx_rate=fx_rate,
                        fx_note=fx_note,
                    )
                )
        return projects, shares, transactions

    chunk = 2000
    generation_start = time.perf_counter()
    timings = {'build objects': 0.0, 'insert projects': 0.0, 'insert sectors': 0.0, 'insert transactions': 0.0}
    print(f'  writing in chunks of {chunk} projects, one transaction …', flush=True)
    with transaction.atomic():
        for first in range(1, args.projects + 1, chunk):
            last = min(first + chunk - 1, args.projects)
            start = time.perf_counter()
            projects, shares, transactions = build_chunk(first, last)
            timings['build objects'] += time.perf_counter() - start
            for label, model, objects in (
                ('insert projects', Project, projects),
                ('insert sectors', ProjectSector, shares),
                ('insert transactions', Transaction, transactions),
            ):
                start = time.perf_counter()
                model.objects.bulk_create(objects)
                timings[label] += time.perf_counter() - start
            counters['projects'] += len(projects)
            counters['sectors'] += len(shares)
            counters['transactions'] += len(transactions)
            if last % 20000 == 0 or last == args.projects:
                print(
                    f'    {last:>8,} projects, {counters["transactions"]:>9,} transactions '
                    f'({time.perf_counter() - generation_start:6.1f} s)',
                    flush=True,
                )
        start = time.perf_counter()
        # Explicit ids were written: move the sequences past them (PostgreSQL; a no-op on SQLite).
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Project, Transaction]):
                cursor.execute(statement)
        timings['reset sequences + commit'] = -start
    timings['reset sequences + commit'] += time.perf_counter()
    generation_seconds = time.perf_counter() - generation_start
    for label, seconds in timings.items():
        print(f'    {label:28} {seconds:8.2f} s')
        phases.seconds[label] = seconds
    print(
        f'  generated {counters["projects"]:,} projects, {counters["sectors"]:,} sector shares, '
        f'{counters["transactions"]:,} transactions ({counters["superseded"]:,} superseded, '
        f'{rates.unconverted:,} without a rate) in {generation_seconds:.1f} s '
        f'({counters["transactions"] / generation_seconds:,.0f} transactions/s)'
    )

    ids = list(range(1, args.projects + 1))
    refresh_note = 'refresh_projects(all ids)'
    start = time.perf_counter()
    try:
        phases.run(f'refresh_projects({len(ids):,} ids)', refresh_projects, ids)
    except Exception as error:  # noqa: BLE001 (reported, then retried in slices)
        print(f'\n    refresh_projects(all ids) failed: {type(error).__name__}: {str(error)[:300]}')
        slice_size = 20000
        refresh_note = f'refresh_projects in slices of {slice_size} ids (all ids at once failed)'
        start = time.perf_counter()
        for offset in range(0, len(ids), slice_size):
            phases.run(
                f'refresh_projects(ids[{offset}:{offset + slice_size}])',
                refresh_projects,
                ids[offset : offset + slice_size],
            )
    refresh_seconds = time.perf_counter() - start
    print(f'    {refresh_note}: {refresh_seconds:.1f} s ({len(ids) / refresh_seconds:,.0f} projects/s)')

    if connection.vendor == 'postgresql':

        def vacuum_analyze():
            with connection.cursor() as cursor:
                cursor.execute('VACUUM ANALYZE')

        phases.run('VACUUM ANALYZE (what autovacuum does after a bulk load)', vacuum_analyze)
    elif connection.vendor == 'sqlite':

        def checkpoint():
            with connection.cursor() as cursor:
                cursor.execute('PRAGMA wal_checkpoint(TRUNCATE)')

        phases.run('WAL checkpoint (no ANALYZE: the application never runs it)', checkpoint)
        size = Path(connection.settings_dict['NAME']).stat().st_size
        print(f'    database file {size / 2**20:,.0f} MB')

    from django.db.models import Count

    basis = dict(Project.objects.values_list('value_basis').annotate(n=Count('id')).order_by())
    counted = Project.objects.filter(in_aggregates=True).count()
    print(f'  projects counted in aggregates: {counted:,}; value basis: {basis}')
    return {
        'database': connection.vendor,
        'projects': counters['projects'],
        'transactions': counters['transactions'],
        'sectors': counters['sectors'],
        'superseded': counters['superseded'],
        'unconverted': rates.unconverted,
        'generation_s': generation_seconds,
        'refresh_s': refresh_seconds,
        'refresh_note': refresh_note,
        'phases_s': phases.seconds,
    }


#
# Phase 2: measurements
#


def maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def current_rss_mb() -> float:
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    return float('nan')


def request(client, url: str):
    """One request as a server makes it: connections past their CONN_MAX_AGE are closed before
    and after (the test client leaves them open; on SQLite CONN_MAX_AGE is 0, so every request
    opens its own connection, as under gunicorn)."""
    from django.db import close_old_connections

    close_old_connections()
    start = time.perf_counter()
    response = client.get(url)
    size = sum(len(part) for part in response.streaming_content) if response.streaming else len(response.content)
    elapsed = (time.perf_counter() - start) * 1000
    close_old_connections()
    if response.status_code != 200:
        raise RuntimeError(f'GET {url} answered {response.status_code}')
    return elapsed, size


def time_requests(client, url: str, repeat: int) -> dict:
    for _ in range(WARMUP):
        request(client, url)
    times, size = [], 0
    for _ in range(repeat):
        elapsed, size = request(client, url)
        times.append(elapsed)
    result = stats(times)
    result['bytes'] = size
    return result


def time_cold_requests(client, url: str, repeat: int) -> dict:
    """Each request after the cache is emptied: the first read after a write or a restart."""
    from django.core.cache import cache

    times, size = [], 0
    for _ in range(repeat):
        cache.clear()
        elapsed, size = request(client, url)
        times.append(elapsed)
    result = stats(times)
    result['bytes'] = size
    return result


def print_stats(label: str, result: dict) -> None:
    print(
        f'  {label:44} n={result["n"]:<3} p50 {result["p50"]:7.1f} ms   p95 {result["p95"]:7.1f} ms   '
        f'max {result["max"]:7.1f} ms   ({result["bytes"]:,} bytes)',
        flush=True,
    )


def explain(sql: str) -> list[str]:
    from django.db import connection

    prefix = 'EXPLAIN QUERY PLAN ' if connection.vendor == 'sqlite' else 'EXPLAIN (ANALYZE, BUFFERS) '
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except Exception as error:  # noqa: BLE001 (the plan is informative only)
        return [f'(no plan: {type(error).__name__}: {error})']
    if connection.vendor == 'sqlite':
        return [f'{row[0]}|{row[1]}| {row[3]}' for row in rows]
    return [row[0] for row in rows]


def capture(client, url: str, label: str, plan: bool = False) -> dict:
    """The queries of one request: count, time, the slowest ones and (optionally) the plan of the slowest."""
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext

    close_old_connections()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            for _ in response.streaming_content:
                pass
    close_old_connections()
    captured = [(float(query['time']) * 1000, query['sql']) for query in queries.captured_queries]
    total = sum(ms for ms, _ in captured)
    print(f'  {label}: {len(captured)} queries, {total:.1f} ms in SQL')
    for ms, sql in sorted(captured, reverse=True)[:4]:
        print(f'      {ms:7.1f} ms  {" ".join(sql.split())[:150]}')
    if plan and captured:
        slowest = max(captured)[1]
        print('      plan of the slowest:')
        for line in explain(slowest)[:14]:
            print(f'        {line}')
    return {'queries': len(captured), 'sql_ms': total}


def export(client, url: str, trace: bool) -> dict:
    import gc
    import tracemalloc

    from django.db import close_old_connections

    gc.collect()
    close_old_connections()
    rss_before, maxrss_before = current_rss_mb(), maxrss_mb()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    response = client.get(url)
    rows, size, peak = -1, 0, 0.0  # the header is not a row
    for part in response.streaming_content:
        rows += part.count(b'\n')
        size += len(part)
    seconds = time.perf_counter() - start
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    close_old_connections()
    if response.status_code != 200:
        raise RuntimeError(f'GET {url} answered {response.status_code}')
    return {
        'rows': rows,
        'bytes': size,
        'seconds': seconds,
        'rows_per_s': rows / seconds,
        'tracemalloc_peak_mb': peak,
        'rss_before_mb': rss_before,
        'rss_after_mb': current_rss_mb(),
        'maxrss_before_mb': maxrss_before,
        'maxrss_after_mb': maxrss_mb(),
        'maxrss_growth_mb': maxrss_mb() - maxrss_before,
    }


def measure(args) -> dict:
    import secrets

    from django.db import connection
    from django.test import Client

    from accounts.services import create_user
    from hamkor.permissions import SYSTEM
    from portfolio.models import Project, Transaction

    print(
        f'\n[measure] database: {connection.vendor}; process RSS {current_rss_mb():.0f} MB; '
        f'load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other processes skew the timings)'
    )
    print(f'  {Project.objects.count():,} projects, {Transaction.objects.count():,} transactions in the database')
    from accounts.models import User

    # A second measurement of a kept database (--keep) reuses the user of the first.
    user = User.objects.filter(username='bench-secretariat').first() or create_user(
        username='bench-secretariat', password=secrets.token_urlsafe(24), roles=['secretariat'], actor=SYSTEM
    )
    clients = {'anonymous': Client(), 'secretariat': Client()}
    clients['secretariat'].force_login(user)
    results: dict = {'summary': {}, 'list': {}, 'export': {}, 'queries': {}}

    print(f'\nSummary API /api/portfolio/summary/ ({WARMUP} warm-up requests, then 50)')
    for who, client in clients.items():
        results['summary'][who] = time_requests(client, '/api/portfolio/summary/', 50)
        print_stats(who, results['summary'][who])
    results['summary_cold'] = {}
    for who, client in clients.items():
        results['summary_cold'][who] = time_cold_requests(client, '/api/portfolio/summary/', 10)
        print_stats(f'{who}, cache emptied before each', results['summary_cold'][who])

    pages = {'page 1': '/portfolio/projects/', 'page 50 by value': '/portfolio/projects/?sort=-value&page=50'}
    print(f'\nProject list page ({WARMUP} warm-up requests, then 30 each)')
    for who, client in clients.items():
        results['list'][who] = {}
        for page, url in pages.items():
            results['list'][who][page] = time_requests(client, url, 30)
            print_stats(f'{who}, {page}', results['list'][who][page])

    print('\nQueries per request (CaptureQueriesContext; the list shows 50 projects a page)')
    from django.core.cache import cache

    for who, client in clients.items():
        cache.clear()
        results['queries'][f'summary {who} cold'] = capture(
            client, '/api/portfolio/summary/', f'summary, {who}, cache emptied', plan=who == 'anonymous'
        )
        results['queries'][f'summary {who}'] = capture(client, '/api/portfolio/summary/', f'summary, {who}, warm')
    for who, client in clients.items():
        for page, url in pages.items():
            results['queries'][f'list {who} {page}'] = capture(
                client, url, f'list, {who}, {page}', plan=page != 'page 1' and who == 'anonymous'
            )

    print('\nCSV export /api/projects/export.csv as secretariat (streamed, consumed chunk by chunk)')
    subset, everything = '/api/projects/export.csv?region=UZ-TK', '/api/projects/export.csv'
    from portfolio import downloads

    results['export']['chunk'] = downloads.CHUNK
    export(clients['secretariat'], subset, trace=False)  # warm-up
    for label, url in (('10%', subset), ('100%', everything)):
        timed = export(clients['secretariat'], url, trace=False)
        traced = export(clients['secretariat'], url, trace=True)
        timed['tracemalloc_peak_mb'] = traced['tracemalloc_peak_mb']
        timed['traced_rows_per_s'] = traced['rows_per_s']
        results['export'][label] = timed
        print(
            f'  {label:>4} ({url}): {timed["rows"]:,} rows, {timed["bytes"] / 2**20:,.1f} MB in '
            f'{timed["seconds"]:.2f} s = {timed["rows_per_s"]:,.0f} rows/s; '
            f'tracemalloc peak {timed["tracemalloc_peak_mb"]:.1f} MB '
            f'(traced run {traced["rows_per_s"]:,.0f} rows/s); '
            f'RSS {timed["rss_before_mb"]:.0f} → {timed["rss_after_mb"]:.0f} MB, '
            f'ru_maxrss {timed["maxrss_before_mb"]:.0f} → {timed["maxrss_after_mb"]:.0f} MB',
            flush=True,
        )
    results['queries']['export 10%'] = capture(clients['secretariat'], subset, 'export 10%, secretariat')
    results['load_average'] = os.getloadavg()
    print(f'\n  load average at the end: {" ".join(f"{value:.2f}" for value in results["load_average"])}')
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--projects', type=int, default=100_000)
    parser.add_argument('--transactions', type=int, default=1_000_000)
    parser.add_argument('--postgres', help='PostgreSQL URL of a scratch database (dropped and re-created)')
    parser.add_argument('--keep', action='store_true', help='keep the scratch directory')
    parser.add_argument('--phase', choices=['generate', 'measure'], help=argparse.SUPPRESS)
    parser.add_argument('--scratch', help=argparse.SUPPRESS)
    parser.add_argument('--database-url', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase is None:
        driver(args)
        return
    setup_django(args.scratch, args.database_url)
    results = generate(args) if args.phase == 'generate' else measure(args)
    write_results(args.scratch, args.phase, results)


if __name__ == '__main__':
    main()
