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
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import ibis
import ibis.expr.operations as ops
import pandas as pd

TOTAL = 'TOTAL'
WORLD = 'WLD'
# The official tables' "other countries / areas not specified": a partner in sums, not a country.
OTHER_COUNTRIES = '_OT'
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


def partner_totals(flows: ibis.Table, reporter: str) -> ibis.Table:
    """The reporter's exports, imports, turnover and balance with each partner, one row per source,
    classification, year and partner, with the reporter's totals with the world beside them
    (`world_exports`, `world_imports`, `world_turnover`) and the partner's share of the turnover.

    WLD rows are not partners: they are the world total where the source has them (per flow),
    otherwise the world is the sum over every partner, "other countries" (_OT) included. A flow
    that the source does not cover in a year stays empty rather than zero, so a source of imports
    only has no turnover and no share."""
    rows = oriented(flows, reporter)
    rows = rows.filter(rows.month == 0)
    keys = ['source', 'classification', 'year']
    is_world = rows.counterpart == WORLD
    exported, imported = rows.direction == EXPORTS, rows.direction == IMPORTS
    world = rows.group_by(keys).aggregate(
        has_exports=exported.any(),
        has_imports=imported.any(),
        has_world_exports=(exported & is_world).any(),
        has_world_imports=(imported & is_world).any(),
        world_rows_exports=rows.value_usd.sum(where=exported & is_world),
        world_rows_imports=rows.value_usd.sum(where=imported & is_world),
        partners_exports=rows.value_usd.sum(where=exported & ~is_world),
        partners_imports=rows.value_usd.sum(where=imported & ~is_world),
    )
    world = world.mutate(
        world_exports=ibis.ifelse(world.has_world_exports, world.world_rows_exports, world.partners_exports),
        world_imports=ibis.ifelse(world.has_world_imports, world.world_rows_imports, world.partners_imports),
    )
    partners = rows.filter(~is_world)
    partners = partners.group_by([*keys, 'counterpart']).aggregate(
        exports=partners.value_usd.sum(where=partners.direction == EXPORTS),
        imports=partners.value_usd.sum(where=partners.direction == IMPORTS),
    )
    table = partners.join(world, keys)
    none = ibis.null('float64')
    table = table.mutate(
        # a partner listed in one flow only traded nothing in the other, where the source covers it
        exports=ibis.ifelse(table.has_exports, table.exports.fill_null(0), none),
        imports=ibis.ifelse(table.has_imports, table.imports.fill_null(0), none),
    )
    table = table.mutate(
        turnover=table.exports + table.imports,
        balance=table.exports - table.imports,
        world_turnover=table.world_exports + table.world_imports,
    )
    table = table.mutate(share=ibis.ifelse(table.world_turnover > 0, table.turnover / table.world_turnover, none))
    columns = [
        *keys, 'counterpart', 'exports', 'imports', 'turnover', 'balance', 'share',
        'world_exports', 'world_imports', 'world_turnover',
    ]  # fmt: skip
    return table.select(columns).rename(partner='counterpart').order_by([*keys, 'partner'])


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
        # no contribution without a base: a product series starting in `year` has nothing to grow from
        contribution=ibis.ifelse(
            table.base_total_usd > 0, (table.value_usd - table.base_value_usd) / table.base_total_usd, ibis.null()
        ),
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
    keys = ['source', 'classification', 'year', 'reporter', 'product', 'illustrative']
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


def _declared_products(flows: ibis.Table, importer: str, exporter: str) -> ibis.Table:
    """Both sides' own product-level reports of one flow: the importer's imports from the exporter
    (`side` M) and the exporter's exports to the importer (`side` X); reconciled sources excluded,
    as in `reported_side`."""
    imports = (flows.reporter == importer) & (flows.partner == exporter) & (flows.flow == IMPORTS)
    exports = (flows.reporter == exporter) & (flows.partner == importer) & (flows.flow == EXPORTS)
    rows = flows.filter(
        (imports | exports)
        & (flows.month == 0)
        & (flows.product != TOTAL)
        & ~flows.source.isin(list(RECONCILED_SOURCES))
    )
    return rows.mutate(side=rows.flow.cast('string'))


def mirror_product_sources(flows: ibis.Table, importer: str, exporter: str) -> ibis.Table:
    """(side, source, classification, year) of each side's product-level reports of the flow."""
    rows = _declared_products(flows, importer, exporter)
    return rows.select('side', 'source', 'classification', 'year').distinct()


def mirror_products(
    flows: ibis.Table,
    importer: str,
    exporter: str,
    *,
    year: int,
    classification: str,
    import_source: str,
    export_source: str,
    digits: int = 2,
    cif_fob_factor: float = CIF_FOB_FACTOR,
) -> ibis.Table:
    """The mirror gap by HS chapter (digits 2) or heading (4): the importer's declared imports (CIF)
    against the exporter's declared exports (FOB) times κ, each side from its own named source in
    one classification. gap = M − κX, gap_pct = gap / (κX), symmetric_gap = 2(M − κX)/(M + κX);
    a code only one side reports counts as zero on the other. Largest absolute gap first."""
    rows = _declared_products(flows, importer, exporter)
    rows = rows.filter(
        (rows.year == year)
        & (rows.classification == classification)
        & (
            ((rows.side == IMPORTS) & (rows.source == import_source))
            | ((rows.side == EXPORTS) & (rows.source == export_source))
        )
    )
    rows = rows.mutate(code=rows.product.substr(0, digits))
    table = rows.group_by('code').aggregate(
        imports_usd=rows.value_usd.sum(where=rows.side == IMPORTS).fill_null(0),
        exports_usd=rows.value_usd.sum(where=rows.side == EXPORTS).fill_null(0),
    )
    table = table.mutate(exports_cif_usd=table.exports_usd * cif_fob_factor)
    table = table.mutate(gap_usd=table.imports_usd - table.exports_cif_usd)
    table = table.mutate(
        gap_pct=ibis.ifelse(table.exports_cif_usd > 0, table.gap_usd / table.exports_cif_usd, ibis.null()),
        symmetric_gap=ibis.ifelse(
            (table.imports_usd + table.exports_cif_usd) > 0,
            2 * table.gap_usd / (table.imports_usd + table.exports_cif_usd),
            ibis.null(),
        ),
    )
    return table.order_by([ibis.desc(table.gap_usd.abs()), 'code'])


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


def rank_partners(table: pd.DataFrame) -> pd.DataFrame:
    """Each partner's rank by turnover in its year (1 = largest) and its growth on the year before.

    "Other countries" (_OT) counts in sums and shares but is not a country, so it has no rank;
    growth is given only between consecutive years, as for the pair's series."""
    table = table.sort_values(['source', 'classification', 'partner', 'year']).reset_index(drop=True)
    countries = table[table.partner != OTHER_COUNTRIES]
    ranks = countries.groupby(['source', 'classification', 'year']).turnover.rank(method='min', ascending=False)
    table['rank'] = pd.array([None if pd.isna(value) else int(value) for value in ranks.reindex(table.index)], 'Int64')
    group = table.groupby(['source', 'classification', 'partner'])
    consecutive = group.year.diff() == 1
    for column in ('exports', 'imports', 'turnover'):
        previous = group[column].shift(1)
        table[f'{column}_growth'] = (table[column] / previous - 1).where(consecutive & (previous > 0))
    return table


def year_to_date(monthly: pd.DataFrame) -> dict | None:
    """January to the latest month of the latest year against the same months of the year before.

    A total needs every one of those months (a missing month would look like a fall), and growth
    needs both years complete; otherwise they are None."""
    if monthly.empty:
        return None
    year = int(monthly.year.max())
    month = int(monthly[monthly.year == year].month.max())
    current = monthly[(monthly.year == year) & (monthly.month <= month)]
    previous = monthly[(monthly.year == year - 1) & (monthly.month <= month)]
    months = set(range(1, month + 1))
    complete = set(current.month.astype(int)) == months and set(previous.month.astype(int)) == months
    result = {
        'year': year, 'base_year': year - 1, 'month': month, 'complete': complete,
        'source': monthly.source.iloc[0], 'classification': monthly.classification.iloc[0],
    }  # fmt: skip
    for column in ('exports', 'imports', 'turnover', 'balance'):
        value = _number(current[column].sum(min_count=month)) if set(current.month.astype(int)) == months else None
        base = _number(previous[column].sum(min_count=month)) if complete else None
        result[column], result[f'base_{column}'] = value, base
        if column != 'balance':
            usable = value is not None and base is not None and base > 0
            result[f'{column}_growth'] = value / base - 1 if usable else None
    return result


def choose_mirror_series(available: pd.DataFrame) -> pd.DataFrame:
    """For each year, the pair of sources to compare: one report of each side in the same
    classification, each side's source first in SOURCE_PRIORITY (then the newer edition).
    `available` is `mirror_product_sources`' result; columns year, classification,
    imports_source, exports_source."""
    columns = ['year', 'classification', 'imports_source', 'exports_source']
    if available.empty:
        return pd.DataFrame(columns=columns)
    imports = available[available.side == IMPORTS][['year', 'classification', 'source']]
    exports = available[available.side == EXPORTS][['year', 'classification', 'source']]
    pairs = imports.merge(exports, on=['year', 'classification'], suffixes=('_m', '_x'))
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    pairs = pairs.assign(rank_m=pairs.source_m.map(_source_rank), rank_x=pairs.source_x.map(_source_rank))
    pairs = pairs.sort_values(['year', 'rank_m', 'rank_x', 'classification'], ascending=[True, True, True, False])
    pairs = pairs.drop_duplicates('year').rename(columns={'source_m': 'imports_source', 'source_x': 'exports_source'})
    return pairs.assign(year=pairs.year.astype(int))[columns].reset_index(drop=True)


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
# Running expressions
#

# Ibis compiles an expression to SQL in pure Python (50–100 ms for the monitor's queries, whatever
# the data's size), which would be most of a warm answer. The SQL of each expression is kept,
# keyed by the expression's operation tree (structural equality: the same call builds an equal
# tree); the store is read through a view of fixed name (trade.store.flows_view), so the SQL
# stays valid when imports change the files behind it.
_COMPILED_LIMIT = 512
_compiled: OrderedDict = OrderedDict()
_compiled_lock = threading.Lock()


def compiled_sql(expression) -> str | None:
    """The DuckDB SQL of an expression bound to a DuckDB backend, compiled once; None otherwise."""
    operation = expression.op()
    with _compiled_lock:
        sql = _compiled.get(operation)
        if sql is not None:
            _compiled.move_to_end(operation)
            return sql
    backend = _duckdb_backend(expression)
    if backend is None:
        return None
    sql = backend.compile(expression)
    with _compiled_lock:
        _compiled[operation] = sql
        while len(_compiled) > _COMPILED_LIMIT:
            _compiled.popitem(last=False)
    return sql


def _duckdb_backend(expression):
    try:
        backend = expression._find_backend(use_default=False)
    except Exception:  # unbound or several backends: let ibis decide how to run it
        return None
    if backend.name != 'duckdb' or expression.op().find(ops.InMemoryTable):
        return None  # ibis registers in-memory tables when it executes; keep its path for those
    return backend


def execute(expression) -> pd.DataFrame:
    """Execute an expression as a pandas DataFrame, with DuckDB through its kept SQL."""
    sql = compiled_sql(expression)
    if sql is None:
        return expression.execute()
    from ibis.backends.duckdb.converter import DuckDBPandasData

    backend = expression._find_backend(use_default=False)
    arrow = backend.con.sql(sql).to_arrow_table()
    frame = arrow.to_pandas()
    return DuckDBPandasData.convert_table(frame, expression.as_table().schema())


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
    # (source, classification, year) → exports_by_exporter_product rows covering that year,
    # computed beforehand; RCA then reads them instead of every flow of the year.
    exporter_products: Callable[[str, str, int], ibis.Table] | None = None
    _all: ibis.Table | None = field(default=None, init=False, repr=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        if self.flows is None:
            from trade import store

            self.flows = store.flows_view(store.current_paths())
            self.exporter_products = self.exporter_products or store.exporter_products
        self._all = self.flows
        if not self.include_illustrative:
            self.flows = official(self.flows)

    def _execute(self, expression) -> pd.DataFrame:
        """Run an expression; every query of the monitor goes through here (see compiled_sql)."""
        return execute(expression)

    # Totals

    def yearly(self, source: str | None = None) -> pd.DataFrame:
        """Exports, imports, turnover, balance, coverage and their growth by year, one series."""
        table = self._execute(pair_totals(self.flows, self.reporter, self.partner))
        table = choose_series(table, source)
        return _labelled(add_growth(table))

    def series(self) -> pd.DataFrame:
        """Yearly totals of every source and classification covering the pair, side by side."""
        return _labelled(self._execute(pair_totals(self.flows, self.reporter, self.partner)))

    def monthly(self, source: str | None = None) -> pd.DataFrame:
        table = self._execute(pair_totals(self.flows, self.reporter, self.partner, monthly=True))
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
        table = self._execute(partner_share(self.flows, self.reporter, self.partner))
        return _labelled(choose_series(table, source))

    def partner_concentration(self, year: int, source: str | None = None) -> pd.DataFrame:
        """HHI of the reporter's trade over its partners in one year."""
        rows = oriented(self.flows, self.reporter)
        rows = rows.filter((rows.year == year) & (rows.month == 0) & (rows.product == TOTAL))
        rows = rows.filter(rows.counterpart != WORLD)
        available = self._execute(rows.select('source', 'classification').distinct())
        chosen = choose_series(available, source)
        if chosen.empty:
            return pd.DataFrame(columns=['hhi', 'hhi_normalised', 'n'])
        rows = rows.filter(rows.source == chosen.source[0])
        values = rows.group_by('counterpart').aggregate(value_usd=rows.value_usd.sum())
        result = self._execute(hhi(values))
        result['source'] = chosen.source[0]
        return _labelled(result)

    # Partners

    def partner_table(self, source: str | None = None) -> pd.DataFrame:
        """Every partner in every year of one series (see partner_totals), ranked, with growth."""
        key = ('partner_table', source)
        if key not in self._memo:
            if 'partner_totals' not in self._memo:
                self._memo['partner_totals'] = self._execute(partner_totals(self.flows, self.reporter))
            table = self._memo['partner_totals']
            chosen = choose_series(table[['source', 'classification', 'year']].drop_duplicates(), source)
            if not chosen.empty:
                table = table[(table.source == chosen.source[0]) & (table.classification == chosen.classification[0])]
            else:
                table = table.iloc[0:0]
            self._memo[key] = _labelled(rank_partners(table))
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
        rows = bilateral(self._all, self.reporter, self.partner)
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
        available = available.assign(rank=available.source.map(_source_rank))
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
        table = product_growth(
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
        rows = bilateral(self._all, self.reporter, self.partner)
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
        rows = bilateral(self._all, self.reporter, self.partner)
        rows = rows.filter(
            (rows.direction == direction) & (rows.year == year) & (rows.month == 0) & (rows.source == source)
            & (rows.classification == classification) & (rows.product != TOTAL)
        )  # fmt: skip
        values = rows.group_by('product').aggregate(value_usd=rows.value_usd.sum())
        result = self._execute(hhi(values))
        return result.assign(year=year, source=source, classification=classification, illustrative=illustrative)

    def rca(self, year: int, *, source: str = 'baci', classification: str = 'HS2017') -> pd.DataFrame:
        exports = None
        if self.exporter_products is not None:
            exports = self.exporter_products(source, classification, year)
            exports = exports if self.include_illustrative else official(exports)
        expression = rca(self.flows, self.reporter, year=year, source=source, classification=classification,
                         exports=exports)  # fmt: skip
        return self._execute(expression).assign(year=year, source=source, classification=classification)

    def complementarity(self, year: int, *, source: str = 'baci', classification: str = 'HS2017') -> pd.DataFrame:
        """TC in both directions: reporter's exports vs partner's imports, and the reverse."""
        keys = {'year': year, 'source': source, 'classification': classification}
        rows = []
        for exporter, importer in ((self.reporter, self.partner), (self.partner, self.reporter)):
            value = self._execute(complementarity(self.flows, exporter, importer, **keys)).tc.iloc[0]
            rows.append({'exporter': exporter, 'importer': importer, 'tc': _number(value), **keys})
        return pd.DataFrame(rows)

    # Mirror statistics

    def mirror(self) -> pd.DataFrame:
        """Each side's report of the same flow, where both exist: the importer's declaration (CIF)
        against the exporter's (FOB) times the CIF/FOB factor κ.
        gap = M − κX; gap_pct = gap / (κX); symmetric = 2(M − κX)/(M + κX); log_gap = ln(M/(κX))."""
        rows = []
        for importer, exporter in ((self.reporter, self.partner), (self.partner, self.reporter)):
            imports = self._execute(reported_side(self.flows, importer, exporter, IMPORTS))
            exports = self._execute(reported_side(self.flows, exporter, importer, EXPORTS))
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

    def mirror_product_years(self, importer: str | None = None) -> pd.DataFrame:
        """Years in which both sides' own product-level reports of a flow exist, with the sources
        compared (see choose_mirror_series). `importer` is the reporter (default) or the partner."""
        importer, exporter = self._mirror_sides(importer)
        return choose_mirror_series(self._execute(mirror_product_sources(self.flows, importer, exporter)))

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
        expression = mirror_products(
            self.flows, importer, exporter, year=year, classification=row.classification,
            import_source=row.imports_source, export_source=row.exports_source, digits=digits,
            cif_fob_factor=self.cif_fob_factor,
        )  # fmt: skip
        table = self._execute(expression).assign(
            year=year, importer=importer, exporter=exporter, classification=row.classification,
            imports_source=row.imports_source, exports_source=row.exports_source, cif_fob_factor=self.cif_fob_factor,
        )  # fmt: skip
        return table[columns]

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


def _number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _labelled(table: pd.DataFrame) -> pd.DataFrame:
    if 'source' in table and 'illustrative' not in table:
        table['illustrative'] = table.source == ILLUSTRATIVE_SOURCE
    return table
