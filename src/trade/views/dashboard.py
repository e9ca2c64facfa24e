"""The dashboard of the trade monitor. Official trade statistics are public: no sign-in.

Its model (figures, chart specs, rendered body) is read from the shared page cache
(hamkor.pagecache) under the store's version: no request after an import scans the store or
builds a chart again, whichever worker serves it.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from hamkor import pagecache
from hamkor.charts import to_json
from trade import charts, selectors
from trade.analytics.assessment import by_years, target_path
from trade.forms import DashboardForm
from trade.labels import ASSUMPTION_LABELS, METHOD_LABELS, STATUS_BADGES, STATUS_LABELS, source_label
from trade.schema import DIRECTIONS, PARTNER, REPORTER
from trade.selectors import records
from trade.selectors.dashboard import Monthly

# The topics' models are named in trade.apps and core.apps; the store's own version (its
# current slices) is the page's version, so an import is never served stale.
DASHBOARD_TOPICS = ('trade', 'reference')
DASHBOARD = pagecache.Page('trade-dashboard', topics=DASHBOARD_TOPICS)
CAN_ADD_TARGETS = 'add-targets'


def dashboard(request):
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    # Without parameters there is nothing to validate (the form's check of `by` reads the series).
    form = DashboardForm(request.GET, monitor=monitor) if request.GET else None
    by = form.values()['by'] if form is not None else None
    can_edit_targets = request.user.has_perm('trade.change_target')
    slot = {'audience': [CAN_ADD_TARGETS] if can_edit_targets else [], 'variant': str(by), 'version': monitor.version}

    def context() -> dict:
        model = DASHBOARD.get(lambda: dashboard_model(monitor, by=by, can_edit_targets=can_edit_targets), **slot)
        return {**model, 'form': form, 'body': mark_safe(model['body'])}  # noqa: S308

    return pagecache.render(request, DASHBOARD, 'trade/dashboard.html', context, **slot)


def public_model(monitor: selectors.CachedMonitor, *, refresh: bool = False) -> dict:
    """The model every reader who may not add targets shares (everyone who is not signed in):
    targets assessed by their own years; computed now with `refresh` (warming after an import)."""

    def compute() -> dict:
        return dashboard_model(monitor, by=None, can_edit_targets=False)

    read = DASHBOARD.refresh if refresh else DASHBOARD.get
    return read(compute, variant=str(None), version=monitor.version)


def home_story(user) -> str:
    """Trade against its target on the landing page, from the dashboard's cached public model
    (statistics are public)."""
    model = public_model(selectors.CachedMonitor(REPORTER, PARTNER))
    return render_to_string('trade/_home_story.html', model)


def warm_pages() -> None:
    """After an import: the public model of every language."""
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            public_model(monitor, refresh=True)


def dashboard_model(monitor: selectors.CachedMonitor, *, by: int | None, can_edit_targets: bool) -> dict:
    """What the dashboard shows of the pair, targets assessed by the year `by`; statistics are
    public, so the only thing of the reader in it is whether they may add a target."""
    board = selectors.dashboard(monitor, by=by)
    context = {
        'reporter': REPORTER,
        'partner': PARTNER,
        'has_data': board.has_data,
        'can_edit_targets': can_edit_targets,
        'missing_slices': board.missing_slices,
    }
    if board.has_data:
        context.update(_figures(board))
    context['body'] = str(render_to_string('trade/_dashboard_body.html', context))
    return context


def _figures(board) -> dict:
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
        chart_specs['mirror'] = to_json(charts.mirror_gap_chart(gaps, label_title=_('Year and direction')))
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
            chart_rows = [
                {'code': row['product'], 'name': row['name'], 'usd': row['value_usd'], 'share': row['share'],
                 'url': f'{reverse("trade:product", args=[row["product"]])}?flow={direction}'}
                for row in top.rows
            ]  # fmt: skip
            chart_specs[f'top_{direction}'] = to_json(charts.products_chart(chart_rows), illustrative=top.illustrative)
    latest_year = board.latest_year
    return {
        'yearly': records(yearly),
        'latest': records(yearly)[-1],
        'first_year': int(yearly.year.iloc[0]),
        'cagr': board.cagr,
        'source': board.source,
        'source_label': source_label(board.source),
        'classification': board.classification,
        'share': records(share)[-1] if not share.empty else None,
        'target': target,
        # how far the latest official turnover has come towards the target (the first screen's bar)
        'progress': target.latest / target.value if target and target.latest and target.value else None,
        # the statistics lag: said plainly when the latest official year is not last year
        'data_behind': latest_year is not None and latest_year < timezone.localdate().year - 1,
        'announced': board.announced,
        'assumptions': [(row, str(ASSUMPTION_LABELS[row.assumption])) for row in target.split] if target else [],
        'by_choices': list(by_years(latest_year)),  # the years the form accepts (trade.forms)
        'products': products,
        'mirror': mirror,
        'monthly': monthly,
        'status_labels': {key: str(label) for key, label in STATUS_LABELS.items()},
        'status_badges': STATUS_BADGES,
        'method_labels': {key: str(label) for key, label in METHOD_LABELS.items()},
        'charts': chart_specs,
    }


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
