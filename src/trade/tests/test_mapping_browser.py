"""The column mapping form in a real Chromium, in the Chinese interface (screenshot for people to look at)."""

import io

import pytest
from django.core.management import call_command

from hamkor.testing.browser import ARTIFACTS, in_chinese, log_in
from trade.models import ColumnMapping

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference_data(transactional_db):
    call_command('load_reference', '--only', 'countries', stdout=io.StringIO())


def test_create_a_column_mapping_in_chinese(page, make_user):
    log_in(page, make_user('uz-analyst'))
    in_chinese(page, '/trade/mappings/new/')
    page.fill('#id_key', 'uz-customs-monthly')
    page.fill('#id_name', '乌兹别克斯坦海关月度数据')
    page.fill('#id_column_period', 'Период')
    page.fill('#id_column_partner', 'Страна')
    page.fill('#id_column_flow', 'Направление')
    page.fill('#id_column_product', 'Код ТН ВЭД')
    page.fill('#id_column_value', 'Страна')
    page.fill('#id_flow_codes', 'ИМ = M\nЭК = EXPORT')
    page.select_option('#id_partner_codes', 'm49')
    page.select_option('#id_value_scale', '1000')
    page.select_option('#id_delimiter', ';')
    page.select_option('#id_classification', 'HS2017')
    page.fill('#id_encoding', 'cp1251')
    with page.expect_navigation():
        page.click('button[value=save]')

    assert page.locator('.has-error').count() == 2  # the value's column, the flow codes
    page.screenshot(path=str(ARTIFACTS / 'trade-mapping-form-zh.png'), full_page=True)
    # the two header fields of a row stay side by side and inside the card
    year, month = page.locator('#id_column_year').bounding_box(), page.locator('#id_column_month').bounding_box()
    card = page.locator('.mapping-form').bounding_box()
    assert year['y'] == month['y'] and month['x'] + month['width'] <= card['x'] + card['width']

    page.fill('#id_column_value', 'Стоимость, тыс. долл.')
    page.fill('#id_flow_codes', 'ИМ = M\nЭК = X')
    sample = 'Период;Страна;Направление;Код ТН ВЭД;Стоимость\n2024-01;156;ИМ;850440;1\n'.encode('cp1251')
    page.set_input_files('#id_sample', {'name': 'sample.csv', 'mimeType': 'text/csv', 'buffer': sample})
    with page.expect_navigation():
        page.click('button[value=check]')
    assert page.locator('#sample-check .badge-red').count() == 1  # the value's header is not in the sample
    page.locator('#mapping-sample').screenshot(path=str(ARTIFACTS / 'trade-mapping-check-zh.png'))

    with page.expect_navigation():
        page.click('button[value=save]')

    assert page.url.endswith('/trade/mappings/')
    assert ColumnMapping.objects.get().flow_codes == {'ИМ': 'M', 'ЭК': 'X'}
    page.screenshot(path=str(ARTIFACTS / 'trade-mapping-list-zh.png'), full_page=True)
