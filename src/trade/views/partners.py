"""Pages of Uzbekistan's trade by partner country: the partner table of a year and one partner's
history. Official statistics, public like the rest of the monitor."""

import re

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from hamkor.charts import to_json
from trade import charts, selectors
from trade.forms import PartnersForm
from trade.labels import source_label
from trade.schema import PARTNER, REPORTER
from trade.selectors import records

TOP_IN_CHART = 15


def partners(request):
    """A year without partner statistics is refused like the API refuses it: the page shows the
    form's error and the latest year."""
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    form = PartnersForm(request.GET, monitor=monitor)
    result = selectors.partners(monitor, year=form.values()['year'])
    context = {'reporter': REPORTER, 'highlight': PARTNER, 'years': result.years, 'has_data': bool(result.years),
               'form': form, 'missing_slices': result.missing_slices}  # fmt: skip
    if not result.years:
        return render(request, 'trade/partners.html', context)
    listed = result.listed
    chart_rows = [dict(row, label=row['name'], url=reverse('trade:partner', args=[row['partner']]))
                  for row in result.top(TOP_IN_CHART)]  # fmt: skip
    context.update({
        'year': result.year,
        'rows': listed,
        'pair': result.pair,
        'concentration': result.concentration,
        'without_trade': len(result.rows) - len(listed),
        'world': result.world,
        'source': result.source,
        'source_label': source_label(result.source),
        'classification': result.classification,
        'illustrative': result.illustrative,
        'top': TOP_IN_CHART,
        'chart': to_json(charts.partners_chart(chart_rows, highlight=PARTNER), illustrative=result.illustrative),
    })  # fmt: skip
    return render(request, 'trade/partners.html', context)


def partner(request, code: str):
    if not re.fullmatch(r'[A-Z]{3}|_OT', code):
        raise Http404
    result = selectors.partner(selectors.CachedMonitor(REPORTER, PARTNER), code)
    context = {
        'code': code,
        'name': result.name,
        'is_pair_partner': code == PARTNER,
        'is_other': result.is_other,
        'has_data': result.has_data,
        'missing_slices': result.missing_slices,
    }
    if not result.has_data:
        if not result.known:  # neither a country nor a partner code of the tables
            raise Http404
        return render(request, 'trade/partner.html', context)
    history = result.history
    latest = history.iloc[-1]
    chart_specs = {'trade': to_json(charts.trade_over_time(history))}
    if history.share.notna().any():
        chart_specs['share'] = to_json(charts.share_chart(history))
    context.update({
        'history': records(history),
        'latest': records(history)[-1],
        'source': latest.source,
        'source_label': source_label(latest.source),
        'classification': latest.classification,
        'illustrative': bool(latest.illustrative),
        'charts': chart_specs,
    })  # fmt: skip
    return render(request, 'trade/partner.html', context)
