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
    _wrap_legends(spec)
    _fit_axis_labels(spec)
    text = json.dumps(spec, separators=(',', ':'))
    return mark_safe(text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026'))  # noqa: S308


LABEL_FONT_SIZE = 10  # Vega's default size of legend and axis labels
LEGEND_ENTRY_PADDING = 16 + 10  # a legend entry's symbol and the space after it
QUANTITATIVE_AXIS = 75  # a y axis of amounts ("−$10 bn") with its title, in pixels
LABEL_LIMIT = 180  # Vega's default limit of an axis label's width


def _label_width(label) -> float:
    """A generous estimate of a label's width in pixels (wide glyphs for CJK)."""
    return sum(LABEL_FONT_SIZE * (1.0 if ord(char) > 0x2E80 else 0.62) for char in str(label))


def _axis_width(y, values) -> str:
    """An estimate of the width of the y axis, left of the plot over which a legend is laid out
    (an expression: names of categories take at most 40 % of a narrow chart, see _fit_axis_labels)."""
    if not isinstance(y, dict):
        return '10'
    if y.get('type') in ('nominal', 'ordinal'):
        limit = ((y.get('axis') or {}).get('labelLimit')) or LABEL_LIMIT
        labels = [row.get(y.get('field')) for row in values or () if isinstance(row, dict)]
        widest = round(min(limit, max((_label_width(label) for label in labels), default=0)))
        return f'(min({widest}, max(80, 0.4 * containerSize()[0])) + 20)'
    return str(QUANTITATIVE_AXIS)


def _wrap_legends(node, values=None) -> None:
    """A horizontal legend (top or bottom) whose entries are wider than the plot wraps to two
    columns, then to one: on a phone, or with long Russian labels, no entry is cut off.

    The number of columns is an expression of the container's width less the y axis, evaluated
    in the browser: not of the plot's `width`, which the layout computes from the legend itself
    (the legend would be laid out with the columns of the previous width and clipped). `0 * width`
    only makes the expression evaluated again when the window is resized."""
    if isinstance(node, list):
        for item in node:
            _wrap_legends(item, values)
        return
    if not isinstance(node, dict):
        return
    values = (node.get('data') or {}).get('values', values)
    encoding = node.get('encoding') or {}
    for channel in encoding.values():
        if not isinstance(channel, dict):
            continue
        legend, domain = channel.get('legend'), (channel.get('scale') or {}).get('domain')
        if not isinstance(legend, dict) or legend.get('orient') not in ('top', 'bottom') or 'columns' in legend:
            continue
        if not isinstance(domain, list) or len(domain) < 2:
            continue
        widths = [_label_width(label) + LEGEND_ENTRY_PADDING for label in domain]
        one_row = round(sum(widths))
        two_columns = round(max(widths[0::2]) + max(widths[1::2]))
        plot = f'(containerSize()[0] - {_axis_width(encoding.get("y"), values)} + 0 * width)'
        legend['columns'] = {'expr': f'{plot} < {one_row} ? ({plot} < {two_columns} ? 1 : 2) : 0'}
    for key in ('layer', 'hconcat', 'vconcat', 'concat'):
        if key in node:
            _wrap_legends(node[key], values)


def _fit_axis_labels(node) -> None:
    """The names along a y axis of categories take at most 40 % of a narrow chart (a phone), so
    that the bars keep the rest; on a wide chart, their limit as given."""
    if isinstance(node, list):
        for item in node:
            _fit_axis_labels(item)
        return
    if not isinstance(node, dict):
        return
    y = (node.get('encoding') or {}).get('y')
    axis = y.get('axis') if isinstance(y, dict) else None
    if isinstance(axis, dict) and y.get('type') in ('nominal', 'ordinal') and isinstance(axis.get('labelLimit'), int):
        axis['labelLimit'] = {'expr': f'min({axis["labelLimit"]}, max(80, 0.4 * containerSize()[0] + 0 * width))'}
    for key in ('layer', 'hconcat', 'vconcat', 'concat'):
        if key in node:
            _fit_axis_labels(node[key])


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
