from django.shortcuts import render
from django.utils.translation import gettext as _

from core import selectors
from core.models import ExchangeRate
from hamkor.charts import line_chart, to_json


def dashboard(request):
    """The landing page: what the system holds today and where each domain lives."""
    series = selectors.rate_series('CNY', ExchangeRate.Frequency.MONTHLY)
    recent = [point for point in series if point['month'] >= '2016-01-01']
    chart = to_json(line_chart(recent, x='month', y='rate', y_title=_('CNY per USD'))) if recent else None
    context = {
        'summary': selectors.reference_summary(),
        'latest': [rate for rate in (selectors.latest_rate('CNY'), selectors.latest_rate('UZS')) if rate],
        'chart': chart,
    }
    return render(request, 'dashboard.html', context)
