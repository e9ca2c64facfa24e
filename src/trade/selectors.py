"""Reads of the trade monitor shaped for pages, the API and downloads.

The analytics run on the store (DuckDB over Parquet); their small results are cached per process
under a key made of the current slices' paths, so a page reads cached aggregates and the cache is
invalid the moment an import switches a slice (the paths change).
"""

import hashlib
from dataclasses import dataclass, field

import pandas as pd
from django.core.cache import cache

from core.models import HSCode, HSSection
from trade import analytics, store
from trade.models import Target
from trade.targets import Assessment, assess

CACHE_SECONDS = 3600
DIRECTIONS = {'X': 'exports', 'M': 'imports'}


class CachedMonitor:
    """A Monitor whose results are cached for the current version of the store."""

    def __init__(self, reporter: str = 'UZB', partner: str = 'CHN'):
        self.reporter, self.partner = reporter, partner
        self.paths = store.current_paths()
        self.version = hashlib.sha256('\n'.join(self.paths).encode()).hexdigest()[:16]
        self._monitor = None

    @property
    def monitor(self) -> analytics.Monitor:
        if self._monitor is None:
            flows = store.flows_view(self.paths)
            self._monitor = analytics.Monitor(
                self.reporter, self.partner, flows=flows, exporter_products=store.exporter_products
            )
        return self._monitor

    def __getattr__(self, name):
        method = getattr(analytics.Monitor, name)

        def cached(*args, **kwargs):
            call = f'{self.reporter}:{self.partner}:{name}:{args!r}:{sorted(kwargs.items())!r}'
            key = f'trade:{self.version}:{hashlib.sha256(call.encode()).hexdigest()[:24]}'
            result = cache.get(key)
            if result is None:
                result = method(self.monitor, *args, **kwargs)
                cache.set(key, result, CACHE_SECONDS)
            return result.copy() if isinstance(result, pd.DataFrame) else result

        return cached


def targets(reporter: str = 'UZB', partner: str = 'CHN'):
    return Target.objects.filter(reporter_id=reporter, partner_id=partner).select_related('claim__source')


def assessments(monitor: CachedMonitor, *, by: int | None = None) -> list[Assessment]:
    yearly = monitor.yearly()
    return [assess(target, yearly, by=by) for target in targets(monitor.reporter, monitor.partner)]


def records(table: pd.DataFrame) -> list[dict]:
    """Rows of a DataFrame for a template or a serializer, with missing values as None (not NaN)."""
    return table.astype(object).where(table.notna(), None).to_dict('records')


def concentration(monitor: CachedMonitor) -> list[dict]:
    """Herfindahl–Hirschman indices: of the pair's trade over HS6 products (each direction, latest
    year of the product series) and of the reporter's trade over its partners (latest year)."""
    rows = []
    for direction in DIRECTIONS:
        table = monitor.product_concentration(direction=direction)
        if not table.empty:
            rows.append({'measure': 'products', 'direction': direction, **records(table)[0]})
    years = monitor.partner_years()
    if years:
        table = monitor.partner_concentration(years[-1])
        if not table.empty:
            rows.append({'measure': 'partners', 'direction': None, 'year': years[-1], 'classification': 'TOTAL',
                         **records(table)[0]})  # fmt: skip
    return rows


#
# Products and the HS drill-down
#


@dataclass
class ProductRow:
    code: str
    name: str
    value_usd: float
    base_value_usd: float
    share: float | None
    growth: float | None
    contribution: float | None
    children: bool = True


@dataclass
class ProductLevel:
    """One level of the drill-down: the rows, where they come from, and how to go up."""

    direction: str
    year: int | None
    base_year: int | None
    source: str = ''
    classification: str = ''
    illustrative: bool = False
    rows: list[ProductRow] = field(default_factory=list)
    total_usd: float = 0.0
    years: list[int] = field(default_factory=list)


def _edition(classification: str) -> str:
    return classification.removeprefix('HS') if classification.startswith('HS') else '2017'


def product_names(codes, classification: str) -> dict[str, str]:
    """{code: description} of HS codes of the classification's edition, in one query."""
    codes = list(codes)
    if not codes:
        return {}
    names = HSCode.objects.filter(edition=_edition(classification), code__in=codes)
    return dict(names.values_list('code', 'description'))


def _frame_rows(table: pd.DataFrame, names: dict, *, leaf: bool) -> list[ProductRow]:
    rows = []
    for record in table.to_dict('records'):
        rows.append(
            ProductRow(
                code=record['product'],
                name=names.get(record['product'], ''),
                value_usd=float(record['value_usd']),
                base_value_usd=float(record['base_value_usd']),
                share=_number(record['share']),
                growth=_number(record['growth']),
                contribution=_number(record['contribution']),
                children=not leaf,
            )
        )
    return rows


def _number(value):
    return None if value is None or pd.isna(value) else float(value)


def product_level(
    monitor: CachedMonitor, *, direction: str = 'M', year: int | None = None, prefix: str = '', section: str = ''
) -> ProductLevel:
    """Products of one flow at the level below `prefix` (chapter → heading → subheading) or, with no
    prefix, by HS section (or the chapters of one `section`)."""
    years = monitor.product_years()
    level = ProductLevel(direction=direction, year=None, base_year=None, years=years)
    chosen = monitor.product_series()
    if chosen is None or not years:
        return level
    level.source, level.classification, level.illustrative = chosen
    level.year = year if year in years else years[-1]
    level.base_year = level.year - 1
    digits = {0: 2, 2: 4, 4: 6}.get(len(prefix), 6)
    table = monitor.top_products(direction=direction, year=level.year, n=None, digits=digits, prefix=prefix)
    if table.empty:
        return level
    level.total_usd = float(table.value_usd.sum())
    if not prefix:
        chapters = dict(
            HSCode.objects.filter(edition=_edition(level.classification), level=2).values_list('code', 'section__code')
        )
        table['section'] = table['product'].map(chapters).fillna('')
        if section:
            table = table[table.section == section]
            level.total_usd = float(table.value_usd.sum())
            names = product_names(table['product'], level.classification)
            level.rows = _frame_rows(table, names, leaf=False)
        else:
            level.rows = _sections(table)
    else:
        names = product_names(table['product'], level.classification)
        level.rows = _frame_rows(table, names, leaf=digits == 6)
    return level


def _sections(table: pd.DataFrame) -> list[ProductRow]:
    grouped = table.groupby('section', sort=False)[['value_usd', 'base_value_usd']].sum().reset_index()
    base_total = float(table.base_value_usd.sum())
    total = float(table.value_usd.sum())
    names = dict(HSSection.objects.values_list('code', 'name'))
    rows = []
    for record in grouped.sort_values(['value_usd', 'section'], ascending=[False, True]).to_dict('records'):
        value, base = float(record['value_usd']), float(record['base_value_usd'])
        rows.append(
            ProductRow(
                code=record['section'],
                name=names.get(record['section'], ''),
                value_usd=value,
                base_value_usd=base,
                share=value / total if total else None,
                growth=value / base - 1 if base else None,
                contribution=(value - base) / base_total if base_total else None,
            )
        )
    return rows


def code_lineage(code: str, classification: str) -> list[HSCode]:
    """The chapter and heading above a code and the code itself, outermost first (one query)."""
    codes = [code[:length] for length in (2, 4, 6) if length <= len(code)]
    found = {item.code: item for item in HSCode.objects.filter(edition=_edition(classification), code__in=codes)}
    return [found[item] for item in codes if item in found]
