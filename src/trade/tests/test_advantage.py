"""Comparative advantage (Balassa RCA) and complementarity (Michaely TC) on a tiny world of three
exporters in BACI's own file format, imported by the real BACI importer; values worked by hand."""

import io

import openpyxl
import pytest

from trade.analytics.monitor import Monitor

pytestmark = pytest.mark.django_db

# Thousand USD. 2022: Uzbekistan exports 100 (cotton 60, grapes 20, copper ores 20), China 400
# (converters 300, cotton 100), Kazakhstan 500 (copper ores 400, grapes 100): the world 1,000.
WORLD = (
    't,i,j,k,v,q\n'
    '2022,860,156,520100,60,10\n'
    '2022,860,398,080610,20,5\n'
    '2022,860,156,260300,20,8\n'
    '2022,156,860,850440,150,NA\n'
    '2022,156,398,850440,150,NA\n'
    '2022,156,860,520100,100,20\n'
    '2022,398,156,260300,400,100\n'
    '2022,398,860,080610,100,30\n'
    '2021,860,156,520100,50,9\n'
    '2021,156,860,850440,50,NA\n'
    '2021,398,156,260300,100,25\n'
)


@pytest.fixture
def world(baci_import):
    return baci_import(WORLD)


def test_world_series_rca_of_both_sides_and_complementarity_worked_by_hand(world):
    monitor = Monitor('UZB', 'CHN')

    assert monitor.world_product_series() == ('baci', 'HS2017', [2021, 2022])
    table = monitor.rca_pair(2022, source='baci', classification='HS2017').set_index('product')
    assert sorted(table.index) == ['080610', '260300', '520100']
    # RCA = (X_ik / X_i) / (W_k / W): cotton (60/100) / (160/1000) = 3.75
    assert table.rca.to_dict() == pytest.approx({'520100': 3.75, '080610': 0.2 / 0.12, '260300': 0.2 / 0.42})
    assert table.rca_symmetric.to_dict() == pytest.approx({'520100': 2.75 / 4.75, '080610': 0.25, '260300': -11 / 31})
    assert table.value_usd.to_dict() == {'520100': 60_000.0, '080610': 20_000.0, '260300': 20_000.0}
    # China: cotton (100/400) / (160/1000) = 1.5625; it exports no grapes or copper ores: 0 (symmetric −1)
    assert table.partner_rca.to_dict() == pytest.approx({'520100': 1.5625, '080610': 0.0, '260300': 0.0})
    assert table.partner_rca_symmetric.to_dict() == pytest.approx({'520100': 0.5625 / 2.5625, '080610': -1.0,
                                                                   '260300': -1.0})  # fmt: skip
    assert set(table.source) == {'baci'} and set(table.year) == {2022}

    # TC = 100 (1 − Σ|m − x| / 2). Uzbekistan's exports (0.6, 0.2, 0.2) against China's imports
    # (cotton 60, copper ores 420 of 480): Σ = 0.475 + 0.2 + 0.675 → 32.5. China's exports
    # (0.75, 0.25) against Uzbekistan's imports (converters 150, cotton 100, grapes 100 of 350): 19/28.
    tc = monitor.complementarity(2022, source='baci', classification='HS2017')
    assert tc[['exporter', 'importer']].values.tolist() == [['UZB', 'CHN'], ['CHN', 'UZB']]
    assert tc.tc.tolist() == pytest.approx([32.5, 100 * 19 / 28])


def test_no_world_data_no_series(trade_data_dir, official):
    assert Monitor('UZB', 'CHN').world_product_series() is None  # official totals are not world product data


def test_page_shows_rca_both_sides_tc_by_year_source_and_formulas(client, world, django_assert_num_queries):
    # the current slices; the slices of each side's exporter × product totals (Monitor.rca); names; the file
    with django_assert_num_queries(5):
        response = client.get('/trade/advantage/')
    page = response.content.decode()
    context = response.context

    assert response.status_code == 200
    assert context['result'].year == 2022 and context['result'].years == [2021, 2022]
    assert [row['product'] for row in context['rows']] == ['520100', '080610', '260300']  # RCA ≥ 1 first
    assert context['advantaged'] == 2 and context['count'] == 3
    assert context['rows'][0]['description'].startswith('Cotton')
    assert context['tc_years'] == [
        {'year': 2022, 'outward': pytest.approx(32.5), 'inward': pytest.approx(100 * 19 / 28)},
        {'year': 2021, 'outward': pytest.approx(100 / 3), 'inward': pytest.approx(100.0)},
    ]
    assert 'BACI (CEPII), reconciled UN Comtrade data' in page
    assert 'BACI_HS17_Y2022_V202401.csv' in page and f'/trade/runs/{world.run.pk}/' in page
    assert '<td class="num">3.75</td>' in page and '<td class="num">1.56</td>' in page
    assert 'RCA = (X_ik / X_i) / (W_k / W)' in page and 'TC = 100 · (1 − Σ_k |m_jk − x_ik| / 2)' in page
    assert 'data-chart="chart-rca"' in page
    assert 'the first 3 of 3 are shown' in page
    assert 'id="no-world-data"' not in page

    earlier = client.get('/trade/advantage/?year=2021').context
    assert earlier['result'].year == 2021 and [row['product'] for row in earlier['rows']] == ['520100']
    assert earlier['rows'][0]['rca'] == pytest.approx(1 / (50 / 200))  # all its exports are cotton, 50 of 200
    assert client.get('/trade/advantage/?year=1990').context['result'].year == 2022


def test_page_without_world_data_explains_what_to_import(client, official, django_assert_num_queries):
    with django_assert_num_queries(1):  # the current slices
        response = client.get('/trade/advantage/')
    page = response.content.decode()

    assert response.status_code == 200
    assert 'id="no-world-data"' in page
    assert 'hamkor import-trade baci FILE --edition HS17' in page
    assert 'href="/trade/import/"' in page
    assert 'id="rca-table"' not in page


def test_downloads_hold_every_product_with_source_classification_and_year(client, world):
    csv = client.get('/trade/tables/rca.csv?year=2022').content.decode('utf-8-sig').splitlines()
    assert csv[0] == (
        'source,classification,year,reporter,product,description,value_usd,rca,rca_symmetric,partner,'
        'partner_value_usd,partner_rca,partner_rca_symmetric'
    )
    assert [line.split(',')[4] for line in csv[1:]] == ['520100', '080610', '260300']
    assert csv[1].startswith('baci,HS2017,2022,UZB,520100,')
    assert csv[1].endswith(',60000.0,3.75,0.5789473684210527,CHN,100000.0,1.5625,0.21951219512195122')

    workbook = openpyxl.load_workbook(io.BytesIO(client.get('/trade/tables/rca.xlsx?year=2021').content))
    rows = list(workbook.active.values)
    assert rows[1][:5] == ('baci', 'HS2017', 2021, 'UZB', '520100')
    assert rows[1][rows[0].index('rca')] == pytest.approx(4.0)


def test_api_rca_and_complementarity(api_as, world, django_assert_num_queries):
    api = api_as('anonymous')
    with django_assert_num_queries(4):  # the current slices, each side's exporter × product totals, names
        data = api.get('/api/trade/rca/?year=2022').json()

    assert (data['source'], data['classification'], data['data_status']) == ('baci', 'HS2017', 'official')
    assert (data['year'], data['years']) == (2022, [2021, 2022])
    assert [(row['product'], round(row['rca'], 6), row['partner_rca']) for row in data['rows']] == [
        ('520100', 3.75, 1.5625), ('080610', 1.666667, 0.0), ('260300', 0.47619, 0.0),
    ]  # fmt: skip
    assert [(row['year'], row['exporter'], round(row['tc'], 4)) for row in data['complementarity']] == [
        (2021, 'UZB', 33.3333), (2021, 'CHN', 100.0), (2022, 'UZB', 32.5), (2022, 'CHN', 67.8571),
    ]  # fmt: skip


def test_api_without_world_data(api_as, trade_data_dir, django_assert_num_queries):
    with django_assert_num_queries(1):
        data = api_as('anonymous').get('/api/trade/rca/').json()

    assert data['data_status'] == 'no data' and data['rows'] == [] and data['complementarity'] == []
