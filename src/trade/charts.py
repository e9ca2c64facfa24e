"""Vega-Lite charts of the trade monitor (Altair; the page renders them with the bundled Vega)."""

import altair as alt
from django.utils.translation import gettext as _

from hamkor.charts import PALETTE

YEAR = alt.X('year:Q', title=None, axis=alt.Axis(format='d', tickMinStep=1))
BILLIONS = alt.Axis(format='$~s', labelExpr="replace(datum.label, 'G', ' bn')")


def trade_over_time(yearly) -> alt.LayerChart:
    """Exports and imports as lines, the balance as bars below zero (or above)."""
    names = {'exports': _('Exports'), 'imports': _('Imports'), 'turnover': _('Turnover')}
    lines = [
        {'year': int(row.year), 'series': names[column], 'usd': float(getattr(row, column))}
        for row in yearly.itertuples()
        for column in names
        if getattr(row, column) == getattr(row, column)  # not NaN
    ]
    bars = [
        {'year': int(row.year), 'series': _('Balance'), 'usd': float(row.balance)}
        for row in yearly.itertuples()
        if row.balance == row.balance
    ]
    order = [names['turnover'], names['imports'], names['exports'], _('Balance')]
    color = alt.Color('series:N', title=None, scale=alt.Scale(domain=order, range=PALETTE[:4]),
                      legend=alt.Legend(orient='top'))  # fmt: skip
    tooltip = [alt.Tooltip('year:Q', format='d'), alt.Tooltip('series:N'), alt.Tooltip('usd:Q', format='$,.0f')]
    balance = (
        alt.Chart(alt.Data(values=bars))
        .mark_bar(opacity=0.55, width={'band': 0.6})
        .encode(x=YEAR, y=alt.Y('usd:Q', title='USD', axis=BILLIONS), color=color, tooltip=tooltip)
    )
    trend = (
        alt.Chart(alt.Data(values=lines))
        .mark_line(point=True, strokeWidth=2)
        .encode(x=YEAR, y=alt.Y('usd:Q'), color=color, tooltip=tooltip)
    )
    return alt.layer(balance, trend).properties(width='container', height=280)


def projection_chart(assessment, path: list[dict]) -> alt.LayerChart | None:
    """History, the chosen projection's central path and interval, the path the target needs,
    and the target as a horizontal rule."""
    chosen = assessment.chosen
    if chosen is None:
        return None
    last = assessment.by_year + 1
    history = [
        {'year': year, 'usd': value, 'series': _('Official')}
        for year, value in zip(assessment.history_years, assessment.history, strict=True)
    ]
    start = {'year': assessment.latest_year, 'usd': assessment.latest, 'low': assessment.latest,
             'high': assessment.latest}  # fmt: skip
    band = [start] + [
        {'year': year, 'usd': central, 'low': low, 'high': high}
        for year, central, low, high in zip(chosen.years, chosen.central, chosen.lower, chosen.upper, strict=True)
        if year <= last
    ]
    projected = [dict(point, series=_('Projection')) for point in band]
    needed = [{'year': point['year'], 'usd': point['value'], 'series': _('Path to the target')} for point in path]
    order = [_('Official'), _('Projection'), _('Path to the target')]
    color = alt.Color('series:N', title=None, scale=alt.Scale(domain=order, range=[PALETTE[0], PALETTE[2], PALETTE[1]]),
                      legend=alt.Legend(orient='top'))  # fmt: skip
    tooltip = [alt.Tooltip('year:Q', format='d'), alt.Tooltip('series:N'), alt.Tooltip('usd:Q', format='$,.0f')]
    interval = (
        alt.Chart(alt.Data(values=band))
        .mark_area(opacity=0.18, color=PALETTE[2])
        .encode(
            x=YEAR,
            y=alt.Y('low:Q', title='USD', axis=BILLIONS),
            y2='high:Q',
            tooltip=[
                alt.Tooltip('year:Q', format='d'),
                alt.Tooltip('low:Q', format='$,.0f'),
                alt.Tooltip('high:Q', format='$,.0f'),
            ],
        )  # fmt: skip
    )
    lines = (
        alt.Chart(alt.Data(values=history + projected + needed))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=YEAR,
            y='usd:Q',
            color=color,
            strokeDash=alt.condition(f"datum.series == '{_('Official')}'", alt.value([1, 0]), alt.value([6, 3])),
            tooltip=tooltip,
        )
    )
    rule = (
        alt.Chart(alt.Data(values=[{'usd': assessment.value}]))
        .mark_rule(color=PALETTE[1], strokeDash=[2, 2])
        .encode(y='usd:Q')
    )
    return alt.layer(interval, lines, rule).properties(width='container', height=300)


def share_chart(share) -> alt.Chart:
    values = [
        {'year': int(row.year), 'share': float(row.share)} for row in share.itertuples() if row.share == row.share
    ]
    return (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True, color=PALETTE[0])
        .encode(
            x=YEAR,
            y=alt.Y('share:Q', title=None, axis=alt.Axis(format='%')),
            tooltip=[alt.Tooltip('year:Q', format='d'), alt.Tooltip('share:Q', format='.1%')],
        )
        .properties(width='container', height=200)
    )


def products_chart(rows: list[dict]) -> alt.Chart:
    """Horizontal bars of product values (rows: {'label', 'usd'})."""
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y('label:N', sort='-x', title=None, axis=alt.Axis(labelLimit=280)),
            x=alt.X('usd:Q', title='USD', axis=alt.Axis(format='$~s')),
            tooltip=[alt.Tooltip('label:N'), alt.Tooltip('usd:Q', format='$,.0f')],
        )
        .properties(width='container', height=max(60, 22 * len(rows)))
    )
