"""The web shell in a real Chromium (Debian's `chromium`, driven by Playwright).

Screenshots of each step are written to test-artifacts/ for people to look at.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from hamkor.templatetags.hamkor import percent, usd, usd_short
from hamkor.testing.browser import ARTIFACTS, shot
from hamkor.testing.fixtures import PASSWORD
from portfolio import selectors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_switch_to_chinese_and_browse_hs_codes(page, make_user):
    user = make_user('secretariat')

    page.goto('/accounts/login/')
    page.fill('#id_username', user.username)
    page.fill('#id_password', PASSWORD)
    with page.expect_navigation():
        page.click('form button[type=submit]')
    assert page.locator('.user-link').inner_text() == user.username
    shot(page, '01-dashboard-en')

    with page.expect_navigation():
        page.select_option('#language-select', 'zh-hans')
    navigation = page.locator('nav.mainnav').inner_text()
    for label in ('仪表板', '项目组合', '贸易', '参考数据', '变更日志'):
        assert label in navigation
    for module_not_built_yet in ('承诺事项', '标准与认证', '报告'):  # commitments, standards, reports
        assert module_not_built_yet not in navigation
    assert page.locator('html').get_attribute('lang') == 'zh-hans'
    shot(page, '02-dashboard-zh')

    page.click('nav.mainnav a[data-section=reference]')
    page.click('a[href="/reference/hs/"]')
    page.fill('#hs-q', '850440')
    page.wait_for_selector('#hs-table td >> text=850440')
    assert 'q=850440' in page.url  # htmx pushed the search into the address bar
    shot(page, '03-hs-search-zh')

    page.click('#hs-table a >> text=850440')
    page.wait_for_url('**/reference/hs/2022/850440/')
    lineage = page.locator('#hs-lineage').inner_text()
    assert '8504' in lineage and '85' in lineage
    assert 'Electric transformers, static converters' in lineage
    shot(page, '04-hs-detail-zh')


def test_the_reference_chart_renders_from_the_bundled_vega(page):
    page.goto('/reference/')
    page.wait_for_selector('[data-chart="chart-cny"].chart-ready svg')

    assert page.locator('[data-chart="chart-cny"] svg path').count() > 0
    shot(page, '05-reference-chart')


def test_currency_converter_answers_in_place(page):
    page.goto('/reference/fx/?currency=CNY')
    page.fill('#amount', '1000')
    page.fill('#from', 'CNY')
    page.fill('#to', 'USD')
    page.fill('#date', '2023-06-15')
    page.click('#convert-form button[type=submit]')
    page.wait_for_selector('#conversion-result')

    result = page.locator('#conversion-result').inner_text()
    assert '139.64 USD' in result
    assert '7.1614 CNY per USD' in result
    assert page.url.endswith('/reference/fx/?currency=CNY')  # the page itself did not reload
    shot(page, '06-fx-converter')


def money(text: str):
    """A "$1,234.56" cell as a number (its first line: notes such as the illustrative share
    follow it); a cell without an amount ("no amount") as zero."""
    from decimal import Decimal

    text = text.strip().splitlines()[0]
    return Decimal(text[1:].replace(',', '')) if text.startswith('$') else Decimal(0)


def test_portfolio_headline_beside_the_announced_figure_with_drill_downs_that_add_up(page):
    call_command('load_reference', '--only', 'iati-codelists', 'cooperation-sectors', 'fx-annual', stdout=io.StringIO())
    call_command('load_demo', stdout=io.StringIO())

    # The demo's figures are held by one snapshot test (portfolio/tests/test_pages_and_api.py);
    # here the page must show what the summary selector computes, in the page's own formats.
    summary = selectors.summary(AnonymousUser())
    ((claim, ratio),) = summary.coverage

    page.goto('/portfolio/')
    page.wait_for_selector('[data-chart="chart-sector"].chart-ready svg')
    assert page.locator('#registered-total').inner_text() == usd_short(summary.total_usd)
    assert page.locator('#registered-total').get_attribute('title') == usd(summary.total_usd)
    assert page.locator('#announced-total').inner_text() == f'more than {usd_short(claim.value_usd)}'
    assert page.locator('#coverage').inner_text() == f'Coverage {percent(ratio)}'
    shot(page, '07-portfolio-dashboard')

    sector_table = page.locator('table.breakdown[data-dimension=sector]')
    first_group_total = money(sector_table.locator('tbody tr').first.locator('td').nth(2).inner_text())
    sector_table.locator('tbody tr a').first.click()
    page.wait_for_selector('#drill-down')
    rows = page.locator('#drill-down tbody tr td:nth-child(3)').all_inner_texts()
    footer = money(page.locator('#drill-down tfoot th.num').inner_text())
    assert sum(money(text) for text in rows) == footer == first_group_total
    shot(page, '08-portfolio-drill-down')


def test_trade_dashboard_official_turnover_target_projection_and_illustrative_products(page, settings, tmp_path):
    settings.DATA_DIR = tmp_path / 'data'
    settings.DATA_DIR.mkdir()
    call_command('load_reference', '--only', 'hs2017', 'iati-codelists', 'cooperation-sectors', 'fx-annual',
                 stdout=io.StringIO())  # fmt: skip
    call_command('load_demo', stdout=io.StringIO())
    call_command('demo_trade_products', stdout=io.StringIO())

    page.goto('/trade/')
    page.wait_for_selector('[data-chart="chart-projection"].chart-ready svg')
    page.wait_for_selector('[data-chart="chart-trade"].chart-ready svg')
    assert page.locator('#latest-turnover').inner_text() == '$13.83 billion'
    assert 'Statistics Agency' in page.locator('#latest-source').inner_text()
    assert page.locator('#announced-2023').inner_text() == 'about $14 billion'
    assert page.locator('#target-value').inner_text() == '$20 billion'
    growth = page.locator('#required-growth tbody tr').all_inner_texts()
    # 13.096 %, 9.670 %, 7.664 %, 6.347 %, to one decimal
    assert [row.split('\t')[:3] for row in growth] == [
        ['2026', '3', '13.1%'], ['2027', '4', '9.7%'], ['2028', '5', '7.7%'], ['2029', '6', '6.3%'],
    ]  # fmt: skip
    assert 'illustrative' in page.locator('#top-products-M h3').inner_text()
    shot(page, '09-trade-dashboard')
    page.locator('#headline').screenshot(path=str(ARTIFACTS / '09a-trade-headline.png'))
    page.locator('#top-products-M').screenshot(path=str(ARTIFACTS / '09b-trade-top-imports.png'))

    page.select_option('#by', '2026')
    page.wait_for_selector('#target-status')
    assert page.locator('#target-status').inner_text() == 'at risk for 2026'

    page.click('#top-products-M a.code >> nth=0')
    page.wait_for_selector('#product-history')
    assert page.locator('#illustrative-notice').is_visible()
    page.goto('/trade/products/?flow=M')
    page.wait_for_selector('[data-chart="chart-products"].chart-ready svg')
    shot(page, '10-trade-products')

    # The first screens: where trade stands against its target, and the growth it needs, above the
    # fold (1366×900) on the landing page and the trade monitor, in every language.
    page.set_viewport_size({'width': 1366, 'height': 900})
    for language in ('en', 'ru', 'zh-hans', 'uz'):
        page.context.add_cookies([{'name': 'django_language', 'value': language, 'url': page.url}])
        for url in ('/', '/trade/'):
            page.goto(url)
            progress = page.locator('#target-progress')
            box = progress.bounding_box()
            assert box is not None and box['y'] + box['height'] <= 900, (language, url, box)
            assert page.locator('#status-strip .status-cell').count() == 4, (language, url)
            shot(page, f'11-first-screen-{language}-{url.strip("/") or "home"}')
    page.context.add_cookies([{'name': 'django_language', 'value': 'en', 'url': page.url}])
    page.goto('/')
    turnover = official_2023_turnover_with_china()
    assert page.locator('#progress-figure').inner_text() == (
        f'{usd_short(turnover)} of $20 billion ({percent(turnover / Decimal("20e9"))})'
    )
    assert page.locator('#home-cited').inner_text() == '$0'  # every demo amount is illustrative


def official_2023_turnover_with_china() -> Decimal:
    """Exports to and imports from China (M49 156) in 2023, in USD, read from the official files."""
    total = Decimal(0)
    for name in ('exports', 'imports'):
        path = next((settings.REFERENCE_DATA_DIR / 'trade').glob(f'*_{name}_by_country_*.csv'))
        rows = csv.DictReader(path.read_text(encoding='utf-8-sig').splitlines())
        total += next(Decimal(row['2023']) for row in rows if row['Code'] == '156') * 1000
    return total


def test_a_page_prints_on_a4_without_the_navigation_and_the_controls(page):
    page.goto('/reference/')
    page.wait_for_selector('[data-chart="chart-cny"].chart-ready svg')
    assert page.locator('.chart-actions').is_visible()
    page.emulate_media(media='print')
    page.set_viewport_size({'width': 706, 'height': 1000})  # A4 less the margins, at 96 px per inch

    for chrome in ('nav.mainnav', '.topbar-tools', '.chart-actions'):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert page.locator('.footer').is_visible()  # the footer names the system and its data sources
    assert page.evaluate('document.documentElement.scrollWidth') <= 706
    chart = page.locator('[data-chart="chart-cny"] svg').bounding_box()
    assert chart['x'] + chart['width'] <= 706
    page.pdf(path=str(ARTIFACTS / 'reference-print.pdf'), format='A4', print_background=True)


def test_copy_link_copies_the_address_of_the_filtered_view(page):
    page.context.grant_permissions(['clipboard-read', 'clipboard-write'])
    page.goto('/portfolio/projects/?stage=implementation&sort=-value')
    page.click('[data-copy-link]')
    page.wait_for_selector('[data-copy-link]:has-text("Link copied")')
    assert page.evaluate('navigator.clipboard.readText()') == page.url
    assert page.url.endswith('/portfolio/projects/?stage=implementation&sort=-value')
