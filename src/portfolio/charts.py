"""Vega-Lite charts of the portfolio dashboard (Altair; the page renders them with the bundled
Vega). Every bar and region links to the drill-down its table row links to."""

import json
from functools import cache
from pathlib import Path

import altair as alt
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from hamkor.charts import PALETTE, bar_chart, money_axis
from portfolio.choices import Region
from portfolio.selectors import NOT_STATED_IN_URL, Group, YearOfMoney

REGIONS_FILE = 'geo/uzbekistan_regions.geojson'  # data/PROVENANCE.md: Natural Earth, public domain
TITLES = {
    'stage': gettext_lazy('Stage'),
    'sector': gettext_lazy('Sector'),
    'financier': gettext_lazy('Financier'),
    'flow': gettext_lazy('Flow class'),
    'region': gettext_lazy('Region'),
    'year': gettext_lazy('Year of commitment'),
}


def drill_down_url(dimension: str, group: Group) -> str:
    return reverse('portfolio:drill_down', args=[dimension, group.key or NOT_STATED_IN_URL])


def breakdown_chart(dimension: str, groups: list[Group], *, in_given_order: bool = False) -> alt.Chart | None:
    """Bars of a breakdown's groups with a value, largest first (or in the order given: the
    lifecycle order of the stages), each linking to its drill-down."""
    values = [
        {'group': group.label or _('Not stated'), 'usd': float(group.value_usd),
         'url': drill_down_url(dimension, group)}
        for group in groups
        if group.value_usd
    ]  # fmt: skip
    if not values:
        return None
    sort = [row['group'] for row in values] if in_given_order else '-x'
    return bar_chart(values, category='group', value='usd', category_title=str(TITLES[dimension]), sort=sort)


def commitment_years_chart(groups: list[Group]) -> alt.Chart | None:
    """The registered total by the year of each project's first counted amount, as columns."""
    values = [
        {'year': int(group.key), 'usd': float(group.value_usd), 'projects': group.projects,
         'url': drill_down_url('year', group)}
        for group in groups
        if group.key and group.value_usd
    ]  # fmt: skip
    if not values:
        return None
    return (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X('year:O', title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
            y=alt.Y('usd:Q', title='USD', axis=money_axis(tickCount=4)),
            href='url:N',
            tooltip=[
                alt.Tooltip('year:O', title=str(TITLES['year'])),
                alt.Tooltip('usd:Q', format='$,.0f', title=_('Value, USD')),
                alt.Tooltip('projects:Q', format=',d', title=_('Projects')),
            ],
        )
        .properties(width='container', height=220)
    )


def money_over_time_chart(years: list[YearOfMoney]) -> alt.Chart | None:
    """Cumulative commitments and disbursements of the counted projects, year by year: how much
    of what was committed has been paid out."""
    if not years:
        return None
    names = {'committed': pgettext('money', 'Commitments'), 'disbursed': pgettext('money', 'Disbursements')}
    values, running = [], dict.fromkeys(names, 0.0)
    for year in years:
        for key, name in names.items():
            in_year = float(getattr(year, f'{key}_usd'))
            running[key] += in_year
            values.append({'year': year.year, 'series': name, 'cumulative': running[key], 'in_year': in_year})
    return (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True, strokeWidth=2, interpolate='step-after')
        .encode(
            x=alt.X('year:O', title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
            y=alt.Y('cumulative:Q', title='USD', axis=money_axis(tickCount=4)),
            color=alt.Color(
                'series:N',
                title=None,
                legend=alt.Legend(orient='top'),
                scale=alt.Scale(domain=list(names.values()), range=[PALETTE[0], PALETTE[2]]),
            ),  # fmt: skip
            tooltip=[
                alt.Tooltip('year:O', title=_('Year')),
                alt.Tooltip('series:N', title=_('Amount')),
                alt.Tooltip('cumulative:Q', format='$,.0f', title=_('Cumulative, USD')),
                alt.Tooltip('in_year:Q', format='$,.0f', title=_('In the year, USD')),
            ],
        )
        .properties(width='container', height=240)
    )


@cache
def region_features() -> tuple[dict, ...]:
    path = Path(settings.REFERENCE_DATA_DIR) / REGIONS_FILE
    return tuple(json.loads(path.read_text(encoding='utf-8'))['features'])


def regions_map(groups: list[Group], points: list[dict]) -> alt.LayerChart:
    """Uzbekistan's regions shaded by the registered total of the projects located in each, and
    the projects that record coordinates as points (rows: {'title', 'latitude', 'longitude',
    'url'}); drawn from the shipped boundary file, without map tiles."""
    by_region = {group.key: group for group in groups}
    names = {code: str(label) for code, label in Region.choices}
    features = []
    for feature in region_features():
        code = feature['properties']['code']
        group = by_region.get(code)
        properties = {
            'region': names[code],
            'usd': float(group.value_usd) if group else 0.0,
            'projects': group.projects if group else 0,
        }
        if group:
            properties['url'] = drill_down_url('region', group)
        features.append({'type': 'Feature', 'geometry': feature['geometry'], 'properties': properties})
    shapes = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(stroke='#ffffff', strokeWidth=1)
        .encode(
            color=alt.condition(  # a region without counted projects in grey, not in the palest green
                'datum.properties.usd > 0',
                alt.Color(
                    'properties.usd:Q',
                    title='USD',
                    scale=alt.Scale(scheme='greens'),
                    legend=alt.Legend(orient='bottom', labelExpr=money_axis().labelExpr),
                ),
                alt.value('#e4e8ec'),
            ),  # fmt: skip
            href='properties.url:N',
            tooltip=[
                alt.Tooltip('properties.region:N', title=_('Region')),
                alt.Tooltip('properties.usd:Q', format='$,.0f', title=_('Value, USD')),
                alt.Tooltip('properties.projects:Q', format=',d', title=_('Projects')),
            ],
        )
    )
    chart = shapes
    if points:
        chart = shapes + (
            alt.Chart(alt.Data(values=points))
            .mark_circle(size=60, color=PALETTE[1], opacity=0.9, stroke='#ffffff', strokeWidth=1)
            .encode(
                longitude='longitude:Q',
                latitude='latitude:Q',
                href='url:N',
                tooltip=[alt.Tooltip('title:N', title=_('Project'))],
            )
        )
    return chart.project(type='mercator').properties(width='container', height=320)
