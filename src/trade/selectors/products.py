"""The products of a pair's flow, one level of the HS drill-down at a time."""

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from core.models import HSCode, HSSection
from trade.schema import IMPORTS
from trade.selectors.base import CachedMonitor, missing_slices, records


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
    code: str = ''
    monitor: CachedMonitor | None = field(default=None, repr=False)

    @property
    def leaf(self) -> bool:
        return len(self.code) == 6

    @property
    def missing_slices(self) -> list[dict]:
        """The slices left out of the figures (see trade.selectors.base.CachedMonitor)."""
        return missing_slices(self.monitor) if self.monitor is not None else []

    @cached_property
    def lineage(self) -> list[HSCode]:
        """The chapter and heading above the level's code and the code itself, outermost first."""
        return code_lineage(self.code, self.classification or 'HS2017') if self.code else []

    @cached_property
    def history(self) -> list[dict]:
        """The yearly value of a subheading (a leaf of the drill-down)."""
        return records(self.monitor.product_history(self.code, direction=self.direction)) if self.leaf else []


def edition(classification: str) -> str:
    return classification.removeprefix('HS') if classification.startswith('HS') else '2017'


def product_names(codes, classification: str) -> dict[str, str]:
    """{code: description} of HS codes of the classification's edition, in one query."""
    codes = list(codes)
    if not codes:
        return {}
    names = HSCode.objects.filter(edition=edition(classification), code__in=codes)
    return dict(names.values_list('code', 'description'))


def code_lineage(code: str, classification: str) -> list[HSCode]:
    """The chapter and heading above a code and the code itself, outermost first (one query)."""
    codes = [code[:length] for length in (2, 4, 6) if length <= len(code)]
    found = {item.code: item for item in HSCode.objects.filter(edition=edition(classification), code__in=codes)}
    return [found[item] for item in codes if item in found]


def products(
    monitor: CachedMonitor, *, direction: str = IMPORTS, year: int | None = None, code: str = '', section: str = ''
) -> ProductLevel:
    """Products of one flow at the level below `code` (chapter → heading → subheading) or, with no
    code, by HS section (or the chapters of one `section`)."""
    years = monitor.product_years()
    level = ProductLevel(direction=direction, year=None, base_year=None, years=years, code=code, monitor=monitor)
    chosen = monitor.product_series()
    if chosen is None or not years:
        return level
    level.source, level.classification, level.illustrative = chosen
    level.year = year if year in years else years[-1]
    level.base_year = level.year - 1
    digits = {0: 2, 2: 4, 4: 6}.get(len(code), 6)
    table = monitor.top_products(direction=direction, year=level.year, n=None, digits=digits, prefix=code)
    if table.empty:
        return level
    level.total_usd = float(table.value_usd.sum())
    if not code:
        chapters = dict(
            HSCode.objects.filter(edition=edition(level.classification), level=2).values_list('code', 'section__code')
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
