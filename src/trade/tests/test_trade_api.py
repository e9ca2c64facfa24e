"""The trade monitor's API on the real official tables and the report's targets."""

import pytest

from hamkor.permissions import SYSTEM
from portfolio.demo import load_demo_portfolio
from trade.demo import generate_illustrative_products, load_demo_targets

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(official):
    """The official tables (conftest) with the report's figures and targets."""
    load_demo_portfolio()
    load_demo_targets(actor=SYSTEM)


def test_monitor_series_with_its_source(api_as, official, django_assert_num_queries):
    api = api_as('anonymous')
    with django_assert_num_queries(1):  # the current slices
        response = api.get('/api/trade/monitor/?reporter=UZB&partner=CHN')
    data = response.json()

    assert response.status_code == 200
    assert (data['source'], data['classification'], data['data_status']) == ('uzstat', 'TOTAL', 'official')
    assert [row['year'] for row in data['years']] == list(range(2010, 2024))
    latest = data['years'][-1]
    assert latest['turnover'] == pytest.approx(13_825_656_300, abs=0.01)
    assert latest['coverage'] == pytest.approx(2_486_557.3 / 11_339_099.0)
    assert data['years'][0]['turnover_growth'] is None
    assert data['cagr'] == pytest.approx((13_825_656_300 / 2_183_855_770) ** (1 / 13) - 1)
    assert data['share'][-1]['share'] == pytest.approx(0.217629, abs=1e-6)
    assert data['mirror'] == []


def test_monitor_rejects_a_bad_country_code(api_as, trade_data_dir):
    response = api_as('anonymous').get('/api/trade/monitor/?partner=china')

    assert response.status_code == 400
    assert response.json()['error']['fields'] == {'partner': ['This value does not match the required pattern.']}


def test_targets_with_required_growth_projection_and_backtest(api_as, official, django_assert_num_queries):
    api = api_as('anonymous')
    with django_assert_num_queries(2):  # the current slices; targets with claims and sources
        response = api.get('/api/trade/targets/?by=2027')
    targets = {item['kind']: item for item in response.json()}

    target = targets['target']
    assert (target['value_usd'], target['year'], target['claim']['source_key']) == (
        '20000000000.00',
        None,
        'trend-2-september',
    )
    assessment = target['assessment']
    assert (assessment['latest_year'], assessment['by_year'], assessment['status']) == (2023, 2027, 'on_track')
    assert assessment['required'] == pytest.approx(0.096695, abs=1e-6)
    assert [row['year'] for row in assessment['table']] == [2026, 2027, 2028, 2029]
    assert {test['method']: round(test['mase'], 4) for test in assessment['backtests']} == {
        'log_linear_trend': 1.4527, 'drift': 1.5269,
    }  # fmt: skip
    assert [projection['level'] for projection in assessment['projections']] == [0.8, 0.8]
    assert {row['assumption'] for row in assessment['split']} == {
        'keep_coverage',
        'keep_balance',
        'halve_deficit',
        'balanced',
    }
    announced = targets['announced']
    assert announced['year'] == 2023 and announced['claim']['comparator'] == 'approx'
    assert announced['assessment']['official_for_year'] == pytest.approx(13_825_656_300, abs=0.01)
    assert announced['assessment']['difference'] == pytest.approx(174_343_700, abs=0.01)


def test_products_say_when_they_are_illustrative(api_as, official, django_assert_num_queries):
    generate_illustrative_products(actor=SYSTEM)
    api = api_as('anonymous')
    with django_assert_num_queries(3):  # slices, chapters → sections, section names
        response = api.get('/api/trade/products/?flow=M&year=2023')
    data = response.json()

    assert (data['data_status'], data['source'], data['classification']) == (
        'illustrative',
        'illustrative-hs6',
        'HS2017',
    )
    assert data['total_usd'] == pytest.approx(11_339_099_000, abs=0.01)
    assert sum(row['value_usd'] for row in data['rows']) == pytest.approx(data['total_usd'])
    chapter = api.get('/api/trade/products/?flow=M&code=85').json()
    assert all(len(row['code']) == 4 and row['code'].startswith('85') for row in chapter['rows'])
    assert api.get('/api/trade/products/?code=123').status_code == 400


def test_products_without_product_data(api_as, official):
    data = api_as('anonymous').get('/api/trade/products/').json()

    assert data['rows'] == [] and data['source'] == '' and data['year'] is None
