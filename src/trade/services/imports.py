"""Writes to the trade store: every import, by any importer or generator, is one ImportRun.

Public entry points (the only way rows get into the store):

    record_flows(table: pyarrow.Table, *, source: str, kind: str = 'generated', actor,
                 illustrative: bool = False, files: Sequence[FileInfo] = (), notes: str = '',
                 dry_run: bool = False) -> ImportReport

        Stores a pyarrow table whose columns are trade.schema.FLOW_SCHEMA (the run_id column may be
        missing or null: it is set to the new run's id). Rows are grouped into slices
        (source, reporter, flow, year, month, classification); a slice whose content is identical
        to the current one is left alone, a different one replaces it (logged in the change log),
        a new one is added. Every row of the table must have `source` equal to the argument and
        `illustrative` equal to the argument. Raises ImportRejected (with report.rejections) when
        the table breaks the schema; nothing is written then.

    run_import(importer: trade.importers.Importer, *, actor, dry_run=False) -> ImportReport

        Validates and converts the importer's files with DuckDB, then stores them like
        record_flows. Raises ImportRejected when any row is rejected; nothing is written then.

    Both require the permission trade.add_importrun of `actor` (a user, or
    hamkor.permissions.SYSTEM for commands and loaders), dry runs too: a dry run reads and checks
    the whole file, the work of an import, and the import page offers it only to importers.

    ImportReport: .run (ImportRun or None for a dry run / rejection), .rows_read, .rows_accepted,
    .rejections (list of Rejection: file, line, column, reason), .slices (list of SliceChange:
    key, action 'new'|'replaced'|'unchanged', rows, previous_rows, value_usd, previous_value_usd,
    difference_usd, difference_pct), .needs_approval, .pending, .count(action), .lines() for a
    printable report.

Replacing official statistics needs a second person. When an import would replace the content
of a current official (not illustrative) slice and its actor does not hold
trade.approve_replacement (the secretariat's permission, accounts.roles), applying it stores the
run as *pending*: its slice files are written into the run's directory and recorded in
`ImportRun.slice_changes`, the registry (TradeSlice) is not switched, so every page and API keeps
reading the current data; no cache is warmed and nothing is removed. Another user holding the
permission approves or rejects it (trade.services.approvals). The whole run waits, new slices
included: a file is reviewed and applied as one, and its provenance stays one run. New slices
alone and illustrative (generated) data never wait, and unchanged slices are not written at all.
The operator's command (`hamkor import-trade`, actor hamkor.permissions.SYSTEM) and the loaders
apply at once: the operator at the command line acts for the secretariat, and holds every
permission. The dry run (the preview) says whether applying would wait, and gives each replaced
slice's rows and value (USD) before and after, with the difference.
"""

from __future__ import annotations

import getpass
import shutil
from collections.abc import Sequence

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hamkor.context import current_change_context
from hamkor.permissions import is_system, require
from trade.importers.base import Importer
from trade.importers.checks import check_flows
from trade.importers.report import FileInfo, ImportRejected, ImportReport, Rejection
from trade.importers.uzstat import UzstatImporter
from trade.models import APPROVE_REPLACEMENT, ImportFile, ImportRun, TradeSlice
from trade.schema import FLOW_SCHEMA, SLICE_KEY
from trade.selectors.warm import warm_cache_quietly
from trade.store import layout, writer
from trade.store.housekeeping import remove_files
from trade.store.integrity import file_digests
from trade.store.locks import RunLock
from trade.store.writer import SliceChange

PERMISSION = 'trade.add_importrun'
APPROVE_PERMISSION = APPROVE_REPLACEMENT


def run_import(importer: Importer, *, actor, dry_run: bool = False) -> ImportReport:
    """Validate the importer's files completely, then (unless dry_run) store them in one run."""
    require(actor, PERMISSION)
    con = writer.work_connection()
    try:
        report = importer.prepare(con)
        report.rejections.sort(key=lambda rejection: (rejection.file, rejection.line))
        if report.rejections:
            report.dry_run = dry_run
            raise ImportRejected(report)
        return _store(con, report, actor=actor, dry_run=dry_run)
    finally:
        con.close()


def record_flows(
    table: pa.Table,
    *,
    source: str,
    kind: str = 'generated',
    actor,
    illustrative: bool = False,
    files: Sequence[FileInfo] = (),
    notes: str = '',
    dry_run: bool = False,
) -> ImportReport:
    """Store a table of flows produced in Python (a generator, a notebook) as one import run."""
    require(actor, PERMISSION)
    con = writer.work_connection()
    try:
        report = ImportReport(kind=kind, source=source, files=list(files), illustrative=illustrative, notes=notes)
        report.rows_read = table.num_rows
        names = [field.name for field in FLOW_SCHEMA]
        missing = [name for name in names if name not in table.column_names and name != 'run_id']
        if missing:
            report.rejections.append(Rejection('table', 0, ', '.join(missing), 'missing columns'))
            raise ImportRejected(report)
        if 'run_id' not in table.column_names:
            table = table.append_column('run_id', pa.nulls(table.num_rows, pa.int64()))
        table = table.select(names).cast(FLOW_SCHEMA)
        con.register('flows_arrow', table)
        con.execute('CREATE TEMP TABLE flows_in AS SELECT * FROM flows_arrow')
        con.unregister('flows_arrow')
        check_flows(con, 'flows_in', report, source=source, illustrative=illustrative)
        if report.rejections:
            raise ImportRejected(report)
        report.rows_accepted = report.rows_read
        return _store(con, report, actor=actor, dry_run=dry_run)
    finally:
        con.close()


def needs_approval(report: ImportReport, actor) -> bool:
    """Whether applying the import would replace official statistics that its actor may not
    replace alone (see the module's docstring)."""
    replaces = any(change.action == 'replaced' and change.replaces_official for change in report.slices)
    return replaces and not actor.has_perm(APPROVE_PERMISSION)


def _store(con, report: ImportReport, *, actor, dry_run: bool) -> ImportReport:
    report.slices = writer.plan_slices(con, 'flows_in', all_reporters=report.all_reporters, checksums=report.checksums)
    report.dry_run = dry_run
    if not report.count('new') + report.count('replaced'):
        # Same data again: nothing new, not even a run (the report says every slice is unchanged).
        return report
    writer.slice_values(con, 'flows_in', report.slices, all_reporters=report.all_reporters)
    report.needs_approval = needs_approval(report, actor)
    if dry_run:
        return report
    pending = report.needs_approval
    directory = None
    lock = None
    superseded: list[str] = []
    try:
        with transaction.atomic():
            run = _create_run(report, actor, pending=pending)
            directory = layout.run_directory(report.source, run.pk)
            # Held until the transaction commits: housekeeping leaves the directory alone meanwhile.
            lock = RunLock(directory)
            written = writer.write_slices(
                con, 'flows_in', run.pk, report.slices, directory, illustrative=report.illustrative,
                all_reporters=report.all_reporters,
            )  # fmt: skip
            if pending:
                # Written, not current: the registry is left as it is until a second person approves.
                run.slice_changes = pending_entries(report.slices, written)
                run.save(update_fields=['slice_changes'])
            else:
                superseded = _switch_slices(run, report.slices, written)
            report.run = run
            for info in report.files:
                info.parquet_files = len(written)
            run.files.update(parquet_files=len(written))
    except BaseException:
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)
        if lock is not None:
            lock.release()
        raise
    # Inside an outer transaction the registry switch is visible only when that one commits.
    transaction.on_commit(lock.release)
    if not pending:
        transaction.on_commit(lambda: remove_files(superseded))
        if settings.HAMKOR_WARM_CACHE_AFTER_IMPORT:
            transaction.on_commit(warm_cache_quietly)
    return report


def pending_entries(changes: list[SliceChange], written: dict[tuple, str]) -> list[dict]:
    """The run's record of the slices it wrote and would make current: everything approval needs
    to switch the registry (path, checksum, file digests) and to tell whether the current slice
    changed meanwhile (the checksum it replaces, or none for a new slice)."""
    entries = []
    for change in changes:
        if change.action == 'unchanged':
            continue
        path = written[change.key]
        entries.append({
            **change.review_json(),
            'path': path,
            'checksum': change.checksum,
            'previous_checksum': change.previous_checksum,
            'files': file_digests(layout.trade_directory() / path),
        })  # fmt: skip
    return entries


def _create_run(report: ImportReport, actor, *, pending: bool = False) -> ImportRun:
    context = current_change_context()
    # the user who imported, from the call or else from the change context; the operator
    # (SYSTEM) is not a user and is named by the account that ran the command
    users = [each for each in (actor, context.actor) if each is not None and not is_system(each)]
    actor = next((user for user in users if getattr(user, 'is_authenticated', False)), None)
    run = ImportRun.objects.create(
        source=report.source,
        kind=report.kind,
        classification=report.classification,
        status=ImportRun.Status.PENDING if pending else ImportRun.Status.APPLIED,
        actor=actor,
        actor_name=actor.get_username() if actor else f'{context.channel}:{_system_user()}',
        channel=context.channel,
        started=report.started,
        finished=timezone.now(),
        rows_read=report.rows_read,
        rows_accepted=report.rows_accepted,
        rows_filtered=report.rows_filtered,
        slices_new=report.count('new'),
        slices_replaced=report.count('replaced'),
        slices_unchanged=report.count('unchanged'),
        illustrative=report.illustrative,
        notes='\n'.join(filter(None, [report.notes, *report.notes_lines])),
        slice_changes=[change.as_json() for change in report.slices if change.action != 'unchanged'],
    )
    ImportFile.objects.bulk_create(
        ImportFile(
            run=run,
            role=info.role,
            name=info.name,
            size=info.size,
            sha256=info.sha256,
            row_count=info.row_count,
        )
        for info in report.files
    )
    return run


def _system_user() -> str:
    """The account that ran a command-line import (named as the change log names it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return 'unknown'


def _switch_slices(
    run: ImportRun, changes: list[SliceChange], written: dict[tuple, str], digests: dict[tuple, dict] | None = None
) -> list[str]:
    """Point each changed slice at its new file; return the files of the replaced versions.

    `digests` ({key: files}) are the files' digests recorded when they were written (an approved
    run's); by default they are computed now, just after writing."""
    superseded = []
    current = {
        trade_slice.key: trade_slice
        for trade_slice in TradeSlice.objects.select_for_update().filter(
            source=run.source, pk__in=[change.slice_id for change in changes if change.slice_id]
        )
    }
    new = []
    for change in changes:
        if change.action == 'unchanged':
            continue
        values = {
            'run': run,
            'path': written[change.key],
            'row_count': change.rows,
            'checksum': change.checksum,
            'files': digests[change.key] if digests else file_digests(layout.trade_directory() / written[change.key]),
        }
        if change.action == 'replaced':
            trade_slice = current[change.key]
            superseded.append(trade_slice.path)
            for name, value in values.items():
                setattr(trade_slice, name, value)
            trade_slice.save()  # logged: the change log keeps the previous run, checksum and row count
        else:
            new.append(TradeSlice(**dict(zip(SLICE_KEY, change.key, strict=True)), **values))
    # New slices are recorded by the run (slice_changes) rather than one change-log entry each:
    # a BACI year adds some 250 of them, and nothing is overwritten.
    TradeSlice.objects.bulk_create(new, batch_size=500)
    return superseded


OFFICIAL_TABLES = (
    'trade/uzstat_siat_1105_exports_by_country_2010_2023_kUSD.csv',
    'trade/uzstat_siat_1176_imports_by_country_2010_2023_kUSD.csv',
)


def load_official_tables(*, actor) -> list[ImportReport]:
    """Import the Statistics Agency's partner tables shipped in data/trade (idempotent)."""
    return [run_import(UzstatImporter(settings.REFERENCE_DATA_DIR / path), actor=actor) for path in OFFICIAL_TABLES]
