"""Mirror statistics by product: UN Comtrade files reported by Uzbekistan and by China (API v1
CSV, written here), imported by the real importer; gaps worked by hand with κ = 1.06."""

import json

import pandas as pd
import pytest

from hamkor.permissions import SYSTEM
from trade.analytics.monitor import Monitor
from trade.analytics.series import choose_mirror_series
from trade.importers.baci import BaciImporter
from trade.importers.comtrade import ComtradeImporter
from trade.schema import CIF_FOB_FACTOR
from trade.services import run_import
from trade.tests.test_importers_comtrade import record, write

pytestmark = pytest.mark.django_db

UZBEKISTAN = {'reporterCode': '860', 'reporterISO': 'UZB', 'reporterDesc': 'Uzbekistan', 'partnerCode': '156',
              'partnerISO': 'CHN', 'partnerDesc': 'China'}  # fmt: skip
CHINA = {'reporterCode': '156', 'reporterISO': 'CHN', 'reporterDesc': 'China', 'partnerCode': '860',
         'partnerISO': 'UZB', 'partnerDesc': 'Uzbekistan'}  # fmt: skip
TOTAL = {'cmdCode': 'TOTAL', 'aggrLevel': '0'}


def row(side, flow, code, value, **extra):
    return record(**{**side, 'flowCode': flow, 'cmdCode': code, 'primaryValue': str(value), **extra})


# 2023, China → Uzbekistan, as each side declares it (USD):
#   HS   Uzbekistan's imports   China's exports
#   85   1,590,000              1,600,000
#   87   2,000,000              1,000,000
#   84     100,000              —
#   94   —                         50,000
# and Uzbekistan → China: China's imports of cotton 3,000,000, Uzbekistan's exports 2,500,000.
UZBEKISTAN_ROWS = [
    row(UZBEKISTAN, 'M', '850440', 1_060_000),
    row(UZBEKISTAN, 'M', '851712', 530_000),
    row(UZBEKISTAN, 'M', '870323', 2_000_000),
    row(UZBEKISTAN, 'M', '847130', 100_000),
    row(UZBEKISTAN, 'M', 'TOTAL', 3_690_000, **TOTAL),
    row(UZBEKISTAN, 'X', '520100', 2_500_000),
]
CHINA_ROWS = [
    row(CHINA, 'X', '850440', 1_000_000),
    row(CHINA, 'X', '851712', 600_000),
    row(CHINA, 'X', '870323', 1_000_000),
    row(CHINA, 'X', '940360', 50_000),
    row(CHINA, 'X', 'TOTAL', 2_650_000, **TOTAL),
    row(CHINA, 'M', '520100', 3_000_000),
]


@pytest.fixture
def both_sides(trade_data_dir, tmp_path):
    run_import(ComtradeImporter(write(tmp_path, UZBEKISTAN_ROWS, 'comtrade-uzb-2023.csv')), actor=SYSTEM)
    run_import(ComtradeImporter(write(tmp_path, CHINA_ROWS, 'comtrade-chn-2023.csv')), actor=SYSTEM)


@pytest.fixture
def one_side(trade_data_dir, tmp_path):
    run_import(ComtradeImporter(write(tmp_path, UZBEKISTAN_ROWS, 'comtrade-uzb-2023.csv')), actor=SYSTEM)


def test_gap_by_chapter_worked_by_hand(both_sides):
    monitor = Monitor('UZB', 'CHN')

    years = monitor.mirror_product_years()
    assert years.to_dict('records') == [
        {'year': 2023, 'classification': 'HS2017', 'imports_source': 'comtrade', 'exports_source': 'comtrade'}
    ]
    table = monitor.mirror_products(2023, digits=2)
    assert table.code.tolist() == ['87', '85', '84', '94']  # largest absolute gap first
    assert table.imports_usd.tolist() == [2_000_000, 1_590_000, 100_000, 0]
    assert table.exports_usd.tolist() == [1_000_000, 1_600_000, 0, 50_000]
    assert table.gap_usd.tolist() == pytest.approx([940_000, -106_000, 100_000, -53_000])
    assert table.gap_pct.tolist()[:2] == pytest.approx([940_000 / 1_060_000, -0.0625])
    assert pd_none(table.gap_pct.iloc[2]) and table.gap_pct.iloc[3] == pytest.approx(-1.0)
    assert table.symmetric_gap.tolist() == pytest.approx([1_880_000 / 3_060_000, -2 / 31, 2.0, -2.0])
    assert set(table.cif_fob_factor) == {CIF_FOB_FACTOR} and set(table.exporter) == {'CHN'}

    headings = monitor.mirror_products(2023, digits=4)
    assert headings.code.tolist() == ['8703', '8517', '8471', '9403', '8504']
    assert headings.gap_usd.tolist() == pytest.approx([940_000, -106_000, 100_000, -53_000, 0], abs=1e-6)

    reverse = monitor.mirror_products(2023, importer='CHN')
    assert reverse[['code', 'importer', 'exporter', 'imports_usd', 'exports_usd']].values.tolist() == [
        ['52', 'CHN', 'UZB', 3_000_000, 2_500_000]
    ]
    assert reverse.gap_usd.tolist() == pytest.approx([350_000])
    assert monitor.mirror_products(2022).empty


def pd_none(value) -> bool:
    return value is None or value != value


def test_reconciled_data_belong_to_neither_side(both_sides, tmp_path):
    countries = tmp_path / 'country_codes.csv'
    countries.write_text(
        'country_code,country_name,country_iso2,country_iso3\n156,China,CN,CHN\n860,Uzbekistan,UZ,UZB\n'
    )
    data = tmp_path / 'BACI_HS17_Y2023_V202401.csv'
    data.write_text('t,i,j,k,v,q\n2023,156,860,870323,9999,1\n')
    run_import(BaciImporter(data, countries=countries, edition='HS17'), actor=SYSTEM)

    table = Monitor('UZB', 'CHN').mirror_products(2023)
    assert table.exports_usd.sum() == 2_650_000 and set(table.exports_source) == {'comtrade'}


def test_page_shows_gaps_with_totals_equal_to_the_sums_and_the_factor(client, both_sides, django_assert_num_queries):
    with django_assert_num_queries(2):  # the current slices, chapter names
        response = client.get('/trade/mirror/')
    page = response.content.decode()
    result = response.context['result']

    assert response.status_code == 200
    assert (result.year, result.importer, result.exporter, result.digits) == (2023, 'UZB', 'CHN', 2)
    assert [row['code'] for row in response.context['rows']] == ['87', '85', '84', '94']
    assert response.context['rows'][0]['description'].startswith('Vehicles; other than railway')
    assert result.totals == pytest.approx({
        'imports_usd': 3_690_000, 'exports_usd': 2_650_000, 'exports_cif_usd': 2_809_000, 'gap_usd': 881_000,
        'gap_pct': 881_000 / 2_809_000, 'symmetric_gap': 1_762_000 / 6_499_000,
    })  # fmt: skip
    assert result.totals['gap_usd'] == pytest.approx(sum(row['gap_usd'] for row in response.context['rows']))
    assert 'CIF/FOB factor κ = 1.06' in page
    assert '<th class="num">$881,000.00</th>' in page
    assert 'data-chart="chart-mirror"' in page
    # the total-level comparison of the same reports: TOTAL rows and product sums, each on its own
    totals = response.context['totals_mirror']
    assert sorted((row['exporter'], row['classification'], row['gap_usd']) for row in totals) == [
        ('CHN', 'HS2017', pytest.approx(881_000)), ('CHN', 'TOTAL', pytest.approx(881_000)),
        ('UZB', 'HS2017', pytest.approx(350_000)),
    ]  # fmt: skip
    assert 'id="mirror-totals"' in page

    headings = client.get('/trade/mirror/?digits=4&importer=CHN&year=2023').context
    assert [row['code'] for row in headings['rows']] == ['5201']
    assert headings['result'].totals['gap_usd'] == pytest.approx(350_000)


def test_dashboard_charts_the_yearly_gaps(client, both_sides):
    response = client.get('/trade/')
    chart = json.loads(response.context['charts']['mirror'])

    assert 'data-chart="chart-mirror"' in response.content.decode()
    gaps = {value['label']: value['gap'] for value in chart['data']['values']}
    assert gaps == {
        '2023 CHN → UZB (HS2017)': pytest.approx(881_000), '2023 CHN → UZB (TOTAL)': pytest.approx(881_000),
        '2023 UZB → CHN (HS2017)': pytest.approx(350_000),
    }  # fmt: skip
    # the product series has one year: shares, but no growth nor contribution to growth
    rows = response.context['products']['M']['rows']
    assert rows[0]['share'] == pytest.approx(2_000_000 / 3_690_000)
    assert {(row['growth'], row['contribution']) for row in rows} == {(None, None)}


def test_page_with_one_side_only_explains_what_is_missing(client, one_side, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get('/trade/mirror/')
    page = response.content.decode()

    assert response.status_code == 200
    assert 'id="no-mirror-products"' in page and 'id="no-mirror"' in page
    assert 'href="/trade/import/"' in page
    assert 'CIF/FOB factor κ = 1.06' in page


def test_download_and_api(client, api_as, both_sides, django_assert_num_queries):
    csv = client.get('/trade/tables/mirror-products.csv?year=2023&digits=2&importer=UZB')
    lines = csv.content.decode('utf-8-sig').splitlines()
    assert lines[0] == (
        'year,importer,exporter,classification,imports_source,exports_source,cif_fob_factor,code,description,'
        'imports_usd,exports_usd,exports_cif_usd,gap_usd,gap_pct,symmetric_gap'
    )
    assert [line.split(',')[7] for line in lines[1:]] == ['87', '85', '84', '94']
    assert lines[1].startswith('2023,UZB,CHN,HS2017,comtrade,comtrade,1.06,87,')

    api = api_as('anonymous')
    with django_assert_num_queries(2):  # the current slices, heading names
        data = api.get('/api/trade/mirror/?digits=4').json()
    assert (data['importer'], data['exporter'], data['year'], data['cif_fob_factor']) == ('UZB', 'CHN', 2023, 1.06)
    assert [row['code'] for row in data['rows']] == ['8703', '8517', '8471', '9403', '8504']
    assert data['totals']['gap_usd'] == pytest.approx(881_000)
    assert data['totals']['gap_usd'] == pytest.approx(sum(row['gap_usd'] for row in data['rows']))
    assert len(data['mirror']) == 3
    assert api.get('/api/trade/mirror/?digits=3').status_code == 400


def test_api_without_data(api_as, trade_data_dir):
    data = api_as('anonymous').get('/api/trade/mirror/').json()

    assert data['rows'] == [] and data['totals'] is None and data['years'] == []


def test_each_year_compares_one_source_of_each_side_in_one_classification():
    available = pd.DataFrame(
        [
            ('M', 'comtrade', 'HS2017', 2022), ('M', 'customs:uz', 'HS2017', 2022), ('X', 'comtrade', 'HS2017', 2022),
            ('M', 'comtrade', 'HS2022', 2023), ('X', 'comtrade', 'HS2017', 2023),  # no common edition in 2023
            ('M', 'comtrade', 'HS2017', 2024), ('M', 'comtrade', 'HS2022', 2024), ('X', 'comtrade', 'HS2017', 2024),
            ('X', 'comtrade', 'HS2022', 2024),
        ],
        columns=['side', 'source', 'classification', 'year'],
    )  # fmt: skip

    assert choose_mirror_series(available).values.tolist() == [
        [2022, 'HS2017', 'customs:uz', 'comtrade'],  # customs extracts before UN Comtrade
        [2024, 'HS2022', 'comtrade', 'comtrade'],  # the newer edition
    ]
    assert choose_mirror_series(available.iloc[0:0]).empty
