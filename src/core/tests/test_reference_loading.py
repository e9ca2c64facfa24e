import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from core.models import Codelist, CodelistItem, Country, Currency, ExchangeRate, HSCode, HSSection, ObjectChange
from core.models import ReferenceDataset as Dataset
from core.reference.catalogue import all_datasets, load_dataset
from core.reference.loading import ReferenceDataError
from portfolio.models import CooperationSector

pytestmark = pytest.mark.django_db

SPEC = {spec.key: spec for spec in all_datasets()}


def table_counts() -> dict[str, int]:
    return {
        'sections': HSSection.objects.count(),
        'hs2017': HSCode.objects.filter(edition='2017').count(),
        'hs2022': HSCode.objects.filter(edition='2022').count(),
        'currencies': Currency.objects.count(),
        'countries': Country.objects.count(),
        'codelists': Codelist.objects.count(),
        'codelist_items': CodelistItem.objects.count(),
        'cny_monthly': ExchangeRate.objects.filter(currency='CNY', frequency='M').count(),
        'uzs_monthly': ExchangeRate.objects.filter(currency='UZS', frequency='M').count(),
        'annual': ExchangeRate.objects.filter(frequency='A').count(),
        'datasets': Dataset.objects.count(),
        'cooperation_sectors': CooperationSector.objects.count(),
    }


EXPECTED_COUNTS = {
    'sections': 21,
    'hs2017': 6708,
    'hs2022': 6939,
    'currencies': 179,
    'countries': 249,
    'codelists': 18,
    'codelist_items': 533,
    'cny_monthly': 546,
    'uzs_monthly': 117,
    'annual': 9759,
    'datasets': 10,
    'cooperation_sectors': 13,
}


def test_the_shipped_files_load_completely():
    assert table_counts() == EXPECTED_COUNTS
    assert HSCode.objects.filter(edition='2022', level=2).count() == 97
    assert HSCode.objects.filter(edition='2022', level=4).count() == 1229
    assert HSCode.objects.filter(edition='2022', level=6).count() == 5613


def test_loading_twice_leaves_identical_rows_and_logs_nothing():
    before = list(HSCode.objects.order_by('pk').values_list('pk', 'edition', 'code', 'parent_id', 'description'))
    checksums = dict(Dataset.objects.values_list('key', 'sha256'))
    output = io.StringIO()

    call_command('load_reference', stdout=output)

    assert table_counts() == EXPECTED_COUNTS
    assert (
        list(HSCode.objects.order_by('pk').values_list('pk', 'edition', 'code', 'parent_id', 'description')) == before
    )
    assert dict(Dataset.objects.values_list('key', 'sha256')) == checksums
    assert ObjectChange.objects.count() == 0
    assert 'hs2022              6939 rows  (0 new, 6939 already present)' in output.getvalue()


def test_hs_subheading_links_to_heading_and_chapter():
    code = HSCode.objects.select_related('parent__parent', 'section').get(edition='2022', code='850440')

    assert code.description == 'Electrical static converters'
    assert (code.parent.code, code.parent.parent.code, code.parent.parent.parent) == ('8504', '85', None)
    assert code.section.code == 'XVI'


def test_country_names_in_four_languages():
    uzbekistan = Country.objects.get(iso3='UZB')

    assert (uzbekistan.iso2, uzbekistan.iso_numeric, uzbekistan.m49) == ('UZ', '860', '860')
    assert (uzbekistan.name_en, uzbekistan.name_ru, uzbekistan.name_zh, uzbekistan.name_uz) == (
        'Uzbekistan',
        'Узбекистан',
        '乌兹别克斯坦',
        'Oʻzbekiston',
    )
    assert Country.objects.get(iso3='CHN').name_uz == 'Xitoy'
    assert Country.objects.filter(name_uz='').count() == 0


@pytest.fixture
def data_copy(tmp_path, settings):
    """A writable copy of the data directory that the loaders read instead of the shipped one."""
    target = tmp_path / 'data'
    shutil.copytree(settings.REFERENCE_DATA_DIR, target)
    settings.REFERENCE_DATA_DIR = target
    return target


def replace_line(path, number: int, new: str) -> None:
    lines = path.read_text(encoding='utf-8-sig').splitlines()
    lines[number - 1] = new
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')


def test_a_bad_hs_level_names_file_line_and_field_and_changes_nothing(data_copy):
    path = data_copy / 'hs/harmonized-system_HS2022.csv'
    replace_line(path, 5, 'I,010129,"Horses; live, other than pure-bred breeding animals",0101,7')
    before = table_counts()
    checksum = Dataset.objects.get(key='hs2022').sha256

    with pytest.raises(ReferenceDataError) as raised:
        load_dataset(SPEC['hs2022'])

    assert str(raised.value) == f"{path}, line 5, field 'level': expected 2, 4 or 6, got '7'"
    assert table_counts() == before
    assert Dataset.objects.get(key='hs2022').sha256 == checksum


def test_a_code_whose_parent_is_wrong_is_rejected(data_copy):
    path = data_copy / 'hs/harmonized-system_HS2022.csv'
    replace_line(path, 5, 'I,010129,"Horses; live, other than pure-bred breeding animals",0102,6')

    with pytest.raises(ReferenceDataError, match=r"line 5, field 'parent': expected '0101' for 010129, got '0102'"):
        load_dataset(SPEC['hs2022'])


def test_a_negative_exchange_rate_is_rejected_and_nothing_changes(data_copy):
    path = data_copy / 'fx/fred_CNY_per_USD_monthly.csv'
    replace_line(path, 3, '1981-02-01,China,-1.6131')
    before = list(ExchangeRate.objects.filter(currency='CNY', frequency='M').values_list('period_start', 'per_usd'))

    with pytest.raises(ReferenceDataError) as raised:
        load_dataset(SPEC['fx-cny-monthly'])

    assert str(raised.value) == f"{path}, line 3, field 'Exchange rate': '-1.6131' is not a positive rate below 1e+16"
    assert list(ExchangeRate.objects.filter(currency='CNY', frequency='M').values_list('period_start', 'per_usd')) == (
        before
    )


def test_a_missing_column_is_named(data_copy):
    path = data_copy / 'fx/fred_CNY_per_USD_monthly.csv'
    replace_line(path, 1, 'Date,Country,Rate')

    with pytest.raises(ReferenceDataError, match=r"line 1, field 'Exchange rate': column missing from header"):
        load_dataset(SPEC['fx-cny-monthly'])


def test_a_malformed_month_in_the_central_bank_series_is_rejected(data_copy):
    path = data_copy / 'macro/cerr_qpm_data_m_2016M01_2025M12.csv'
    lines = path.read_text(encoding='utf-8').splitlines()
    lines[2] = '2016-02' + lines[2][len('2016M02') :]
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')

    with pytest.raises(ReferenceDataError, match=r"line 3, field 'DATE': '2016-02' is not a month like 2016M01"):
        load_dataset(SPEC['fx-uzs-monthly'])


def test_the_command_reports_the_error_without_a_traceback(data_copy):
    replace_line(data_copy / 'hs/hs_sections.csv', 2, 'XXX,live animals; animal products')

    with pytest.raises(CommandError, match=r"line 2, field 'section': 'XXX' is not a roman numeral I–XXI"):
        call_command('load_reference', '--only', 'hs-sections', stdout=io.StringIO())


def test_a_cooperation_sector_with_an_unknown_dac_code_is_rejected(data_copy):
    path = data_copy / 'portfolio/cooperation_sectors.csv'
    replace_line(path, 2, 'green_energy,Green energy,Зелёная энергетика,绿色能源,Yashil energetika,99999')

    with pytest.raises(ReferenceDataError, match=r"line 2, field 'dac_code': 99999 is not a DAC 5-digit sector code"):
        load_dataset(SPEC['cooperation-sectors'])
