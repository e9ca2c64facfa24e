"""Required growth, projections with prediction intervals, and their back-test, for a yearly series.

The series are short (a dozen or two yearly values), so the maths is plain numpy, with scipy's
Student t quantile; every method is stated in docs/trade-monitor.md:

- Required growth to reach a target T* from the latest actual T₀ in n years: g = (T*/T₀)^(1/n) − 1
  (for a balance, which may be negative, the required change per year (B* − B₀)/n instead).
- Projection, two methods on log values (levels for a balance), both starting from the last
  observed value y_T (a projection that started from the fitted line instead would draw a fall
  from the last observation that no method predicts):
  * log-linear trend from the last year: the OLS slope b of ln y on the year, applied from the
    last observation, ŷ_{T+h} = y_T + b·h; the interval ± t(n−2) · s · √(2 + (h² + 2h(T − t̄)) / Sxx),
    the exact variance of that forecast's error under the OLS model (the error of y_T, the slope's
    and their covariance), turned back into USD (so the central value is the median, not the mean);
  * random walk with drift (the naive benchmark): the last value plus the average yearly change
    times h; the interval ± t(n−2) · σ · √(h · (1 + h / (n − 1))), σ the spread of the yearly
    changes around the drift.
- Back-test: rolling origin, each method fitted on the years up to an origin and scored on the
  next 1–3 years; MAPE (%) and MASE (mean absolute error over the mean absolute year-on-year
  change of the whole series). The projection shown is the method with the lower MASE.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

TREND = 'log_linear_trend'
DRIFT = 'drift'
METHODS = (TREND, DRIFT)
LEVEL = 0.8
BACKTEST_HORIZON = 3
MIN_TRAINING_YEARS = 6


def required_growth(latest: float, target: float, years: int) -> float | None:
    """The compound annual growth that takes `latest` to `target` in `years` years."""
    if years <= 0 or latest <= 0 or target <= 0:
        return None
    return (target / latest) ** (1 / years) - 1


def required_change(latest: float, target: float, years: int) -> float | None:
    """The change per year (in USD) that takes a balance from `latest` to `target` in `years` years."""
    return None if years <= 0 else (target - latest) / years


def t_quantile(probability: float, df: int) -> float:
    """The quantile of Student's t distribution with `df` degrees of freedom."""
    if not 0 < probability < 1 or df < 1:
        raise ValueError('probability must be in (0, 1) and df ≥ 1')
    return float(stats.t.ppf(probability, df))


#
# Projections
#


@dataclass
class Projection:
    method: str
    level: float
    years: list[int]
    central: list[float]
    lower: list[float]
    upper: list[float]
    parameters: dict = field(default_factory=dict)

    def at(self, year: int) -> tuple[float, float, float] | None:
        if year not in self.years:
            return None
        index = self.years.index(year)
        return self.central[index], self.lower[index], self.upper[index]

    def first_year_reaching(self, target: float) -> int | None:
        """The first projected year whose central value reaches the target (None if none does)."""
        for year, value in zip(self.years, self.central, strict=True):
            if value >= target:
                return year
        return None


def _transform(values, log: bool):
    values = np.asarray(values, dtype=float)
    return np.log(values) if log else values


def _back(values, log: bool) -> list[float]:
    return [float(value) for value in (np.exp(values) if log else values)]


def project(method: str, years, values, until: int, *, level: float = LEVEL, log: bool = True) -> Projection:
    """Project a yearly series from its last year to `until` with a `level` prediction interval."""
    years = [int(year) for year in years]
    if len(years) < 3:
        raise ValueError('a projection needs at least three years of history')
    if years != list(range(years[0], years[-1] + 1)):
        raise ValueError('the history must have one value for every year')
    y = _transform(values, log)
    ahead = np.arange(years[-1] + 1, until + 1)
    n = len(y)
    quantile = t_quantile((1 + level) / 2, n - 2)
    if method == TREND:
        t = np.asarray(years, dtype=float)
        t_mean = t.mean()
        sxx = float(((t - t_mean) ** 2).sum())
        slope = float(((t - t_mean) * (y - y.mean())).sum() / sxx)
        residuals = y - (float(y.mean()) + slope * (t - t_mean))
        s = math.sqrt(float((residuals**2).sum()) / (n - 2))
        h = ahead - years[-1]
        central = y[-1] + slope * h
        spread = quantile * s * np.sqrt(2 + (h**2 + 2 * h * (years[-1] - t_mean)) / sxx)
        parameters = {'slope': slope, 'residual_sd': s, 'annual_growth': math.exp(slope) - 1 if log else None}
    elif method == DRIFT:
        changes = np.diff(y)
        drift = float(changes.mean())
        sigma = math.sqrt(float(((changes - drift) ** 2).sum()) / (len(changes) - 1))
        h = ahead - years[-1]
        central = y[-1] + drift * h
        spread = quantile * sigma * np.sqrt(h * (1 + h / len(changes)))
        parameters = {'drift': drift, 'residual_sd': sigma, 'annual_growth': math.exp(drift) - 1 if log else None}
    else:
        raise ValueError(f'unknown method {method!r}')
    return Projection(
        method=method,
        level=level,
        years=[int(year) for year in ahead],
        central=_back(central, log),
        lower=_back(central - spread, log),
        upper=_back(central + spread, log),
        parameters=parameters,
    )


@dataclass
class BackTest:
    method: str
    forecasts: int
    mape: float | None  # percent
    mase: float | None


def backtest(
    method: str, years, values, *, horizon: int = BACKTEST_HORIZON, min_training: int = MIN_TRAINING_YEARS,
    log: bool = True,
) -> BackTest:  # fmt: skip
    """Rolling-origin evaluation: fit on the first k years (k ≥ min_training), forecast the next
    1…horizon years that exist, and score every forecast against what happened."""
    years = [int(year) for year in years]
    values = [float(value) for value in values]
    errors, percentage_errors = [], []
    for k in range(min_training, len(values)):
        projection = project(method, years[:k], values[:k], min(years[k - 1] + horizon, years[-1]), log=log)
        for year, forecast in zip(projection.years, projection.central, strict=True):
            actual = values[years.index(year)]
            errors.append(abs(actual - forecast))
            if actual:
                percentage_errors.append(abs(actual - forecast) / abs(actual))
    scale = float(np.mean(np.abs(np.diff(values)))) if len(values) > 1 else 0.0
    mape = 100 * float(np.mean(percentage_errors)) if percentage_errors else None
    mase = float(np.mean(errors)) / scale if errors and scale else None
    return BackTest(method=method, forecasts=len(errors), mape=mape, mase=mase)


def status(target: float, central: float, upper: float) -> str:
    """on_track: the projection's central value reaches the target by the year; at_risk: only the
    upper end of the interval does; off_track: not even the upper end does."""
    if central >= target:
        return 'on_track'
    if upper >= target:
        return 'at_risk'
    return 'off_track'


#
# Splitting a turnover target into exports and imports
#

BALANCE_ASSUMPTIONS = ('keep_coverage', 'keep_balance', 'halve_deficit', 'balanced')


def split_turnover(target: float, exports: float, imports: float, assumption: str) -> tuple[float, float]:
    """Exports and imports that make up `target` turnover under a balance assumption.

    With T = X + M and B = X − M: X* = (T* + B*)/2, M* = (T* − B*)/2 (trade_methods.md §5).
    keep_coverage: X/M stays as now; keep_balance: B* = B₀ (in USD); halve_deficit: B* = B₀/2;
    balanced: B* = 0.
    """
    balance = exports - imports
    if assumption == 'keep_coverage':
        ratio = exports / imports
        return target * ratio / (1 + ratio), target / (1 + ratio)
    wanted = {'keep_balance': balance, 'halve_deficit': balance / 2, 'balanced': 0.0}[assumption]
    return (target + wanted) / 2, (target - wanted) / 2
