"""Downloads of the monitor's tables as CSV, XLSX or Parquet.

Every table says where its figures come from (source, classification) and whether they are
official or illustrative, in columns of their own, so a file read on its own is still honest.
"""

import io

import pandas as pd
from django.http import Http404, HttpResponse
from django.utils import timezone

from trade import analysis_views, selectors
from trade.models import Target

FORMATS = {
    'csv': 'text/csv; charset=utf-8',
    'xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'parquet': 'application/vnd.apache.parquet',
}
TABLES = (
    'yearly', 'share', 'required-growth', 'projection', 'products', 'mirror', 'partners', 'rca', 'mirror-products',
)  # fmt: skip


def _status(table: pd.DataFrame) -> pd.DataFrame:
    if 'illustrative' in table:
        table.insert(0, 'data_status', table.pop('illustrative').map({True: 'illustrative', False: 'official'}))
    return table


def _digits(value) -> int | None:
    return int(value) if value and value.isdigit() else None


def table_frame(name: str, monitor: selectors.CachedMonitor, params) -> pd.DataFrame:
    if name == 'yearly':
        return _status(monitor.yearly())
    if name == 'share':
        return _status(monitor.share())
    if name == 'mirror':
        return monitor.mirror()
    if name == 'rca':  # the whole table of one year (?year=, default the latest) of world data
        year = _digits(params.get('year'))
        return analysis_views.advantage_frame(analysis_views.advantage(monitor, year, complementarity=False))
    if name == 'mirror-products':
        result = analysis_views.mirror(
            monitor, year=_digits(params.get('year')), digits=_digits(params.get('digits')) or 2,
            importer=params.get('importer'),
        )  # fmt: skip
        return analysis_views.mirror_frame(result)
    if name == 'partners':  # one year (?year=) or every year
        year = params.get('year', '')
        if year.isdigit() and int(year) in monitor.partner_years():
            return _status(monitor.partners(year=int(year)))
        return _status(monitor.partner_table())
    if name == 'products':
        direction = params.get('flow', 'M') if params.get('flow') in selectors.DIRECTIONS else 'M'
        return _status(monitor.top_products(direction=direction, n=None))
    by = params.get('by')
    by = int(by) if by and by.isdigit() else None
    rows = []
    for assessment in selectors.assessments(monitor, by=by):
        target = assessment.target
        if target.kind != Target.Kind.TARGET:
            continue
        common = {
            'target_id': target.pk, 'metric': target.metric, 'target_usd': assessment.value,
            'target_year': target.year, 'claim_source': target.claim.source.title if target.claim else '',
            'latest_year': assessment.latest_year, 'latest_usd': assessment.latest,
            'statistics_source': assessment.source, 'classification': assessment.classification,
        }  # fmt: skip
        if name == 'required-growth':
            for row in assessment.table:
                rows.append({
                    **common, 'year': row.year, 'years': row.years, 'required_growth': row.required,
                    'projection_method': assessment.method, 'projected_usd': row.projected,
                    'lower_80_usd': row.lower, 'upper_80_usd': row.upper, 'status': row.status,
                })  # fmt: skip
        else:
            for method, projection in assessment.projections.items():
                test = assessment.backtests.get(method)
                for year, central, lower, upper in zip(
                    projection.years, projection.central, projection.lower, projection.upper, strict=True
                ):
                    rows.append({
                        **common, 'method': method, 'used': method == assessment.method, 'year': year,
                        'central_usd': central, 'lower_80_usd': lower, 'upper_80_usd': upper,
                        'backtest_mape_pct': test.mape if test else None,
                        'backtest_mase': test.mase if test else None,
                    })  # fmt: skip
    return pd.DataFrame(rows)


def render_table(table: pd.DataFrame, format: str) -> bytes:
    if format == 'csv':
        return table.to_csv(index=False).encode('utf-8-sig')
    buffer = io.BytesIO()
    if format == 'xlsx':
        table.to_excel(buffer, index=False, sheet_name='table')
    else:
        table.to_parquet(buffer, index=False)
    return buffer.getvalue()


def table_download(request, name: str, format: str):
    if name not in TABLES or format not in FORMATS:
        raise Http404
    monitor = selectors.CachedMonitor('UZB', 'CHN')
    table = table_frame(name, monitor, request.GET)
    response = HttpResponse(render_table(table, format), content_type=FORMATS[format])
    stamp = timezone.localtime().strftime('%Y%m%d')
    response['Content-Disposition'] = f'attachment; filename="hamkor-trade-{name}-{stamp}.{format}"'
    return response
