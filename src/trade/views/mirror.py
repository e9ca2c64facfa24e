"""Mirror statistics by product: each side's report of the same flow (public, like the monitor)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from hamkor.charts import to_json
from trade import charts, selectors
from trade.forms import MirrorForm
from trade.labels import source_label
from trade.schema import PARTNER, REPORTER
from trade.selectors import records
from trade.selectors.analysis import MIRROR_DIGITS


def mirror(request):
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    form = MirrorForm(request.GET, monitor=monitor)
    values = form.values()
    result = selectors.mirror(monitor, year=values['year'], digits=values['digits'], importer=values['importer'])
    context = {
        'form': form,
        'result': result,
        'reporter': REPORTER,
        'partner': PARTNER,
        'digit_choices': MIRROR_DIGITS,
        'totals_mirror': records(result.totals_mirror),
        'directions': [
            (REPORTER, _('China → Uzbekistan')),
            (PARTNER, _('Uzbekistan → China')),
        ],
    }
    if result.has_data:
        rows = records(result.frame)
        chart_rows = [{'label': charts.product_label(row['code'], row['description']), 'gap': row['gap_usd']}
                      for row in rows[:25]]  # fmt: skip
        context.update({
            'rows': rows,
            'imports_label': source_label(result.imports_source),
            'exports_label': source_label(result.exports_source),
            'chart': to_json(charts.mirror_gap_chart(chart_rows, label_title=_('Product'))),
        })  # fmt: skip
    return render(request, 'trade/mirror.html', context)
