"""BACI files in their own format (`t,i,j,k,v,q` and the V2024 country code file), written here."""

import pytest

from hamkor.permissions import SYSTEM
from trade.analytics import engine
from trade.importers.baci import BaciImporter
from trade.services import run_import
from trade.store import catalogue, writer
from trade.testing import rejections

pytestmark = pytest.mark.django_db

COUNTRIES = (
    'country_code,country_name,country_iso2,country_iso3\n'
    '156,China,CN,CHN\n'
    '398,Kazakhstan,KZ,KAZ\n'
    '490,"Other Asia, nes",,S19\n'
    '860,Uzbekistan,UZ,UZB\n'
)
HEADER = 't,i,j,k,v,q\n'
ROWS = (
    '2022,860,156,520100,     1250.5,   400.25\n'
    '2022,156,860,850440,       30.0,          NA\n'
    '2022,156,398,850440,        2.0,     1.5\n'
    '2021,860,156,520100,      900.0,   300\n'
)


@pytest.fixture
def countries(tmp_path):
    path = tmp_path / 'country_codes_V202401.csv'
    path.write_text(COUNTRIES)
    return path


def write(tmp_path, text, name='BACI_HS17_Y2022_V202401.csv', encoding='utf-8'):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def importer(path, countries, **options):
    return BaciImporter(path, countries=countries, edition=options.pop('edition', 'HS17'), **options)


def rejected(path, countries, **options) -> list[str]:
    return rejections(importer(path, countries, **options))


def test_baci_rows_become_exports_of_the_exporter_in_usd(trade_data_dir, tmp_path, countries):
    report = run_import(importer(write(tmp_path, HEADER + ROWS), countries), actor=SYSTEM)

    rows = engine.flows().order_by(['year', 'reporter', 'partner']).execute()
    assert rows[['source', 'reporter', 'partner', 'flow', 'year', 'classification', 'product']].values.tolist() == [
        ['baci', 'UZB', 'CHN', 'X', 2021, 'HS2017', '520100'],
        ['baci', 'CHN', 'KAZ', 'X', 2022, 'HS2017', '850440'],
        ['baci', 'CHN', 'UZB', 'X', 2022, 'HS2017', '850440'],
        ['baci', 'UZB', 'CHN', 'X', 2022, 'HS2017', '520100'],
    ]
    assert rows.value_usd.tolist() == [900_000.0, 2_000.0, 30_000.0, 1_250_500.0]
    assert rows.quantity.tolist()[:2] == [300.0, 1.5] and rows.quantity.isna().tolist()[2]
    assert rows.unit.tolist()[0] == 't' and rows.unit.isna().tolist()[2]
    # A BACI file is a whole year of world trade: one slice per year, all exporters together.
    assert [(change.label, change.rows) for change in report.slices] == [
        ('baci ALL X 2021 HS2017', 1),
        ('baci ALL X 2022 HS2017', 3),
    ]
    assert [(info.name, info.role, info.row_count) for info in report.files] == [
        ('BACI_HS17_Y2022_V202401.csv', 'data', 4),
        ('country_codes_V202401.csv', 'countries', 4),
    ]
    assert report.run.files.count() == 2


def test_same_file_twice_then_a_revision(trade_data_dir, tmp_path, countries):
    path = write(tmp_path, HEADER + ROWS)
    run_import(importer(path, countries), actor=SYSTEM)
    before = catalogue.store_checksum()

    again = run_import(importer(path, countries), actor=SYSTEM)
    assert (again.count('unchanged'), again.run, catalogue.store_checksum()) == (2, None, before)

    # Rows in another order are the same data.
    reordered = write(tmp_path, HEADER + ''.join(reversed(ROWS.splitlines(keepends=True))), name='reordered.csv')
    assert run_import(importer(reordered, countries), actor=SYSTEM).count('unchanged') == 2

    revised = write(tmp_path, HEADER + ROWS.replace('30.0', '31.0'), name='revised.csv')
    report = run_import(importer(revised, countries), actor=SYSTEM)
    assert [(change.label, change.action) for change in report.slices if change.action != 'unchanged'] == [
        ('baci ALL X 2022 HS2017', 'replaced')
    ]
    assert engine.flows().value_usd.sum().execute() == 900_000 + 2_000 + 31_000 + 1_250_500


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        (
            't;i;j;k;v;q\n2022;860;156;520100;1;1\n',
            ['BACI_HS17_Y2022_V202401.csv, line 1: columns are separated by semicolon (";"), expected comma (",")'],
        ),
        (
            't,i,j,k,v\n2022,860,156,520100,1\n',
            ['BACI_HS17_Y2022_V202401.csv, line 1, column q: missing column(s); the header has: t, i, j, k, v'],
        ),
        (
            HEADER + ROWS + '2022,860,156,520100,5,1\n',
            ['BACI_HS17_Y2022_V202401.csv, line 6, column t, i, j, k: duplicate of line 2 (same t, i, j, k)'],
        ),
        (
            HEADER + '2022,156,860,850440,30,1\n2022,860,156,520100,1,1\n2022,860,156,520100,2,1\n',
            ['BACI_HS17_Y2022_V202401.csv, line 4, column t, i, j, k: duplicate of line 3 (same t, i, j, k)'],
        ),
        (
            HEADER + '2022,860,156,520100,-5,1\n2022,860,156,520101,5,-1\n',
            [
                'BACI_HS17_Y2022_V202401.csv, line 2, column "v": negative value -5.0',
                'BACI_HS17_Y2022_V202401.csv, line 3, column "k": product code 520101 is not in HS2017',
                'BACI_HS17_Y2022_V202401.csv, line 3, column "q": negative quantity -1.0',
            ],
        ),
        (
            HEADER + '2022,860,156,52010,5,1\n2022,860,156,5201000,5,1\n',
            [
                'BACI_HS17_Y2022_V202401.csv, line 2, column "k": product code "52010" is not six digits',
                'BACI_HS17_Y2022_V202401.csv, line 3, column "k": product code "5201000" is not six digits',
            ],
        ),
        (
            HEADER + '2022,860,490,520100,5,1\n2022,860,999,520100,5,1\n',
            [
                'BACI_HS17_Y2022_V202401.csv, line 2, column "j": importer code 490 (S19) is not a country',
                'BACI_HS17_Y2022_V202401.csv, line 3, column "j": importer code 999 is not in the country file',
            ],
        ),
        (
            HEADER + '2099,860,156,520100,5,1\n',
            ['BACI_HS17_Y2022_V202401.csv, line 2, column "t": year 2099 is in the future'],
        ),
        (
            HEADER + '2022,860,156,520100,abc,1\n\n2022,860,156,850440,-1,1\n',
            [
                'BACI_HS17_Y2022_V202401.csv, line 2, column "v": cannot read "abc" to \'DOUBLE\'',
            ],
        ),
        (
            HEADER + '2022,860,156,520100,5,1\n\n2022,860,156,850440,-1,1\n',
            ['BACI_HS17_Y2022_V202401.csv, line 4, column "v": negative value -1.0'],
        ),
    ],
    ids=[
        'delimiter',
        'missing-column',
        'duplicate',
        'duplicate-in-baci-order',
        'negative',
        'length',
        'not-a-country',
        'future',
        'parse',
        'blank-line',
    ],
)
def test_bad_files_are_rejected_with_line_and_column(trade_data_dir, tmp_path, countries, text, expected):
    assert rejected(write(tmp_path, text), countries) == expected


def test_wrong_encoding_is_rejected(trade_data_dir, tmp_path, countries):
    path = write(tmp_path, 't,i,j,k,v,q\n2022,860,156,52010é,5,1\n', encoding='latin-1')

    assert rejected(path, countries) == ['BACI_HS17_Y2022_V202401.csv, line 2, column "k": not UTF-8 text']


def test_edition_without_nomenclature_needs_explicit_acceptance(trade_data_dir, tmp_path, countries):
    path = write(tmp_path, HEADER + '2012,860,156,520100,5,1\n', name='BACI_HS92_Y2012_V202401.csv')

    assert rejected(path, countries, edition='HS92') == [
        'BACI_HS92_Y2012_V202401.csv: HS1992 codes cannot be checked: no HS1992 nomenclature is loaded; accept an '
        'unvalidated edition explicitly to import it'
    ]
    report = run_import(importer(path, countries, edition='HS92', accept_unvalidated_edition=True), actor=SYSTEM)
    assert report.run.classification == 'HS1992'
    assert 'HS1992 codes checked for form only (no nomenclature loaded)' in report.run.notes


def test_bad_country_file(trade_data_dir, tmp_path):
    countries = write(
        tmp_path,
        'country_code,country_name,country_iso3\n156,China,CHN\n156,China again,CHN\n',
        name='country_codes.csv',
    )
    path = write(tmp_path, HEADER + ROWS)

    assert rejected(path, countries) == [
        'country_codes.csv, line 3, column country_code: duplicate of line 2 (same country_code)'
    ]


def test_a_file_in_baci_order_is_proven_free_of_duplicates_without_grouping(trade_data_dir, tmp_path, countries):
    text = HEADER + '2022,156,398,850440,2,1\n2022,156,860,850440,30,NA\n2022,860,156,520100,1250.5,400.25\n'
    con = writer.work_connection()
    try:
        BaciImporter(write(tmp_path, text), countries=countries, edition='HS17').prepare(con)
        assert BaciImporter._keys_may_repeat(con) is False
        con.execute("INSERT INTO raw VALUES (2021, 860, 156, '520100', 1, 1)")  # out of order: the exact test
        assert BaciImporter._keys_may_repeat(con) is True
    finally:
        con.close()
    assert run_import(importer(write(tmp_path, text), countries), actor=SYSTEM).rows_accepted == 3
