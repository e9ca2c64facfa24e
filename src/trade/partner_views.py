"""Pages of Uzbekistan's trade by partner country: the partner table of a year and one partner's
history. Official statistics, public like the rest of the monitor."""

import re

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from core.models import Country
from hamkor.charts import to_json
from trade import analytics, charts, selectors
from trade.selectors import records
from trade.views import PARTNER, REPORTER, _int, source_label

TOP_IN_CHART = 15
# Partner codes of the official tables that are not countries of today's reference list.
SPECIAL_NAMES = {
    analytics.OTHER_COUNTRIES: gettext_lazy('Other countries (not itemised)'),
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


def partners(request):
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    years = monitor.partner_years()
    context = {'reporter': REPORTER, 'highlight': PARTNER, 'years': years, 'has_data': bool(years)}
    if not years:
        return render(request, 'trade/partners.html', context)
    year = _int(request.GET.get('year'))
    year = year if year in years else years[-1]
    table = monitor.partners(year=year)
    names = partner_names(table.partner)
    rows = [dict(row, name=names[row['partner']]) for row in records(table)]
    listed = [row for row in rows if row['turnover'] != 0]
    first = rows[0]
    top = [row for row in rows if row['rank'] is not None][:TOP_IN_CHART]
    chart_rows = [dict(row, label=row['name']) for row in top]
    context.update({
        'year': year,
        'rows': listed,
        'pair': next((row for row in rows if row['partner'] == PARTNER), None),
        'concentration': next(iter(records(monitor.partner_concentration(year))), None),
        'without_trade': len(rows) - len(listed),
        'world': {key: first[f'world_{key}'] for key in ('exports', 'imports', 'turnover')},
        'source': first['source'],
        'source_label': source_label(first['source']),
        'classification': first['classification'],
        'illustrative': bool(first['illustrative']),
        'top': TOP_IN_CHART,
        'chart': to_json(charts.partners_chart(chart_rows, highlight=PARTNER)),
    })  # fmt: skip
    return render(request, 'trade/partners.html', context)


def partner(request, code: str):
    if not re.fullmatch(r'[A-Z]{3}|_OT', code):
        raise Http404
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    history = monitor.partner_history(code)
    name = partner_names([code])[code]
    context = {
        'code': code,
        'name': name,
        'is_pair_partner': code == PARTNER,
        'is_other': code == analytics.OTHER_COUNTRIES,
        'has_data': not history.empty,
    }
    if history.empty:
        if name == code:  # neither a country nor a partner code of the tables
            raise Http404
        return render(request, 'trade/partner.html', context)
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
