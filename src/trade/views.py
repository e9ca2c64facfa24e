"""Pages of the trade monitor: the dashboard, the product drill-down and target editing.

Official trade statistics are public: the pages need no sign-in. Targets are edited by the
secretariat (permissions trade.add_target / trade.change_target).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import HSSection
from hamkor.auth import permission_required
from hamkor.charts import to_json
from trade import charts, selectors
from trade.forms import TargetForm
from trade.models import Target
from trade.selectors import records
from trade.targets import TARGET_FIELDS, create_target, target_path, update_target

REPORTER, PARTNER = 'UZB', 'CHN'
MONTHS_SHOWN = 36
SOURCE_LABELS = {
    'uzstat': gettext_lazy('Statistics Agency under the President of Uzbekistan, open data sets 1105 and 1176'),
    'baci': gettext_lazy('BACI (CEPII), reconciled UN Comtrade data'),
    'comtrade': gettext_lazy('UN Comtrade'),
    'illustrative-hs6': gettext_lazy('illustrative data generated for the demo, not statistics'),
}
ASSUMPTION_LABELS = {
    'keep_coverage': gettext_lazy('Keep the current exports/imports ratio'),
    'keep_balance': gettext_lazy('Keep the current balance in USD'),
    'halve_deficit': gettext_lazy('Halve the current balance'),
    'balanced': gettext_lazy('Balanced trade (exports = imports)'),
}

STATUS_LABELS = {
    'on_track': gettext_lazy('on track'),
    'at_risk': gettext_lazy('at risk'),
    'off_track': gettext_lazy('off track'),
}
METHOD_LABELS = {
    'log_linear_trend': gettext_lazy('Log-linear trend'),
    'drift': gettext_lazy('Random walk with drift (naive benchmark)'),
}


def source_label(source: str) -> str:
    if source.startswith('customs:'):
        return _('Customs statistics (%(key)s)') % {'key': source.removeprefix('customs:')}
    return SOURCE_LABELS.get(source, source)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _direction(request) -> str:
    direction = request.GET.get('flow', 'M')
    return direction if direction in selectors.DIRECTIONS else 'M'


def dashboard(request):
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    yearly = monitor.yearly()
    context = {'reporter': REPORTER, 'partner': PARTNER, 'has_data': not yearly.empty}
    if yearly.empty:
        return render(request, 'trade/dashboard.html', context)
    latest = yearly.iloc[-1]
    by = _int(request.GET.get('by'))
    if by is not None and not int(latest.year) < by <= int(latest.year) + 15:
        by = None
    assessments = selectors.assessments(monitor, by=by)
    target = next((item for item in assessments if item.target.kind == Target.Kind.TARGET), None)
    announced = [item for item in assessments if item.target.kind == Target.Kind.ANNOUNCED]
    share = monitor.share()
    chart_specs = {'trade': to_json(charts.trade_over_time(yearly))}
    if target is not None and target.chosen is not None:
        chart_specs['projection'] = to_json(charts.projection_chart(target, target_path(target)))
    if not share.empty:
        chart_specs['share'] = to_json(charts.share_chart(share))
    mirror = records(monitor.mirror())
    if mirror:
        gaps = [{'label': f'{row["year"]} {row["exporter"]} → {row["importer"]} ({row["classification"]})',
                 'gap': row['gap_usd']} for row in mirror]  # fmt: skip
        chart_specs['mirror'] = to_json(charts.mirror_gap_chart(gaps))
    monthly = _monthly(monitor)
    if monthly:
        chart_specs['monthly'] = monthly.pop('chart')
    products = {}
    for direction in ('X', 'M'):
        top = monitor.top_products(direction=direction, n=10)
        if not top.empty:
            names = selectors.product_names(top['product'], top.classification.iloc[0])
            products[direction] = {
                'rows': [dict(record, name=names.get(record['product'], '')) for record in records(top)],
                'year': int(top.year.iloc[0]),
                'base_year': int(top.base_year.iloc[0]),
                'source': top.source.iloc[0],
                'source_label': source_label(top.source.iloc[0]),
                'illustrative': bool(top.illustrative.iloc[0]),
                'concentration': next(iter(records(monitor.product_concentration(direction=direction))), None),
            }
            chart_rows = [{'label': row['product'], 'name': row['name'], 'usd': row['value_usd']}
                          for row in products[direction]['rows']]  # fmt: skip
            chart_specs[f'top_{direction}'] = to_json(charts.products_chart(chart_rows))
    context.update({
        'yearly': records(yearly),
        'latest': records(yearly)[-1],
        'first_year': int(yearly.year.iloc[0]),
        'cagr': monitor.cagr(),
        'source': latest.source,
        'source_label': source_label(latest.source),
        'classification': latest.classification,
        'share': records(share)[-1] if not share.empty else None,
        'target': target,
        'announced': announced,
        'assumptions': [(row, ASSUMPTION_LABELS[row.assumption]) for row in target.split] if target else [],
        'by_choices': [int(latest.year) + n for n in range(3, 7)],
        'products': products,
        'mirror': mirror,
        'monthly': monthly,
        'status_labels': STATUS_LABELS,
        'method_labels': METHOD_LABELS,
        'charts': chart_specs,
        'can_edit_targets': request.user.has_perm('trade.change_target'),
    })  # fmt: skip
    return render(request, 'trade/dashboard.html', context)


def _monthly(monitor) -> dict | None:
    """The last MONTHS_SHOWN months of the monthly series and the year to date, where the pair has
    monthly data (customs extracts); None otherwise."""
    monthly = monitor.monthly()
    if monthly.empty:
        return None
    recent = monthly.sort_values(['year', 'month']).tail(MONTHS_SHOWN)
    ytd = monitor.year_to_date()
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


def products(request, code: str = '', section: str = ''):
    """The HS drill-down: sections → chapters → headings → subheadings, with each level's growth."""
    if code and (not code.isdigit() or len(code) not in (2, 4, 6)):
        raise Http404
    section_record = get_object_or_404(HSSection, code=section) if section else None
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    direction = _direction(request)
    level = selectors.product_level(
        monitor, direction=direction, year=_int(request.GET.get('year')), prefix=code, section=section
    )
    lineage = selectors.code_lineage(code, level.classification or 'HS2017') if code else []
    context = {
        'level': level,
        'code': code,
        'section': section_record,
        'lineage': lineage,
        'direction': direction,
        'direction_label': _('Exports to China') if direction == 'X' else _('Imports from China'),
        'source_label': source_label(level.source) if level.source else '',
        'leaf': len(code) == 6,
    }
    if len(code) == 6:
        context['history'] = records(monitor.product_history(code, direction=direction))
    elif level.rows:
        rows = [{'label': row.code, 'name': row.name, 'usd': row.value_usd} for row in level.rows[:25]]
        context['chart'] = to_json(charts.products_chart(rows))
    return render(request, 'trade/products.html', context)


@permission_required('trade.add_target')
def target_create(request):
    form = TargetForm(request.POST or None)
    if request.method == 'POST' and form.is_valid():
        try:
            create_target(**{name: form.cleaned_data[name] for name in TARGET_FIELDS})
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _('Target saved.'))
            return redirect('trade:dashboard')
    return render(request, 'trade/target_form.html', {'form': form})


@permission_required('trade.change_target')
def target_edit(request, pk: int):
    target = get_object_or_404(Target, pk=pk)
    form = TargetForm(request.POST or None, instance=Target.objects.get(pk=pk))
    if request.method == 'POST' and form.is_valid():
        try:
            update_target(target=target, **{name: form.cleaned_data[name] for name in TARGET_FIELDS})
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _('Target saved.'))
            return redirect('trade:dashboard')
    return render(request, 'trade/target_form.html', {'form': form, 'target': target})


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in getattr(error, 'message_dict', {'__all__': error.messages}).items():
        form.add_error(field if field in form.fields else None, errors)
