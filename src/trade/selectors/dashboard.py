"""The dashboard of a pair: the yearly series, the partner's share, the mirror comparison, the
targets with their assessment, the largest products and the months so far.

Read by the dashboard page, the monitor and targets API and the downloads of the dashboard's
tables; each reads the parts it shows (they are computed on first use, and cached).
"""

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from trade.analytics import series
from trade.analytics.assessment import Assessment, assess
from trade.models import Target
from trade.schema import DIRECTIONS
from trade.selectors.base import CachedMonitor, PairResult, records
from trade.selectors.products import product_names

MONTHS_SHOWN = 36


@dataclass
class TopProducts:
    """The largest products of one flow in the product series' latest year."""

    direction: str
    table: pd.DataFrame
    rows: list[dict]
    year: int
    base_year: int
    source: str
    classification: str
    illustrative: bool
    concentration: dict | None


@dataclass
class Monthly:
    """The last MONTHS_SHOWN months of the monthly series, and the year to date."""

    recent: pd.DataFrame
    year_to_date: dict


@dataclass
class Dashboard(PairResult):
    by: int | None = None

    @cached_property
    def yearly(self) -> pd.DataFrame:
        """The yearly series; a year whose figures need a left-out slice shows them as None."""
        return self.monitor.mask_flows(self.monitor.yearly())

    @property
    def has_data(self) -> bool:
        return not self.yearly.empty

    @property
    def latest_year(self) -> int | None:
        return int(self.yearly.year.iloc[-1]) if self.has_data else None

    @property
    def source(self) -> str | None:
        return self.yearly.source.iloc[-1] if self.has_data else None

    @property
    def classification(self) -> str | None:
        return self.yearly.classification.iloc[-1] if self.has_data else None

    @cached_property
    def cagr(self) -> float | None:
        """None when the first or the latest year's turnover is unavailable: a rate over other
        years would read as the series' own."""
        if not self.has_data or self.yearly.turnover.iloc[[0, -1]].isna().any():
            return None
        return self.monitor.cagr()

    @cached_property
    def share(self) -> pd.DataFrame:
        """The partner's share by year; None where a left-out slice of the reporter's trade makes
        the year's partner or world total incomplete."""
        share = self.monitor.share()
        if not self.monitor.missing or share.empty:
            return share
        share = share.copy()
        for index, row in share.iterrows():
            if self.monitor.unavailable(row['source'], row['classification'], int(row['year'])):
                for column in ('partner_usd', 'partner_exports_usd', 'partner_imports_usd', 'world_usd', 'share'):
                    if column in share:
                        share[column] = share[column].astype('float64')
                        share.at[index, column] = float('nan')
        return share

    @property
    def unavailable_years(self) -> list[int]:
        """The years of the series whose turnover a left-out slice makes unavailable."""
        if not self.has_data:
            return []
        return [int(year) for year in self.yearly[self.yearly.turnover.isna()].year]

    @cached_property
    def mirror(self) -> pd.DataFrame:
        return self.monitor.mirror()

    @cached_property
    def assessments(self) -> list[Assessment]:
        targets = Target.objects.filter(reporter_id=self.reporter, partner_id=self.partner)
        return [assess(target, self.yearly, by=self.by) for target in targets.select_related('claim__source')]

    @property
    def target(self) -> Assessment | None:
        return next((item for item in self.assessments if item.target.kind == Target.Kind.TARGET), None)

    @property
    def announced(self) -> list[Assessment]:
        return [item for item in self.assessments if item.target.kind == Target.Kind.ANNOUNCED]

    @cached_property
    def concentration(self) -> list[dict]:
        """Herfindahl–Hirschman indices: of the pair's trade over HS6 products (each direction, latest
        year of the product series) and of the reporter's trade over its partners (latest year)."""
        rows = []
        for direction in DIRECTIONS:
            table = self.monitor.product_concentration(direction=direction)
            if not table.empty:
                rows.append({'measure': 'products', 'direction': direction, **records(table)[0]})
        years = self.monitor.partner_years()
        if years:
            table = self.monitor.partner_concentration(years[-1])
            if not table.empty:
                rows.append({'measure': 'partners', 'direction': None, 'year': years[-1], 'classification': 'TOTAL',
                             **records(table)[0]})  # fmt: skip
        return rows

    def top_products(self, direction: str, n: int = 10) -> TopProducts | None:
        top = self.monitor.top_products(direction=direction, n=n)
        if top.empty:
            return None
        names = product_names(top['product'], top.classification.iloc[0])
        return TopProducts(
            direction=direction,
            table=top,
            rows=[dict(record, name=names.get(record['product'], '')) for record in records(top)],
            year=int(top.year.iloc[0]),
            base_year=int(top.base_year.iloc[0]),
            source=top.source.iloc[0],
            classification=top.classification.iloc[0],
            illustrative=bool(top.illustrative.iloc[0]),
            concentration=next(iter(records(self.monitor.product_concentration(direction=direction))), None),
        )

    def products_table(self, direction: str) -> pd.DataFrame:
        """Every product of one flow in the product series' latest year (the download)."""
        return self.monitor.top_products(direction=direction, n=None)

    @cached_property
    def monthly(self) -> Monthly | None:
        """None where the pair has no monthly data (customs extracts)."""
        monthly = self.monitor.monthly()
        if monthly.empty:
            return None
        if self.monitor.missing:
            monthly = self.monitor.mask_flows(monthly)
            year_to_date = series.year_to_date(monthly)
        else:
            year_to_date = self.monitor.year_to_date()
        return Monthly(monthly.sort_values(['year', 'month']).tail(MONTHS_SHOWN), year_to_date)


def dashboard(monitor: CachedMonitor, *, by: int | None = None) -> Dashboard:
    """The dashboard of the monitor's pair, targets assessed by the year `by` (validated by
    trade.forms.DashboardForm; None: each target's own year, or the latest year + 5)."""
    return Dashboard(monitor, by=by)
