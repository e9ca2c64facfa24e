"""Small calculations on executed results (pandas; the series are a few dozen numbers): the choice
of one series among sources, growth, ranks, the year to date.

The Ibis expressions that produce the inputs are in trade.analytics.expressions.
"""

import math

import pandas as pd

from trade.schema import EXPORTS, ILLUSTRATIVE_SOURCE, IMPORTS, OTHER_COUNTRIES, SOURCE_PRIORITY


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
    series['rank'] = series.source.map(source_rank)
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
        value = number(current[column].sum(min_count=month)) if set(current.month.astype(int)) == months else None
        base = number(previous[column].sum(min_count=month)) if complete else None
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
    pairs = pairs.assign(rank_m=pairs.source_m.map(source_rank), rank_x=pairs.source_x.map(source_rank))
    pairs = pairs.sort_values(['year', 'rank_m', 'rank_x', 'classification'], ascending=[True, True, True, False])
    pairs = pairs.drop_duplicates('year').rename(columns={'source_m': 'imports_source', 'source_x': 'exports_source'})
    return pairs.assign(year=pairs.year.astype(int))[columns].reset_index(drop=True)


def source_rank(source: str) -> int:
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


def number(value):
    """A float, or None for a missing value (NaN)."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def labelled(table: pd.DataFrame) -> pd.DataFrame:
    """The table with an `illustrative` column saying which rows are generated data."""
    if 'source' in table and 'illustrative' not in table:
        table['illustrative'] = table.source == ILLUSTRATIVE_SOURCE
    return table
