"""Vega-Lite charts of the trade monitor (Altair; the page renders them with the bundled Vega)."""

import altair as alt
from django.utils.translation import gettext as _

from hamkor import numbers
from hamkor.charts import PALETTE, money_axis

# The axis spans the years of the data (a "nice" domain would add empty years at both ends), padded
# so that the first and last bars are whole; labels closer than 6 px to each other are thinned out
# (a narrow chart, a phone), never drawn touching.
YEAR = alt.X('year:Q', title=None, axis=alt.Axis(format='d', tickMinStep=1, labelOverlap=True, labelSeparation=6),
             scale=alt.Scale(nice=False, padding=12))  # fmt: skip


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
    tooltip = [alt.Tooltip('year:Q', format='d', title=_('Year')), alt.Tooltip('series:N', title=_('Flow')),
               alt.Tooltip('usd:Q', format='$,.0f', title=_('Value, USD'))]  # fmt: skip
    balance = (
        alt.Chart(alt.Data(values=bars))
        .mark_bar(opacity=0.55, width={'band': 0.6})
        .encode(x=YEAR, y=alt.Y('usd:Q', title='USD', axis=money_axis()), color=color, tooltip=tooltip)
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
    tooltip = [alt.Tooltip('year:Q', format='d', title=_('Year')), alt.Tooltip('series:N', title=_('Series')),
               alt.Tooltip('usd:Q', format='$,.0f', title=_('Turnover, USD'))]  # fmt: skip
    interval = (
        alt.Chart(alt.Data(values=band))
        .mark_area(opacity=0.18, color=PALETTE[2])
        .encode(
            x=YEAR,
            y=alt.Y('low:Q', title='USD', axis=money_axis()),
            y2='high:Q',
            tooltip=[
                alt.Tooltip('year:Q', format='d', title=_('Year')),
                alt.Tooltip('low:Q', format='$,.0f', title=_('Lower bound, USD')),
                alt.Tooltip('high:Q', format='$,.0f', title=_('Upper bound, USD')),
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
            tooltip=[
                alt.Tooltip('year:Q', format='d', title=_('Year')),
                alt.Tooltip('share:Q', format='.1%', title=_('Share')),
            ],  # fmt: skip
        )
        .properties(width='container', height=200)
    )


def products_chart(rows: list[dict]) -> alt.Chart:
    """Horizontal bars of product values, each labelled with its code and short name and linking
    to the product's page (rows: {'code', 'name', 'usd', 'url'}, and 'share', and 'growth' with
    its 'base' value, where known, shown in the tooltip)."""
    values = [dict(row, label=product_label(row['code'], row['name'])) for row in rows]
    if rows and 'growth' in rows[0]:  # as the table writes it: "n/m" on a base too small for a rate
        for row in values:
            meaningful = row['growth'] is not None and numbers.growth_is_meaningful(row['growth'], row['base'])
            row['growth_label'] = numbers.percent(row['growth']) if meaningful else _('n/m')
    tooltip = [alt.Tooltip('code:N', title=_('Code')), alt.Tooltip('name:N', title=_('Product')),
               alt.Tooltip('usd:Q', format='$,.0f', title=_('Value, USD'))]  # fmt: skip
    if rows and 'share' in rows[0]:
        tooltip.append(alt.Tooltip('share:Q', format='.1%', title=_('Share')))
    if rows and 'growth' in rows[0]:
        tooltip.append(alt.Tooltip('growth_label:N', title=_('Growth')))
    return (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y('label:N', sort='-x', title=None, axis=alt.Axis(labelLimit=280)),
            x=alt.X('usd:Q', title='USD', axis=money_axis(tickCount=4)),
            href='url:N',
            tooltip=tooltip,
        )
        .properties(width='container', height=max(60, 22 * len(rows)))
    )


SHORT_NAME = 32  # characters of a product's name beside its code on a bar


def product_label(code: str, name: str) -> str:
    """ "8703 Motor cars and other motor vehicles…": the code and the start of the name, cut at a
    word and marked as cut."""
    name = (name or '').strip()
    if len(name) > SHORT_NAME:
        name = name[:SHORT_NAME].rsplit(' ', 1)[0].rstrip(',;:') + '…'
    return f'{code} {name}'.strip()


def rca_chart(rows: list[dict]) -> alt.LayerChart:
    """Horizontal bars of the reporter's largest RCAs (rows: {'code', 'name', 'rca', 'partner_rca',
    'url'}), with a rule at RCA = 1, where a revealed advantage begins."""
    rows = [dict(row, label=product_label(row['code'], row['name'])) for row in rows]
    tooltip = [
        alt.Tooltip('code:N', title=_('Code')),
        alt.Tooltip('name:N', title=_('Product')),
        alt.Tooltip('rca:Q', format='.2f', title='RCA'),
        alt.Tooltip('partner_rca:Q', format='.2f', title=_('RCA of the partner')),
    ]
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y('label:N', sort='-x', title=None, axis=alt.Axis(labelLimit=300)),
            x=alt.X('rca:Q', title='RCA', scale=alt.Scale(type='symlog')),
            href='url:N',
            tooltip=tooltip,
        )
    )
    one = alt.Chart(alt.Data(values=[{'rca': 1}])).mark_rule(color=PALETTE[1], strokeDash=[4, 3]).encode(x='rca:Q')
    return alt.layer(bars, one).properties(width='container', height=max(60, 22 * len(rows)))


def mirror_gap_chart(rows: list[dict], *, label_title: str) -> alt.Chart:
    """Diverging bars of the mirror gap (rows: {'label', 'gap'}, and 'url' where the row has a
    page): right of zero the importer declares more than the exporter's report times the CIF/FOB
    factor, left less."""
    more, less = _('Importer declares more'), _('Importer declares less')
    values = [dict(row, side=more if row['gap'] >= 0 else less) for row in rows]
    link = {'href': 'url:N'} if rows and 'url' in rows[0] else {}
    return (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y(
                'label:N',
                sort=alt.EncodingSortField('magnitude', order='descending'),
                title=None,
                axis=alt.Axis(labelLimit=300),
            ),
            x=alt.X('gap:Q', title=_('Gap (USD)'), axis=money_axis(tickCount=4)),
            color=alt.Color(
                'side:N',
                title=None,
                scale=alt.Scale(domain=[more, less], range=[PALETTE[2], PALETTE[1]]),
                legend=alt.Legend(orient='top'),
            ),
            tooltip=[
                alt.Tooltip('label:N', title=label_title),
                alt.Tooltip('gap:Q', format='$,.0f', title=_('Gap, USD')),
            ],
            **link,
        )
        .transform_calculate(magnitude='abs(datum.gap)')
        .properties(width='container', height=max(60, 22 * len(rows)))
    )


def partners_chart(rows: list[dict], highlight: str = '') -> alt.Chart:
    """Exports and imports of the largest partners as stacked horizontal bars, ordered by turnover
    (rows: {'partner', 'label', 'exports', 'imports', 'turnover', 'url'}); the `highlight` partner in
    full colour; a bar links to the partner's page."""
    names = {'exports': _('Exports'), 'imports': _('Imports')}
    values = [
        {'label': row['label'], 'series': names[column], 'usd': float(row[column]), 'turnover': float(row['turnover']),
         'highlight': row['partner'] == highlight, 'url': row['url']}
        for row in rows
        for column in names
        if row[column] is not None
    ]  # fmt: skip
    order = [names['exports'], names['imports']]
    return (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y(
                'label:N',
                title=None,
                sort=alt.EncodingSortField('turnover', op='max', order='descending'),
                axis=alt.Axis(labelLimit=220),
            ),
            x=alt.X('usd:Q', title='USD', stack='zero', axis=money_axis()),
            color=alt.Color(
                'series:N',
                title=None,
                scale=alt.Scale(domain=order, range=[PALETTE[2], PALETTE[1]]),
                legend=alt.Legend(orient='top'),
            ),
            order=alt.Order('series:N', sort='ascending'),
            opacity=alt.condition('datum.highlight', alt.value(1.0), alt.value(0.6)),
            href='url:N',
            tooltip=[
                alt.Tooltip('label:N', title=_('Partner')),
                alt.Tooltip('series:N', title=_('Flow')),
                alt.Tooltip('usd:Q', format='$,.0f', title=_('Value, USD')),
                alt.Tooltip('turnover:Q', format='$,.0f', title=_('Turnover, USD')),
            ],
        )  # fmt: skip
        .properties(width='container', height=max(60, 24 * len(rows)))
    )


def monthly_chart(monthly) -> alt.Chart:
    """Monthly exports and imports as lines (rows of Monitor.monthly(): year, month, exports, imports)."""
    names = {'exports': _('Exports'), 'imports': _('Imports')}
    values = [
        {'month': f'{int(row.year):04d}-{int(row.month):02d}-01', 'series': names[column],
         'usd': float(getattr(row, column))}
        for row in monthly.itertuples()
        for column in names
        if getattr(row, column) == getattr(row, column)  # not NaN
    ]  # fmt: skip
    order = [names['exports'], names['imports']]
    return (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            # UTC months: the first of a month must not show as the month before west of Greenwich
            x=alt.X('utcyearmonth(month):T', title=None, axis=alt.Axis(format='%Y-%m', labelAngle=0)),
            y=alt.Y('usd:Q', title='USD', axis=money_axis()),
            color=alt.Color(
                'series:N',
                title=None,
                scale=alt.Scale(domain=order, range=[PALETTE[2], PALETTE[1]]),
                legend=alt.Legend(orient='top'),
            ),
            tooltip=[
                alt.Tooltip('utcyearmonth(month):T', format='%Y-%m', title=_('Month')),
                alt.Tooltip('series:N', title=_('Flow')),
                alt.Tooltip('usd:Q', format='$,.0f', title=_('Value, USD')),
            ],
        )  # fmt: skip
        .properties(width='container', height=260)
    )
