"""A current slice whose file is lost: the trade pages and answers leave it out, name it, and show
the figures that need it as unavailable, instead of failing the whole trade section."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from hamkor.permissions import SYSTEM
from trade.demo import generate_illustrative_products
from trade.models import TradeSlice
from trade.store import integrity, layout

pytestmark = pytest.mark.django_db

DATA = Path(settings.REFERENCE_DATA_DIR) / 'trade'
EXPORTS = DATA / 'uzstat_siat_1105_exports_by_country_2010_2023_kUSD.csv'
IMPORTS = DATA / 'uzstat_siat_1176_imports_by_country_2010_2023_kUSD.csv'
LOST = 'uzstat UZB X 2023 TOTAL'


def china_usd(path: Path, year: int) -> float:
    with path.open(encoding='utf-8-sig', newline='') as handle:
        row = next(row for row in csv.DictReader(handle) if row['Code'] == '156')
    return float(Decimal(row[str(year)]) * 1000)


@pytest.fixture
def lost_exports_2023(official):
    """The official tables with the file of the 2023 export slice deleted (as a disk might lose it)."""
    generate_illustrative_products(actor=SYSTEM)
    trade_slice = TradeSlice.objects.get(source='uzstat', flow='X', year=2023)
    for name in trade_slice.files:
        (layout.trade_directory() / trade_slice.path / name).unlink()
    return trade_slice


def test_the_store_health_names_the_lost_slice_and_reads_only_the_others(lost_exports_2023):
    health = integrity.store_health()

    [missing] = health.missing
    assert (missing.source, missing.reporter, missing.flow, missing.year, missing.month, missing.classification) == (
        'uzstat', 'UZB', 'X', 2023, 0, 'TOTAL',
    )  # fmt: skip
    assert missing.label == LOST and missing.problems == ('flows_0.parquet is missing',)
    assert layout.slice_glob(lost_exports_2023.path) not in health.paths
    assert len(health.paths) == TradeSlice.objects.count() - 1


def test_pages_answer_with_a_warning_and_the_year_s_turnover_unavailable(client, lost_exports_2023):
    for url in ('/trade/', '/trade/partners/', '/trade/partners/CHN/', '/trade/products/', '/trade/mirror/'):
        assert client.get(url).status_code == 200, url
    for url in ('/trade/partners/', '/trade/partners/CHN/', '/trade/products/', '/trade/mirror/', '/trade/advantage/'):
        page = client.get(url).content.decode()
        assert f'<li class="missing-slice" data-slice="{LOST}">' in page, url
        assert 'source uzstat, reporter UZB, flow X, year 2023, classification TOTAL' in page, url

    page = client.get('/trade/').content.decode()
    assert f'<li class="missing-slice" data-slice="{LOST}">' in page
    assert 'id="latest-turnover" title="—">—<' in page  # not a number: the exports are lost
    history = {row['year']: row for row in client.get('/trade/partners/CHN/').context['history']}
    assert history[2023]['exports'] is None and history[2023]['turnover'] is None
    assert history[2023]['imports'] == pytest.approx(china_usd(IMPORTS, 2023))
    assert history[2022]['turnover'] == pytest.approx(china_usd(EXPORTS, 2022) + china_usd(IMPORTS, 2022))


def test_api_answers_name_the_lost_slice_and_leave_its_figures_null(client, lost_exports_2023):
    monitor = client.get('/api/trade/monitor/')
    assert monitor.status_code == 200
    body = monitor.json()
    [missing] = body['missing_slices']
    assert missing == {
        'source': 'uzstat', 'reporter': 'UZB', 'flow': 'X', 'year': 2023, 'month': 0, 'classification': 'TOTAL',
        'label': LOST, 'problems': ['flows_0.parquet is missing'],
    }  # fmt: skip
    years = {row['year']: row for row in body['years']}
    assert (years[2023]['exports'], years[2023]['turnover'], years[2023]['balance']) == (None, None, None)
    assert years[2023]['imports'] == pytest.approx(china_usd(IMPORTS, 2023))
    for year in (2010, 2022):
        assert years[year]['turnover'] == pytest.approx(china_usd(EXPORTS, year) + china_usd(IMPORTS, year))
    assert years[2022]['turnover_growth'] == pytest.approx(
        (china_usd(EXPORTS, 2022) + china_usd(IMPORTS, 2022)) / (china_usd(EXPORTS, 2021) + china_usd(IMPORTS, 2021))
        - 1
    )
    assert body['cagr'] is None  # over a series whose latest turnover is unavailable
    share = {row['year']: row for row in body['share']}
    assert share[2023]['share'] is None and share[2022]['share'] is not None

    for url in ('/api/trade/partners/', '/api/trade/products/', '/api/trade/rca/', '/api/trade/mirror/'):
        response = client.get(url)
        assert response.status_code == 200, url
        assert [item['label'] for item in response.json()['missing_slices']] == [LOST], url
    partners = client.get('/api/trade/partners/?year=2023').json()
    china = next(row for row in partners['partners'] if row['partner'] == 'CHN')
    assert (china['exports'], china['turnover']) == (None, None)


def test_a_whole_store_names_nothing(client, official):
    assert client.get('/api/trade/monitor/').json()['missing_slices'] == []
    assert 'id="missing-slices"' not in client.get('/trade/partners/').content.decode()
