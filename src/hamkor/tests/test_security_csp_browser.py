"""The Content-Security-Policy breaks no page: in a real Chromium, the main pages load without a
single refusal or script error, and every chart is drawn (Vega runs without eval)."""

import io

import pytest
from django.core.management import call_command

from hamkor.testing.browser import log_in
from portfolio.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP refused ${event.violatedDirective}: ${event.blockedURI} ${event.sample || ''}`);
});
"""


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path / 'data'
    settings.DATA_DIR.mkdir()
    call_command('load_reference', '--only', 'hs2017', 'iati-codelists', 'cooperation-sectors', 'fx-annual',
                 stdout=io.StringIO())  # fmt: skip
    call_command('load_demo', stdout=io.StringIO())
    call_command('demo_trade_products', stdout=io.StringIO())


@pytest.fixture
def errors(page):
    """Every console error and page error of the page, CSP refusals included (but for the 404 of
    the /favicon.ico Chromium asks for by itself: the site has no icon)."""
    collected: list[str] = []

    def note(message):
        url = message.location.get('url', '')
        if message.type == 'error' and not url.endswith('/favicon.ico'):
            collected.append(f'{message.text} ({url})')

    page.add_init_script(REPORT_VIOLATIONS)
    page.on('console', note)
    page.on('pageerror', lambda error: collected.append(f'page error: {error}'))
    return collected


def visit(page, path: str) -> dict:
    page.goto(path)
    page.wait_for_load_state('networkidle')
    charts = page.locator('[data-chart]').count()
    if charts:
        page.wait_for_function(
            'n => document.querySelectorAll("[data-chart].chart-ready svg").length === n', arg=charts
        )
    return {'charts': charts, 'drawn': page.locator('[data-chart].chart-ready svg').count()}


def test_the_main_pages_load_under_the_policy_without_a_refusal(page, errors, demo, make_user):
    project = Project.objects.filter(visibility='public', parent=None).order_by('pk').first()
    anonymous = ['/accounts/login/', '/', '/reference/', '/portfolio/', '/trade/', project.get_absolute_url()]

    drawn = {path: visit(page, path) for path in anonymous}

    assert errors == []
    assert all(result['drawn'] == result['charts'] for result in drawn.values()), drawn
    charts = [drawn[path]['charts'] > 0 for path in ('/reference/', '/portfolio/', '/trade/')]
    assert (drawn['/']['charts'], charts) == (0, [True, True, True])  # the landing page draws no chart

    log_in(page, make_user('secretariat'))
    for path in ['/accounts/profile/', '/trade/products/?flow=M', '/reference/fx/?currency=CNY']:
        result = visit(page, path)
        assert result['drawn'] == result['charts'], (path, result)
    assert errors == []


def test_selects_still_submit_their_forms(page, errors):
    page.goto('/reference/fx/?currency=CNY')

    # The language switcher (data-autosubmit, static/hamkor/page.js) ...
    with page.expect_navigation():
        page.select_option('#language-select', 'ru')
    assert page.locator('html').get_attribute('lang') == 'ru'
    # ... and a filter select (data-autosubmit too).
    other = page.locator('#currency option:not([selected])').first.get_attribute('value')
    with page.expect_navigation():
        page.select_option('#currency', other)
    assert page.url.endswith(f'currency={other}')
    assert errors == []


def test_the_api_documentation_draws_its_operations_under_the_common_policy(page, errors):
    """Swagger UI's start-up script is served as a file (the split view), so the documentation
    needs no exception from the policy."""
    page.goto('/api/docs/')
    page.wait_for_selector('.opblock-summary-path', timeout=20_000)

    assert page.locator('.opblock-summary-path').count() > 0
    assert page.locator('.opblock-summary-path', has_text='/api/reference/currencies/').count() >= 1
    assert errors == []
