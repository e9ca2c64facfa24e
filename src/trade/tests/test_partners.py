"""Uzbekistan's trade by partner on the real official tables (data/trade/uzstat_*.csv, thousand
USD), and the partner building block on a small table worked out by hand.

Figures from the files, 2023 (exports; imports): China 2,486,557.3; 11,339,099.0 — Russia
3,495,675.6; 6,660,632.1 — other countries (code 0) 10,352,796.9; 1,217,044.0 — all 234 partner
rows 24,869,366.3; 38,659,064.8. 2022: Russia 3,151,098.4; 6,230,693.36 — China 2,631,997.8;
6,427,708.09 — Heard Island and McDonald Islands (334, imports table only) 0; 398.04 — world
19,732,524.1; 30,767,753.25688.
"""

import io

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from trade.analytics.expressions import partner_totals
from trade.analytics.monitor import Monitor
from trade.schema import FLOW_SCHEMA

pytestmark = pytest.mark.django_db

WORLD_2023 = 24_869_366_300 + 38_659_064_800  # 63,528,431,100
CHINA_2023 = 2_486_557_300 + 11_339_099_000  # 13,825,656,300
RUSSIA_2023 = 3_495_675_600 + 6_660_632_100  # 10,156,307,700
RUSSIA_2022 = 3_151_098_400 + 6_230_693_360  # 9,381,791,760
OTHER_2023 = 10_352_796_900 + 1_217_044_000  # 11,569,840,900


def by_partner(table):
    return {row['partner']: row for row in table.to_dict('records')}


#
# The building block on a hand-made table
#


def row(source, reporter, partner, flow, year, value):
    return {
        'source': source, 'reporter': reporter, 'partner': partner, 'flow': flow, 'year': year, 'month': 0,
        'classification': 'TOTAL', 'product': 'TOTAL', 'value_usd': float(value), 'quantity': None, 'unit': None,
        'run_id': 1, 'illustrative': False,
    }  # fmt: skip


def test_world_rows_are_the_total_but_not_a_partner_and_a_missing_flow_stays_empty():
    rows = [
        # Comtrade-like: partner rows and a world row that is more than their sum (unlisted partners)
        row('comtrade', 'UZB', 'CHN', 'X', 2023, 30), row('comtrade', 'UZB', 'KAZ', 'X', 2023, 50),
        row('comtrade', 'UZB', 'WLD', 'X', 2023, 100),
        row('comtrade', 'UZB', 'CHN', 'M', 2023, 70), row('comtrade', 'UZB', 'WLD', 'M', 2023, 100),
        # a source of imports only
        row('customs:uz', 'UZB', 'CHN', 'M', 2023, 60),
    ]  # fmt: skip
    flows = ibis.memtable(pa.Table.from_pylist(rows, schema=FLOW_SCHEMA))
    table = partner_totals(flows, 'UZB').execute()

    comtrade = by_partner(table[table.source == 'comtrade'])
    assert set(comtrade) == {'CHN', 'KAZ'}
    assert (comtrade['KAZ']['exports'], comtrade['KAZ']['imports']) == (50, 0)  # no import row: nothing imported
    china = comtrade['CHN']
    assert (china['turnover'], china['balance'], china['world_turnover']) == (100, -40, 200)
    assert comtrade['CHN']['share'] == 0.5 and comtrade['KAZ']['share'] == 0.25
    customs = by_partner(table[table.source == 'customs:uz'])['CHN']
    assert customs['imports'] == 60 and customs['world_imports'] == 60
    assert all(customs[key] is None or customs[key] != customs[key] for key in ('exports', 'turnover', 'share'))


#
# The monitor on the official tables
#


def test_partners_of_2023_rank_share_and_growth(official):
    table = Monitor().partners(2023)
    partners = by_partner(table)

    assert list(table.partner[:5]) == ['CHN', 'RUS', 'KAZ', 'TUR', 'KOR']
    assert len(table) == 234 and table.partner.iloc[-1] == '_OT'  # other countries: last, without a rank
    assert set(table.source) == {'uzstat'} and set(table.classification) == {'TOTAL'}
    china, russia, other = partners['CHN'], partners['RUS'], partners['_OT']
    assert (china['rank'], china['turnover']) == (1, pytest.approx(CHINA_2023, abs=0.01))
    assert china['share'] == pytest.approx(CHINA_2023 / WORLD_2023) == pytest.approx(0.217629, abs=1e-6)
    assert russia['rank'] == 2
    assert russia['exports'] == pytest.approx(3_495_675_600, abs=0.01)
    assert russia['imports'] == pytest.approx(6_660_632_100, abs=0.01)
    assert russia['turnover'] == pytest.approx(RUSSIA_2023, abs=0.01)
    assert russia['balance'] == pytest.approx(-3_164_956_500, abs=0.01)
    assert russia['share'] == pytest.approx(RUSSIA_2023 / WORLD_2023) == pytest.approx(0.159870, abs=1e-6)
    growth = RUSSIA_2023 / RUSSIA_2022 - 1
    assert russia['turnover_growth'] == pytest.approx(growth) == pytest.approx(0.082555, abs=1e-6)
    assert russia['exports_growth'] == pytest.approx(3_495_675_600 / 3_151_098_400 - 1)
    assert pd.isna(other['rank']) and other['turnover'] == pytest.approx(OTHER_2023, abs=0.01)
    # the partners add up to the world (the tables have no world row)
    assert table.turnover.sum() == pytest.approx(WORLD_2023, abs=0.01)
    assert table.exports.sum() == pytest.approx(24_869_366_300, abs=0.01)
    assert table.imports.sum() == pytest.approx(38_659_064_800, abs=0.01)
    assert [table.world_turnover.min(), table.world_turnover.max()] == pytest.approx([WORLD_2023] * 2, abs=0.01)
    assert table.share.sum() == pytest.approx(1)


def test_partners_of_2022_and_a_partner_in_the_imports_table_only(official):
    monitor = Monitor()
    partners = by_partner(monitor.partners(2022))

    assert (partners['RUS']['rank'], partners['CHN']['rank']) == (1, 2)
    assert partners['RUS']['turnover'] == pytest.approx(RUSSIA_2022, abs=0.01)
    assert partners['CHN']['world_turnover'] == pytest.approx(50_500_277_356.88, abs=0.01)
    heard = partners['HMD']  # M49 334: listed in the imports table only, so its exports are nothing
    assert (heard['exports'], heard['imports']) == (0, pytest.approx(398_040, abs=0.01))
    assert monitor.partner_years() == list(range(2010, 2024))


def test_partner_history_matches_the_pair_share(official):
    monitor = Monitor()
    history = monitor.partner_history('CHN')
    share = monitor.share()

    assert list(history.year) == list(range(2010, 2024))
    assert list(history.share) == pytest.approx(list(share.share))
    assert list(history.turnover) == pytest.approx(list(monitor.yearly().turnover))
    assert list(history['rank'][-2:]) == [2, 1]
    assert Monitor().partner_history('XXX').empty


#
# Pages
#


def test_partner_page_lists_partners_by_turnover(client, official, django_assert_num_queries):
    with django_assert_num_queries(2):  # the current slices; country names
        response = client.get('/trade/partners/?year=2023')
    page = response.content.decode()
    context = response.context

    assert response.status_code == 200 and context['year'] == 2023
    rows = context['rows']
    assert [row['partner'] for row in rows[:3]] == ['CHN', 'RUS', 'KAZ']
    assert [row['name'] for row in rows[:3]] == ['China', 'Russia', 'Kazakhstan']
    assert len(rows) == 194 and context['without_trade'] == 40  # partners with no trade in 2023 are left out
    assert rows[-1]['partner'] == '_OT' and rows[-1]['name'] == 'Other countries (not itemised)'
    assert '<tr id="partner-CHN" class="chosen">' in page
    assert 'id="world-turnover" title="$63,528,431,100.00">$63.53 billion<' in page
    assert 'Statistics Agency under the President of Uzbekistan' in page
    assert 'href="/trade/partners/RUS/"' in page and 'href="/trade/tables/partners.csv?year=2023"' in page
    assert '<option value="2022">2022</option>' in page
    assert 'data-chart="chart-partners"' in page and '"Russia"' in context['chart']
    assert client.get('/trade/partners/?year=1990').context['year'] == 2023  # out of range: the latest


def test_concentration_over_partners_is_the_sum_of_squared_shares(client, api_as, official):
    table = Monitor('UZB', 'CHN').partners(2023)
    expected = float(((table.turnover / table.world_turnover) ** 2).sum())  # 0.1176: "other countries" as one

    page = client.get('/trade/partners/?year=2023').content.decode()
    api = api_as('anonymous').get('/api/trade/monitor/').json()['concentration']

    assert expected == pytest.approx(0.117594, abs=1e-6)
    assert '<dd id="partners-hhi">0.118</dd>' in page
    assert api == [{
        'measure': 'partners', 'direction': None, 'year': 2023, 'hhi': pytest.approx(expected, rel=1e-12),
        'hhi_normalised': pytest.approx((expected - 1 / 194) / (1 - 1 / 194), rel=1e-12), 'n': 194,
        'source': 'uzstat', 'classification': 'TOTAL', 'data_status': 'official',
    }]  # fmt: skip


def test_partner_page_in_chinese(client, official):
    page = client.get('/trade/partners/?year=2022', HTTP_ACCEPT_LANGUAGE='zh-hans').content.decode()

    assert '<a href="/trade/partners/CHN/">中国</a>' in page
    assert '<a href="/trade/partners/RUS/">俄罗斯联邦</a>' in page


def test_one_partner_history_and_the_china_page_links_to_the_monitor(client, official, django_assert_num_queries):
    with django_assert_num_queries(2):  # the current slices; the country's name
        response = client.get('/trade/partners/RUS/')
    page = response.content.decode()

    assert response.status_code == 200
    assert [row['year'] for row in response.context['history']] == list(range(2010, 2024))
    assert 'id="partner-turnover" title="$10,156,307,700.00">$10.16 billion<' in page
    assert 'id="partner-rank">2<' in page and 'id="partner-share">16.0%<' in page
    assert 'Statistics Agency under the President of Uzbekistan' in page
    assert 'id="pair-dashboard"' not in page
    assert set(response.context['charts']) == {'trade', 'share'}

    china = client.get('/trade/partners/CHN/').content.decode()
    assert 'id="pair-dashboard" href="/trade/"' in china and 'id="partner-share">21.8%<' in china
    other = client.get('/trade/partners/_OT/')
    assert other.context['name'] == 'Other countries (not itemised)'
    assert 'id="partner-rank"' not in other.content.decode()
    assert client.get('/trade/partners/XXX/').status_code == 404
    assert client.get('/trade/partners/chn/').status_code == 404


def test_partner_pages_without_data(client, trade_data_dir):
    assert b'id="no-partner-data"' in client.get('/trade/partners/').content
    assert b'id="no-partner-data"' in client.get('/trade/partners/CHN/').content


def test_dashboard_links_to_the_partners_and_the_analysis_pages(client, official):
    page = client.get('/trade/').content.decode()

    assert 'id="partners-link" href="/trade/partners/"' in page
    assert '<a href="/trade/advantage/">Comparative advantage and complementarity</a>' in page
    assert '<a href="/trade/mirror/">Mirror statistics by product</a>' in page


#
# Downloads and API
#


def test_partner_table_downloads(client, official):
    text = client.get('/trade/tables/partners.csv?year=2023').content.decode('utf-8-sig')
    lines = text.splitlines()
    assert lines[0] == (
        'data_status,source,classification,year,partner,exports,imports,turnover,balance,share,world_exports,'
        'world_imports,world_turnover,rank,exports_growth,imports_growth,turnover_growth'
    )
    assert lines[1].startswith('official,uzstat,TOTAL,2023,CHN,2486557300.0,11339099000.0,13825656300.0,')
    assert len(lines) == 1 + 234

    table = pq.read_table(io.BytesIO(client.get('/trade/tables/partners.parquet').content))  # every year
    assert table.num_rows == 14 * 234
    assert set(table.column('data_status').to_pylist()) == {'official'}
    assert sorted(set(table.column('year').to_pylist())) == list(range(2010, 2024))


def test_partners_api(api_as, official, django_assert_num_queries):
    api = api_as('anonymous')
    with django_assert_num_queries(2):  # the current slices; country names
        response = api.get('/api/trade/partners/?year=2023')
    data = response.json()

    assert response.status_code == 200
    assert (data['reporter'], data['year'], data['source'], data['data_status']) == ('UZB', 2023, 'uzstat', 'official')
    assert data['years'] == list(range(2010, 2024))
    assert data['world']['turnover'] == pytest.approx(WORLD_2023, abs=0.01)
    first, second = data['partners'][:2]
    assert (first['partner'], first['name'], first['rank']) == ('CHN', 'China', 1)
    assert first['share'] == pytest.approx(0.217629, abs=1e-6)
    assert (second['partner'], second['rank']) == ('RUS', 2)
    assert second['turnover_growth'] == pytest.approx(RUSSIA_2023 / RUSSIA_2022 - 1)
    assert data['partners'][-1] == {**data['partners'][-1], 'partner': '_OT', 'rank': None}
    assert sum(row['turnover'] for row in data['partners']) == pytest.approx(WORLD_2023, abs=0.01)
    assert api.get('/api/trade/partners/').json()['year'] == 2023

    bad = api.get('/api/trade/partners/?year=1990')
    assert bad.status_code == 400
    assert bad.json()['error']['fields'] == {'year': ['No partner statistics for 1990 (years: 2010–2023).']}
