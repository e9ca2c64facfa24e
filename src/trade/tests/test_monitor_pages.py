"""The trade monitor's pages on the real official tables, the report's targets and the
illustrative product set: what they show, what they cost in queries, and their downloads."""

import io
import json

import openpyxl
import pyarrow.parquet as pq
import pytest

from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from portfolio.demo import load_demo_portfolio
from trade.analytics.monitor import Monitor
from trade.demo import generate_illustrative_products, load_demo_targets
from trade.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(official):
    """The official tables (conftest) with the report's figures and targets."""
    load_demo_portfolio()
    load_demo_targets(actor=SYSTEM)


@pytest.fixture
def products(official):
    generate_illustrative_products(actor=SYSTEM)


def test_dashboard_without_data_says_how_to_load_it(client, trade_data_dir):
    response = client.get('/trade/')

    assert response.status_code == 200
    assert b'id="no-trade-data"' in response.content


def test_dashboard_shows_official_turnover_claims_target_and_required_growth(
    client, official, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the current slices; the targets with their claims and sources
        response = client.get('/trade/')
    page = response.content.decode()

    assert response.status_code == 200
    assert '<div class="stat stat-big" id="latest-turnover" title="$13,825,656,300.00">$13.83 billion</div>' in page
    assert 'Statistics Agency under the President of Uzbekistan' in page
    assert 'id="announced-2023">about $14 billion<' in page
    assert 'Official statistic for 2023: $13.83 billion' in page
    assert 'id="target-value">$20 billion<' in page
    assert 'the opportunity to amplify this metric to $20 billion' in page
    assert 'href="/sources/trend-2-september/"' in page
    context = response.context
    assert [row.year for row in context['target'].table] == [2026, 2027, 2028, 2029]
    assert context['target'].by_year == 2028 and context['target'].status == 'on_track'
    assert 'id="no-products"' in page  # no product data yet
    assert 'id="no-mirror"' in page
    assert context['share']['share'] == pytest.approx(0.217629, abs=1e-6)


def test_choosing_the_year_to_reach_the_target(client, official):
    response = client.get('/trade/?by=2026')

    assert response.context['target'].by_year == 2026
    assert response.context['target'].status == 'at_risk'
    assert client.get('/trade/?by=1990').context['target'].by_year == 2028  # out of range: the default


def test_dashboard_labels_illustrative_products(client, products, django_assert_num_queries):
    with django_assert_num_queries(4):  # slices, targets, product names for exports and for imports
        response = client.get('/trade/')
    top = response.context['products']

    assert top['X']['illustrative'] and top['M']['illustrative']
    assert top['X']['year'] == 2023 and len(top['X']['rows']) == 10
    for direction in ('X', 'M'):  # each table has its chart of the same ten products
        spec = json.loads(response.context['charts'][f'top_{direction}'])
        values = spec['data']['values']
        assert [value['usd'] for value in values] == [row['value_usd'] for row in top[direction]['rows']]
        first = top[direction]['rows'][0]
        assert values[0]['code'] == first['product']
        assert values[0]['url'] == f'/trade/products/{first["product"]}/?flow={direction}'
        # the chart of illustrative rows says so in its title (kept by its PNG and SVG) and its CSV
        assert spec['title']['text'] == 'Illustrative data, not statistics'
        assert spec['usermeta']['table']['note'] == 'Illustrative: contains generated data, not statistics'
    assert response.content.decode().count('<span class="badge badge-amber">illustrative</span>') == 2
    # the headline stays official
    assert response.context['latest']['turnover'] == pytest.approx(13_825_656_300, abs=0.01)


def test_dashboard_states_how_concentrated_each_flow_is_over_products(client, products):
    response = client.get('/trade/')

    for direction in ('X', 'M'):
        every = Monitor('UZB', 'CHN').top_products(direction=direction, n=None)
        expected = float((every.share**2).sum())
        concentration = response.context['products'][direction]['concentration']
        assert concentration['hhi'] == pytest.approx(expected, rel=1e-12)
        assert (concentration['n'], concentration['year'], concentration['illustrative']) == (len(every), 2023, True)
        assert (
            f'<p class="small" id="hhi-{direction}">Concentration over {len(every)} products '
            f'(Herfindahl–Hirschman index): {expected:.3f}, normalised '
        ) in response.content.decode()


def test_product_drill_down_adds_up_at_every_level(client, products, django_assert_num_queries):
    with django_assert_num_queries(3):  # slices, chapters → sections, section names
        sections = client.get('/trade/products/?flow=X&year=2023').context['level']
    assert sections.illustrative and sections.year == 2023
    assert sum(row.value_usd for row in sections.rows) == pytest.approx(2_486_557_300, abs=0.01)
    assert sum(row.contribution for row in sections.rows) == pytest.approx(2_486_557_300 / 2_631_997_800 - 1)
    first = sections.rows[0]

    chapters = client.get(f'/trade/products/section/{first.code}/?flow=X&year=2023').context['level']
    assert sum(row.value_usd for row in chapters.rows) == pytest.approx(first.value_usd)
    chapter = chapters.rows[0]
    headings = client.get(f'/trade/products/{chapter.code}/?flow=X&year=2023').context['level']
    assert sum(row.value_usd for row in headings.rows) == pytest.approx(chapter.value_usd)
    heading = headings.rows[0]
    subheadings = client.get(f'/trade/products/{heading.code}/?flow=X&year=2023')
    assert sum(row.value_usd for row in subheadings.context['level'].rows) == pytest.approx(heading.value_usd)
    assert all(not row.children for row in subheadings.context['level'].rows)
    code = subheadings.context['level'].rows[0].code

    leaf = client.get(f'/trade/products/{code}/?flow=X')
    assert [row['year'] for row in leaf.context['history']] == list(range(2017, 2024))
    assert b'id="illustrative-notice"' in leaf.content
    assert client.get('/trade/products/123/').status_code == 404
    assert client.get('/trade/products/section/XXX/').status_code == 404


def test_downloads_in_three_formats_say_where_figures_come_from(client, products):
    csv = client.get('/trade/tables/yearly.csv')
    lines = b''.join(csv.streaming_content if csv.streaming else [csv.content]).decode('utf-8-sig').splitlines()
    assert lines[0].startswith('data_status,source,classification,year,exports,imports,turnover')
    assert lines[-1].startswith('official,uzstat,TOTAL,2023,2486557300.0,11339099000.0,13825656300.0')

    workbook = openpyxl.load_workbook(io.BytesIO(client.get('/trade/tables/required-growth.xlsx').content))
    rows = list(workbook.active.values)
    header = rows[0]
    assert [row[header.index('year')] for row in rows[1:]] == [2026, 2027, 2028, 2029]
    assert rows[1][header.index('required_growth')] == pytest.approx(0.130962, abs=1e-6)

    table = pq.read_table(io.BytesIO(client.get('/trade/tables/products.parquet?flow=M').content))
    assert set(table.column('data_status').to_pylist()) == {'illustrative'}
    assert sum(table.column('value_usd').to_pylist()) == pytest.approx(11_339_099_000, abs=0.01)
    projection = client.get('/trade/tables/projection.csv').content.decode('utf-8-sig')
    assert 'log_linear_trend,True,2024,' in projection and 'drift,False,2024,' in projection
    assert client.get('/trade/tables/secret.csv').status_code == 404
    assert client.get('/trade/tables/yearly.pdf').status_code == 404


def test_secretariat_records_a_target(client_as, official, uzbekistan, china):
    client = client_as('secretariat')
    response = client.post('/trade/targets/new/', {
        'kind': 'target', 'metric': 'exports', 'reporter': 'UZB', 'partner': 'CHN', 'value_usd': '5000000000',
        'year': '2030', 'note': 'Illustrative export target',
    })  # fmt: skip

    assert response.status_code == 302
    target = Target.objects.get(metric='exports')
    assert ObjectChange.objects.for_record(target).get().channel == 'web'
    page = client.get('/trade/')
    assert page.status_code == 200
    response = client.post(f'/trade/targets/{target.pk}/edit/', {
        'kind': 'announced', 'metric': 'exports', 'reporter': 'UZB', 'partner': 'CHN', 'value_usd': '5000000000',
    })  # fmt: skip
    assert response.status_code == 200
    assert 'An announced figure for a past year needs its year.' in response.content.decode()


def test_pages_in_other_languages_say_that_product_names_are_in_english(client, products):
    assert 'product-names-note' not in client.get('/trade/').content.decode()
    client.cookies['django_language'] = 'ru'
    for url in ('/trade/', '/trade/products/'):
        page = client.get(url).content.decode()
        assert page.count('Названия товаров — на английском языке') == 1, url
