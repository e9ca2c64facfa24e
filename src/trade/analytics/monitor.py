"""The notebook API of the trade analytics: `Monitor` runs the Ibis expressions of one pair on the
engine and returns pandas DataFrames.

    >>> from trade.analytics import Monitor
    >>> monitor = Monitor(reporter='UZB', partner='CHN')
    >>> monitor.yearly()            # exports, imports, turnover, balance, coverage, growth by year
    >>> monitor.top_products(n=20)  # largest HS6 products and their contribution to growth
    >>> monitor.rca(2022)           # Balassa RCA for every product the reporter exports

Which series was used is in each result's `source` and `classification` columns; product views
that fall back to illustrative (generated) data say so in an `illustrative` column.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import ibis
import pandas as pd

from trade.analytics import aggregates, engine, series
from trade.analytics import expressions as ex
from trade.analytics.series import (
    add_growth,
    choose_mirror_series,
    choose_series,
    labelled,
    number,
    rank_partners,
    source_rank,
    year_to_date,
)
from trade.schema import CIF_FOB_FACTOR, EXPORTS, IMPORTS, PARTNER, RECONCILED_SOURCES, REPORTER, TOTAL, WORLD


@dataclass
class Monitor:
    """The bilateral monitor of one pair, seen from the reporter's side.

    `flows` defaults to the store's current rows; pass any Ibis table of the same schema (a
    memtable in tests, a Spark table at scale). Illustrative rows are left out unless
    `include_illustrative` is set; product views fall back to them, labelled, only when no real
    product data exist.
    """

    reporter: str = REPORTER
    partner: str = PARTNER
    flows: ibis.Table | None = None
    include_illustrative: bool = False
    cif_fob_factor: float = CIF_FOB_FACTOR
    # (source, classification, year) → exports_by_exporter_product rows covering that year,
    # computed beforehand; RCA then reads them instead of every flow of the year.
    exporter_products: Callable[[str, str, int], ibis.Table] | None = None
    _all: ibis.Table | None = field(default=None, init=False, repr=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        if self.flows is None:
            self.flows = engine.current_flows()
            self.exporter_products = self.exporter_products or aggregates.exporter_products
        self._all = self.flows
        if not self.include_illustrative:
            self.flows = ex.official(self.flows)

    def _execute(self, expression) -> pd.DataFrame:
        """Run an expression; every query of the monitor goes through here (see compiled_sql)."""
        return engine.execute(expression)

    # Totals

    def yearly(self, source: str | None = None) -> pd.DataFrame:
        """Exports, imports, turnover, balance, coverage and their growth by year, one series."""
        table = self._execute(ex.pair_totals(self.flows, self.reporter, self.partner))
        table = choose_series(table, source)
        return labelled(add_growth(table))

    def series(self) -> pd.DataFrame:
        """Yearly totals of every source and classification covering the pair, side by side."""
        return labelled(self._execute(ex.pair_totals(self.flows, self.reporter, self.partner)))

    def monthly(self, source: str | None = None) -> pd.DataFrame:
        table = self._execute(ex.pair_totals(self.flows, self.reporter, self.partner, monthly=True))
        return labelled(choose_series(table, source))

    def cagr(self, column: str = 'turnover', first: int | None = None, last: int | None = None) -> float | None:
        yearly = self.yearly().dropna(subset=[column]).set_index('year')
        if yearly.empty:
            return None
        first = first or int(yearly.index.min())
        last = last or int(yearly.index.max())
        return series.cagr(yearly.at[first, column], yearly.at[last, column], last - first)

    def share(self, source: str | None = None) -> pd.DataFrame:
        """The partner's share of the reporter's total trade (exports + imports) by year."""
        table = self._execute(ex.partner_share(self.flows, self.reporter, self.partner))
        return labelled(choose_series(table, source))

    def partner_concentration(self, year: int, source: str | None = None) -> pd.DataFrame:
        """HHI of the reporter's trade over its partners in one year."""
        rows = ex.oriented(self.flows, self.reporter)
        rows = rows.filter((rows.year == year) & (rows.month == 0) & (rows.product == TOTAL))
        rows = rows.filter(rows.counterpart != WORLD)
        available = self._execute(rows.select('source', 'classification').distinct())
        chosen = choose_series(available, source)
        if chosen.empty:
            return pd.DataFrame(columns=['hhi', 'hhi_normalised', 'n'])
        rows = rows.filter(rows.source == chosen.source[0])
        values = rows.group_by('counterpart').aggregate(value_usd=rows.value_usd.sum())
        result = self._execute(ex.hhi(values))
        result['source'] = chosen.source[0]
        return labelled(result)

    # Partners

    def partner_table(self, source: str | None = None) -> pd.DataFrame:
        """Every partner in every year of one series (see partner_totals), ranked, with growth."""
        key = ('partner_table', source)
        if key not in self._memo:
            if 'partner_totals' not in self._memo:
                self._memo['partner_totals'] = self._execute(ex.partner_totals(self.flows, self.reporter))
            table = self._memo['partner_totals']
            chosen = choose_series(table[['source', 'classification', 'year']].drop_duplicates(), source)
            if not chosen.empty:
                table = table[(table.source == chosen.source[0]) & (table.classification == chosen.classification[0])]
            else:
                table = table.iloc[0:0]
            self._memo[key] = labelled(rank_partners(table))
        return self._memo[key].copy()

    def partner_years(self, source: str | None = None) -> list[int]:
        return sorted({int(year) for year in self.partner_table(source).year})

    def partners(self, year: int | None = None, source: str | None = None) -> pd.DataFrame:
        """The reporter's partners in one year (default: the latest) by turnover: exports, imports,
        turnover, balance, share of the reporter's trade, rank and growth on the year before.
        Sorted by rank; "other countries" (unranked) last."""
        table = self.partner_table(source)
        if table.empty:
            return table
        year = year if year is not None else int(table.year.max())
        table = table[table.year == year]
        order = table.assign(_unranked=table['rank'].isna(), _rank=table['rank'].astype('float64'))
        order = order.sort_values(['_unranked', '_rank', 'partner'])
        return order.drop(columns=['_unranked', '_rank']).reset_index(drop=True)

    def partner_history(self, partner: str, source: str | None = None) -> pd.DataFrame:
        """One partner's yearly exports, imports, turnover, balance, share and rank (the same series
        as partners(), so its years line up with the partner table)."""
        table = self.partner_table(source)
        return table[table.partner == partner].sort_values('year').reset_index(drop=True)

    def year_to_date(self, source: str | None = None) -> dict | None:
        """The latest year's months so far against the same months a year before (see year_to_date)."""
        return year_to_date(self.monthly(source))

    # Products

    def product_sources(self) -> pd.DataFrame:
        """(source, classification, illustrative) of the product-level data for the pair, with years."""
        rows = ex.bilateral(self._all, self.reporter, self.partner)
        rows = rows.filter((rows.product != TOTAL) & (rows.month == 0))
        table = rows.group_by(['source', 'classification', 'illustrative']).aggregate(
            first_year=rows.year.min(), last_year=rows.year.max(), years=rows.year.collect(distinct=True)
        )
        return self._execute(table)

    def product_series(self) -> tuple[str, str, bool] | None:
        """The product-level series to use: real data if any, else illustrative (labelled)."""
        if 'product_series' not in self._memo:
            self._memo['product_series'], self._memo['product_years'] = self._product_series()
        return self._memo['product_series']

    def _product_series(self) -> tuple[tuple[str, str, bool] | None, list[int]]:
        available = self.product_sources()
        if available.empty:
            return None, []
        available = available.assign(rank=available.source.map(source_rank))
        available = available.sort_values(['illustrative', 'rank', 'last_year'], ascending=[True, True, False])
        row = available.iloc[0]
        return (row.source, row.classification, bool(row.illustrative)), sorted(int(year) for year in row.years)

    def product_years(self) -> list[int]:
        """The years of the product series (product_series), oldest first."""
        self.product_series()
        return self._memo['product_years']

    def top_products(
        self, *, direction: str = IMPORTS, year: int | None = None, base_year: int | None = None, n: int | None = 20,
        digits: int = 6, prefix: str = '',
    ) -> pd.DataFrame:  # fmt: skip
        """The largest products of one flow in `year` with their contribution to the flow's growth
        since `base_year` (default: the year before). `prefix` restricts to one chapter/heading."""
        chosen = self.product_series()
        if chosen is None:
            return pd.DataFrame(columns=['product', 'value_usd', 'base_value_usd', 'share', 'growth', 'contribution'])
        source, classification, illustrative = chosen
        years = self.product_years()
        year = year or years[-1]
        base_year = base_year or year - 1
        flows = self._all.filter(self._all.product.startswith(prefix)) if prefix else self._all
        table = ex.product_growth(
            flows, self.reporter, self.partner, direction, year=year, base_year=base_year, source=source,
            classification=classification, digits=digits,
        )  # fmt: skip
        table = table.order_by([ibis.desc('value_usd'), 'product'])
        if n:
            table = table.limit(n)
        result = self._execute(table)
        result.insert(0, 'base_year', base_year)
        result.insert(0, 'year', year)
        result['source'] = source
        result['classification'] = classification
        result['illustrative'] = illustrative
        return result

    def product_history(self, code: str, *, direction: str = IMPORTS) -> pd.DataFrame:
        """The yearly value of one product, heading or chapter (by its code's digits) of the pair's flow."""
        chosen = self.product_series()
        if chosen is None:
            return pd.DataFrame(columns=['year', 'value_usd'])
        source, classification, illustrative = chosen
        rows = ex.bilateral(self._all, self.reporter, self.partner)
        rows = rows.filter(
            (rows.direction == direction) & (rows.month == 0) & (rows.source == source)
            & (rows.classification == classification) & rows.product.startswith(code)
        )  # fmt: skip
        found = self._execute(rows.group_by('year').aggregate(value_usd=rows.value_usd.sum()))
        table = (
            pd.DataFrame({'year': self.product_years()}).merge(found, on='year', how='left').fillna({'value_usd': 0})
        )
        return table.assign(source=source, classification=classification, illustrative=illustrative)

    def product_concentration(self, *, direction: str = IMPORTS, year: int | None = None) -> pd.DataFrame:
        chosen = self.product_series()
        if chosen is None:
            return pd.DataFrame(columns=['hhi', 'hhi_normalised', 'n'])
        source, classification, illustrative = chosen
        year = year or self.product_years()[-1]
        rows = ex.bilateral(self._all, self.reporter, self.partner)
        rows = rows.filter(
            (rows.direction == direction) & (rows.year == year) & (rows.month == 0) & (rows.source == source)
            & (rows.classification == classification) & (rows.product != TOTAL)
        )  # fmt: skip
        values = rows.group_by('product').aggregate(value_usd=rows.value_usd.sum())
        result = self._execute(ex.hhi(values))
        return result.assign(year=year, source=source, classification=classification, illustrative=illustrative)

    def rca(self, year: int, *, source: str = 'baci', classification: str = 'HS2017') -> pd.DataFrame:
        exports = None
        if self.exporter_products is not None:
            exports = self.exporter_products(source, classification, year)
            exports = exports if self.include_illustrative else ex.official(exports)
        expression = ex.rca(self.flows, self.reporter, year=year, source=source, classification=classification,
                         exports=exports)  # fmt: skip
        return self._execute(expression).assign(year=year, source=source, classification=classification)

    def complementarity(self, year: int, *, source: str = 'baci', classification: str = 'HS2017') -> pd.DataFrame:
        """TC in both directions: reporter's exports vs partner's imports, and the reverse."""
        keys = {'year': year, 'source': source, 'classification': classification}
        rows = []
        for exporter, importer in ((self.reporter, self.partner), (self.partner, self.reporter)):
            value = self._execute(ex.complementarity(self.flows, exporter, importer, **keys)).tc.iloc[0]
            rows.append({'exporter': exporter, 'importer': importer, 'tc': number(value), **keys})
        return pd.DataFrame(rows)

    # Mirror statistics

    def mirror(self) -> pd.DataFrame:
        """Each side's report of the same flow, where both exist: the importer's declaration (CIF)
        against the exporter's (FOB) times the CIF/FOB factor κ (see expressions.with_gap)."""
        columns = [
            'year', 'importer', 'exporter', 'classification', 'imports_reported_usd', 'imports_source',
            'exports_reported_usd', 'exports_source', 'cif_fob_factor', 'gap_usd', 'gap_pct', 'symmetric_gap',
            'log_gap',
        ]  # fmt: skip
        tables = []
        for importer, exporter in ((self.reporter, self.partner), (self.partner, self.reporter)):
            table = self._execute(ex.mirror_totals(self.flows, importer, exporter, self.cif_fob_factor))
            tables.append(table.sort_values(['year', 'imports_source', 'exports_source']))
        tables = [table for table in tables if not table.empty]
        if not tables:
            return pd.DataFrame(columns=columns)
        table = pd.concat(tables, ignore_index=True)
        table = table.rename(columns={'imports_usd': 'imports_reported_usd', 'exports_usd': 'exports_reported_usd'})
        return table.assign(year=table.year.astype(int))[columns]

    def mirror_product_years(self, importer: str | None = None) -> pd.DataFrame:
        """Years in which both sides' own product-level reports of a flow exist, with the sources
        compared (see choose_mirror_series). `importer` is the reporter (default) or the partner."""
        importer, exporter = self._mirror_sides(importer)
        return choose_mirror_series(self._execute(ex.mirror_product_sources(self.flows, importer, exporter)))

    def mirror_products(self, year: int, digits: int = 2, importer: str | None = None) -> pd.DataFrame:
        """The mirror gap of one flow by HS chapter (digits 2) or heading (4) in one year, largest
        absolute gap first; empty when the year lacks either side's product-level report."""
        importer, exporter = self._mirror_sides(importer)
        series = self.mirror_product_years(importer)
        chosen = series[series.year == year]
        columns = [
            'code', 'imports_usd', 'exports_usd', 'exports_cif_usd', 'gap_usd', 'gap_pct', 'symmetric_gap',
            'year', 'importer', 'exporter', 'classification', 'imports_source', 'exports_source', 'cif_fob_factor',
        ]  # fmt: skip
        if chosen.empty:
            return pd.DataFrame(columns=columns)
        row = chosen.iloc[0]
        expression = ex.mirror_products(
            self.flows, importer, exporter, year=year, classification=row.classification,
            import_source=row.imports_source, export_source=row.exports_source, digits=digits,
            cif_fob_factor=self.cif_fob_factor,
        )  # fmt: skip
        table = self._execute(expression).assign(
            year=year, importer=importer, exporter=exporter, classification=row.classification,
            imports_source=row.imports_source, exports_source=row.exports_source, cif_fob_factor=self.cif_fob_factor,
        )  # fmt: skip
        return table[columns]

    def mirror_product_totals(self, year: int, digits: int = 2, importer: str | None = None) -> dict | None:
        """The totals row of mirror_products (sums of the rows, and the total's own gap); None
        when the year lacks either side's product-level report."""
        importer, exporter = self._mirror_sides(importer)
        series = self.mirror_product_years(importer)
        chosen = series[series.year == year]
        if chosen.empty:
            return None
        row = chosen.iloc[0]
        products = ex.mirror_products(
            self.flows, importer, exporter, year=year, classification=row.classification,
            import_source=row.imports_source, export_source=row.exports_source, digits=digits,
            cif_fob_factor=self.cif_fob_factor,
        )  # fmt: skip
        totals = self._execute(ex.mirror_product_totals(products, self.cif_fob_factor)).iloc[0]
        return {key: number(value) for key, value in totals.items()}

    def _mirror_sides(self, importer: str | None) -> tuple[str, str]:
        importer = importer or self.reporter
        if importer not in (self.reporter, self.partner):
            raise ValueError(f'importer must be {self.reporter} or {self.partner}')
        return importer, self.partner if importer == self.reporter else self.reporter

    # Comparative advantage (needs the world's trade: every exporter)

    def world_product_series(self) -> tuple[str, str, list[int]] | None:
        """(source, classification, years) of the product data that hold every exporter (reconciled
        sources such as BACI), which RCA and complementarity need: the series reaching the latest
        year, then the one with more years, then the newer edition. None when there is none."""
        rows = self.flows.filter(
            self.flows.source.isin(list(RECONCILED_SOURCES))
            & (self.flows.flow == EXPORTS)
            & (self.flows.month == 0)
            & (self.flows.classification != TOTAL)  # directory columns only: no data file is read
        )
        table = self._execute(rows.select('source', 'classification', 'year').distinct())
        if table.empty:
            return None
        series = table.groupby(['source', 'classification']).year.agg(['max', 'count']).reset_index()
        series = series.sort_values(['max', 'count', 'classification'], ascending=False)
        source, classification = series.iloc[0][['source', 'classification']]
        chosen = table[(table.source == source) & (table.classification == classification)]
        years = sorted(int(year) for year in chosen.year)
        return str(source), str(classification), years

    def rca_pair(self, year: int, *, source: str = 'baci', classification: str = 'HS2017') -> pd.DataFrame:
        """The reporter's RCA for every product it exports, with the partner's RCA of the same
        products beside it (`partner_rca`, `partner_rca_symmetric`): 0 and −1 where the partner
        exports none of the product that year, empty where it exports nothing at all."""
        keys = {'source': source, 'classification': classification}
        mine = self.rca(year, **keys)
        counterpart = replace(self, reporter=self.partner, partner=self.reporter, flows=self._all)
        theirs = counterpart.rca(year, **keys)[['product', 'value_usd', 'rca', 'rca_symmetric']]
        theirs = theirs.rename(columns={
            'value_usd': 'partner_value_usd', 'rca': 'partner_rca', 'rca_symmetric': 'partner_rca_symmetric',
        })  # fmt: skip
        table = mine.merge(theirs, on='product', how='left')
        if not theirs.empty:
            table = table.fillna({'partner_value_usd': 0.0, 'partner_rca': 0.0, 'partner_rca_symmetric': -1.0})
        return table.assign(reporter=self.reporter, partner=self.partner)
