"""The read handle of the trade selectors: the Monitor of one pair with its results cached, and
the base of the results read through it (PairResult).

The analytics run on the store (DuckDB over Parquet); their small results are cached under a key
made of the current slices' paths, so a page reads cached aggregates and the cache is invalid
the moment an import switches a slice (the paths change).
"""

import hashlib
from dataclasses import dataclass, field

import pandas as pd
from django.core.cache import cache

from trade.analytics.aggregates import exporter_products
from trade.analytics.engine import flows_view
from trade.analytics.monitor import Monitor
from trade.schema import IMPORTS, PARTNER, REPORTER
from trade.store.catalogue import current_paths

CACHE_SECONDS = 3600


class CachedMonitor:
    """The Monitor's reads used by the pages, the API and the downloads, each cached for the
    current version of the store."""

    def __init__(self, reporter: str = REPORTER, partner: str = PARTNER):
        self.reporter, self.partner = reporter, partner
        self.paths = current_paths()
        self.version = hashlib.sha256('\n'.join(self.paths).encode()).hexdigest()[:16]
        self._monitor = None

    @property
    def monitor(self) -> Monitor:
        if self._monitor is None:
            flows = flows_view(self.paths)
            self._monitor = Monitor(self.reporter, self.partner, flows=flows, exporter_products=exporter_products)
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
    def reporter(self) -> str:
        return self.monitor.reporter

    @property
    def partner(self) -> str:
        return self.monitor.partner
