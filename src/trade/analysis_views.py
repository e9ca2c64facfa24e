"""Analysis pages of the trade monitor: comparative advantage and complementarity, and mirror
statistics by product. Public, like the monitor, and read through CachedMonitor.

The shaping functions here (`advantage`, `mirror`) are shared by the pages, the API and the
downloads, so that the three always show the same rows in the same order.
"""

from dataclasses import dataclass, field

import pandas as pd
from django.shortcuts import render
from django.utils.translation import gettext as _

from hamkor.charts import to_json
from trade import analytics, charts, selectors
from trade.models import ImportFile
from trade.selectors import records
from trade.views import PARTNER, REPORTER, _int, source_label

TOP = 50
DIGITS = (2, 4)
# Complementarity reads a whole year of world flows twice (cached per store version afterwards);
# the latest ten years keep the first view after an import within seconds on BACI-sized data.
TC_YEARS = 10


#
# Comparative advantage and complementarity
#


@dataclass
class Advantage:
    """The RCA table of one year of world product data, and the complementarity of every year."""

    reporter: str
    partner: str
    source: str = ''
    classification: str = ''
    years: list[int] = field(default_factory=list)
    year: int | None = None
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    complementarity: list[dict] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return bool(self.source)


def advantage(monitor: selectors.CachedMonitor, year: int | None = None, *, complementarity: bool = True) -> Advantage:
    """RCA of the reporter's exports with the partner's RCA of the same products, ordered with the
    products of revealed advantage (RCA ≥ 1) first, each group by export value; TC both ways."""
    result = Advantage(monitor.reporter, monitor.partner)
    series = monitor.world_product_series()
    if series is None:
        return result
    result.source, result.classification, result.years = series
    result.year = year if year in result.years else result.years[-1]
    keys = {'source': result.source, 'classification': result.classification}
    table = monitor.rca_pair(result.year, **keys)
    if not table.empty:
        table = table.assign(advantage=table.rca >= 1)
        table = table.sort_values(['advantage', 'value_usd', 'product'], ascending=[False, False, True])
        table = table.reset_index(drop=True)
    result.table = table
    for each in result.years[-TC_YEARS:] if complementarity else []:
        result.complementarity.extend(records(monitor.complementarity(each, **keys)))
    return result


def advantage_frame(result: Advantage, names: dict | None = None) -> pd.DataFrame:
    """The RCA table as downloaded and served: where the figures come from in columns of their own."""
    columns = [
        'source', 'classification', 'year', 'reporter', 'product', 'description', 'value_usd', 'rca',
        'rca_symmetric', 'partner', 'partner_value_usd', 'partner_rca', 'partner_rca_symmetric',
    ]  # fmt: skip
    if result.table.empty:
        return pd.DataFrame(columns=columns)
    names = names if names is not None else selectors.product_names(result.table['product'], result.classification)
    table = result.table.assign(
        source=result.source, classification=result.classification, year=result.year,
        description=result.table['product'].map(names).fillna(''),
    )  # fmt: skip
    return table[columns]


def _provenance(result: Advantage) -> list[ImportFile]:
    """The data files the year's world data were imported from (BACI's file names carry its version)."""
    files = ImportFile.objects.filter(
        role=ImportFile.Role.DATA,
        run__slices__source=result.source,
        run__slices__classification=result.classification,
        run__slices__year=result.year,
    )
    return list(files.select_related('run').distinct().order_by('run_id', 'name'))


def advantage_page(request):
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    result = advantage(monitor, _int(request.GET.get('year')))
    context = {'result': result, 'reporter': REPORTER, 'partner': PARTNER}
    if result.has_data:
        frame = advantage_frame(result)
        top = records(frame.head(TOP))
        chart_rows = sorted(top, key=lambda row: row['rca'], reverse=True)[:20]
        chart_rows = [
            {
                'label': f'{row["product"]} {row["description"]}'[:60],
                'rca': row['rca'],
                'partner_rca': row['partner_rca'],
            }
            for row in chart_rows
        ]
        context.update({
            'rows': top,
            'count': len(frame),
            'advantaged': int(result.table.advantage.sum()) if not result.table.empty else 0,
            'source_label': source_label(result.source),
            'files': _provenance(result),
            'tc_years': _tc_by_year(result),
            'chart': to_json(charts.rca_chart(chart_rows)) if chart_rows else None,
        })  # fmt: skip
    return render(request, 'trade/advantage.html', context)


def _tc_by_year(result: Advantage) -> list[dict]:
    """One row per year: the reporter's exports against the partner's imports, and the reverse."""
    years: dict[int, dict] = {}
    for row in result.complementarity:
        entry = years.setdefault(int(row['year']), {'year': int(row['year'])})
        entry['outward' if row['exporter'] == result.reporter else 'inward'] = row['tc']
    return [years[year] for year in sorted(years, reverse=True)]


#
# Mirror statistics by product
#


@dataclass
class Mirror:
    """One flow's mirror gap by HS chapter or heading in one year, and its totals (the sums of the rows)."""

    importer: str
    exporter: str
    digits: int
    years: list[int] = field(default_factory=list)
    year: int | None = None
    classification: str = ''
    imports_source: str = ''
    exports_source: str = ''
    cif_fob_factor: float = analytics.CIF_FOB_FACTOR
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return not self.table.empty


def mirror(
    monitor: selectors.CachedMonitor, *, year: int | None = None, digits: int = 2, importer: str | None = None
) -> Mirror:
    importer = importer if importer in (monitor.reporter, monitor.partner) else monitor.reporter
    exporter = monitor.partner if importer == monitor.reporter else monitor.reporter
    digits = digits if digits in DIGITS else 2
    result = Mirror(importer, exporter, digits)
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
    result.totals = mirror_totals(table)
    return result


def mirror_totals(table: pd.DataFrame) -> dict:
    """The totals row: sums of the rows' values and gaps, and the total's own gap % and symmetric gap."""
    imports, exports = float(table.imports_usd.sum()), float(table.exports_usd.sum())
    exports_cif, gap = float(table.exports_cif_usd.sum()), float(table.gap_usd.sum())
    return {
        'imports_usd': imports,
        'exports_usd': exports,
        'exports_cif_usd': exports_cif,
        'gap_usd': gap,
        'gap_pct': gap / exports_cif if exports_cif else None,
        'symmetric_gap': 2 * gap / (imports + exports_cif) if (imports + exports_cif) else None,
    }


def mirror_frame(result: Mirror, names: dict | None = None) -> pd.DataFrame:
    columns = [
        'year', 'importer', 'exporter', 'classification', 'imports_source', 'exports_source', 'cif_fob_factor',
        'code', 'description', 'imports_usd', 'exports_usd', 'exports_cif_usd', 'gap_usd', 'gap_pct',
        'symmetric_gap',
    ]  # fmt: skip
    if result.table.empty:
        return pd.DataFrame(columns=columns)
    names = names if names is not None else selectors.product_names(result.table.code, result.classification)
    return result.table.assign(description=result.table.code.map(names).fillna(''))[columns]


def mirror_page(request):
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    result = mirror(
        monitor,
        year=_int(request.GET.get('year')),
        digits=_int(request.GET.get('digits'), 2),
        importer=request.GET.get('importer'),
    )
    context = {
        'result': result,
        'reporter': REPORTER,
        'partner': PARTNER,
        'digit_choices': DIGITS,
        'totals_mirror': records(monitor.mirror()),
        'directions': [
            (REPORTER, _('China → Uzbekistan')),
            (PARTNER, _('Uzbekistan → China')),
        ],
    }
    if result.has_data:
        frame = mirror_frame(result)
        rows = records(frame)
        chart_rows = [{'label': f'{row["code"]} {row["description"]}'[:60], 'gap': row['gap_usd']} for row in rows[:25]]
        context.update({
            'rows': rows,
            'imports_label': source_label(result.imports_source),
            'exports_label': source_label(result.exports_source),
            'chart': to_json(charts.mirror_gap_chart(chart_rows)),
        })  # fmt: skip
    return render(request, 'trade/mirror.html', context)
