"""The demo of the trade monitor: the report's figures as targets, and illustrative products.

Targets: the press report's "$20 billion" (a target for turnover, no year stated) and its
"$14 billion in the preceding fiscal year" (an announced figure) are recorded as Target rows that
cite the claims the portfolio demo created from the same report (never copies of them).

Products: product-level UZ–CN data are not available offline, so `generate_illustrative_products`
makes an HS6 data set whose yearly totals equal the official Uzbek totals for China to the cent.
It is stored as source "illustrative-hs6" with illustrative=True, so every page, API answer and
export labels it "illustrative" and the official figures never include it.
"""

from decimal import Decimal

import numpy as np
import pyarrow as pa
from django.db import transaction

from core.models import Country, HSCode
from hamkor.context import change_context
from hamkor.permissions import SYSTEM
from sources.models import Claim
from trade.analytics.monitor import Monitor
from trade.models import Target
from trade.schema import FLOW_SCHEMA, ILLUSTRATIVE_SOURCE, PARTNER, REPORTER
from trade.services import create_target, load_official_tables, record_flows

REPORT_KEY = 'trend-2-september'
# The report ("TASHKENT, September 2") does not state its year. "The preceding fiscal year" is read
# as 2023: the official 2023 turnover with China ($13.83 billion) rounds to the announced $14
# billion, while 2022 ($9.06 billion) does not, and 2023 is the latest year of the official series.
ANNOUNCED_YEAR = 2023
ANNOUNCED_NOTE = (
    'The report does not state its year; "the preceding fiscal year" is read as 2023, the latest year '
    'of the official series, whose turnover with China ($13.83 billion) rounds to the announced $14 billion '
    '(2022: $9.06 billion).'
)
TARGET_NOTE = 'No year is stated in the report; the monitor assesses it for a chosen year.'

SEED = 20240902
YEARS = range(2017, 2024)
LONG_TAIL = 120
# The main lines of each flow, with rough weights (typical of UZ–CN trade, not measured): exports of
# gas, copper, cotton yarn, fruit, zinc, polymers; imports of machinery, vehicles, steel, electronics.
MAIN_PRODUCTS = {
    'X': {
        '271121': 22, '740311': 14, '520512': 9, '520522': 5, '520100': 3, '081310': 3, '080620': 3,
        '790111': 4, '390120': 4, '500200': 2, '310430': 2, '280470': 1, '071333': 2, '081190': 2,
        '410411': 1, '261610': 2, '200290': 1,
    },
    'M': {
        '847130': 6, '851712': 7, '870380': 5, '870323': 4, '870410': 5, '720838': 4, '721049': 3,
        '401120': 3, '850440': 3, '842952': 4, '854140': 4, '844520': 3, '730419': 3, '870899': 3,
        '847989': 3, '940540': 2, '852872': 2, '841510': 2, '843143': 2, '540752': 2, '600622': 2,
        '392690': 2, '732690': 2, '850760': 2,
    },
}  # fmt: skip


#
# Targets
#


@transaction.atomic
def load_demo_targets(*, actor) -> tuple[int, int]:
    """(created, existing) Target rows for the report's claims; the report's claims must exist
    (the portfolio demo creates them)."""
    with change_context(channel='import', request_id='demo-trade'):
        claims = {
            claim.metric: claim
            for claim in Claim.objects.filter(
                source__key=REPORT_KEY, metric__in=[Claim.Metric.TRADE_TURNOVER, Claim.Metric.TRADE_TARGET]
            )
        }
        uzbekistan, china = Country.objects.get(iso3=REPORTER), Country.objects.get(iso3=PARTNER)
        created = existing = 0
        for metric, kind, year, note in (
            (Claim.Metric.TRADE_TARGET, Target.Kind.TARGET, None, TARGET_NOTE),
            (Claim.Metric.TRADE_TURNOVER, Target.Kind.ANNOUNCED, ANNOUNCED_YEAR, ANNOUNCED_NOTE),
        ):
            claim = claims.get(metric)
            if claim is None:
                continue
            if Target.objects.filter(claim=claim).exists():
                existing += 1
                continue
            create_target(
                actor=actor,
                kind=kind,
                metric=Target.Metric.TURNOVER,
                reporter=uzbekistan,
                partner=china,
                value_usd=claim.value_usd,
                year=year,
                claim=claim,
                note=note,
            )
            created += 1
        return created, existing


#
# Illustrative products
#


class OfficialTotalsMissing(Exception):
    pass


def official_totals(flows=None) -> dict[tuple[str, int], int]:
    """{(flow, year): cents} of the official Uzbek totals for China in YEARS."""
    yearly = Monitor(REPORTER, PARTNER, flows=flows).yearly(source='uzstat').set_index('year')
    totals = {}
    for year in YEARS:
        for flow, column in (('X', 'exports'), ('M', 'imports')):
            value = yearly[column].get(year) if year in yearly.index else None
            if value is None or np.isnan(value):
                raise OfficialTotalsMissing(
                    f'The official UZB–CHN {column} for {year} are not in the trade store; '
                    'load them first (hamkor load-demo imports the official tables).'
                )
            totals[flow, year] = int(Decimal(repr(float(value))).scaleb(2).to_integral_value())
    return totals


def illustrative_products_table(totals: dict[tuple[str, int], int]) -> pa.Table:
    """The generated HS6 rows (deterministic for a given HS 2017 nomenclature and totals)."""
    generator = np.random.default_rng(SEED)
    known = set(HSCode.objects.filter(edition='2017', level=6).values_list('code', flat=True))
    if not known:
        raise OfficialTotalsMissing('HS 2017 codes are not loaded; run hamkor load-reference first.')
    pool = sorted(known)
    rows = {name: [] for name in ('reporter', 'partner', 'flow', 'year', 'product', 'value_usd')}
    for flow, main in MAIN_PRODUCTS.items():
        products = [code for code in main if code in known]
        weights = [float(main[code]) for code in products]
        tail_pool = [code for code in pool if code not in main]
        tail = sorted(generator.choice(tail_pool, size=LONG_TAIL, replace=False).tolist())
        products += tail
        # the long tail together carries about a fifth of the flow, spread unevenly
        tail_weights = generator.pareto(1.5, size=LONG_TAIL) + 0.05
        weights += (tail_weights / tail_weights.sum() * sum(weights) * 0.25).tolist()
        weights = np.array(weights)
        for year in YEARS:
            # the mix drifts from year to year (a log-normal step per product)
            weights = weights * np.exp(generator.normal(0, 0.18, size=len(weights)))
            cents = _allocate(totals[flow, year], weights)
            for product, amount in zip(products, cents, strict=True):
                if amount <= 0:
                    continue
                rows['reporter'].append(REPORTER)
                rows['partner'].append(PARTNER)
                rows['flow'].append(flow)
                rows['year'].append(year)
                rows['product'].append(product)
                rows['value_usd'].append(amount / 100)
    count = len(rows['product'])
    table = {
        'source': [ILLUSTRATIVE_SOURCE] * count,
        **{name: rows[name] for name in ('reporter', 'partner', 'flow', 'year')},
        'month': [0] * count,
        'classification': ['HS2017'] * count,
        'product': rows['product'],
        'value_usd': rows['value_usd'],
        'quantity': [None] * count,
        'unit': [None] * count,
        'run_id': [None] * count,
        'illustrative': [True] * count,
    }
    return pa.Table.from_pydict(table, schema=FLOW_SCHEMA)


def _allocate(total_cents: int, weights: np.ndarray) -> list[int]:
    """Whole cents in proportion to the weights that add up exactly to total_cents (largest remainder)."""
    shares = weights / weights.sum() * total_cents
    cents = np.floor(shares).astype(np.int64)
    remainder = int(total_cents - cents.sum())
    order = np.argsort(-(shares - cents), kind='stable')
    cents[order[:remainder]] += 1
    return cents.tolist()


def generate_illustrative_products(*, actor, dry_run: bool = False):
    """Generate and store the illustrative HS6 data set; the same data twice changes nothing."""
    table = illustrative_products_table(official_totals())
    return record_flows(
        table,
        source=ILLUSTRATIVE_SOURCE,
        kind='generated',
        actor=actor,
        illustrative=True,
        notes='Illustrative HS6 products of UZB–CHN trade 2017–2023, generated (seeded) so that each '
        "year's total equals the official Uzbek total for China; not real product statistics.",
        dry_run=dry_run,
    )


def demo_lines() -> list[str]:
    """The `hamkor load-demo` step of trade: the official tables, then the report's targets."""
    lines = [
        f'official trade table {trade.files[0].name}: {trade.count("new")} years new, '
        f'{trade.count("replaced")} replaced, {trade.count("unchanged")} already present'
        for trade in load_official_tables(actor=SYSTEM)
    ]
    created, existing = load_demo_targets(actor=SYSTEM)
    lines.append(f'trade targets from the report: {created} created, {existing} already present')
    return lines
