"""Comparative advantage and complementarity of the pair (public, like the monitor)."""

from django.shortcuts import render
from django.urls import reverse

from hamkor.charts import to_json
from trade import charts, selectors
from trade.forms import AdvantageForm
from trade.labels import source_label
from trade.schema import PARTNER, REPORTER
from trade.selectors import records

TOP = 50


def advantage(request):
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    form = AdvantageForm(request.GET, monitor=monitor)
    result = selectors.advantage(monitor, year=form.values()['year'])
    context = {'result': result, 'reporter': REPORTER, 'partner': PARTNER, 'form': form}
    if result.has_data:
        frame = result.frame
        top = records(frame.head(TOP))
        chart_rows = sorted(top, key=lambda row: row['rca'], reverse=True)[:20]
        chart_rows = [
            {'code': row['product'], 'name': row['description'], 'rca': row['rca'], 'partner_rca': row['partner_rca'],
             'url': reverse('trade:product', args=[row['product']])}
            for row in chart_rows
        ]  # fmt: skip
        context.update({
            'rows': top,
            'count': len(frame),
            'advantaged': result.advantaged,
            'source_label': source_label(result.source),
            'files': result.files,
            'tc_years': result.tc_years,
            'chart': to_json(charts.rca_chart(chart_rows)) if chart_rows else None,
        })  # fmt: skip
    return render(request, 'trade/advantage.html', context)
