"""The parameters of each page, its API endpoint and its download follow one rule (trade.forms):
the page shows the error and its default, the API and the download refuse (400)."""

import pytest

from hamkor.permissions import SYSTEM
from portfolio.demo import load_demo_portfolio
from trade.demo import load_demo_targets

pytestmark = pytest.mark.django_db

# The official series ends in 2023: a target can be assessed by 2024–2038.
LATEST = 2023


@pytest.fixture
def targets(official):
    load_demo_portfolio()
    load_demo_targets(actor=SYSTEM)


@pytest.mark.parametrize('by', [LATEST, LATEST + 16, 1990])
def test_by_out_of_range_on_the_page_shows_the_error_and_the_default(client, targets, by):
    response = client.get(f'/trade/?by={by}')

    assert response.status_code == 200
    assert response.context['target'].by_year == LATEST + 5
    assert response.context['form'].errors == {'by': ['Choose a year from 2024 to 2038.']}
    html = response.content.decode()
    assert (
        f'<p><strong>Reach it by</strong> <span class="mono">by={by}</span>: Choose a year from 2024 to 2038.</p>'
        in html
    )


def test_by_in_range_on_the_page(client, targets):
    response = client.get(f'/trade/?by={LATEST + 15}')

    assert response.context['target'].by_year == LATEST + 15 and not response.context['form'].errors
    assert 'id="query-errors"' not in response.content.decode()


def test_the_page_offers_exactly_the_years_the_rule_accepts(client, targets):
    response = client.get('/trade/')

    assert response.context['by_choices'] == list(range(LATEST + 1, LATEST + 16))


@pytest.mark.parametrize('by', [LATEST, LATEST + 16, 1990])
def test_by_out_of_range_in_the_api_is_refused(api_as, targets, by):
    response = api_as('anonymous').get(f'/api/trade/targets/?by={by}')

    assert response.status_code == 400
    assert response.json()['error']['fields'] == {'by': ['Choose a year from 2024 to 2038.']}


def test_by_in_range_in_the_api(api_as, targets):
    data = api_as('anonymous').get(f'/api/trade/targets/?by={LATEST + 15}').json()
    assert [row['assessment']['by_year'] for row in data if row['kind'] == 'target'] == [LATEST + 15]


@pytest.mark.parametrize('table', ['required-growth', 'projection'])
def test_by_out_of_range_in_the_download_is_refused(client, targets, table):
    response = client.get(f'/trade/tables/{table}.csv?by={LATEST + 16}')

    assert response.status_code == 400
    assert response.content.decode() == 'by: Choose a year from 2024 to 2038.'
    assert client.get(f'/trade/tables/{table}.csv?by=abc').status_code == 400


def test_by_in_range_in_the_download(client, targets):
    text = client.get(f'/trade/tables/required-growth.csv?by={LATEST + 15}').content.decode('utf-8-sig')
    assert f'\n{LATEST + 15},' in text.replace('"', '') or f',{LATEST + 15},' in text


PARTNER_YEAR_ERROR = {'year': ['No partner statistics for 1990 (years: 2010–2023).']}


def test_partner_year_without_statistics_on_the_page_shows_the_error_and_the_latest_year(client, official):
    response = client.get('/trade/partners/?year=1990')

    assert response.status_code == 200 and response.context['year'] == LATEST
    assert response.context['form'].errors == PARTNER_YEAR_ERROR
    assert 'No partner statistics for 1990 (years: 2010–2023).' in response.content.decode()


def test_partner_year_without_statistics_in_the_api_and_the_download_is_refused(client, api_as, official):
    assert api_as('anonymous').get('/api/trade/partners/?year=1990').json()['error']['fields'] == PARTNER_YEAR_ERROR
    response = client.get('/trade/tables/partners.csv?year=1990')
    assert response.status_code == 400
    assert response.content.decode() == 'year: No partner statistics for 1990 (years: 2010–2023).'


def test_mirror_digits_follow_one_rule(client, api_as, trade_data_dir):
    page = client.get('/trade/mirror/?digits=3')
    assert page.status_code == 200 and page.context['result'].digits == 2 and 'digits' in page.context['form'].errors
    assert api_as('anonymous').get('/api/trade/mirror/?digits=3').status_code == 400
    assert client.get('/trade/tables/mirror-products.csv?digits=3').status_code == 400
