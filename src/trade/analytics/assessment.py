"""Where a target stands against the official yearly series of its pair.

`assess(target, yearly)` answers the committee's questions for one target: the latest actual, the
growth needed to reach the target by a chosen year (and for 3–6 years), the projection of the
series with its prediction interval, how good that projection was in the past (back-test against
the naive random walk with drift), on-track/at-risk/off-track, and how the needed turnover splits
into exports and imports under stated balance assumptions. The methods are in
trade.analytics.projection.
"""

from dataclasses import dataclass, field

import pandas as pd

from trade.analytics import projection
from trade.models import Target

TABLE_YEARS = (3, 4, 5, 6)
DEFAULT_YEARS = 5  # a target without a year is assessed for the latest year + 5 unless another is chosen
# How far ahead the series is projected, and so the latest year a target can be assessed by.
PROJECT_YEARS = 15


def by_years(latest_year: int) -> range:
    """The years a target can be assessed by: after the latest year of the series and at most
    PROJECT_YEARS later (the projection's horizon)."""
    return range(latest_year + 1, latest_year + PROJECT_YEARS + 1)


COLUMNS = {
    Target.Metric.TURNOVER: 'turnover',
    Target.Metric.EXPORTS: 'exports',
    Target.Metric.IMPORTS: 'imports',
    Target.Metric.BALANCE: 'balance',
}


@dataclass
class RequiredRow:
    year: int
    years: int
    required: float | None  # growth rate a year, or USD a year for a balance
    projected: float | None = None
    lower: float | None = None
    upper: float | None = None
    status: str | None = None
    target_path: float | None = None


@dataclass
class SplitRow:
    assumption: str
    exports_usd: float
    imports_usd: float
    balance_usd: float
    exports_growth: float | None
    imports_growth: float | None


@dataclass
class Assessment:
    target: Target
    metric: str
    value: float
    source: str = ''
    classification: str = ''
    history_years: list[int] = field(default_factory=list)
    history: list[float] = field(default_factory=list)
    latest_year: int | None = None
    latest: float | None = None
    by_year: int | None = None
    required: float | None = None
    growth_is_rate: bool = True
    table: list[RequiredRow] = field(default_factory=list)
    projections: dict[str, projection.Projection] = field(default_factory=dict)
    backtests: dict[str, projection.BackTest] = field(default_factory=dict)
    method: str | None = None
    status: str | None = None
    reaches_in: int | None = None
    split: list[SplitRow] = field(default_factory=list)
    official_for_year: float | None = None  # for an announced figure: the statistic of its year

    @property
    def chosen(self) -> projection.Projection | None:
        return self.projections.get(self.method)

    @property
    def difference(self) -> float | None:
        """Announced minus official, for an announced figure."""
        return None if self.official_for_year is None else self.value - self.official_for_year


def history_of(yearly: pd.DataFrame, column: str) -> tuple[list[int], list[float]]:
    """The series' most recent run of consecutive years with a value (positive for log models)."""
    rows = yearly.dropna(subset=[column]).sort_values('year')
    if column != 'balance':
        rows = rows[rows[column] > 0]
    years, values = [int(year) for year in rows.year], [float(value) for value in rows[column]]
    start = len(years) - 1
    while start > 0 and years[start - 1] == years[start] - 1:
        start -= 1
    return years[start:], values[start:]


def assess(target: Target, yearly: pd.DataFrame, *, by: int | None = None) -> Assessment:
    """Where a target stands against the official yearly series of its pair (`Monitor.yearly()`)."""
    column = COLUMNS[target.metric]
    result = Assessment(target=target, metric=column, value=float(target.value_usd))
    if yearly.empty or column not in yearly:
        return result
    result.source, result.classification = yearly.source.iloc[0], yearly.classification.iloc[0]
    years, values = history_of(yearly, column)
    if not years:
        return result
    result.history_years, result.history = years, values
    result.latest_year, result.latest = years[-1], values[-1]
    if target.kind == Target.Kind.ANNOUNCED:
        known = dict(zip(yearly.year.astype(int), yearly[column], strict=True))
        official = known.get(target.year)
        result.official_for_year = None if official is None or pd.isna(official) else float(official)
        return result

    is_balance = column == 'balance'
    result.growth_is_rate = not is_balance
    result.by_year = by or target.year or result.latest_year + DEFAULT_YEARS
    horizon = max(result.by_year, result.latest_year + max(TABLE_YEARS), result.latest_year + PROJECT_YEARS)
    if len(years) >= 3:
        for method in projection.METHODS:
            result.projections[method] = projection.project(method, years, values, horizon, log=not is_balance)
        if len(years) > projection.MIN_TRAINING_YEARS:
            for method in projection.METHODS:
                result.backtests[method] = projection.backtest(method, years, values, log=not is_balance)
        result.method = _better_method(result.backtests)
    result.required = _required(result, result.by_year)
    chosen = result.chosen
    table_years = sorted({result.latest_year + n for n in TABLE_YEARS} | {result.by_year})
    for year in table_years:
        n = year - result.latest_year
        if n <= 0:
            continue
        row = RequiredRow(year=year, years=n, required=_required(result, year))
        if chosen and chosen.at(year):
            row.projected, row.lower, row.upper = chosen.at(year)
            row.status = projection.status(result.value, row.projected, row.upper)
        result.table.append(row)
    if chosen and chosen.at(result.by_year):
        central, _lower, upper = chosen.at(result.by_year)
        result.status = projection.status(result.value, central, upper)
        result.reaches_in = chosen.first_year_reaching(result.value)
    if column == 'turnover' and result.by_year > result.latest_year:
        result.split = _split(result, yearly)
    _add_target_path(result)
    return result


def _better_method(backtests: dict) -> str:
    """The method with the lower back-test MASE; the trend when there is no back-test."""
    scored = [(test.mase, method) for method, test in backtests.items() if test.mase is not None]
    if not scored:
        return projection.TREND
    return min(scored, key=lambda item: (item[0], projection.METHODS.index(item[1])))[1]


def _required(result: Assessment, year: int) -> float | None:
    n = year - result.latest_year
    if result.growth_is_rate:
        return projection.required_growth(result.latest, result.value, n)
    return projection.required_change(result.latest, result.value, n)


def _add_target_path(result: Assessment) -> None:
    """The path from the latest actual to the target by the chosen year at the required pace."""
    if result.required is None:
        return
    for row in result.table:
        n = row.year - result.latest_year
        if row.year > result.by_year:
            continue
        if result.growth_is_rate:
            row.target_path = result.latest * (1 + result.required) ** n
        else:
            row.target_path = result.latest + result.required * n


def target_path(result: Assessment) -> list[dict]:
    """Every year from the latest actual to the chosen year on the required constant path."""
    if result.required is None or result.by_year is None:
        return []
    points = []
    for year in range(result.latest_year, result.by_year + 1):
        n = year - result.latest_year
        if result.growth_is_rate:
            value = result.latest * (1 + result.required) ** n
        else:
            value = result.latest + result.required * n
        points.append({'year': year, 'value': value})
    return points


def _split(result: Assessment, yearly: pd.DataFrame) -> list[SplitRow]:
    latest = yearly[yearly.year == result.latest_year].iloc[0]
    exports, imports = float(latest.exports), float(latest.imports)
    n = result.by_year - result.latest_year
    rows = []
    for assumption in projection.BALANCE_ASSUMPTIONS:
        x, m = projection.split_turnover(result.value, exports, imports, assumption)
        rows.append(
            SplitRow(
                assumption=assumption,
                exports_usd=x,
                imports_usd=m,
                balance_usd=x - m,
                exports_growth=projection.required_growth(exports, x, n),
                imports_growth=projection.required_growth(imports, m, n),
            )
        )
    return rows
