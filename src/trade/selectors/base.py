"""The read handle of the trade selectors: the Monitor of one pair with its results cached, and
the base of the results read through it (PairResult).

The analytics run on the store (DuckDB over Parquet); their small results are cached under a key
made of the current slices' paths, so a page reads cached aggregates and the cache is invalid
the moment an import switches a slice (the paths change).

Only healthy slices are read (trade.store.integrity.store_health): a slice whose file is missing
or not at its recorded size is left out, and named (`missing_slices`) by every page and answer
that reads through the handle, rather than failing the whole trade section. A figure that
needs a left-out slice is unavailable (None), never silently smaller (`unavailable`,
`mask_flows`).
"""

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.core.cache import cache

from trade.analytics.aggregates import exporter_products
from trade.analytics.engine import flows_view
from trade.analytics.monitor import Monitor
from trade.analytics.series import add_growth
from trade.schema import ALL_REPORTERS, EXPORTS, IMPORTS, PARTNER, RECONCILED_SOURCES, REPORTER
from trade.store.integrity import MissingSlice, current_version, store_health

CACHE_SECONDS = 3600


def store_version() -> str:
    """The version of the trade store (its current slices), in one small query: what a cached
    page built from the store is keyed to."""
    return current_version()


class CachedMonitor:
    """The Monitor's reads used by the pages, the API and the downloads, each cached for the
    current version of the store."""

    def __init__(self, reporter: str = REPORTER, partner: str = PARTNER):
        self.reporter, self.partner = reporter, partner
        self.health = store_health()
        self.paths = list(self.health.paths)
        self.version = hashlib.sha256('\n'.join(self.paths).encode()).hexdigest()[:16]
        self._monitor = None

    @property
    def missing(self) -> tuple[MissingSlice, ...]:
        """The current slices left out because their files are missing or damaged."""
        return self.health.missing

    def unavailable(self, source: str, classification: str, year: int, month: int = 0, *, reporter=None) -> set:
        """The directions (X, M) of `reporter`'s trade (default the pair's reporter) in one period
        of one series that a left-out slice makes incomplete. A reconciled source (BACI) holds
        every exporter in one slice, and the reporter's imports are its partners' exports: its
        loss leaves both directions incomplete."""
        reporter = reporter or self.reporter
        directions = set()
        for missing in self.health.missing:
            if (missing.source, missing.classification, missing.year, missing.month) != (
                source, classification, year, month,
            ):  # fmt: skip
                continue
            if missing.reporter == reporter and missing.flow in (EXPORTS, IMPORTS):
                directions.add(missing.flow)
            elif missing.source in RECONCILED_SOURCES and missing.flow == EXPORTS:
                directions |= {EXPORTS, IMPORTS} if missing.reporter in (ALL_REPORTERS, reporter) else {IMPORTS}
        return directions

    def mask_flows(self, table: pd.DataFrame, *, periods: bool = True, reporter=None) -> pd.DataFrame:
        """A table of exports, imports, turnover, balance and coverage by source, classification
        and year (and month) with the figures that need a left-out slice set to None; with
        `periods`, a period of the series that the loss removed altogether is put back, empty,
        so that it reads as unavailable rather than absent. Growth is computed again."""
        if not self.health.missing or table.empty:
            return table
        table = table.copy()
        monthly = 'month' in table
        if periods and table[['source', 'classification']].drop_duplicates().shape[0] == 1:
            source, classification = table.source.iloc[0], table.classification.iloc[0]
            present = set(
                zip(table.year.astype(int), table.month.astype(int) if monthly else [0] * len(table), strict=True)
            )
            lost = {
                (missing.year, missing.month) for missing in self.health.missing
                if missing.source == source and missing.classification == classification
                and (missing.month > 0) == monthly
                and self.unavailable(source, classification, missing.year, missing.month, reporter=reporter)
            }  # fmt: skip
            extra = [
                {'source': source, 'classification': classification, 'year': year}
                | ({'month': month} if monthly else {})
                for year, month in sorted(lost - present)
            ]  # fmt: skip
            if extra:
                table = pd.concat([table, pd.DataFrame(extra)], ignore_index=True)
                if 'illustrative' in table:
                    table['illustrative'] = table['illustrative'].fillna(False).astype(bool)
                table = table.sort_values(['year', 'month'] if monthly else ['year']).reset_index(drop=True)
        for index, row in table.iterrows():
            month = int(row['month']) if monthly else 0
            directions = self.unavailable(
                row['source'], row['classification'], int(row['year']), month, reporter=reporter
            )
            if EXPORTS in directions:
                table.at[index, 'exports'] = np.nan
            if IMPORTS in directions:
                table.at[index, 'imports'] = np.nan
        for column in ('exports', 'imports'):
            table[column] = table[column].astype('float64')
        table['turnover'] = table.exports + table.imports
        if 'balance' in table:
            table['balance'] = table.exports - table.imports
        if 'coverage' in table:
            table['coverage'] = table.exports / table.imports
        if not monthly and 'turnover_growth' in table:
            table = add_growth(table)
        return table

    @property
    def monitor(self) -> Monitor:
        if self._monitor is None:
            flows = flows_view(self.paths)
            missing = self.health.missing_globs

            def exporters(source: str, classification: str, year: int):
                return exporter_products(source, classification, year, missing=missing)

            self._monitor = Monitor(self.reporter, self.partner, flows=flows, exporter_products=exporters)
        return self._monitor

    def _cached(self, name: str, **arguments):
        call = f'{self.reporter}:{self.partner}:{name}:{sorted(arguments.items())!r}'
        key = f'trade:{self.version}:{hashlib.sha256(call.encode()).hexdigest()[:24]}'
        result = cache.get(key)
        if result is None:
            result = getattr(self.monitor, name)(**arguments)
            cache.set(key, result, CACHE_SECONDS)
        return result.copy() if isinstance(result, pd.DataFrame) else result

    # Totals

    def yearly(self, source: str | None = None) -> pd.DataFrame:
        return self._cached('yearly', source=source)

    def cagr(self) -> float | None:
        return self._cached('cagr')

    def share(self, source: str | None = None) -> pd.DataFrame:
        return self._cached('share', source=source)

    def monthly(self, source: str | None = None) -> pd.DataFrame:
        return self._cached('monthly', source=source)

    def year_to_date(self, source: str | None = None) -> dict | None:
        return self._cached('year_to_date', source=source)

    # Partners

    def partner_years(self) -> list[int]:
        return self._cached('partner_years')

    def partner_table(self) -> pd.DataFrame:
        return self._cached('partner_table')

    def partners(self, year: int | None = None) -> pd.DataFrame:
        return self._cached('partners', year=year)

    def partner_history(self, partner: str) -> pd.DataFrame:
        return self._cached('partner_history', partner=partner)

    def partner_concentration(self, year: int) -> pd.DataFrame:
        return self._cached('partner_concentration', year=year)

    # Products

    def product_series(self) -> tuple[str, str, bool] | None:
        return self._cached('product_series')

    def product_years(self) -> list[int]:
        return self._cached('product_years')

    def top_products(
        self, *, direction: str = IMPORTS, year: int | None = None, n: int | None = 20, digits: int = 6,
        prefix: str = '',
    ) -> pd.DataFrame:  # fmt: skip
        return self._cached('top_products', direction=direction, year=year, n=n, digits=digits, prefix=prefix)

    def product_history(self, code: str, *, direction: str = IMPORTS) -> pd.DataFrame:
        return self._cached('product_history', code=code, direction=direction)

    def product_concentration(self, *, direction: str = IMPORTS) -> pd.DataFrame:
        return self._cached('product_concentration', direction=direction)

    # Comparative advantage

    def world_product_series(self) -> tuple[str, str, list[int]] | None:
        return self._cached('world_product_series')

    def rca_pair(self, year: int, *, source: str, classification: str) -> pd.DataFrame:
        return self._cached('rca_pair', year=year, source=source, classification=classification)

    def complementarity(self, year: int, *, source: str, classification: str) -> pd.DataFrame:
        return self._cached('complementarity', year=year, source=source, classification=classification)

    # Mirror statistics

    def mirror(self) -> pd.DataFrame:
        return self._cached('mirror')

    def mirror_product_years(self, importer: str | None = None) -> pd.DataFrame:
        return self._cached('mirror_product_years', importer=importer)

    def mirror_products(self, year: int, *, digits: int = 2, importer: str | None = None) -> pd.DataFrame:
        return self._cached('mirror_products', year=year, digits=digits, importer=importer)

    def mirror_product_totals(self, year: int, *, digits: int = 2, importer: str | None = None) -> dict | None:
        return self._cached('mirror_product_totals', year=year, digits=digits, importer=importer)


def records(table: pd.DataFrame) -> list[dict]:
    """Rows of a DataFrame for a template or a serializer, with missing values as None (not NaN)."""
    return table.astype(object).where(table.notna(), None).to_dict('records')


@dataclass
class PairResult:
    """The base of a selector's result for one pair: the pair's read handle, and the pair's
    reporter and partner (ISO alpha-3) that the page, the API and the download show."""

    monitor: CachedMonitor = field(repr=False)

    @property
    def missing_slices(self) -> list[dict]:
        """The slices left out of every figure (their files are missing or damaged), named by
        source, reporter, flow, period and classification; empty when the store is whole."""
        return missing_slices(self.monitor)

    @property
    def reporter(self) -> str:
        return self.monitor.reporter

    @property
    def partner(self) -> str:
        return self.monitor.partner


def missing_slices(monitor: CachedMonitor) -> list[dict]:
    return [missing.as_dict() for missing in monitor.missing]
