"""Every page of the navigation, on the demo data, in the four languages, at 1366×900 and at a
phone's 390×844, in a real Chromium: the page never scrolls sideways, nothing overflows its
card (a table scrolls inside its own container), no chart text is cut off or clipped by its
drawing. A screenshot of each goes to test-artifacts/pages/ for people to look at."""

import io

import pytest
from django.core.management import call_command

from hamkor.testing.browser import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    '/',
    '/portfolio/',
    '/portfolio/projects/',
    '/portfolio/organizations/',
    '/trade/',
    '/trade/products/?flow=M',
    '/trade/partners/',
    '/sources/',
    '/reference/',
    '/reference/methodology/portfolio-aggregation/',
]
LANGUAGES = ('en', 'ru', 'zh-hans', 'uz')
SCREENS = {'desktop': (1366, 900), 'phone': (390, 844)}

# What is wrong with the layout of the page shown, as sentences (an empty list: nothing).
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth} px for ${root.clientWidth} px`);
  }
  for (const card of document.querySelectorAll('.card')) {
    const box = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('*')) {
      const scroller = el.parentElement && el.parentElement.closest('.table-scroll, .methodology table, pre, svg');
      if (scroller && card.contains(scroller)) { continue; }  // inside a container that scrolls (or a drawing)
      const r = el.getBoundingClientRect();
      if (!r.width || getComputedStyle(el).position === 'fixed') { continue; }
      const over = Math.max(r.right - box.right, box.left - r.left);
      if (over > 1) { problems.push(`${name(el)} overflows its card ${name(card)} by ${Math.round(over)} px`); }
    }
  }
  for (const svg of document.querySelectorAll('.chart svg')) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('.role-legend text, .role-axis text, .role-title text')) {
      const r = text.getBoundingClientRect();
      if (!r.width) { continue; }
      const label = text.textContent;
      if (r.right > box.right + 1 || r.left < box.left - 1) { problems.push(`chart text "${label}" is clipped`); }
      if (text.closest('.role-legend') && label.endsWith('…')) { problems.push(`legend label "${label}" is cut`); }
    }
  }
  return problems;
}"""


@pytest.fixture
def reference_data(transactional_db, settings, tmp_path):
    """The demo, as `make run` loads it (reference data, portfolio, trade, illustrative products)."""
    settings.DATA_DIR = tmp_path / 'data'
    settings.DATA_DIR.mkdir()
    call_command('load_reference', '--only', 'hs-sections', 'hs2017', 'hs2022', 'currencies', 'countries',
                 'iati-codelists', 'cooperation-sectors', 'fx-annual', 'fx-cny-monthly', 'fx-uzs-monthly',
                 stdout=io.StringIO())  # fmt: skip
    call_command('load_demo', stdout=io.StringIO())
    call_command('demo_trade_products', stdout=io.StringIO())


def test_every_page_fits_its_screen_in_every_language(page):
    folder = ARTIFACTS / 'pages'
    folder.mkdir(parents=True, exist_ok=True)
    page.goto('/')
    origin = '/'.join(page.url.split('/')[:3])  # a cookie for every path of the site
    problems = []
    for screen, (width, height) in SCREENS.items():
        page.set_viewport_size({'width': width, 'height': height})
        for language in LANGUAGES:
            page.context.add_cookies([{'name': 'django_language', 'value': language, 'url': origin + '/'}])
            for url in PAGES:
                page.goto(url)
                charts = page.locator('[data-chart]')
                for index in range(charts.count()):
                    page.wait_for_selector(
                        f'[data-chart="{charts.nth(index).get_attribute("data-chart")}"].chart-ready'
                    )
                assert page.locator('html').get_attribute('lang') == language
                problems += [f'{url} ({language}, {screen}): {problem}' for problem in page.evaluate(LAYOUT_PROBLEMS)]
                stem = url.strip('/').replace('/', '_').split('?')[0] or 'home'
                page.screenshot(path=str(folder / f'{stem}-{language}-{screen}.png'), full_page=True)
    assert problems == []
