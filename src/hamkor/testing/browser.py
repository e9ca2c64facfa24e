"""Fixtures for tests in a real Chromium (Debian's `chromium`, driven by Playwright).

`page` is a fresh browser page on the live server; it fails the test if the page requested
anything outside the server. It depends on `reference_data`, which loads what most pages show;
a test module overrides `reference_data` to load what its pages need instead. Screenshots go to
test-artifacts/ for people to look at.
"""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from hamkor.testing.fixtures import PASSWORD

CHROMIUM = '/usr/bin/chromium'
ARTIFACTS = Path(os.environ.get('HAMKOR_TEST_ARTIFACTS', settings.PROJECT_DIR / 'test-artifacts'))
# Chromium's own background traffic would try to reach the internet, which this system must
# never need: turn it off so that every request the page makes is to the live server.
CHROMIUM_FLAGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
]


@pytest.fixture(scope='module')
def browser():
    from playwright.sync_api import sync_playwright  # a dev dependency: only the browser tests need it

    # Playwright's sync API runs an event loop in this thread; the test's own database calls
    # are still synchronous and safe.
    os.environ['DJANGO_ALLOW_ASYNC_UNSAFE'] = 'true'
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
    os.environ.pop('DJANGO_ALLOW_ASYNC_UNSAFE', None)


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests start from an emptied database: load what the pages show."""
    call_command('load_reference', '--only', 'hs-sections', 'hs2022', 'currencies', 'countries', 'fx-cny-monthly',
                 'fx-uzs-monthly', stdout=io.StringIO())  # fmt: skip


@pytest.fixture
def page(browser, live_server, reference_data):
    context = browser.new_context(base_url=live_server.url, viewport={'width': 1280, 'height': 860})
    requests: list[str] = []
    context.on('request', lambda request: requests.append(request.url))
    page = context.new_page()
    page.requests = requests
    yield page
    external = [url for url in requests if not url.startswith(live_server.url) and not url.startswith('data:')]
    context.close()
    assert external == [], f'the page requested external URLs: {external}'


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f'{name}.png'), full_page=True)


def log_in(page, user) -> None:
    page.goto('/accounts/login/')
    page.fill('#id_username', user.username)
    page.fill('#id_password', PASSWORD)
    with page.expect_navigation():
        page.click('form button[type=submit]')


def in_chinese(page, url: str) -> None:
    """Open `url` and switch the interface to Chinese there."""
    page.goto(url)
    with page.expect_navigation():
        page.select_option('#language-select', 'zh-hans')
    assert page.locator('html').get_attribute('lang') == 'zh-hans'
