"""The portfolio dashboard and its drill-downs: every figure from portfolio.selectors.

The dashboard is the portfolio's busiest page: its model (the selectors' figures, the chart
specs, the rendered body) is read from the shared page cache (hamkor.pagecache), one per set of
visibility levels and language, so readers who may see the same projects share it and no
reader is served one computed over projects they may not see.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from hamkor import pagecache
from hamkor.charts import to_json
from hamkor.registry import visibility_levels
from portfolio import charts as portfolio_charts
from portfolio import selectors

DIMENSION_TITLES = {
    'stage': gettext_lazy('By stage'),
    'sector': gettext_lazy('By sector'),
    'region': gettext_lazy('By region'),
    'financier': gettext_lazy('By financier'),
    'flow': gettext_lazy('By flow class'),
    'year': gettext_lazy('By year of commitment'),
}

# The topic's models are named in portfolio.apps (PortfolioConfig.ready).
DASHBOARD = pagecache.Page('portfolio-dashboard', topics=('portfolio',))


def dashboard(request):
    user = request.user
    audience = visibility_levels(user)

    def context() -> dict:
        model = DASHBOARD.get(lambda: dashboard_model(user), audience=audience)
        return {**model, 'body': mark_safe(model['body'])}  # noqa: S308

    return pagecache.render(request, DASHBOARD, 'portfolio/dashboard.html', context, audience=audience)


def dashboard_model(user) -> dict:
    """Everything the dashboard shows for the projects `user` may see (and only for those)."""
    summary = selectors.summary(user)
    breakdowns = {
        dimension: selectors.breakdown(user, dimension)
        for dimension in ('sector', 'financier', 'flow', 'year', 'region')
    }
    charts = {'stage': portfolio_charts.breakdown_chart('stage', summary.by_stage, in_given_order=True)}
    for dimension in ('sector', 'financier', 'flow'):
        charts[dimension] = portfolio_charts.breakdown_chart(dimension, breakdowns[dimension])
    charts['year'] = portfolio_charts.commitment_years_chart(breakdowns['year'])
    points = [
        {'title': str(project), 'latitude': float(project.latitude), 'longitude': float(project.longitude),
         'url': project.get_absolute_url()}
        for project in selectors.located_projects(user)
    ]  # fmt: skip
    charts['region'] = portfolio_charts.regions_map(breakdowns['region'], points)
    charts['money'] = portfolio_charts.money_over_time_chart(selectors.money_by_year(user))
    illustrative = bool(summary.illustrative_usd)  # every chart is of the registered total's projects
    charts = {name: to_json(chart, illustrative=illustrative) for name, chart in charts.items() if chart is not None}
    model = {
        'summary': summary,
        'breakdowns': breakdowns,
        'charts': charts,
        'titles': DIMENSION_TITLES,
    }
    model['body'] = str(render_to_string('portfolio/_dashboard_body.html', model))
    model['titles'] = {key: str(title) for key, title in DIMENSION_TITLES.items()}
    return model


def drill_down(request, dimension, key):
    key = selectors.key_from_url(key)
    group = selectors.find_group(request.user, dimension, key)
    if group is None:
        raise Http404
    contributions = selectors.drill_down(request.user, dimension, key)
    page = Paginator(contributions, 100).get_page(request.GET.get('page'))
    context = {'dimension': dimension, 'title': DIMENSION_TITLES[dimension], 'group': group, 'page': page}
    return render(request, 'portfolio/drill_down.html', context)


def home_story(user) -> str:
    """The portfolio's story on the landing page, from the dashboard's cached model for the
    projects `user` may see."""
    model = DASHBOARD.get(lambda: dashboard_model(user), audience=visibility_levels(user))
    return render_to_string('portfolio/_home_story.html', {'summary': model['summary']})
