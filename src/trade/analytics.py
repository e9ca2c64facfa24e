"""Trade analytics written once as Ibis expressions, so that the same code runs on DuckDB today and
on any engine Ibis supports (Spark, …) when a user's data outgrows one machine.

Every function takes an Ibis table of flows in the store's schema (`trade.store.FLOW_SCHEMA`) and
returns an Ibis expression; nothing is executed until the caller asks for it. `Monitor` wraps them
into a notebook-friendly API that returns pandas DataFrames:

    >>> from trade.analytics import Monitor
    >>> monitor = Monitor(reporter='UZB', partner='CHN')
    >>> monitor.yearly()            # exports, imports, turnover, balance, coverage, growth by year
    >>> monitor.top_products(n=20)  # largest HS6 products and their contribution to growth
    >>> monitor.rca(2022)           # Balassa RCA for every product the reporter exports

Rules that every figure follows (see docs/trade-monitor.md):
- A series comes from one source and one classification; sources are never added together. Which
  series was used is in the result's `source` and `classification` columns.
- Illustrative rows (generated data) are excluded unless asked for, and product views that fall
  back to them say so in an `illustrative` column.
- Re-exports and re-imports (flows RX/RM) are parts of exports and imports in the general trade
  system, so they are not added to X and M.
- Reconciled sources (BACI) record each flow once, from exporter to importer, valued FOB: the
  reporter's imports are read from the partner's exports.
"""

import math
from dataclasses import dataclass, field

import ibis
import pandas as pd

TOTAL = 'TOTAL'
WORLD = 'WLD'
EXPORTS, IMPORTS = 'X', 'M'
ILLUSTRATIVE_SOURCE = 'illustrative-hs6'
RECONCILED_SOURCES = ('baci',)
# The preferred series when several sources cover a pair: the reporter's own national statistics
# first, then national customs extracts, UN Comtrade, and BACI (reconciled, FOB both ways).
SOURCE_PRIORITY = ('uzstat', 'customs', 'comtrade', 'baci', ILLUSTRATIVE_SOURCE)
# Imports are valued CIF, exports FOB; IMF Direction of Trade Statistics divides imports by 1.06
# to compare them with the partner's exports (trade_methods.md §3).
CIF_FOB_FACTOR = 1.06


#
# Building blocks (Ibis expressions)
#


def official(flows: ibis.Table) -> ibis.Table:
    """Rows from real statistics only: generated (illustrative) rows removed."""
    return flows.filter(~flows.illustrative & (flows.source != ILLUSTRATIVE_SOURCE))


def oriented(flows: ibis.Table, reporter: str) -> ibis.Table:
    """The reporter's trade seen from its side: `direction` X (its exports) or M (its imports)
    and `counterpart` (the partner country), whichever way the source records the flow."""
    own = flows.filter((flows.reporter == reporter) & flows.flow.isin([EXPORTS, IMPORTS]))
    own = own.mutate(direction=own.flow.cast('string'), counterpart=own.partner.cast('string'))
    mirrored = flows.filter(
        (flows.partner == reporter) & (flows.flow == EXPORTS) & flows.source.isin(list(RECONCILED_SOURCES))
    )
    mirrored = mirrored.mutate(
        direction=ibis.literal(IMPORTS).cast('string'), counterpart=mirrored.reporter.cast('string')
    )
    return own.union(mirrored)


def bilateral(flows: ibis.Table, reporter: str, partner: str) -> ibis.Table:
    rows = oriented(flows, reporter)
    return rows.filter(rows.counterpart == partner)


def _pivot_directions(rows: ibis.Table, keys: list[str]) -> ibis.Table:
    table = rows.group_by(keys).aggregate(
        exports=rows.value_usd.sum(where=rows.direction == EXPORTS),
        imports=rows.value_usd.sum(where=rows.direction == IMPORTS),
    )
    return table.mutate(
        turnover=table.exports + table.imports,
        balance=table.exports - table.imports,
        coverage=table.exports / table.imports,
    )


def pair_totals(flows: ibis.Table, reporter: str, partner: str, *, monthly: bool = False) -> ibis.Table:
    """Exports, imports, turnover, balance and coverage (X/M) of the pair, one row per source,
    classification and period. A source's TOTAL rows are its totals; a source with product rows
    only is totalled over its products (each classification separately, never mixed)."""
    rows = bilateral(flows, reporter, partner)
    rows = rows.filter(rows.month > 0) if monthly else rows.filter(rows.month == 0)
    keys = ['source', 'classification', 'year'] + (['month'] if monthly else [])
    return _pivot_directions(rows, keys).order_by(keys)


def partner_share(flows: ibis.Table, reporter: str, partner: str) -> ibis.Table:
    """The partner's share of the reporter's trade with all partners, per source and year.

    All partners' rows are needed: the world total is the source's WLD row where it has one,
    otherwise the sum over every partner (including "other", _OT).
    """
    rows = oriented(flows, reporter)
    rows = rows.filter((rows.month == 0) & (rows.product == TOTAL))
    per_year = rows.group_by(['source', 'classification', 'year']).aggregate(
        partner_usd=rows.value_usd.sum(where=rows.counterpart == partner),
        world_rows_usd=rows.value_usd.sum(where=rows.counterpart == WORLD),
        partners_usd=rows.value_usd.sum(where=rows.counterpart != WORLD),
        partner_exports_usd=rows.value_usd.sum(where=(rows.counterpart == partner) & (rows.direction == EXPORTS)),
        partner_imports_usd=rows.value_usd.sum(where=(rows.counterpart == partner) & (rows.direction == IMPORTS)),
        has_world=(rows.counterpart == WORLD).any(),
    )
    world = ibis.ifelse(per_year.has_world, per_year.world_rows_usd, per_year.partners_usd)
    table = per_year.mutate(world_usd=world)
    table = table.mutate(share=table.partner_usd / table.world_usd)
    return table.drop('world_rows_usd', 'partners_usd', 'has_world').order_by(['source', 'year'])


def product_values(
    flows: ibis.Table, reporter: str, direction: str, *, year: int, source: str, classification: str
) -> ibis.Table:
    """The reporter's exports (X) or imports (M) by product with the world, in one year.

    The source's WLD rows where it has them, otherwise the sum over partners.
    """
    rows = oriented(flows, reporter)
    rows = rows.filter(
        (rows.direction == direction)
        & (rows.year == year)
        & (rows.month == 0)
        & (rows.source == source)
        & (rows.classification == classification)
        & (rows.product != TOTAL)
    )
    table = rows.group_by('product').aggregate(
        world_rows_usd=rows.value_usd.sum(where=rows.counterpart == WORLD),
        partners_usd=rows.value_usd.sum(where=rows.counterpart != WORLD),
        has_world=(rows.counterpart == WORLD).any(),
    )
    return table.select('product', value_usd=ibis.ifelse(table.has_world, table.world_rows_usd, table.partners_usd))


def product_growth(
    flows: ibis.Table,
    reporter: str,
    partner: str,
    direction: str,
    *,
    year: int,
    base_year: int,
    source: str,
    classification: str,
    digits: int = 6,
) -> ibis.Table:
    """Every product of the pair's flow with its value in both years, share, growth and its
    contribution to the growth of the total in percentage points:
    contribution_k = (v_k,t − v_k,base) / V_base, so the contributions add up to the total's growth."""
    rows = bilateral(flows, reporter, partner)
    rows = rows.filter(
        (rows.direction == direction)
        & (rows.month == 0)
        & (rows.source == source)
        & (rows.classification == classification)
        & (rows.product != TOTAL)
        & rows.year.isin([year, base_year])
    )
    code = rows.product.substr(0, digits) if digits < 6 else rows.product
    rows = rows.mutate(code=code)
    table = rows.group_by('code').aggregate(
        value_usd=rows.value_usd.sum(where=rows.year == year).fill_null(0),
        base_value_usd=rows.value_usd.sum(where=rows.year == base_year).fill_null(0),
    )
    totals = table.aggregate(total_usd=table.value_usd.sum(), base_total_usd=table.base_value_usd.sum())
    table = table.cross_join(totals)
    return table.mutate(
        share=table.value_usd / table.total_usd,
        growth=ibis.ifelse(table.base_value_usd > 0, table.value_usd / table.base_value_usd - 1, ibis.null()),
        contribution=(table.value_usd - table.base_value_usd) / table.base_total_usd,
    ).rename(product='code')


def hhi(values: ibis.Table, value: str = 'value_usd') -> ibis.Table:
    """Herfindahl–Hirschman index of the shares of `value` (one row per product or partner):
    HHI = Σ s², normalised (HHI − 1/N) / (1 − 1/N); positive values only."""
    values = values.filter(values[value] > 0)
    total = values[value].sum()
    table = values.aggregate(sum_squares=(values[value] * values[value]).sum(), total=total, n=values.count())
    index = table.sum_squares / (table.total * table.total)
    table = table.mutate(hhi=index)
    return table.mutate(
        hhi_normalised=ibis.ifelse(table.n > 1, (table.hhi - 1 / table.n) / (1 - 1 / table.n), ibis.null()),
    ).select('hhi', 'hhi_normalised', 'n')


def exports_by_exporter_product(flows: ibis.Table) -> ibis.Table:
    """Every exporter's exports by product and year, per source and classification: the input of
    RCA. Small enough (exporters × products) to be precomputed once per store version and kept,
    so that RCA for any reporter reads it instead of every flow (see bench/trade_monitor.py)."""
    rows = flows.filter(
        (flows.flow == EXPORTS) & (flows.month == 0) & (flows.product != TOTAL) & (flows.partner != WORLD)
    )
    keys = ['source', 'classification', 'year', 'reporter', 'product']
    return rows.group_by(keys).aggregate(value_usd=rows.value_usd.sum())


def rca(
    flows: ibis.Table, reporter: str, *, year: int, source: str, classification: str, exports: ibis.Table | None = None
) -> ibis.Table:
    """Balassa's revealed comparative advantage for every product the reporter exports:
    RCA_ik = (X_ik / X_i) / (W_k / W), with W the exports of every exporter in the source (which
    must therefore hold the world's trade, e.g. BACI), and the symmetric (RCA − 1)/(RCA + 1).

    `exports`, when given, is `exports_by_exporter_product(flows)` computed beforehand."""
    rows = (
        exports
        if exports is not None
        else flows.filter(
            (flows.flow == EXPORTS) & (flows.month == 0) & (flows.product != TOTAL) & (flows.partner != WORLD)
        )
    )
    rows = rows.filter((rows.year == year) & (rows.source == source) & (rows.classification == classification))
    # W_k and W over every exporter; X_ik and X_i over the reporter's rows only (two cheap
    # aggregations instead of one over every (exporter, product) pair)
    world_k = rows.group_by('product').aggregate(world_usd=rows.value_usd.sum())
    world = rows.aggregate(world_total_usd=rows.value_usd.sum())
    mine = rows.filter(rows.reporter == reporter)
    own = mine.group_by('product').aggregate(value_usd=mine.value_usd.sum())
    own_total = mine.aggregate(reporter_total_usd=mine.value_usd.sum())
    table = own.join(world_k, 'product').cross_join(own_total).cross_join(world)
    index = (table.value_usd / table.reporter_total_usd) / (table.world_usd / table.world_total_usd)
    table = table.mutate(rca=index)
    return table.mutate(rca_symmetric=(table.rca - 1) / (table.rca + 1)).order_by(ibis.desc('rca'))


def complementarity(
    flows: ibis.Table, exporter: str, importer: str, *, year: int, source: str, classification: str
) -> ibis.Table:
    """Michaely's trade complementarity: how well the exporter's export mix matches the importer's
    import mix, TC = 100 · (1 − Σ_k |m_jk − x_ik| / 2); 0 no match, 100 a perfect match."""
    keys = {'year': year, 'source': source, 'classification': classification}
    exports = product_values(flows, exporter, EXPORTS, **keys)
    imports = product_values(flows, importer, IMPORTS, **keys)
    exports = exports.mutate(x_share=exports.value_usd / exports.value_usd.sum()).select('product', 'x_share')
    imports = imports.mutate(m_share=imports.value_usd / imports.value_usd.sum()).select('product', 'm_share')
    joined = exports.outer_join(imports, exports.product == imports.product)
    distance = (joined.m_share.fill_null(0) - joined.x_share.fill_null(0)).abs().sum()
    return joined.aggregate(tc=100 * (1 - distance / 2))


def reported_side(flows: ibis.Table, reporter: str, partner: str, flow: str) -> ibis.Table:
    """What the reporter itself declares for one flow with the partner, per source and year
    (reconciled sources excluded: they belong to neither side)."""
    rows = flows.filter(
        (flows.reporter == reporter)
        & (flows.partner == partner)
        & (flows.flow == flow)
        & (flows.month == 0)
        & ~flows.source.isin(list(RECONCILED_SOURCES))
    )
    return rows.group_by(['source', 'classification', 'year']).aggregate(value_usd=rows.value_usd.sum())


#
# Small calculations on results (plain Python; the series are a few dozen numbers)
#


def cagr(first: float, last: float, years: int) -> float | None:
    """Compound annual growth rate (last / first)^(1/years) − 1."""
    if not first or not last or years <= 0 or (last / first) <= 0:
        return None
    return (last / first) ** (1 / years) - 1


def choose_series(table: pd.DataFrame, preferred: str | None = None) -> pd.DataFrame:
    """Rows of one (source, classification) series: the preferred source if given, otherwise the
    first source in SOURCE_PRIORITY that has the most years. Never a mix of sources."""
    if table.empty:
        return table
    series = table.groupby(['source', 'classification'], sort=False).size().reset_index(name='years')
    if preferred:
        series = series[series.source == preferred]
    series['rank'] = series.source.map(_source_rank)
    series = series.sort_values(['rank', 'years', 'classification'], ascending=[True, False, True])
    if series.empty:
        return table.iloc[0:0]
    source, classification = series.iloc[0][['source', 'classification']]
    chosen = table[(table.source == source) & (table.classification == classification)]
    return chosen.reset_index(drop=True)


def _source_rank(source: str) -> int:
    for rank, prefix in enumerate(SOURCE_PRIORITY):
        if source == prefix or source.startswith(prefix + ':'):
            return rank
    return len(SOURCE_PRIORITY)


def add_growth(table: pd.DataFrame, columns=('exports', 'imports', 'turnover')) -> pd.DataFrame:
    """Year-on-year growth of each column; a gap in the years gives no growth (not a multi-year one)."""
    table = table.sort_values('year').reset_index(drop=True)
    consecutive = table.year.diff() == 1
    for column in columns:
        previous = table[column].shift(1)
        growth = table[column] / previous - 1
        table[f'{column}_growth'] = growth.where(consecutive & (previous > 0))
    return table


#
# The notebook API
#


@dataclass
class Monitor:
    """The bilateral monitor of one pair, seen from the reporter's side.

    `flows` defaults to the store's current rows; pass any Ibis table of the same schema (a
    memtable in tests, a Spark table at scale). Illustrative rows are left out unless
    `include_illustrative` is set; product views fall back to them, labelled, only when no real
    product data exist.
    """

    reporter: str = 'UZB'
    partner: str = 'CHN'
    flows: ibis.Table | None = None
    include_illustrative: bool = False
    cif_fob_factor: float = CIF_FOB_FACTOR
    _all: ibis.Table | None = field(default=None, init=False, repr=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        if self.flows is None:
            from trade import store

            self.flows = store.flows()
        self._all = self.flows
        if not self.include_illustrative:
            self.flows = official(self.flows)

    # Totals

    def yearly(self, source: str | None = None) -> pd.DataFrame:
        """Exports, imports, turnover, balance, coverage and their growth by year, one series."""
        table = pair_totals(self.flows, self.reporter, self.partner).execute()
        table = choose_series(table, source)
        return _labelled(add_growth(table))

    def series(self) -> pd.DataFrame:
        """Yearly totals of every source and classification covering the pair, side by side."""
        return _labelled(pair_totals(self.flows, self.reporter, self.partner).execute())

    def monthly(self, source: str | None = None) -> pd.DataFrame:
        table = pair_totals(self.flows, self.reporter, self.partner, monthly=True).execute()
        return _labelled(choose_series(table, source))

    def cagr(self, column: str = 'turnover', first: int | None = None, last: int | None = None) -> float | None:
        yearly = self.yearly().dropna(subset=[column]).set_index('year')
        if yearly.empty:
            return None
        first = first or int(yearly.index.min())
        last = last or int(yearly.index.max())
        return cagr(yearly.at[first, column], yearly.at[last, column], last - first)

    def share(self, source: str | None = None) -> pd.DataFrame:
        """The partner's share of the reporter's total trade (exports + imports) by year."""
        table = partner_share(self.flows, self.reporter, self.partner).execute()
        return _labelled(choose_series(table, source))

    def partner_concentration(self, year: int, source: str | None = None) -> pd.DataFrame:
        """HHI of the reporter's trade over its partners in one year."""
        rows = oriented(self.flows, self.reporter)
        rows = rows.filter((rows.year == year) & (rows.month == 0) & (rows.product == TOTAL))
        rows = rows.filter(rows.counterpart != WORLD)
        available = rows.select('source', 'classification').distinct().execute()
        chosen = choose_series(available, source)
        if chosen.empty:
            return pd.DataFrame(columns=['hhi', 'hhi_normalised', 'n'])
        rows = rows.filter(rows.source == chosen.source[0])
        values = rows.group_by('counterpart').aggregate(value_usd=rows.value_usd.sum())
        result = hhi(values).execute()
        result['source'] = chosen.source[0]
        return _labelled(result)

    # Products

    def product_sources(self) -> pd.DataFrame:
        """(source, classification, illustrative) of the product-level data for the pair, with years."""
        rows = bilateral(self._all, self.reporter, self.partner)
        rows = rows.filter((rows.product != TOTAL) & (rows.month == 0))
        table = rows.group_by(['source', 'classification', 'illustrative']).aggregate(
            first_year=rows.year.min(), last_year=rows.year.max()
        )
        return table.execute()

    def product_series(self) -> tuple[str, str, bool] | None:
        """The product-level series to use: real data if any, else illustrative (labelled)."""
        if 'product_series' not in self._memo:
            self._memo['product_series'] = self._product_series()
        return self._memo['product_series']

    def _product_series(self) -> tuple[str, str, bool] | None:
        available = self.product_sources()
        if available.empty:
            return None
        available = available.assign(rank=available.source.map(_source_rank))
        available = available.sort_values(['illustrative', 'rank', 'last_year'], ascending=[True, True, False])
        row = available.iloc[0]
        return row.source, row.classification, bool(row.illustrative)

    def product_years(self) -> list[int]:
        if 'product_years' not in self._memo:
            self._memo['product_years'] = self._product_years()
        return self._memo['product_years']

    def _product_years(self) -> list[int]:
        chosen = self.product_series()
        if chosen is None:
            return []
        source, classification, _illustrative = chosen
        rows = bilateral(self._all, self.reporter, self.partner)
        rows = rows.filter((rows.source == source) & (rows.classification == classification) & (rows.month == 0))
        return sorted(int(year) for year in rows.select('year').distinct().execute().year)

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
        table = product_growth(
            flows, self.reporter, self.partner, direction, year=year, base_year=base_year, source=source,
            classification=classification, digits=digits,
        )  # fmt: skip
        table = table.order_by([ibis.desc('value_usd'), 'product'])
        if n:
            table = table.limit(n)
        result = table.execute()
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
        rows = bilateral(self._all, self.reporter, self.partner)
        rows = rows.filter(
            (rows.direction == direction) & (rows.month == 0) & (rows.source == source)
            & (rows.classification == classification) & rows.product.startswith(code)
        )  # fmt: skip
        found = rows.group_by('year').aggregate(value_usd=rows.value_usd.sum()).execute()
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
        rows = bilateral(self._all, self.reporter, self.partner)
        rows = rows.filter(
            (rows.direction == direction) & (rows.year == year) & (rows.month == 0) & (rows.source == source)
            & (rows.classification == classification) & (rows.product != TOTAL)
        )  # fmt: skip
        values = rows.group_by('product').aggregate(value_usd=rows.value_usd.sum())
        result = hhi(values).execute()
        return result.assign(year=year, source=source, classification=classification, illustrative=illustrative)

    def rca(self, year: int, *, source: str = 'baci', classification: str = 'HS2017') -> pd.DataFrame:
        result = rca(self.flows, self.reporter, year=year, source=source, classification=classification).execute()
        return result.assign(year=year, source=source, classification=classification)

    def complementarity(self, year: int, *, source: str = 'baci', classification: str = 'HS2017') -> pd.DataFrame:
        """TC in both directions: reporter's exports vs partner's imports, and the reverse."""
        keys = {'year': year, 'source': source, 'classification': classification}
        rows = []
        for exporter, importer in ((self.reporter, self.partner), (self.partner, self.reporter)):
            value = complementarity(self.flows, exporter, importer, **keys).execute().tc.iloc[0]
            rows.append({'exporter': exporter, 'importer': importer, 'tc': _number(value), **keys})
        return pd.DataFrame(rows)

    # Mirror statistics

    def mirror(self) -> pd.DataFrame:
        """Each side's report of the same flow, where both exist: the importer's declaration (CIF)
        against the exporter's (FOB) times the CIF/FOB factor κ.
        gap = M − κX; gap_pct = gap / (κX); symmetric = 2(M − κX)/(M + κX); log_gap = ln(M/(κX))."""
        rows = []
        for importer, exporter in ((self.reporter, self.partner), (self.partner, self.reporter)):
            imports = reported_side(self.flows, importer, exporter, IMPORTS).execute()
            exports = reported_side(self.flows, exporter, importer, EXPORTS).execute()
            if imports.empty or exports.empty:
                continue
            joined = imports.merge(exports, on=['year', 'classification'], suffixes=('_m', '_x'))
            for record in joined.sort_values(['year', 'source_m', 'source_x']).to_dict('records'):
                m, x = record['value_usd_m'], record['value_usd_x']
                kx = self.cif_fob_factor * x
                rows.append({
                    'year': int(record['year']), 'importer': importer, 'exporter': exporter,
                    'classification': record['classification'],
                    'imports_reported_usd': m, 'imports_source': record['source_m'],
                    'exports_reported_usd': x, 'exports_source': record['source_x'],
                    'cif_fob_factor': self.cif_fob_factor, 'gap_usd': m - kx,
                    'gap_pct': (m - kx) / kx if kx else None,
                    'symmetric_gap': 2 * (m - kx) / (m + kx) if (m + kx) else None,
                    'log_gap': math.log(m / kx) if m > 0 and kx > 0 else None,
                })  # fmt: skip
        columns = [
            'year', 'importer', 'exporter', 'classification', 'imports_reported_usd', 'imports_source',
            'exports_reported_usd', 'exports_source', 'cif_fob_factor', 'gap_usd', 'gap_pct', 'symmetric_gap',
            'log_gap',
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)


def _number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _labelled(table: pd.DataFrame) -> pd.DataFrame:
    if 'source' in table and 'illustrative' not in table:
        table['illustrative'] = table.source == ILLUSTRATIVE_SOURCE
    return table
