"""Analyses of the pair: comparative advantage with complementarity, and mirror statistics by
product. Each result keeps the table the page, the API and the download show, in the same order."""

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from trade.models import ImportFile
from trade.schema import CIF_FOB_FACTOR
from trade.selectors.base import CachedMonitor, PairResult, records
from trade.selectors.products import product_names

MIRROR_DIGITS = (2, 4)
# Complementarity reads a whole year of world flows twice (cached per store version afterwards);
# the latest ten years keep the first view after an import within seconds on BACI-sized data.
TC_YEARS = 10
ADVANTAGE_COLUMNS = [
    'source', 'classification', 'year', 'reporter', 'product', 'description', 'value_usd', 'rca',
    'rca_symmetric', 'partner', 'partner_value_usd', 'partner_rca', 'partner_rca_symmetric',
]  # fmt: skip
MIRROR_COLUMNS = [
    'year', 'importer', 'exporter', 'classification', 'imports_source', 'exports_source', 'cif_fob_factor',
    'code', 'description', 'imports_usd', 'exports_usd', 'exports_cif_usd', 'gap_usd', 'gap_pct',
    'symmetric_gap',
]  # fmt: skip


#
# Comparative advantage and complementarity
#


@dataclass
class Advantage(PairResult):
    """The RCA table of one year of world product data, and the complementarity of recent years."""

    source: str = ''
    classification: str = ''
    years: list[int] = field(default_factory=list)
    year: int | None = None
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def has_data(self) -> bool:
        return bool(self.source)

    @property
    def advantaged(self) -> int:
        return int(self.table.advantage.sum()) if not self.table.empty else 0

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The RCA table as shown, served and downloaded: where the figures come from in columns of their own."""
        if self.table.empty:
            return pd.DataFrame(columns=ADVANTAGE_COLUMNS)
        names = product_names(self.table['product'], self.classification)
        table = self.table.assign(
            source=self.source, classification=self.classification, year=self.year,
            description=self.table['product'].map(names).fillna(''),
        )  # fmt: skip
        return table[ADVANTAGE_COLUMNS]

    @cached_property
    def complementarity(self) -> list[dict]:
        """TC both ways for each of the latest TC_YEARS years."""
        keys = {'source': self.source, 'classification': self.classification}
        rows = []
        for year in self.years[-TC_YEARS:]:
            rows.extend(records(self.monitor.complementarity(year, **keys)))
        return rows

    @property
    def tc_years(self) -> list[dict]:
        """One row per year, newest first: the reporter's exports against the partner's imports
        (outward), and the reverse (inward)."""
        years: dict[int, dict] = {}
        for row in self.complementarity:
            entry = years.setdefault(int(row['year']), {'year': int(row['year'])})
            entry['outward' if row['exporter'] == self.reporter else 'inward'] = row['tc']
        return [years[year] for year in sorted(years, reverse=True)]

    @cached_property
    def files(self) -> list[ImportFile]:
        """The data files the year's world data were imported from (BACI's file names carry its version)."""
        files = ImportFile.objects.filter(
            role=ImportFile.Role.DATA,
            run__slices__source=self.source,
            run__slices__classification=self.classification,
            run__slices__year=self.year,
        )
        return list(files.select_related('run').distinct().order_by('run_id', 'name'))


def advantage(monitor: CachedMonitor, *, year: int | None = None) -> Advantage:
    """RCA of the reporter's exports with the partner's RCA of the same products, ordered with the
    products of revealed advantage (RCA ≥ 1) first, each group by export value; TC both ways."""
    result = Advantage(monitor)
    series = monitor.world_product_series()
    if series is None:
        return result
    result.source, result.classification, result.years = series
    result.year = year if year in result.years else result.years[-1]
    table = monitor.rca_pair(result.year, source=result.source, classification=result.classification)
    if not table.empty:
        table = table.assign(advantage=table.rca >= 1)
        table = table.sort_values(['advantage', 'value_usd', 'product'], ascending=[False, False, True])
        table = table.reset_index(drop=True)
    result.table = table
    return result


#
# Mirror statistics by product
#


@dataclass
class Mirror(PairResult):
    """One flow's mirror gap by HS chapter or heading in one year, its totals, and the comparison
    of both sides' total reports (`totals_mirror`)."""

    importer: str = ''
    exporter: str = ''
    digits: int = 2
    years: list[int] = field(default_factory=list)
    year: int | None = None
    classification: str = ''
    imports_source: str = ''
    exports_source: str = ''
    cif_fob_factor: float = CIF_FOB_FACTOR
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return not self.table.empty

    @cached_property
    def frame(self) -> pd.DataFrame:
        if self.table.empty:
            return pd.DataFrame(columns=MIRROR_COLUMNS)
        names = product_names(self.table.code, self.classification)
        return self.table.assign(description=self.table.code.map(names).fillna(''))[MIRROR_COLUMNS]

    @cached_property
    def totals_mirror(self) -> pd.DataFrame:
        return self.monitor.mirror()


def mirror(monitor: CachedMonitor, *, year: int | None = None, digits: int = 2, importer: str | None = None) -> Mirror:
    importer = importer if importer in (monitor.reporter, monitor.partner) else monitor.reporter
    exporter = monitor.partner if importer == monitor.reporter else monitor.reporter
    digits = digits if digits in MIRROR_DIGITS else 2
    result = Mirror(monitor, importer, exporter, digits)
    series = monitor.mirror_product_years(importer)
    if series.empty:
        return result
    result.years = [int(each) for each in series.year]
    result.year = year if year in result.years else result.years[-1]
    table = monitor.mirror_products(result.year, digits=digits, importer=importer)
    if table.empty:
        return result
    result.table = table
    first = table.iloc[0]
    result.classification, result.imports_source, result.exports_source = (
        first.classification, first.imports_source, first.exports_source,
    )  # fmt: skip
    result.cif_fob_factor = float(first.cif_fob_factor)
    result.totals = monitor.mirror_product_totals(result.year, digits=digits, importer=importer) or {}
    return result
