"""The monitor's tables as downloaded (CSV, XLSX, Parquet), built from the pages' selectors.

Every table says where its figures come from (source, classification) and whether they are
official or illustrative, in columns of their own, so a file read on its own is still honest.
Each table is the table of one page, with that page's parameters and form (trade.forms).
"""

import io

import pandas as pd

from hamkor.cells import inert
from trade import forms, selectors
from trade.models import Target
from trade.selectors import CachedMonitor

FORMATS = {
    'csv': 'text/csv; charset=utf-8',
    'xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'parquet': 'application/vnd.apache.parquet',
}
# Each table and the form of its page's parameters.
TABLES = {
    'yearly': forms.DashboardForm,
    'share': forms.DashboardForm,
    'required-growth': forms.DashboardForm,
    'projection': forms.DashboardForm,
    'products': forms.DashboardForm,
    'mirror': forms.DashboardForm,
    'partners': forms.PartnersForm,
    'rca': forms.AdvantageForm,
    'mirror-products': forms.MirrorForm,
}


def _status(table: pd.DataFrame) -> pd.DataFrame:
    if 'illustrative' in table:
        table.insert(0, 'data_status', table.pop('illustrative').map({True: 'illustrative', False: 'official'}))
    return table


def table_frame(name: str, monitor: CachedMonitor, values: dict) -> pd.DataFrame:
    """The table `name` with the valid parameters `values` of its form."""
    if name == 'rca':  # the whole table of one year (?year=, default the latest) of world data
        return selectors.advantage(monitor, year=values['year']).frame
    if name == 'mirror-products':
        return selectors.mirror(
            monitor, year=values['year'], digits=values['digits'], importer=values['importer']
        ).frame
    if name == 'partners':  # one year (?year=) or every year
        result = selectors.partners(monitor, year=values['year'])
        return _status(result.every_year if values['year'] is None else result.table.copy())
    board = selectors.dashboard(monitor, by=values['by'])
    if name == 'yearly':
        return _status(board.yearly)
    if name == 'share':
        return _status(board.share)
    if name == 'mirror':
        return board.mirror
    if name == 'products':
        return _status(board.products_table(values['flow']))
    return pd.DataFrame(_target_rows(board, name))


def _target_rows(board, name: str) -> list[dict]:
    rows = []
    for assessment in board.assessments:
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
    return rows


def render_table(table: pd.DataFrame, format: str) -> bytes:
    if format in ('csv', 'xlsx'):
        # for spreadsheets: text that would run as a formula is written inert (hamkor.cells)
        text = table.select_dtypes(include=['object', 'string']).columns
        table = table.assign(**{column: table[column].map(inert) for column in text})
    if format == 'csv':
        return table.to_csv(index=False).encode('utf-8-sig')
    buffer = io.BytesIO()
    if format == 'xlsx':
        table.to_excel(buffer, index=False, sheet_name='table')
    else:
        table.to_parquet(buffer, index=False)
    return buffer.getvalue()
