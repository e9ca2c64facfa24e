"""Writing slices: what storing a table of flows would change, and the Parquet files.

Used by trade.services inside its transaction. Each function works on a DuckDB table (or view)
in FLOW_SCHEMA on a private connection (`work_connection`).

A replaced slice carries its value before and after (`slice_values`): a reviewer of the
replacement of official statistics (trade.services.approvals) sees what changes and by how much,
not only that the checksum differs.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import duckdb

from trade.schema import ALL_REPORTERS, SLICE_KEY
from trade.store import catalogue
from trade.store.layout import FILE_COLUMNS, PARTITION_COLUMNS, scratch_directory, sql_literal, trade_directory

# The content a slice's checksum covers: everything except the run that wrote it.
CONTENT = ('reporter', 'partner', 'product', 'value_usd', 'quantity', 'unit', 'illustrative')
CONTENT_HASH_SQL = f'sum(hash({", ".join(CONTENT)})::HUGEINT)::VARCHAR'


@dataclass
class SliceChange:
    key: tuple
    action: str  # new | replaced | unchanged
    rows: int
    checksum: str
    previous_rows: int | None = None
    slice_id: int | None = None
    previous_checksum: str | None = None
    # Whether the current slice is official statistics (not illustrative): replacing one needs
    # approval unless the importer may approve (trade.services.imports).
    replaces_official: bool = False
    # Sum of value_usd of the new content and of the current slice (None: not computed, or the
    # current slice's files cannot be read).
    value_usd: float | None = None
    previous_value_usd: float | None = None

    @property
    def difference_usd(self) -> float | None:
        if self.value_usd is None or self.previous_value_usd is None:
            return None
        return self.value_usd - self.previous_value_usd

    @property
    def difference_pct(self) -> float | None:
        """The difference as a fraction of the value before (None when that is zero or unknown)."""
        difference = self.difference_usd
        if difference is None or not self.previous_value_usd:
            return None
        return difference / self.previous_value_usd

    def as_json(self) -> dict:
        return {
            **dict(zip(SLICE_KEY, self.key, strict=True)),
            'action': self.action,
            'rows': self.rows,
            'previous_rows': self.previous_rows,
        }

    def review_json(self) -> dict:
        """as_json with what a reviewer reads: the label, and the value before and after."""
        return {
            **self.as_json(),
            'label': self.label,
            'value_usd': self.value_usd,
            'previous_value_usd': self.previous_value_usd,
            'difference_usd': self.difference_usd,
            'difference_pct': self.difference_pct,
        }

    @property
    def label(self) -> str:
        source, reporter, flow, year, month, classification = self.key
        period = f'{year}' if not month else f'{year}-{month:02d}'
        return f'{source} {reporter} {flow} {period} {classification}'


def work_connection() -> duckdb.DuckDBPyConnection:
    """A private DuckDB connection for one import; spills to DATA_DIR/trade/tmp when memory runs short."""
    con = duckdb.connect()
    con.execute(f'SET temp_directory = {sql_literal(str(scratch_directory()))}')
    return con


def slice_key_sql(all_reporters: bool) -> str:
    """The slice key as SQL columns; a slice of all reporters has the reporter ALL_REPORTERS."""
    reporter = f"'{ALL_REPORTERS}'" if all_reporters else 'reporter'
    return ', '.join(f'{reporter} AS reporter' if name == 'reporter' else name for name in SLICE_KEY)


def slice_checksums(con, table: str, *, all_reporters: bool = False) -> dict[tuple, tuple[int, str]]:
    """{slice key: (rows, checksum)} computed from the content, independent of row order."""
    key = slice_key_sql(all_reporters)
    result = con.execute(f'SELECT {key}, count(*), {CONTENT_HASH_SQL} FROM {table} GROUP BY ALL').fetchall()
    return {tuple(row[: len(SLICE_KEY)]): checksum_of(row[-2], row[-1]) for row in result}


def checksum_of(rows: int, digest: str) -> tuple[int, str]:
    return rows, hashlib.sha256(f'{rows}:{digest}'.encode()).hexdigest()


def plan_slices(con, table: str, *, all_reporters: bool = False, checksums: dict | None = None) -> list[SliceChange]:
    """What storing this table would do to each of its slices: new, replaced or unchanged."""
    if checksums is None:
        checksums = slice_checksums(con, table, all_reporters=all_reporters)
    current = catalogue.current_slices({key[0] for key in checksums})
    changes = []
    for key in sorted(checksums):
        rows, checksum = checksums[key]
        existing = current.get(key)
        if existing is None:
            changes.append(SliceChange(key, 'new', rows, checksum))
            continue
        action = 'unchanged' if existing.checksum == checksum else 'replaced'
        changes.append(
            SliceChange(
                key, action, rows, checksum, existing.row_count, existing.pk, previous_checksum=existing.checksum,
                replaces_official=not existing.run_illustrative,
            )
        )  # fmt: skip
    return changes


def slice_values(con, table: str, changes: list[SliceChange], *, all_reporters: bool = False) -> None:
    """Set the value (sum of value_usd) of each new and replaced slice, and of the current content
    of each replaced one, read from its files; a current slice whose files cannot be read keeps
    None (its value before is unknown, which the preview shows as such)."""
    wanted = {change.key: change for change in changes if change.action != 'unchanged'}
    if not wanted:
        return
    key = slice_key_sql(all_reporters)
    for row in con.execute(f'SELECT {key}, sum(value_usd) FROM {table} GROUP BY ALL').fetchall():
        change = wanted.get(tuple(row[: len(SLICE_KEY)]))
        if change is not None:
            change.value_usd = float(row[-1]) if row[-1] is not None else 0.0
    replaced = [change for change in wanted.values() if change.action == 'replaced']
    paths = catalogue.paths_of([change.slice_id for change in replaced])
    for change in replaced:
        path = paths.get(change.slice_id)
        if path is None:
            continue
        glob = sql_literal(str(trade_directory() / path / '*.parquet'))
        try:
            [(value,)] = con.execute(f'SELECT sum(value_usd) FROM read_parquet({glob})').fetchall()
        except duckdb.Error:
            continue
        change.previous_value_usd = float(value) if value is not None else 0.0


def write_slices(
    con, table: str, run_id: int, changes: list[SliceChange], directory: Path, *, illustrative: bool,
    all_reporters: bool = False,
) -> dict[tuple, str]:  # fmt: skip
    """Write the new and replaced slices as Parquet, one directory per slice; {key: path under trade/}.

    The directories are hive-style (source=…/reporter=…/…/run_id=…/illustrative=…): the values
    that are constant in a slice are in the path, not repeated in every row of the file. Every row
    of an import has the same `illustrative` flag (checked before).
    """
    wanted = [change for change in changes if change.action != 'unchanged']
    if not wanted:
        return {}
    slice_reporter = f"'{ALL_REPORTERS}'" if all_reporters else 'reporter'
    selected = f'(SELECT *, {slice_reporter} AS slice_reporter FROM {table})'
    if len(wanted) < len(changes):
        keys = ', '.join('slice_reporter' if name == 'reporter' else name for name in SLICE_KEY)
        values = ', '.join(
            '(' + ', '.join(sql_literal(v) if isinstance(v, str) else str(int(v)) for v in change.key) + ')'
            for change in wanted
        )
        selected = f'(SELECT * FROM {selected} WHERE ({keys}) IN (SELECT ({keys}) FROM (VALUES {values}) AS w({keys})))'
    file_columns = ', '.join(FILE_COLUMNS)
    partition = ', '.join(PARTITION_COLUMNS)
    directory.mkdir(parents=True, exist_ok=True)
    leaf = _single_leaf(wanted[0], directory, run_id, illustrative) if len(wanted) == 1 else None
    if leaf is not None:
        # One slice (a BACI year): a plain COPY into the directory that PARTITION_BY would have
        # made, a third faster than the partitioned writer for ten million rows.
        leaf.mkdir(parents=True)
        con.execute(
            f'COPY (SELECT {file_columns} FROM {selected}) TO {sql_literal(str(leaf / "flows_0.parquet"))} '
            '(FORMAT parquet)'
        )
    else:
        con.execute(
            f'COPY (SELECT {file_columns}, source, slice_reporter, flow, year, month, classification, '
            f'CAST({run_id} AS BIGINT) AS run_id, illustrative FROM {selected}) TO {sql_literal(str(directory))} '
            f"(FORMAT parquet, PARTITION_BY ({partition}), FILENAME_PATTERN 'flows_{{i}}')"
        )
    base = trade_directory()
    written = {}
    for leaf in {path.parent for path in directory.rglob('*.parquet')}:
        parts = dict(part.split('=', 1) for part in leaf.relative_to(directory).parts)
        key = tuple(unquote(parts['slice_reporter' if name == 'reporter' else name]) for name in SLICE_KEY)
        key = (key[0], key[1], key[2], int(key[3]), int(key[4]), key[5])
        written[key] = str(leaf.relative_to(base))
    missing = [change.key for change in wanted if change.key not in written]
    if missing:
        raise RuntimeError(f'slices not found after writing: {missing[:5]}')
    return written


def _single_leaf(change: SliceChange, directory: Path, run_id: int, illustrative: bool) -> Path | None:
    """The hive-style directory of a slice, when every value in its name is plain text (the name
    DuckDB's partitioned writer would give it); None otherwise."""
    values = dict(zip(SLICE_KEY, change.key, strict=True))
    values = {
        'source': values['source'], 'slice_reporter': values['reporter'], 'flow': values['flow'],
        'year': values['year'], 'month': values['month'], 'classification': values['classification'],
        'run_id': run_id, 'illustrative': str(illustrative).lower(),
    }  # fmt: skip
    names = [str(values[name]) for name in PARTITION_COLUMNS]
    if not all(name and all(char.isalnum() or char in '-_.' for char in name) for name in names):
        return None
    return directory.joinpath(*(f'{name}={value}' for name, value in zip(PARTITION_COLUMNS, names, strict=True)))
