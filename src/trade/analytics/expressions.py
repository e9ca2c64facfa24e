"""Trade analytics as pure Ibis expressions: the code that runs on DuckDB today and on any engine
Ibis supports (Spark, …) when the data outgrow one machine.

Every function takes an Ibis table of flows in the store's schema (`trade.schema.FLOW_SCHEMA`) and
returns an Ibis expression; nothing here executes anything or post-processes results (that is
trade.analytics.engine and trade.analytics.series).

Rules that every figure follows (see docs/trade-monitor.md):
- A series comes from one source and one classification; sources are never added together.
- Illustrative rows (generated data) are excluded unless asked for (`official`).
- Re-exports and re-imports (flows RX/RM) are parts of exports and imports in the general trade
  system, so they are not added to X and M.
- Reconciled sources (BACI) record each flow once, from exporter to importer, valued FOB: the
  reporter's imports are read from the partner's exports.
"""

import ibis

from trade.schema import (
    CIF_FOB_FACTOR,
    EXPORTS,
    ILLUSTRATIVE_SOURCE,
    IMPORTS,
    RECONCILED_SOURCES,
    TOTAL,
    WORLD,
)


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
    table = with_gap(table, cif_fob_factor).drop('log_gap')
    return table.order_by([ibis.desc(table.gap_usd.abs()), 'code'])


def mirror_product_totals(products: ibis.Table, cif_fob_factor: float = CIF_FOB_FACTOR) -> ibis.Table:
    """The totals row of `mirror_products`: the sums of the importer's and the exporter's values,
    and the total's own gap (whose gap_usd is the sum of the rows' gaps)."""
    totals = products.aggregate(imports_usd=products.imports_usd.sum(), exports_usd=products.exports_usd.sum())
    return with_gap(totals, cif_fob_factor).drop('log_gap')


def mirror_totals(
    flows: ibis.Table, importer: str, exporter: str, cif_fob_factor: float = CIF_FOB_FACTOR
) -> ibis.Table:
    """Each side's report of the same flow, where both exist, per classification and year, every
    pair of the two sides' sources: the importer's declaration (CIF) against the exporter's (FOB)."""
    imports = reported_side(flows, importer, exporter, IMPORTS)
    imports = imports.rename(imports_usd='value_usd', imports_source='source')
    exports = reported_side(flows, exporter, importer, EXPORTS)
    exports = exports.rename(exports_usd='value_usd', exports_source='source')
    table = imports.join(exports, ['year', 'classification'])
    table = with_gap(table, cif_fob_factor)
    return table.mutate(
        importer=ibis.literal(importer), exporter=ibis.literal(exporter), cif_fob_factor=ibis.literal(cif_fob_factor)
    )


def with_gap(table: ibis.Table, cif_fob_factor: float) -> ibis.Table:
    """The mirror gap of rows with the importer's `imports_usd` (CIF) and the exporter's
    `exports_usd` (FOB), the one formula of every mirror figure: with κ the CIF/FOB factor,
    exports_cif_usd = κX, gap_usd = M − κX, gap_pct = gap / (κX), symmetric_gap = 2(M − κX)/(M + κX),
    log_gap = ln(M / (κX)); null where the denominator (or the logarithm's argument) is not positive."""
    table = table.mutate(exports_cif_usd=table.exports_usd * cif_fob_factor)
    table = table.mutate(gap_usd=table.imports_usd - table.exports_cif_usd)
    both = table.imports_usd + table.exports_cif_usd
    return table.mutate(
        gap_pct=ibis.ifelse(table.exports_cif_usd > 0, table.gap_usd / table.exports_cif_usd, ibis.null()),
        symmetric_gap=ibis.ifelse(both > 0, 2 * table.gap_usd / both, ibis.null()),
        log_gap=ibis.ifelse(
            (table.imports_usd > 0) & (table.exports_cif_usd > 0),
            (table.imports_usd / table.exports_cif_usd).ln(),
            ibis.null(),
        ),
    )
