"""The reporter's trade by partner country: the partners of a year, and one partner's history."""

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
from django.utils.translation import gettext_lazy

from core.models import Country
from trade.schema import OTHER_COUNTRIES
from trade.selectors.base import CachedMonitor, PairResult, missing_slices, records

# Partner codes of the official tables that are not countries of today's reference list.
SPECIAL_NAMES = {
    OTHER_COUNTRIES: gettext_lazy('Other countries (not itemised)'),
    'ANT': gettext_lazy('Netherlands Antilles (dissolved in 2010)'),
}


def partner_names(codes) -> dict[str, str]:
    """{ISO3: name in the active language} for partner codes, in one query."""
    codes = set(codes)
    names = {code: str(SPECIAL_NAMES[code]) for code in codes if code in SPECIAL_NAMES}
    wanted = codes - set(names)
    if wanted:
        countries = Country.objects.filter(iso3__in=wanted).only('iso3', 'name_en', 'name_ru', 'name_zh', 'name_uz')
        names.update({country.iso3: country.name for country in countries})
    return {code: names.get(code, code) for code in codes}


@dataclass
class Partners(PairResult):
    """Every partner of the reporter in one year (default: the latest) from one series, by rank.

    `partner` is the pair's partner, highlighted by the page."""

    years: list[int] = field(default_factory=list)
    year: int | None = None
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    rows: list[dict] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return bool(self.rows)

    @property
    def first(self) -> dict:
        return self.rows[0]

    @property
    def source(self) -> str | None:
        return self.first['source'] if self.rows else None

    @property
    def classification(self) -> str | None:
        return self.first['classification'] if self.rows else None

    @property
    def illustrative(self) -> bool:
        return bool(self.first['illustrative']) if self.rows else False

    @property
    def world(self) -> dict | None:
        return {key: self.first[f'world_{key}'] for key in ('exports', 'imports', 'turnover')} if self.rows else None

    @property
    def listed(self) -> list[dict]:
        """The partners with trade in the year."""
        return [row for row in self.rows if row['turnover'] != 0]

    @property
    def pair(self) -> dict | None:
        return next((row for row in self.rows if row['partner'] == self.partner), None)

    def top(self, n: int) -> list[dict]:
        return [row for row in self.rows if row['rank'] is not None][:n]

    @cached_property
    def concentration(self) -> dict | None:
        return next(iter(records(self.monitor.partner_concentration(self.year))), None) if self.rows else None

    @cached_property
    def every_year(self) -> pd.DataFrame:
        """Every partner in every year of the series (the download without a year)."""
        return self.monitor.partner_table()


def partners(monitor: CachedMonitor, *, year: int | None = None) -> Partners:
    """The partners of `year` (one of the series' years, checked by trade.forms.PartnersForm), or
    of the latest year."""
    result = Partners(monitor, years=monitor.partner_years())
    if not result.years:
        return result
    result.year = year if year in result.years else result.years[-1]
    result.table = monitor.partners(year=result.year)
    names = partner_names(result.table.partner)
    result.rows = [dict(row, name=names[row['partner']]) for row in records(result.table)]
    return result


@dataclass
class PartnerHistory:
    """One partner's yearly trade with the reporter (the series of the partner table)."""

    code: str
    name: str
    history: pd.DataFrame
    missing_slices: list[dict] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return not self.history.empty

    @property
    def is_other(self) -> bool:
        return self.code == OTHER_COUNTRIES

    @property
    def known(self) -> bool:
        """A country, or a partner code of the tables (not just three letters)."""
        return self.name != self.code


def partner(monitor: CachedMonitor, code: str) -> PartnerHistory:
    return PartnerHistory(code, partner_names([code])[code], monitor.partner_history(code), missing_slices(monitor))
