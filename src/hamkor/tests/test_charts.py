"""The chart layer (hamkor.charts, hamkor.numbers): the reader's number format for Vega, the
words of scale of money axes, and the table each chart downloads as CSV."""

import altair as alt
import pytest
from django.utils import translation

from hamkor.charts import chart_table, to_json
from hamkor.numbers import chart_locale, compact_money_scales
from trade.charts import product_label

NBSP = '\xa0'


@pytest.mark.parametrize(
    ('language', 'expected'),
    [
        ('en', {'decimal': '.', 'thousands': ',', 'currency': ['$', ''], 'percent': '%'}),
        ('ru', {'decimal': ',', 'thousands': NBSP, 'currency': ['', f'{NBSP}$'], 'percent': f'{NBSP}%'}),
        ('zh-hans', {'decimal': '.', 'thousands': ',', 'currency': ['$', ''], 'percent': '%'}),
        ('uz', {'decimal': ',', 'thousands': NBSP, 'currency': ['', f'{NBSP}$'], 'percent': '%'}),
    ],
)
def test_charts_format_numbers_with_the_symbols_of_the_pages(language, expected):
    assert chart_locale(language) == {**expected, 'grouping': [3], 'minus': '\u2212'}


def test_money_axes_count_in_the_scales_of_each_language():
    assert compact_money_scales('en') == [(10**12, '${}T'), (10**9, '${}B'), (10**6, '${}M'), (10**3, '${}K')]
    assert compact_money_scales('ru') == [
        (10**12, f'{{}}{NBSP}трлн{NBSP}$'), (10**9, f'{{}}{NBSP}млрд{NBSP}$'), (10**6, f'{{}}{NBSP}млн{NBSP}$'),
        (10**3, f'{{}}{NBSP}тыс.{NBSP}$'),
    ]  # fmt: skip
    # Chinese counts in 万 (10⁴), 亿 (10⁸) and 万亿 (10¹²)
    assert compact_money_scales('zh-hans') == [(10**12, '{}万亿美元'), (10**8, '{}亿美元'), (10**4, '{}万美元')]


def bars(tooltip):
    return alt.Chart(alt.Data(values=[{'name': 'a', 'usd': 1.5, 'hidden': 'x'}, {'name': 'b', 'usd': 2}])).mark_bar(
        ).encode(y='name:N', x='usd:Q', tooltip=tooltip)  # fmt: skip


def test_a_chart_downloads_the_fields_of_its_tooltips_under_their_titles():
    chart = bars([alt.Tooltip('name:N', title='Name'), alt.Tooltip('usd:Q', title='Value, USD', format='$,.0f')])
    assert chart_table(chart.to_dict()) == {'columns': ['Name', 'Value, USD'], 'rows': [['a', 1.5], ['b', 2]]}


def test_a_tooltip_without_a_title_is_refused_rather_than_showing_a_field_name():
    with pytest.raises(ValueError, match="field 'usd' has no title"):
        to_json(bars([alt.Tooltip('name:N', title='Name'), alt.Tooltip('usd:Q')]))


def test_the_layers_of_a_chart_add_their_rows_and_columns():
    first = bars([alt.Tooltip('name:N', title='Name'), alt.Tooltip('usd:Q', title='USD')])
    rule = alt.Chart(alt.Data(values=[{'name': 'c', 'limit': 3}])).mark_rule().encode(
        x='limit:Q', tooltip=[alt.Tooltip('name:N', title='Name'), alt.Tooltip('limit:Q', title='Limit')])  # fmt: skip
    table = chart_table(alt.layer(first, rule).to_dict())
    assert table == {'columns': ['Name', 'USD', 'Limit'], 'rows': [['a', 1.5, None], ['b', 2, None], ['c', None, 3]]}


def test_an_illustrative_chart_says_so_in_its_title_and_its_csv():
    import json

    chart = bars([alt.Tooltip('name:N', title='Name')])
    with translation.override('ru'):
        spec = json.loads(to_json(chart, illustrative=True))
    assert spec['title']['text'] == 'Иллюстративные данные, не статистика'
    assert spec['usermeta']['table']['note'] == 'Иллюстративные данные: содержит сгенерированные данные, не статистику'
    assert 'title' not in json.loads(to_json(chart))


@pytest.mark.parametrize(
    ('code', 'name', 'label'),
    [
        # 41 characters: cut at the last space within the first 32
        ('870323', 'Vehicles; with only spark-ignition engine', '870323 Vehicles; with only…'),
        ('520100', 'Cotton; not carded or combed', '520100 Cotton; not carded or combed'),  # 28 characters: whole
        ('XI', 'Textiles and textile articles', 'XI Textiles and textile articles'),
        ('0000', '', '0000'),
    ],
)
def test_a_bar_carries_its_code_and_the_start_of_its_name_cut_at_a_word(code, name, label):
    assert product_label(code, name) == label


@pytest.mark.parametrize(
    ('rate', 'base', 'shown'),
    [
        ('0.25', '1000000', '25.0%'),
        ('10', '1000000', '1,000.0%'),  # tenfold: still a rate
        ('499', '2000', '<abbr class="not-meaningful" title="not meaningful: from $2,000">n/m</abbr>'),
        ('1', '0', '<abbr class="not-meaningful" title="not meaningful: from $0">n/m</abbr>'),
        (None, '1000', '—'),
    ],
)
def test_growth_on_a_tiny_base_is_not_meaningful_and_says_its_base(rate, base, shown):
    from decimal import Decimal

    from hamkor.templatetags.hamkor import growth

    assert str(growth(None if rate is None else Decimal(rate), Decimal(base))) == shown


def test_product_bars_show_growth_as_the_table_does():
    from trade.charts import products_chart

    rows = [
        {'code': '520100', 'name': 'Cotton', 'usd': 5e6, 'share': 0.5, 'growth': 0.25, 'base': 4e6, 'url': '/a/'},
        {'code': '081310', 'name': 'Apricots', 'usd': 1e6, 'share': 0.1, 'growth': 499.0, 'base': 2000, 'url': '/b/'},
    ]
    spec = products_chart(rows).to_dict()
    assert [value['growth_label'] for value in spec['data']['values']] == ['25.0%', 'n/m']
    assert [tooltip['title'] for tooltip in spec['encoding']['tooltip']] == [
        'Code', 'Product', 'Value, USD', 'Share', 'Growth'
    ]  # fmt: skip
    assert spec['encoding']['href'] == {'field': 'url', 'type': 'nominal'}
