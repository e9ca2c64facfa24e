"""Every write of trade checks the actor's permission before anything is written: a user without
it is refused (PermissionDenied) and nothing changes; SYSTEM (commands, loaders) may write."""

from decimal import Decimal

import pyarrow as pa
import pytest
from django.core.exceptions import PermissionDenied

from hamkor import imports
from hamkor.permissions import SYSTEM
from trade.importers.uzstat import UzstatImporter
from trade.models import ColumnMapping, ImportRun, Target, TradeSlice
from trade.schema import FLOW_SCHEMA
from trade.services import (
    create_mapping,
    create_target,
    delete_target,
    load_official_tables,
    record_flows,
    run_import,
    update_mapping,
    update_target,
)

pytestmark = pytest.mark.django_db

TABLE = 'Code,Xitoy,Китай,China,2022,2023\n156,Xitoy,Китай,China,1,2\n'
MAPPING = {
    'key': 'uz-customs', 'name': 'Customs', 'reporter': 'UZB', 'classification': 'HS2017',
    'columns': {'period': 'PERIOD', 'partner': 'COUNTRY', 'flow': 'FLOW', 'product': 'HS', 'value': 'USD'},
    'partner_codes': 'iso3', 'flow_codes': {}, 'value_scale': 1, 'delimiter': ',', 'encoding': 'utf-8',
}  # fmt: skip


@pytest.fixture
def nobody(make_user):
    return make_user(None)


@pytest.fixture
def table_file(tmp_path):
    path = tmp_path / 'uzstat_exports.csv'
    path.write_text(TABLE)
    return path


def nothing_imported():
    return not ImportRun.objects.exists() and not TradeSlice.objects.exists()


@pytest.mark.parametrize('dry_run', [False, True])
def test_run_import_needs_add_importrun(trade_data_dir, table_file, nobody, dry_run):
    with pytest.raises(PermissionDenied):
        run_import(UzstatImporter(table_file), actor=nobody, dry_run=dry_run)
    with pytest.raises(PermissionDenied):
        run_import(UzstatImporter(table_file), actor=None)
    assert nothing_imported()


def test_an_importer_may_import(trade_data_dir, table_file, make_user):
    report = run_import(UzstatImporter(table_file), actor=make_user('uz-analyst'))
    assert report.run.actor.username.startswith('uz-analyst') and TradeSlice.objects.count() == 2


def test_record_flows_and_the_official_tables_need_add_importrun(trade_data_dir, nobody):
    row = {name: [value] for name, value in zip(
        [field.name for field in FLOW_SCHEMA],
        ['illustrative-hs6', 'UZB', 'CHN', 'X', 2022, 0, 'HS2017', '520100', 1.0, None, None, None, True],
        strict=True,
    )}  # fmt: skip
    with pytest.raises(PermissionDenied):
        record_flows(pa.Table.from_pydict(row, schema=FLOW_SCHEMA), source='illustrative-hs6', illustrative=True,
                     actor=nobody)  # fmt: skip
    with pytest.raises(PermissionDenied):
        load_official_tables(actor=nobody)
    assert nothing_imported()


def test_target_writes_need_their_permissions(uzbekistan, china, nobody, make_user):
    with pytest.raises(PermissionDenied):
        create_target(metric='turnover', reporter=uzbekistan, partner=china, value_usd=20, actor=nobody)
    assert not Target.objects.exists()

    target = create_target(metric='turnover', reporter=uzbekistan, partner=china, value_usd=20,
                           actor=make_user('secretariat'))  # fmt: skip
    with pytest.raises(PermissionDenied):
        update_target(target=Target.objects.get(), value_usd=30, actor=nobody)
    with pytest.raises(PermissionDenied):
        delete_target(target=target, actor=make_user('secretariat'))  # the role may not delete targets
    assert Target.objects.get().value_usd == Decimal('20.00')

    delete_target(target=target, actor=SYSTEM)
    assert not Target.objects.exists()


def test_mapping_writes_need_their_permissions(uzbekistan, nobody, make_user):
    with pytest.raises(PermissionDenied):
        create_mapping(**MAPPING, actor=nobody)
    assert not ColumnMapping.objects.exists()

    mapping = create_mapping(**MAPPING, actor=make_user('uz-analyst'))
    with pytest.raises(PermissionDenied):
        update_mapping(mapping=ColumnMapping.objects.get(), name='Renamed', actor=nobody)
    assert ColumnMapping.objects.get().name == 'Customs' == mapping.name


def test_a_rejected_trade_import_is_the_framework_s_import_rejected(trade_data_dir, tmp_path):
    path = tmp_path / 'uzstat_exports.csv'
    path.write_text('Code,2023\nabc,1\n')
    with pytest.raises(imports.ImportRejected) as rejected:
        run_import(UzstatImporter(path), actor=SYSTEM)

    problem = rejected.value.problems[0]
    assert isinstance(problem, imports.Problem) and rejected.value.report.rejections == rejected.value.problems
    assert (problem.filename, problem.unit, problem.line, problem.field) == ('uzstat_exports.csv', 'line', 2, '"Code"')
    assert str(problem) == 'uzstat_exports.csv, line 2, column "Code": not a UN M49 code: "abc"'
    assert nothing_imported()
