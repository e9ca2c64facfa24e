"""UN Comtrade API v1 results (CSV and JSON) with the 47 columns of the API, written here."""

import json

import pytest

from hamkor.permissions import SYSTEM
from trade.analytics import engine
from trade.importers.comtrade import ComtradeImporter
from trade.services import run_import
from trade.testing import rejections

pytestmark = pytest.mark.django_db

API_COLUMNS = (
    'typeCode freqCode refPeriodId refYear refMonth period reporterCode reporterISO reporterDesc '
    'flowCode flowDesc partnerCode partnerISO partnerDesc partner2Code partner2ISO partner2Desc '
    'classificationCode classificationSearchCode isOriginalClassification cmdCode cmdDesc aggrLevel '
    'isLeaf customsCode customsDesc mosCode motCode motDesc qtyUnitCode qtyUnitAbbr qty isQtyEstimated '
    'altQtyUnitCode altQtyUnitAbbr altQty isAltQtyEstimated netWgt isNetWgtEstimated grossWgt '
    'isGrossWgtEstimated cifvalue fobvalue primaryValue legacyEstimationFlag isReported isAggregate '
)
COLUMNS = API_COLUMNS.split()


def record(**values):
    base = {
        'typeCode': 'C', 'freqCode': 'A', 'refPeriodId': '20230101', 'refYear': '2023', 'refMonth': '52',
        'period': '2023', 'reporterCode': '156', 'reporterISO': 'CHN', 'reporterDesc': 'China', 'flowCode': 'X',
        'flowDesc': 'Export', 'partnerCode': '860', 'partnerISO': 'UZB', 'partnerDesc': 'Uzbekistan',
        'partner2Code': '0', 'partner2ISO': 'W00', 'partner2Desc': 'World', 'classificationCode': 'H5',
        'classificationSearchCode': 'HS', 'isOriginalClassification': 'true', 'cmdCode': '850440',
        'cmdDesc': 'Static converters', 'aggrLevel': '6', 'isLeaf': 'true', 'customsCode': 'C00',
        'customsDesc': 'TOTAL CPC', 'mosCode': '0', 'motCode': '0', 'motDesc': 'TOTAL MOT', 'qtyUnitCode': '5',
        'qtyUnitAbbr': 'u', 'qty': '1200', 'isQtyEstimated': 'false', 'altQtyUnitCode': '-1', 'altQtyUnitAbbr': 'N/A',
        'altQty': '0', 'isAltQtyEstimated': 'false', 'netWgt': '3000', 'isNetWgtEstimated': 'false', 'grossWgt': '0',
        'isGrossWgtEstimated': 'false', 'cifvalue': '', 'fobvalue': '250000', 'primaryValue': '250000.5',
        'legacyEstimationFlag': '0', 'isReported': 'true', 'isAggregate': 'false',
    }  # fmt: skip
    return base | values


GOOD = [
    record(),
    record(cmdCode='TOTAL', aggrLevel='0', primaryValue='13000000000', qty='', qtyUnitCode='-1', qtyUnitAbbr='N/A'),
    record(partnerCode='0', partnerISO='W00', cmdCode='TOTAL', primaryValue='3380000000000'),
    # Left out by rule: breakdowns that repeat the totals, and an overlapping flow.
    record(customsCode='C01', primaryValue='100'),
    record(motCode='2100', primaryValue='50'),
    record(partner2Code='398', partner2ISO='KAZ', primaryValue='25'),
    record(flowCode='DX', primaryValue='10'),
    record(cmdCode='8504', aggrLevel='4', primaryValue='999'),
]


def csv_text(records):
    lines = [','.join(COLUMNS)]
    for item in records:
        lines.append(','.join(f'"{item[column]}"' if ',' in item[column] else item[column] for column in COLUMNS))
    return '\n'.join(lines) + '\n'


def write(tmp_path, records, name='comtrade.csv'):
    path = tmp_path / name
    if name.endswith('.json'):
        path.write_text(json.dumps({'elapsedTime': '0.1 secs', 'count': len(records), 'data': records, 'error': ''}))
    else:
        path.write_text(csv_text(records))
    return path


def rejected(path, **options) -> list[str]:
    return rejections(ComtradeImporter(path, **options))


@pytest.mark.parametrize('name', ['comtrade.csv', 'comtrade.json'])
def test_totals_are_stored_and_breakdowns_left_out_by_rule(trade_data_dir, tmp_path, name):
    report = run_import(ComtradeImporter(write(tmp_path, GOOD, name)), actor=SYSTEM)

    assert (report.rows_read, report.rows_filtered, report.rows_accepted) == (8, 5, 3)
    assert report.filtered == {
        'customs procedure breakdown (customsCode ≠ C00)': 1,
        'mode of transport breakdown (motCode ≠ 0)': 1,
        'second partner breakdown (partner2Code ≠ 0)': 1,
        'flows other than X, M, RX, RM (they overlap these: DX, FM, processing)': 1,
        'HS2/HS4 aggregates (sums of the HS6 rows)': 1,
    }
    rows = engine.flows().order_by(['classification', 'partner']).execute()
    assert rows[['reporter', 'partner', 'flow', 'year', 'month', 'classification', 'product']].values.tolist() == [
        ['CHN', 'UZB', 'X', 2023, 0, 'HS2017', '850440'],
        ['CHN', 'UZB', 'X', 2023, 0, 'TOTAL', 'TOTAL'],
        ['CHN', 'WLD', 'X', 2023, 0, 'TOTAL', 'TOTAL'],
    ]
    assert rows.value_usd.tolist() == [250000.5, 13e9, 3.38e12]
    assert rows.quantity.tolist()[0] == 1200.0 and rows.unit.tolist()[0] == 'u'
    assert rows.unit.isna().tolist()[1]


def test_monthly_records(trade_data_dir, tmp_path):
    records = [record(freqCode='M', refMonth=str(month), period=f'2023{month:02d}') for month in (1, 2)]

    report = run_import(ComtradeImporter(write(tmp_path, records)), actor=SYSTEM)

    assert [change.label for change in report.slices] == [
        'comtrade CHN X 2023-01 HS2017',
        'comtrade CHN X 2023-02 HS2017',
    ]


@pytest.mark.parametrize(
    ('records', 'expected'),
    [
        (
            [record(), record()],
            ['comtrade.csv, line 3, column reporter, partner, flow, refYear, month, classification, product: '
             'duplicate of line 2 (same reporter, partner, flow, refYear, month, classification, product)'],
        ),
        ([record(primaryValue='-5')], ['comtrade.csv, line 2, column "primaryValue": negative value -5']),
        ([record(cmdCode='85044')],
         ['comtrade.csv, line 2, column "cmdCode": commodity code "85044" is not six digits']),
        ([record(cmdCode='850499')],
         ['comtrade.csv, line 2, column "cmdCode": commodity code 850499 is not in HS2017']),
        ([record(partnerISO='X1', partnerCode='577')],
         ['comtrade.csv, line 2, column "partnerISO": partner 577 "X1" is not a country']),
        ([record(refYear='2099')], ['comtrade.csv, line 2, column "refYear": year 2099 is in the future']),
        ([record(classificationCode='S4')],
         ['comtrade.csv, line 2, column "classificationCode": unknown classification "S4" (expected H0–H6)']),
    ],
    ids=['duplicate', 'negative', 'length', 'edition', 'not-a-country', 'future', 'classification'],
)  # fmt: skip
def test_bad_rows_are_rejected(trade_data_dir, tmp_path, records, expected):
    assert rejected(write(tmp_path, records)) == expected


def test_bad_json_names_the_record(trade_data_dir, tmp_path):
    path = write(tmp_path, [record(), record(primaryValue='-1', cmdCode='520100')], name='comtrade.json')

    assert rejected(path) == ['comtrade.json, record 2, column "primaryValue": negative value -1']


def test_bad_files(trade_data_dir, tmp_path):
    semicolons = tmp_path / 'semi.csv'
    semicolons.write_text(csv_text([record()]).replace(',', ';'))
    missing = tmp_path / 'missing.csv'
    missing.write_text('freqCode,refYear\nA,2023\n')
    latin = tmp_path / 'latin.csv'
    latin.write_bytes(csv_text([record(reporterDesc='Chiné')]).encode('latin-1'))

    assert rejected(semicolons) == ['semi.csv, line 1: columns are separated by semicolon (";"), expected comma (",")']
    assert rejected(missing)[0].startswith(
        'missing.csv, line 1, column refMonth, reporterISO, flowCode, partnerCode, partnerISO, partner2Code, '
        'classificationCode, cmdCode, customsCode, motCode, primaryValue: missing column(s)'
    )
    assert rejected(latin) == ['latin.csv, line 2, column "reporterDesc": not UTF-8 text']


def test_edition_without_nomenclature(trade_data_dir, tmp_path):
    path = write(tmp_path, [record(classificationCode='H4')])

    assert rejected(path) == [
        'comtrade.csv: HS2012 codes cannot be checked: no nomenclature is loaded; accept an unvalidated edition '
        'explicitly to import it'
    ]
    assert run_import(ComtradeImporter(path, accept_unvalidated_edition=True), actor=SYSTEM).rows_accepted == 1
