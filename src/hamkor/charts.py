"""Charts as Vega-Lite specifications built with Altair and rendered in the browser by the
Vega bundle the application serves itself."""

import json

import altair as alt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from hamkor import numbers

PALETTE = ['#0b6e4f', '#c8102e', '#1f5fa8', '#e0a100', '#6b4c9a', '#5b6770']


def money_label_expr(field: str = 'datum.value') -> str:
    """A Vega expression writing an amount of dollars in the reader's words of scale ("$5B",
    "5 млрд $", "50亿美元"), for axis labels: the scales of hamkor.numbers, computed in the
    browser (or by a server-side renderer) for whatever ticks the axis chooses."""
    before, after = numbers.chart_locale()['currency']
    magnitude = f'abs({field})'
    expression = f"'{before}' + format({magnitude}, ',.3~r') + '{after}'"
    for divisor, template in sorted(numbers.compact_money_scales()):
        prefix, suffix = template.split('{}')
        scaled = f"'{prefix}' + format({magnitude} / {divisor}, '.3~r') + '{suffix}'"
        expression = f'{magnitude} >= {divisor} ? {scaled} : ({expression})'
    return f"({field} < 0 ? '{numbers.MINUS}' : '') + ({expression})"


def money_axis(**options) -> alt.Axis:
    """An axis of amounts in USD labelled in words of scale in the reader's language; the labels
    at its ends are drawn inside its range (a long "800 млн $" is not cut off at the edge of a
    narrow chart), and labels that would touch are thinned out."""
    return alt.Axis(labelExpr=money_label_expr(), labelOverlap=True, labelFlush=True, **options)


def line_chart(values: list[dict], *, x: str, y: str, x_title: str, y_title: str, color: str | None = None,
               title: str = '', color_title: str = ''):  # fmt: skip
    encoding = {
        'x': alt.X(f'{x}:T', title=None),
        'y': alt.Y(f'{y}:Q', title=y_title, scale=alt.Scale(zero=False)),
        'tooltip': [
            alt.Tooltip(f'{x}:T', format='%Y-%m', title=x_title),
            alt.Tooltip(f'{y}:Q', format=',.4f', title=y_title),
        ],
    }
    if color:
        encoding['color'] = alt.Color(f'{color}:N', title=None, scale=alt.Scale(range=PALETTE))
        encoding['tooltip'].insert(0, alt.Tooltip(f'{color}:N', title=color_title))
    chart = alt.Chart(alt.Data(values=values)).mark_line(strokeWidth=2).encode(**encoding)
    return chart.properties(title=title, width='container', height=220)


def to_json(chart, *, illustrative: bool = False) -> str:
    """The chart's Vega-Lite spec as JSON safe to embed in a <script type="application/json">,
    with what the page's script needs beside it (usermeta): the reader's number format, the
    chart's data as a table for its CSV download and the download buttons' labels. A chart of
    data that contains illustrative records says so in its title, which its PNG and SVG keep,
    and in the first line of its CSV."""
    spec = chart.to_dict()
    spec.pop('$schema', None)  # a URL of an external host; the bundled Vega-Lite needs no schema
    spec['config'] = {'view': {'stroke': None}, 'font': 'system-ui, sans-serif'}
    # Vega lays a chart out with estimated label widths, which can be a pixel or two short of
    # the drawn text (no-break spaces in "800 млн $"): a margin on the right keeps the last
    # label of an axis inside the drawing.
    spec['padding'] = {'left': 5, 'top': 5, 'right': 12, 'bottom': 5}
    _wrap_legends(spec)
    _fit_axis_labels(spec)
    table = chart_table(spec)
    if illustrative:
        title = _('Illustrative data, not statistics')  # short: a chart's title does not wrap
        spec['title'] = {'text': title, 'anchor': 'start', 'fontSize': 11, 'fontWeight': 'normal', 'color': '#8a5a00'}
        table['note'] = _('Illustrative: contains generated data, not statistics')
    spec['usermeta'] = {
        'formatLocale': numbers.chart_locale(),
        'table': table,
        'actions': {
            'png': _('Download the chart as an image (PNG)'),
            'svg': _('Download the chart as a vector drawing (SVG)'),
            'csv': _('Download the chart’s data (CSV)'),
        },
    }
    text = json.dumps(spec, separators=(',', ':'))
    return mark_safe(text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026'))  # noqa: S308


def chart_table(spec: dict) -> dict:
    """The chart's data as a table for its CSV download: one column per field its tooltips show,
    headed by the tooltip's (translated) title, the values exact and unformatted, from every
    layer that has rows of its own. A tooltip without a title would show a raw field name to
    the reader: it is an error of the chart, not something to fill in."""
    columns: dict[str, str] = {}
    layers = []
    for layer in spec.get('layer') or [spec]:
        values = (layer.get('data') or spec.get('data') or {}).get('values')  # a layer may use its parent's
        tooltips = (layer.get('encoding') or {}).get('tooltip')
        if not values or not tooltips:
            continue
        if isinstance(tooltips, dict):
            tooltips = [tooltips]
        fields = []
        for tooltip in tooltips:
            if 'title' not in tooltip:
                raise ValueError(f'a tooltip of field {tooltip.get("field")!r} has no title')
            if tooltip['field'] not in columns:
                columns[tooltip['field']] = str(tooltip['title'])
            fields.append(tooltip['field'])
        layers.append((fields, values))
    rows = [[_value(row, field) if field in fields else None for field in columns] for fields, values in layers
            for row in values]  # fmt: skip
    return {'columns': list(columns.values()), 'rows': rows}


def _value(row: dict, field: str):
    """A field of a row, nested ones ('properties.usd' of a map's feature) included."""
    for key in field.split('.'):
        row = row.get(key) if isinstance(row, dict) else None
    return row


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


def bar_chart(values: list[dict], *, category: str, value: str, category_title: str, sort='-x', title: str = ''):
    """Horizontal bars of amounts in USD (largest first unless `sort` gives the order), the exact
    value and the share of the whole as tooltips; a bar whose row has a `url` links to it."""
    total = sum(row[value] for row in values) or 1
    values = [dict(row, share=row[value] / total) for row in values]
    encoding = {
        'y': alt.Y(f'{category}:N', sort=sort, title=None, axis=alt.Axis(labelLimit=260)),
        'x': alt.X(f'{value}:Q', title='USD', axis=money_axis(tickCount=4)),
        'tooltip': [
            alt.Tooltip(f'{category}:N', title=category_title),
            alt.Tooltip(f'{value}:Q', format='$,.0f', title=_('Value, USD')),
            alt.Tooltip('share:Q', format='.1%', title=_('Share')),
        ],
    }
    if values and 'url' in values[0]:
        encoding['href'] = alt.Href('url:N')
    chart = alt.Chart(alt.Data(values=values)).mark_bar(color=PALETTE[0]).encode(**encoding)
    return chart.properties(title=title, width='container', height=max(60, 26 * len(values)))
