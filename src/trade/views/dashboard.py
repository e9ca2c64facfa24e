"""The dashboard of the trade monitor. Official trade statistics are public: no sign-in."""

from django.shortcuts import render
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from hamkor.charts import to_json
from trade import charts, selectors
from trade.analytics.assessment import by_years, target_path
from trade.forms import DashboardForm
from trade.labels import ASSUMPTION_LABELS, METHOD_LABELS, STATUS_LABELS, source_label
from trade.schema import DIRECTIONS, PARTNER, REPORTER
from trade.selectors import records
from trade.selectors.dashboard import Monthly


def dashboard(request):
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    form = DashboardForm(request.GET, monitor=monitor)
    board = selectors.dashboard(monitor, by=form.values()['by'])
    context = {'reporter': REPORTER, 'partner': PARTNER, 'has_data': board.has_data, 'form': form}
    if not board.has_data:
        return render(request, 'trade/dashboard.html', context)
    yearly = board.yearly
    target = board.target
    share = board.share
    chart_specs = {'trade': to_json(charts.trade_over_time(yearly))}
    if target is not None and target.chosen is not None:
        chart_specs['projection'] = to_json(charts.projection_chart(target, target_path(target)))
    if not share.empty:
        chart_specs['share'] = to_json(charts.share_chart(share))
    mirror = records(board.mirror)
    if mirror:
        gaps = [{'label': f'{row["year"]} {row["exporter"]} → {row["importer"]} ({row["classification"]})',
                 'gap': row['gap_usd']} for row in mirror]  # fmt: skip
        chart_specs['mirror'] = to_json(charts.mirror_gap_chart(gaps))
    monthly = _monthly(board.monthly)
    if monthly:
        chart_specs['monthly'] = monthly.pop('chart')
    products = {}
    for direction in DIRECTIONS:
        top = board.top_products(direction)
        if top is not None:
            products[direction] = {
                'rows': top.rows,
                'year': top.year,
                'base_year': top.base_year,
                'source': top.source,
                'source_label': source_label(top.source),
                'illustrative': top.illustrative,
                'concentration': top.concentration,
            }
            chart_rows = [{'label': row['product'], 'name': row['name'], 'usd': row['value_usd']} for row in top.rows]
            chart_specs[f'top_{direction}'] = to_json(charts.products_chart(chart_rows))
    latest_year = board.latest_year
    context.update({
        'yearly': records(yearly),
        'latest': records(yearly)[-1],
        'first_year': int(yearly.year.iloc[0]),
        'cagr': board.cagr,
        'source': board.source,
        'source_label': source_label(board.source),
        'classification': board.classification,
        'share': records(share)[-1] if not share.empty else None,
        'target': target,
        'announced': board.announced,
        'assumptions': [(row, ASSUMPTION_LABELS[row.assumption]) for row in target.split] if target else [],
        'by_choices': list(by_years(latest_year)),  # the years the form accepts (trade.forms)
        'products': products,
        'mirror': mirror,
        'monthly': monthly,
        'status_labels': STATUS_LABELS,
        'method_labels': METHOD_LABELS,
        'charts': chart_specs,
        'can_edit_targets': request.user.has_perm('trade.change_target'),
    })  # fmt: skip
    return render(request, 'trade/dashboard.html', context)


def _monthly(monthly: Monthly | None) -> dict | None:
    """The monthly chart and the year to date, where the pair has monthly data (customs extracts)."""
    if monthly is None:
        return None
    recent, ytd = monthly.recent, monthly.year_to_date
    first, last = recent.iloc[0], recent.iloc[-1]
    month = ytd['month']
    return {
        'chart': to_json(charts.monthly_chart(recent)),
        'source': ytd['source'],
        'source_label': source_label(ytd['source']),
        'classification': ytd['classification'],
        'first': f'{int(first.year)}-{int(first.month):02d}',
        'last': f'{int(last.year)}-{int(last.month):02d}',
        'ytd': ytd,
        'period': str(MONTHS[1]) if month == 1 else f'{MONTHS[1]}–{MONTHS[month]}',
        'ytd_rows': [
            {'label': label, 'value': ytd[key], 'base': ytd[f'base_{key}'], 'growth': ytd.get(f'{key}_growth')}
            for key, label in (
                ('exports', _('Exports')),
                ('imports', _('Imports')),
                ('turnover', _('Turnover')),
                ('balance', _('Balance')),
            )
        ],  # fmt: skip
    }
