"""The comparative-advantage and mirror pages in a real Chromium, in Chinese, on small BACI and UN
Comtrade files imported by the real importers. Screenshots go to test-artifacts/."""

import io

import pytest
from django.core.management import call_command

from hamkor.permissions import SYSTEM
from hamkor.testing.browser import in_chinese, shot
from trade.importers.comtrade import ComtradeImporter
from trade.services import run_import
from trade.tests.test_advantage import WORLD
from trade.tests.test_importers_comtrade import write
from trade.tests.test_mirror import CHINA_ROWS, UZBEKISTAN_ROWS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference_data(transactional_db, baci_import, tmp_path):
    """Transactional tests start from an emptied database: load what the pages and importers need."""
    call_command('load_reference', '--only', 'hs-sections', 'hs2017', 'currencies', 'countries',
                 stdout=io.StringIO())  # fmt: skip
    baci_import(WORLD)
    run_import(ComtradeImporter(write(tmp_path, UZBEKISTAN_ROWS, 'comtrade-uzb-2023.csv')), actor=SYSTEM)
    run_import(ComtradeImporter(write(tmp_path, CHINA_ROWS, 'comtrade-chn-2023.csv')), actor=SYSTEM)


def test_advantage_and_mirror_pages_in_chinese(page):
    in_chinese(page, '/trade/advantage/')
    page.wait_for_selector('[data-chart="chart-rca"].chart-ready svg')
    rows = page.locator('#rca-table tbody tr')
    assert rows.count() == 3
    assert rows.first.locator('td').nth(2).inner_text() == '3.75'
    assert page.locator('#tc-table tbody tr').count() == 2
    assert page.locator('#advantage-source').get_by_text('BACI_HS17_Y2022_V202401.csv').count() == 1
    shot(page, 'trade-advantage-zh')

    page.goto('/trade/mirror/')
    page.wait_for_selector('[data-chart="chart-mirror"].chart-ready svg')
    assert page.locator('#mirror-products tbody tr').count() == 4
    assert page.locator('#mirror-total th').nth(4).inner_text() == '$881,000.00'
    assert '1.06' in page.locator('#cif-fob-factor').inner_text()
    assert page.locator('#mirror-totals tbody tr').count() == 3
    shot(page, 'trade-mirror-zh')
