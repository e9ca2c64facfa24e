"""The partner pages and the dashboard's monthly section in a real Chromium (Debian's `chromium`,
driven by Playwright), in Chinese; screenshots in test-artifacts/ for people to look at."""

import io

import pytest
from django.core.management import call_command

from hamkor.permissions import SYSTEM
from hamkor.testing.browser import ARTIFACTS, in_chinese, shot
from trade.services import load_official_tables
from trade.tests.test_monthly import import_monthly_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference_data(transactional_db, settings, tmp_path):
    """Transactional tests start from an emptied database: the countries, then the official tables."""

    settings.DATA_DIR = tmp_path / 'data'
    settings.DATA_DIR.mkdir()
    call_command('load_reference', '--only', 'countries', stdout=io.StringIO())
    load_official_tables(actor=SYSTEM)


def test_partners_and_one_partner_in_chinese(page):
    in_chinese(page, '/trade/partners/')
    page.wait_for_selector('[data-chart="chart-partners"].chart-ready svg')
    first = page.locator('#partner-table tbody tr').first.inner_text().split('\t')
    assert first[0] == '1' and first[1].startswith('中国')
    assert page.locator('#partner-CHN').get_attribute('class') == 'chosen'
    assert '俄罗斯联邦' in page.locator('#partner-RUS').inner_text()
    shot(page, 'trade-partners-zh')
    page.screenshot(path=str(ARTIFACTS / 'trade-partners-zh-top.png'))
    page.locator('#partner-table tfoot').scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / 'trade-partners-zh-bottom.png'))
    page.locator('#partners-summary').screenshot(path=str(ARTIFACTS / 'trade-partners-summary-zh.png'))

    with page.expect_navigation():
        page.select_option('#year', '2022')
    assert page.locator('#partner-table tbody tr').first.get_attribute('id') == 'partner-RUS'

    with page.expect_navigation():
        page.click('#partner-RUS a')
    page.wait_for_selector('[data-chart="chart-trade"].chart-ready svg')
    page.wait_for_selector('[data-chart="chart-share"].chart-ready svg')
    assert '俄罗斯联邦' in page.locator('#partner-name').inner_text()
    assert page.locator('#partner-rank').inner_text() == '2'
    shot(page, 'trade-partner-rus-zh')

    page.goto('/trade/partners/CHN/')
    page.wait_for_selector('[data-chart="chart-trade"].chart-ready svg')
    assert page.locator('#partner-share').inner_text() == '21.8%'
    shot(page, 'trade-partner-chn-zh')
    with page.expect_navigation():
        page.click('#pair-dashboard')
    assert page.url.endswith('/trade/')


def test_monthly_chart_and_year_to_date_on_the_dashboard(page, tmp_path):
    call_command('load_reference', '--only', 'hs-sections', 'hs2017', stdout=io.StringIO())
    import_monthly_file(tmp_path)

    page.goto('/trade/')
    page.wait_for_selector('[data-chart="chart-monthly"].chart-ready svg')
    rows = page.locator('#year-to-date tbody tr').all_inner_texts()
    assert rows[1].split('\t') == ['Imports', '$7.5 million', '$7.02 million', '6.8%']
    page.locator('#monthly-heading').scroll_into_view_if_needed()
    shot(page, 'trade-dashboard-monthly')
    page.locator('#year-to-date').screenshot(path=str(ARTIFACTS / 'trade-dashboard-year-to-date.png'))
