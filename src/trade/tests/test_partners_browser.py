"""The partner pages and the dashboard's monthly section in a real Chromium (Debian's `chromium`,
driven by Playwright), in Chinese; screenshots in test-artifacts/ for people to look at."""

import io
from pathlib import Path

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


NBSP = '\xa0'
# Tick values chosen for the test, and their labels as CLDR's short words of scale write them
TICKS = [-2.5e9, 0, 750_000, 2.5e9, 12e9]
AXIS_LABELS = {
    'en': ['−$2.5B', '$0', '$750K', '$2.5B', '$12B'],
    'ru': [f'−2,5{NBSP}млрд{NBSP}$', f'0{NBSP}$', f'750{NBSP}тыс.{NBSP}$', f'2,5{NBSP}млрд{NBSP}$',
           f'12{NBSP}млрд{NBSP}$'],
    'zh-hans': ['−25亿美元', '$0', '75万美元', '25亿美元', '120亿美元'],
    'uz': [f'−2,5{NBSP}mlrd{NBSP}$', f'0{NBSP}$', f'750{NBSP}ming{NBSP}$', f'2,5{NBSP}mlrd{NBSP}$',
           f'12{NBSP}mlrd{NBSP}$'],
}  # fmt: skip


@pytest.mark.parametrize('language', AXIS_LABELS)
def test_money_axes_are_labelled_in_the_readers_words_of_scale(page, language):
    """The axis expression of hamkor.charts, evaluated by the bundled Vega for given ticks."""
    from django.utils import translation

    from hamkor.charts import money_label_expr
    from hamkor.numbers import chart_locale

    with translation.override(language):
        expression, locale = money_label_expr(), chart_locale()
    page.goto('/trade/partners/')  # a page with charts, which loads the bundled Vega
    page.wait_for_selector('[data-chart="chart-partners"].chart-ready')
    labels = page.evaluate(
        """async ([expression, locale, ticks]) => {
            const element = document.createElement('div');
            document.body.appendChild(element);
            const spec = {data: {values: [{v: -3e9}, {v: 13e9}]}, mark: 'point',
                          encoding: {x: {field: 'v', type: 'quantitative',
                                         axis: {values: ticks, labelExpr: expression, labelOverlap: false}}}};
            await vegaEmbed(element, spec, {ast: true, actions: false, renderer: 'svg', formatLocale: locale});
            return [...element.querySelectorAll('.role-axis-label text')].map(text => text.textContent);
        }""",
        [expression, locale, TICKS],
    )
    assert labels == AXIS_LABELS[language]


def test_a_chart_downloads_as_png_svg_and_csv_and_its_bars_open_their_rows(page):
    page.goto('/trade/partners/')
    page.context.add_cookies([{'name': 'django_language', 'value': 'ru', 'url': page.url}])
    page.goto('/trade/partners/')
    page.wait_for_selector('[data-chart="chart-partners"].chart-ready svg')
    buttons = page.locator('[data-chart="chart-partners"] + .chart-actions button')
    assert buttons.all_inner_texts() == ['PNG', 'SVG', 'CSV']
    assert buttons.nth(2).get_attribute('title') == 'Скачать данные графика (CSV)'

    with page.expect_download() as png:
        buttons.nth(0).click()
    assert png.value.suggested_filename == 'chart-partners.png'
    assert Path(png.value.path()).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    with page.expect_download() as svg:
        buttons.nth(1).click()
    drawing = Path(svg.value.path()).read_text(encoding='utf-8')
    assert drawing.startswith('<svg') and 'млрд' in drawing  # the axis, in Russian
    with page.expect_download() as table:
        buttons.nth(2).click()
    lines = Path(table.value.path()).read_text(encoding='utf-8-sig').splitlines()
    assert lines[0] == 'Страна-партнёр,Поток,"Стоимость, USD","Товарооборот, USD"'
    rows = page.locator('#partner-table tbody tr')
    first_partner = rows.first.locator('td').nth(1).locator('a').inner_text()
    assert lines[1].startswith(f'{first_partner},Экспорт,')
    assert len(lines) == 1 + 2 * 15  # exports and imports of the fifteen largest partners

    # the first bar is the largest partner's: a click opens its page, as its table row does
    href = rows.first.locator('a').get_attribute('href')
    with page.expect_navigation():
        page.locator('[data-chart="chart-partners"] svg .mark-rect path').first.click()
    assert page.url.endswith(href)
