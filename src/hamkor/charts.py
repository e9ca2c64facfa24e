"""Charts as Vega-Lite specifications built with Altair and rendered in the browser by the
Vega bundle the application serves itself."""

import json

import altair as alt
from django.utils.safestring import mark_safe

PALETTE = ['#0b6e4f', '#c8102e', '#1f5fa8', '#e0a100', '#6b4c9a', '#5b6770']


def line_chart(values: list[dict], *, x: str, y: str, color: str | None = None, title: str = '', y_title: str = ''):
    encoding = {
        'x': alt.X(f'{x}:T', title=None),
        'y': alt.Y(f'{y}:Q', title=y_title, scale=alt.Scale(zero=False)),
        'tooltip': [alt.Tooltip(f'{x}:T', format='%Y-%m'), alt.Tooltip(f'{y}:Q', format=',.4f')],
    }
    if color:
        encoding['color'] = alt.Color(f'{color}:N', title=None, scale=alt.Scale(range=PALETTE))
    chart = alt.Chart(alt.Data(values=values)).mark_line(strokeWidth=2).encode(**encoding)
    return chart.properties(title=title, width='container', height=220)


def to_json(chart) -> str:
    """The chart's Vega-Lite spec as JSON safe to embed in a <script type="application/json">."""
    spec = chart.to_dict()
    spec.pop('$schema', None)  # a URL of an external host; the bundled Vega-Lite needs no schema
    spec['config'] = {'view': {'stroke': None}, 'font': 'system-ui, sans-serif'}
    text = json.dumps(spec, separators=(',', ':'))
    return mark_safe(text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026'))  # noqa: S308


def bar_chart(values: list[dict], *, category: str, value: str, title: str = '', value_title: str = ''):
    """Horizontal bars, largest first, with the values as tooltips (money in USD)."""
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y(f'{category}:N', sort='-x', title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(f'{value}:Q', title=value_title, axis=alt.Axis(format='~s')),
            tooltip=[alt.Tooltip(f'{category}:N'), alt.Tooltip(f'{value}:Q', format=',.0f')],
        )
    )
    return chart.properties(title=title, width='container', height=max(60, 26 * len(values)))
