"""The store itself: the schema contract, record_flows for tables built in Python, orphans, reading."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from trade import schema
from trade.analytics import aggregates, engine
from trade.analytics.expressions import pair_totals
from trade.analytics.monitor import Monitor
from trade.importers import ImportRejected
from trade.models import ImportRun, TradeSlice
from trade.services import record_flows
from trade.store import housekeeping, layout

pytestmark = pytest.mark.django_db


def flows(rows):
    names = [field.name for field in schema.FLOW_SCHEMA if field.name != 'run_id']
    return pa.table({name: [row[name] for row in rows] for name in names}, schema=_without_run_id())


def _without_run_id():
    return pa.schema([field for field in schema.FLOW_SCHEMA if field.name != 'run_id'])


def row(partner='CHN', product='850440', value=100.0, year=2023, flow='M', illustrative=True, **extra):
    return {
        'source': 'illustrative-hs6', 'reporter': 'UZB', 'partner': partner, 'flow': flow, 'year': year,
        'month': 0, 'classification': 'HS2017', 'product': product, 'value_usd': value, 'quantity': None,
        'unit': None, 'illustrative': illustrative,
    } | extra  # fmt: skip


def test_schema_contract():
    assert [(field.name, str(field.type)) for field in schema.FLOW_SCHEMA] == [
        ('source', 'string'),
        ('reporter', 'string'),
        ('partner', 'string'),
        ('flow', 'string'),
        ('year', 'int16'),
        ('month', 'int8'),
        ('classification', 'string'),
        ('product', 'string'),
        ('value_usd', 'double'),
        ('quantity', 'double'),
        ('unit', 'string'),
        ('run_id', 'int64'),
        ('illustrative', 'bool'),
    ]


def test_empty_store_is_a_typed_empty_table(trade_data_dir):
    table = engine.flows()

    assert table.count().execute() == 0
    assert dict(table.schema().items())['year'].is_int16()


def test_record_flows_stores_a_generated_table_as_a_run(trade_data_dir):
    report = record_flows(
        flows([row(), row(product='520100', value=50.0), row(year=2022)]),
        source='illustrative-hs6',
        illustrative=True,
        notes='generated for the demo',
        actor=SYSTEM,
    )

    run = report.run
    assert (run.kind, run.illustrative, run.rows_accepted, run.slices_new, run.notes) == (
        'generated',
        True,
        3,
        2,
        'generated for the demo',
    )
    table = engine.flows()
    assert table.filter(table.year == 2023).value_usd.sum().execute() == 150.0
    assert set(table.run_id.execute()) == {run.pk}
    assert set(table.illustrative.execute()) == {True}
    # The same table again: nothing new, no run.
    again = record_flows(flows([row(), row(product='520100', value=50.0), row(year=2022)]),
                         source='illustrative-hs6', illustrative=True, actor=SYSTEM)  # fmt: skip
    assert (again.run, again.count('unchanged'), ImportRun.objects.count()) == (None, 2, 1)


def test_record_flows_rejects_rows_that_break_the_rules(trade_data_dir):
    bad = flows([
        row(), row(),  # duplicate
        row(product='85044', partner='CHINA'), row(value=-1.0, year=2099), row(illustrative=False),
    ])  # fmt: skip

    with pytest.raises(ImportRejected) as error:
        record_flows(bad, source='illustrative-hs6', illustrative=True, actor=SYSTEM)

    assert [str(rejection) for rejection in error.value.report.rejections] == [
        'table, row 2, column source, reporter, flow, year, month, classification, partner, product: duplicate flow',
        'table, row 3, column partner: partner is not an ISO alpha-3 code',
        'table, row 3, column product: product is not a 6-digit HS code (or TOTAL with classification TOTAL)',
        'table, row 4, column year: year is missing or in the future',
        'table, row 4, column value_usd: value is missing or negative',
        'table, row 5, column illustrative: wrong illustrative flag',
        'table, row 5, column source, reporter, flow, year, month, classification, partner, product: duplicate flow',
    ]
    assert not TradeSlice.objects.exists() and not list(trade_data_dir.rglob('*.parquet'))


def test_replacing_a_slice_is_logged_and_readers_see_only_current_rows(
    trade_data_dir, django_capture_on_commit_callbacks
):
    first = record_flows(flows([row(value=100.0)]), source='illustrative-hs6', illustrative=True, actor=SYSTEM).run
    with django_capture_on_commit_callbacks(execute=True):
        second = record_flows(flows([row(value=120.0)]), source='illustrative-hs6', illustrative=True, actor=SYSTEM).run

    assert engine.flows().value_usd.execute().tolist() == [120.0]
    trade_slice = TradeSlice.objects.get()
    change = ObjectChange.objects.for_record(trade_slice).get(action='update')
    assert (change.before['run_id'], change.after['run_id'], change.before['row_count']) == (first.pk, second.pk, 1)
    assert second.slice_changes == [
        {'source': 'illustrative-hs6', 'reporter': 'UZB', 'flow': 'M', 'year': 2023, 'month': 0,
         'classification': 'HS2017', 'action': 'replaced', 'rows': 1, 'previous_rows': 1},
    ]  # fmt: skip
    assert not list((layout.flows_directory() / 'illustrative-hs6').glob(f'run-{first.pk}-*'))


def test_orphans_of_a_killed_import_are_removed(trade_data_dir):
    record_flows(flows([row()]), source='illustrative-hs6', illustrative=True, actor=SYSTEM)
    orphan = layout.flows_directory() / 'illustrative-hs6' / 'run-999' / '_slice=0'
    orphan.mkdir(parents=True)
    (orphan / 'flows_0.parquet').write_bytes(b'PAR1')

    # just written, but no running import holds its lock: removed at once (trade.store.locks)
    assert housekeeping.remove_orphans() == [orphan.parent]
    assert not orphan.parent.exists()
    assert engine.flows().count().execute() == 1


def test_flows_from_paths_reads_any_files_of_the_schema(trade_data_dir, tmp_path):
    table = flows([row(), row(product='520100')]).append_column('run_id', pa.array([7, 7], pa.int64()))
    table = table.select([field.name for field in schema.FLOW_SCHEMA]).cast(schema.FLOW_SCHEMA)
    pq.write_table(table, tmp_path / 'a.parquet')

    read = engine.flows_from_paths(engine.connect(), [tmp_path / 'a.parquet'])

    assert read.count().execute() == 2
    assert read.run_id.max().execute() == 7


BACI_2022 = (
    't,i,j,k,v,q\n'
    '2022,860,156,520100,50,1\n'  # UZB exports 520100 50, 080610 30 (of 80)
    '2022,860,398,080610,30,1\n'
    '2022,156,860,520100,70,1\n'  # world 520100: 120, 080610: 130, 850440: 150 (of 400)
    '2022,398,156,080610,100,1\n'
    '2022,156,398,850440,150,1\n'
)


def test_rca_reads_exporter_totals_built_once_per_slice_content(trade_data_dir, baci_import):
    baci_import(BACI_2022)
    trade_slice = TradeSlice.objects.get()

    rca = Monitor('UZB', 'CHN').rca(2022, source='baci', classification='HS2017')

    # in thousand USD in the file: the ratios are those of the values
    assert rca.set_index('product').rca.to_dict() == pytest.approx({'520100': (50 / 80) / (120 / 400),
                                                                     '080610': (30 / 80) / (130 / 400)})  # fmt: skip
    totals = sorted(layout.aggregates_directory().iterdir())
    assert [path.name for path in totals] == [f'{trade_slice.checksum}.parquet']
    built = totals[0].stat().st_mtime_ns
    assert aggregates.exporter_products_file(trade_slice.checksum, []) == totals[0]  # kept: not built again
    assert Monitor('CHN', 'UZB').rca(2022).set_index('product').rca.to_dict() == pytest.approx(
        {'520100': (70 / 220) / (120 / 400), '850440': (150 / 220) / (150 / 400)}
    )
    assert totals[0].stat().st_mtime_ns == built

    baci_import(BACI_2022.replace('2022,860,398,080610,30,1', '2022,860,398,080610,90,1'))  # a revised year
    revised = TradeSlice.objects.get()
    assert Monitor('UZB', 'CHN').rca(2022).set_index('product').rca['080610'] == pytest.approx((90 / 140) / (190 / 460))
    stale = layout.aggregates_directory() / f'{trade_slice.checksum}.parquet'
    assert stale.exists() and (layout.aggregates_directory() / f'{revised.checksum}.parquet').exists()
    assert housekeeping.remove_orphans() == [stale]


def test_the_kept_sql_reads_the_current_files_after_an_import(trade_data_dir, baci_import):
    baci_import(BACI_2022)
    before = Monitor('UZB', 'CHN').series()
    sql = engine.compiled_sql(pair_totals(engine.current_flows(), 'UZB', 'CHN'))
    baci_import(BACI_2022.replace('2022,860,156,520100,50,1', '2022,860,156,520100,60,1'))

    after = Monitor('UZB', 'CHN').series()

    assert before.exports.tolist() == [50_000] and after.exports.tolist() == [60_000]
    assert engine.compiled_sql(pair_totals(engine.current_flows(), 'UZB', 'CHN')) is sql
    assert 'hamkor_flows' in sql
