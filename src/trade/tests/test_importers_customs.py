"""Monthly customs statistics read through a saved column mapping (CSV in cp1251 with ';', and XLSX)."""

import pytest
from openpyxl import Workbook

from hamkor.permissions import SYSTEM
from trade.analytics import engine
from trade.importers.customs import CustomsImporter
from trade.models import ColumnMapping
from trade.services import run_import
from trade.testing import rejections

pytestmark = pytest.mark.django_db

HEADER = 'Период;Страна;Направление;Код ТН ВЭД;Стоимость, тыс. долл.;Количество;Ед.\n'
ROWS = '2024-01;156;ИМ;850440;120,5;10;шт\n'.replace('120,5', '120.5') + '2024-01;156;ЭК;520100;300;25.5;т\n'


@pytest.fixture
def mapping(db):
    return ColumnMapping.objects.create(
        key='uz-customs-monthly',
        name='Uzbek customs, monthly',
        columns={
            'period': 'Период', 'partner': 'Страна', 'flow': 'Направление', 'product': 'Код ТН ВЭД',
            'value': 'Стоимость, тыс. долл.', 'quantity': 'Количество', 'unit': 'Ед.',
        },
        flow_codes={'ИМ': 'M', 'ЭК': 'X'},
        partner_codes='m49',
        value_scale=1000,
        delimiter=';',
        encoding='cp1251',
        reporter='UZB',
        classification='HS2017',
    )  # fmt: skip


def write(tmp_path, text, name='customs_2024_01.csv', encoding='cp1251'):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rejected(path, mapping) -> list[str]:
    return rejections(CustomsImporter(path, mapping=mapping))


def test_monthly_file_with_mapping(trade_data_dir, tmp_path, mapping):
    report = run_import(CustomsImporter(write(tmp_path, HEADER + ROWS), mapping=mapping), actor=SYSTEM)

    assert [change.label for change in report.slices] == [
        'customs:uz-customs-monthly UZB M 2024-01 HS2017',
        'customs:uz-customs-monthly UZB X 2024-01 HS2017',
    ]
    rows = engine.flows().order_by('flow').execute()
    assert rows[['partner', 'flow', 'product', 'value_usd', 'quantity', 'unit']].values.tolist() == [
        ['CHN', 'M', '850440', 120_500.0, 10.0, 'шт'],
        ['CHN', 'X', '520100', 300_000.0, 25.5, 'т'],
    ]


def test_xlsx_file(trade_data_dir, tmp_path, mapping):
    workbook = Workbook()
    sheet = workbook.active
    for line in (HEADER + ROWS).splitlines():
        sheet.append(line.split(';'))
    path = tmp_path / 'customs.xlsx'
    workbook.save(path)

    assert run_import(CustomsImporter(path, mapping=mapping), actor=SYSTEM).rows_accepted == 2


def test_an_xlsx_file_keeps_its_row_numbers_across_empty_rows(trade_data_dir, tmp_path, mapping):
    workbook = Workbook()
    sheet = workbook.active
    header, good, bad = HEADER.rstrip('\n').split(';'), ROWS.splitlines()[0].split(';'), ROWS.splitlines()[1].split(';')
    for row, cells in ((1, header), (2, good), (40, bad[:4] + ['-5'] + bad[5:])):
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=row, column=column, value=value)
    path = tmp_path / 'customs.xlsx'
    workbook.save(path)

    assert rejected(path, mapping) == ['customs.xlsx, line 40, column "Стоимость, тыс. долл.": negative value -5']


def test_an_xlsx_file_whose_last_cell_is_xfd1048576_is_refused_at_once(trade_data_dir, tmp_path, mapping):
    workbook = Workbook()
    sheet = workbook.active
    for line in (HEADER + ROWS).splitlines():
        sheet.append(line.split(';'))
    sheet.cell(row=1_048_576, column=16_384, value='x')
    path = tmp_path / 'customs.xlsx'
    workbook.save(path)

    assert rejected(path, mapping) == [
        'customs.xlsx, line 1048576: a value beyond column 200, the last an import reads'
    ]


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        (HEADER.replace(';', ',') + ROWS.replace(';', ','),
         ['customs_2024_01.csv, line 1: columns are separated by comma (","), expected semicolon (";")']),
        (HEADER.replace(';Ед.', '') + ROWS,
         ['customs_2024_01.csv, line 1, column Ед.: missing column(s); the header has: Период, Страна, Направление, '
          'Код ТН ВЭД, Стоимость, тыс. долл., Количество']),
        (HEADER + ROWS + ROWS.splitlines()[0] + '\n',
         ['customs_2024_01.csv, line 4, column year, month, partner, flow, product: duplicate of line 2 '
          '(same year, month, partner, flow, product)']),
        (HEADER + '2024-01;156;ИМ;850440;-5;1;шт\n',
         ['customs_2024_01.csv, line 2, column "Стоимость, тыс. долл.": negative value -5']),
        (HEADER + '2024-01;156;ИМ;85044000;5;1;шт\n2024-01;156;ИМ;850499;5;1;шт\n',
         ['customs_2024_01.csv, line 2, column "Код ТН ВЭД": product code "85044000" is not six digits',
          'customs_2024_01.csv, line 3, column "Код ТН ВЭД": product code 850499 is not in HS2017']),
        (HEADER + '2024-01;999;ИМ;850440;5;1;шт\n',
         ['customs_2024_01.csv, line 2, column "Страна": partner code "999" is not a country (m49)']),
        (HEADER + '2099-01;156;ИМ;850440;5;1;шт\n',
         ['customs_2024_01.csv, line 2, column "Период": year 2099 is in the future']),
        (HEADER + '2024-01;156;??;850440;5;1;шт\n',
         ['customs_2024_01.csv, line 2, column "Направление": unknown flow "??"']),
    ],
    ids=['delimiter', 'missing-column', 'duplicate', 'negative', 'hs-code', 'not-a-country', 'future', 'flow'],
)  # fmt: skip
def test_bad_files_are_rejected(trade_data_dir, tmp_path, mapping, text, expected):
    assert rejected(write(tmp_path, text), mapping) == expected


def test_wrong_encoding(trade_data_dir, tmp_path, mapping):
    mapping.encoding = 'utf-8'
    path = write(tmp_path, HEADER + ROWS, encoding='cp1251')

    assert rejected(path, mapping) == ['customs_2024_01.csv, line 1: not utf-8 text (byte 1 of the line)']


def test_headers_and_flow_codes_with_quotes_are_read_as_written(trade_data_dir, tmp_path, mapping):
    mapping.columns = {**mapping.columns, 'unit': 'Ед. "изм"'}
    mapping.flow_codes = {"Им'порт": 'M', 'ЭК': 'X'}
    text = HEADER.replace('Ед.', '"Ед. ""изм"""') + "2024-01;156;Им'порт;850440;120.5;10;шт\n"

    run_import(CustomsImporter(write(tmp_path, text), mapping=mapping), actor=SYSTEM)

    assert engine.flows().select('flow', 'unit').execute().values.tolist() == [['M', 'шт']]


def test_unknown_encoding_is_rejected(trade_data_dir, tmp_path, mapping):
    mapping.encoding = 'cp-9999'

    assert rejected(write(tmp_path, HEADER + ROWS), mapping) == ['customs_2024_01.csv: unknown encoding "cp-9999"']
