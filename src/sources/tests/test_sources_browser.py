"""Sources and the organization import in a real Chromium; screenshots go to test-artifacts/."""

import io

import pytest
from django.core.management import call_command

from hamkor.testing.browser import log_in, shot
from portfolio.demo import load_demo_portfolio
from portfolio.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_reads_a_source_cites_it_and_previews_an_organization_import(page, make_user, tmp_path):
    call_command('load_reference', '--only', 'iati-codelists', 'cooperation-sectors', 'fx-annual', stdout=io.StringIO())
    load_demo_portfolio()
    log_in(page, make_user('secretariat'))

    page.goto('/sources/')
    assert page.locator('#sources tbody tr').count() == 2  # the press report and AidData's dataset
    shot(page, 'sources-01-list')
    page.locator('#sources tbody tr a', has_text='Portfolio of joint').click()
    page.wait_for_selector('#claims')
    assert page.locator('#claims tbody tr').count() == 3
    shot(page, 'sources-02-source')

    railway = Project.objects.get(identifier='UZ-KG-CN-RAILWAY')
    page.goto(railway.get_absolute_url())
    with page.expect_navigation():
        page.click('#cite-source')
    report = page.locator('#id_source option', has_text='Portfolio of joint').inner_text()
    page.select_option('#id_source', label=report)
    page.fill('#id_locator', 'Second paragraph')
    with page.expect_navigation():
        page.click('form[novalidate] button[type=submit]')
    assert 'Second paragraph' in page.locator('.citation').all_inner_texts()[-1]
    shot(page, 'sources-03-cite')

    file = tmp_path / 'organizations.csv'
    file.write_text(
        'iati_identifier,name_en,name_ru,aliases,kind,country\n'
        ',Uzbekistan Railways,Узбекистон темир йуллари,UTY,state_company,UZB\n'
        ',Xitoy taraqqiyot banki,,,bank,CHN\n',
        encoding='utf-8',
    )
    page.goto('/portfolio/organizations/import/')
    page.set_input_files('#id_file', str(file))
    with page.expect_navigation():
        page.click('button[value=preview]')
    assert page.locator('#plan tbody tr').count() == 2
    shot(page, 'sources-04-organization-import')
