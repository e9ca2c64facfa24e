"""The portfolio dashboard and its drill-downs: every figure from portfolio.selectors."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamkor.charts import bar_chart, to_json
from portfolio import selectors

DIMENSION_TITLES = {
    'stage': gettext_lazy('By stage'),
    'sector': gettext_lazy('By sector'),
    'region': gettext_lazy('By region'),
    'financier': gettext_lazy('By financier'),
    'year': gettext_lazy('By year of commitment'),
}


def dashboard(request):
    summary = selectors.summary(request.user)
    breakdowns = {
        dimension: selectors.breakdown(request.user, dimension)
        for dimension in ('sector', 'financier', 'year', 'region')
    }
    charts = {}
    for dimension in ('sector', 'financier'):
        values = [
            {'group': group.label or _('Not stated'), 'usd': float(group.value_usd)}
            for group in breakdowns[dimension]
            if group.value_usd
        ]
        if values:
            charts[dimension] = to_json(bar_chart(values, category='group', value='usd', value_title='USD'))
    stage_values = [{'group': group.label, 'usd': float(group.value_usd)} for group in summary.by_stage]
    charts['stage'] = to_json(bar_chart(stage_values, category='group', value='usd', value_title='USD'))
    context = {
        'summary': summary,
        'breakdowns': breakdowns,
        'charts': charts,
        'titles': DIMENSION_TITLES,
        'illustrative_usd': selectors.illustrative_total(request.user),
    }
    return render(request, 'portfolio/dashboard.html', context)


def drill_down(request, dimension, key):
    key = selectors.key_from_url(key)
    group = selectors.find_group(request.user, dimension, key)
    if group is None:
        raise Http404
    contributions = selectors.drill_down(request.user, dimension, key)
    page = Paginator(contributions, 100).get_page(request.GET.get('page'))
    context = {'dimension': dimension, 'title': DIMENSION_TITLES[dimension], 'group': group, 'page': page}
    return render(request, 'portfolio/drill_down.html', context)
