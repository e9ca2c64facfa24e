"""The official partner-country tables of the Statistics Agency, imported from the real files."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from trade.analytics import engine
from trade.importers.uzstat import UzstatImporter
from trade.models import ImportRun, TradeSlice
from trade.services import load_official_tables, run_import
from trade.store import catalogue
from trade.testing import rejections

pytestmark = pytest.mark.django_db

DATA = Path(settings.REFERENCE_DATA_DIR) / 'trade'
EXPORTS = DATA / 'uzstat_siat_1105_exports_by_country_2010_2023_kUSD.csv'
IMPORTS = DATA / 'uzstat_siat_1176_imports_by_country_2010_2023_kUSD.csv'
HEADER = 'Code,Klassifikator,Klassifikator_ru,Klassifikator_en,2022,2023\n'


def write(tmp_path, text, name='uzstat_exports_test.csv', encoding='utf-8'):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def rejected(path, **options) -> list[str]:
    return rejections(UzstatImporter(path, **options))


def china_2023() -> float:
    table = engine.flows()
    selected = table.filter((table.partner == 'CHN') & (table.year == 2023) & (table.source == 'uzstat'))
    return selected.value_usd.sum().execute()


def test_official_tables_give_2023_turnover_with_china(trade_data_dir):
    exports = run_import(UzstatImporter(EXPORTS), actor=SYSTEM)
    imports = run_import(UzstatImporter(IMPORTS), actor=SYSTEM)

    # 2,486,557.3 + 11,339,099.0 thousand USD in the two files' 2023 column for M49 156.
    assert china_2023() == pytest.approx(13_825_656_300.0, abs=0.01)
    assert (exports.rows_read, exports.rows_accepted, exports.count('new')) == (228, 228 * 14, 14)
    assert (imports.rows_read, imports.rows_accepted, imports.count('new')) == (234, 234 * 14, 14)
    table = engine.flows()
    assert table.count().execute() == (228 + 234) * 14
    other = table.filter((table.partner == '_OT') & (table.year == 2023) & (table.flow == 'X'))
    assert other.value_usd.sum().execute() == pytest.approx(10_352_796_900.0)
    run = exports.run
    assert (run.kind, run.status, run.slices_new, run.rows_accepted) == ('uzstat', 'applied', 14, 3192)
    assert run.files.get().sha256 == exports.files[0].sha256


def test_same_file_twice_changes_nothing(trade_data_dir):
    run_import(UzstatImporter(EXPORTS), actor=SYSTEM)
    before = catalogue.store_checksum(), sorted(path.name for path in trade_data_dir.rglob('*.parquet'))

    again = run_import(UzstatImporter(EXPORTS), actor=SYSTEM)

    assert (again.count('unchanged'), again.count('new'), again.count('replaced')) == (14, 0, 0)
    assert again.run is None and ImportRun.objects.count() == 1
    assert (catalogue.store_checksum(), sorted(path.name for path in trade_data_dir.rglob('*.parquet'))) == before
    assert engine.flows().count().execute() == 228 * 14


def test_revised_year_replaces_its_slice_and_is_logged(trade_data_dir, tmp_path, django_capture_on_commit_callbacks):
    first = write(tmp_path, HEADER + '156,Xitoy,Китай,China,10.5,20.25\n398,Qozogʻiston,Казахстан,Kazakhstan,1,2\n')
    revised = write(
        tmp_path,
        HEADER + '156,Xitoy,Китай,China,10.5,21\n398,Qozogʻiston,Казахстан,Kazakhstan,1,2\n',
        name='uzstat_exports_revised.csv',
    )
    original = run_import(UzstatImporter(first), actor=SYSTEM)
    slice_2023 = TradeSlice.objects.get(year=2023)

    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(UzstatImporter(revised), actor=SYSTEM)

    assert [(change.key[3], change.action) for change in report.slices] == [(2022, 'unchanged'), (2023, 'replaced')]
    slice_2023.refresh_from_db()
    assert slice_2023.run == report.run
    change = ObjectChange.objects.for_record(slice_2023).filter(action='update').get()
    assert change.before['run_id'] == original.run.pk and change.after['run_id'] == report.run.pk
    assert change.before['checksum'] != change.after['checksum']
    assert china_2023() == 21_000.0
    # The replaced version's files are gone; exactly the two current slices remain on disk.
    assert len(list(trade_data_dir.rglob('*.parquet'))) == 2


def test_dry_run_reports_and_writes_nothing(trade_data_dir):
    report = run_import(UzstatImporter(EXPORTS), dry_run=True, actor=SYSTEM)

    assert (report.count('new'), report.rows_of('new'), report.run) == (14, 3192, None)
    assert 'slices: 14 new (3192 rows), 0 replaced (0 rows), 0 unchanged (0 rows)' in '\n'.join(report.lines())
    assert not ImportRun.objects.exists() and not list(trade_data_dir.rglob('*.parquet'))


def test_failure_while_writing_leaves_store_and_database_unchanged(trade_data_dir, tmp_path, monkeypatch):
    run_import(UzstatImporter(write(tmp_path, HEADER + '156,Xitoy,Китай,China,1,2\n')), actor=SYSTEM)
    before = catalogue.store_checksum(), sorted(str(path) for path in trade_data_dir.rglob('*.parquet'))
    runs = ImportRun.objects.count()

    def broken(*args, **kwargs):
        raise OSError('disk full')

    monkeypatch.setattr('trade.services.imports._switch_slices', broken)
    with pytest.raises(OSError, match='disk full'):
        run_import(
            UzstatImporter(write(tmp_path, HEADER + '156,Xitoy,Китай,China,5,6\n', name='export2.csv')), actor=SYSTEM
        )

    assert (catalogue.store_checksum(), sorted(str(path) for path in trade_data_dir.rglob('*.parquet'))) == before
    assert ImportRun.objects.count() == runs


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        (
            HEADER.replace(',', ';') + '156;Xitoy;Китай;China;1;2\n',
            ['uzstat_exports_test.csv, line 1: columns are separated by semicolon (";"), expected comma (",")'],
        ),
        (
            'Kod,Name,2023\n156,China,1\n',
            ['uzstat_exports_test.csv, line 1, column Code: missing column(s); the header has: Kod, Name, 2023'],
        ),
        (
            HEADER + '156,Xitoy,Китай,China,1,2\n156,Xitoy,Китай,China,3,4\n',
            ['uzstat_exports_test.csv, line 3, column Code: duplicate of line 2 (same Code)'],
        ),
        (
            HEADER + '156,Xitoy,Китай,China,1,-2.5\n',
            ['uzstat_exports_test.csv, line 2, column "2023": negative value -2.5'],
        ),
        (
            HEADER + '999,Nowhere,Нигде,Nowhere,1,2\n',
            ['uzstat_exports_test.csv, line 2, column "Code": M49 code 999 is not a country'],
        ),
        (
            HEADER + '156,Xitoy,Китай,China,1,n/a\n156x,Xitoy,Китай,China,1,\n',
            [
                'uzstat_exports_test.csv, line 2, column "2023": not a number: "n/a"',
                'uzstat_exports_test.csv, line 3, column "Code": not a UN M49 code: "156x"',
                'uzstat_exports_test.csv, line 3, column "2023": empty value',
            ],
        ),
        (
            'Code,Klassifikator,Klassifikator_ru,Klassifikator_en,2023,2099\n156,Xitoy,Китай,China,1,2\n',
            ['uzstat_exports_test.csv, line 1, column "2099": year 2099 is in the future'],
        ),
        (
            HEADER + '156,Xitoy,Китай,China,1,2,3\n',
            [
                'uzstat_exports_test.csv, line 2: wrong number of columns '
                '(Expected Number of Columns: 6 Found: 7); is the delimiter right?'
            ],
        ),
    ],
    ids=['delimiter', 'missing-column', 'duplicate', 'negative', 'not-a-country', 'not-numbers', 'future', 'columns'],
)
def test_bad_files_are_rejected_with_line_and_column(trade_data_dir, tmp_path, text, expected):
    assert rejected(write(tmp_path, text)) == expected


@pytest.mark.parametrize('size', [3_000_000, 50_000_000])  # DuckDB names the first, passes over the second
def test_a_line_longer_than_a_line_may_be_is_rejected_with_its_number(trade_data_dir, tmp_path, size):
    line = f'398,Qozogʻiston,Казахстан,{"C" * size},3,4'
    text = HEADER + '156,Xitoy,Китай,China,1,2\n' + line + '\n417,Q,К,K,5,6\n'

    assert rejected(write(tmp_path, text)) == [
        f'uzstat_exports_test.csv, line 3: the line is {len(line.encode()):,} bytes, longer than the 2,000,000 '
        'a line may be'
    ]


def test_wrong_encoding_is_rejected(trade_data_dir, tmp_path):
    path = write(tmp_path, HEADER + '156,Xitoy,Китай,China,1,2\n', encoding='cp1251')

    assert rejected(path) == ['uzstat_exports_test.csv, line 2, column "Klassifikator_ru": not UTF-8 text']


def test_flow_must_be_known(trade_data_dir, tmp_path):
    path = write(tmp_path, HEADER + '156,Xitoy,Китай,China,1,2\n', name='table.csv')

    assert rejected(path) == [
        'table.csv: say whether the table is of exports (X) or imports (M): the name does not contain "export" or '
        '"import"'
    ]
    assert run_import(UzstatImporter(path, flow='M'), actor=SYSTEM).count('new') == 2


def test_command_line_dry_run_then_import(trade_data_dir):
    out = StringIO()
    call_command('import_trade', 'uzstat', str(EXPORTS), '--dry-run', stdout=out)
    assert 'slices: 14 new (3192 rows), 0 replaced (0 rows), 0 unchanged (0 rows)' in out.getvalue()
    assert not ImportRun.objects.exists()

    call_command('import_trade', 'uzstat', str(EXPORTS), stdout=StringIO())
    run = ImportRun.objects.get()
    assert (run.channel, run.actor_name.startswith('import:')) == ('import', True)

    with pytest.raises(CommandError, match='no such file'):
        call_command('import_trade', 'uzstat', 'missing.csv')


def test_demo_load_is_idempotent(trade_data_dir):
    first = load_official_tables(actor=SYSTEM)
    second = load_official_tables(actor=SYSTEM)

    assert [report.count('new') for report in first] == [14, 14]
    assert [(report.count('unchanged'), report.run) for report in second] == [(14, None), (14, None)]
    assert ImportRun.objects.count() == 2
