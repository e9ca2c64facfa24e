"""The trade store: flows as Parquet files under DATA_DIR/trade, queried in-process with DuckDB.

Layout: DATA_DIR/trade/flows/<source>/run-<run id>-<random>/_slice=<n>/*.parquet, one directory per slice
written by a run. The database registry (trade.models.TradeSlice) names the directory that is
current for each slice; readers read only those, so a run's files become visible in the single
transaction that switches the registry, and files of a failed run are never read (they are
removed at once, and `remove_orphans` removes any left by a killed process).

Analytics code uses only `flows()` (an ibis table over the current rows) and FLOW_SCHEMA, so the
same expressions can later run on another ibis backend.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
import uuid
import warnings
from pathlib import Path
from urllib.parse import unquote

import duckdb
import ibis
import pyarrow as pa
from django.conf import settings

FLOW_SCHEMA = pa.schema(
    [
        pa.field('source', pa.string(), nullable=False),
        pa.field('reporter', pa.string(), nullable=False),
        pa.field('partner', pa.string(), nullable=False),
        pa.field('flow', pa.string(), nullable=False),
        pa.field('year', pa.int16(), nullable=False),
        pa.field('month', pa.int8(), nullable=False),
        pa.field('classification', pa.string(), nullable=False),
        pa.field('product', pa.string(), nullable=False),
        pa.field('value_usd', pa.float64(), nullable=False),
        pa.field('quantity', pa.float64()),
        pa.field('unit', pa.string()),
        pa.field('run_id', pa.int64()),
        pa.field('illustrative', pa.bool_(), nullable=False),
    ]
)
DUCKDB_TYPES = {
    'source': 'VARCHAR',
    'reporter': 'VARCHAR',
    'partner': 'VARCHAR',
    'flow': 'VARCHAR',
    'year': 'SMALLINT',
    'month': 'TINYINT',
    'classification': 'VARCHAR',
    'product': 'VARCHAR',
    'value_usd': 'DOUBLE',
    'quantity': 'DOUBLE',
    'unit': 'VARCHAR',
    'run_id': 'BIGINT',
    'illustrative': 'BOOLEAN',
}
COLUMNS = tuple(field.name for field in FLOW_SCHEMA)
FLOWS_VIEW = 'hamkor_flows'
EXPORTER_PRODUCTS_VIEW = 'hamkor_exporter_products'
# trade.analytics.exports_by_exporter_product's result, as kept on disk.
EXPORTER_PRODUCTS_COLUMNS = {
    'source': 'VARCHAR',
    'classification': 'VARCHAR',
    'year': 'SMALLINT',
    'reporter': 'VARCHAR',
    'product': 'VARCHAR',
    'illustrative': 'BOOLEAN',
    'value_usd': 'DOUBLE',
}
SLICE_KEY = ('source', 'reporter', 'flow', 'year', 'month', 'classification')
# The columns that identify one flow inside a slice (its duplicates are an error).
ROW_KEY = (*SLICE_KEY, 'partner', 'product')
# The registry's reporter of a slice that holds every reporter of a period (a BACI year).
ALL_REPORTERS = 'ALL'
# What the Parquet files hold; the other columns are constant in a slice and are in the path.
FILE_COLUMNS = ('reporter', 'partner', 'product', 'value_usd', 'quantity', 'unit')
PARTITION_COLUMNS = ('source', 'slice_reporter', 'flow', 'year', 'month', 'classification', 'run_id', 'illustrative')
# The content a slice's checksum covers: everything except the run that wrote it.
CONTENT = ('reporter', 'partner', 'product', 'value_usd', 'quantity', 'unit', 'illustrative')
CONTENT_HASH_SQL = f'sum(hash({", ".join(CONTENT)})::HUGEINT)::VARCHAR'
FLOWS = ('X', 'M', 'RX', 'RM')
CLASSIFICATIONS = ('HS1992', 'HS1996', 'HS2002', 'HS2007', 'HS2012', 'HS2017', 'HS2022', 'TOTAL')
ORPHAN_AGE_SECONDS = 24 * 3600

_local = threading.local()


def trade_directory() -> Path:
    return Path(settings.DATA_DIR) / 'trade'


def flows_directory() -> Path:
    return trade_directory() / 'flows'


def run_directory(source: str, run_id: int) -> Path:
    safe = ''.join(char if char.isalnum() or char in '-_.' else '-' for char in source)
    # The random part keeps directories apart when a run's id is used again: ids of runs rolled
    # back (as every test is) come back, while their files may still be on disk.
    return flows_directory() / safe / f'run-{run_id}-{uuid.uuid4().hex[:8]}'


#
# Reading
#


def connect():
    """An in-process ibis DuckDB backend, one per thread (DuckDB connections are not shared)."""
    backend = getattr(_local, 'backend', None)
    if backend is None:
        backend = _local.backend = ibis.duckdb.connect()
        if not hasattr(backend.con, 'fetch_arrow_table'):
            backend.con = _ArrowNames(backend.con)
    return backend


class _ArrowNames:
    """DuckDB 2 renamed fetch_arrow_table/fetch_record_batch (to_arrow_table/to_arrow_reader), which
    ibis 12 still calls; this wrapper of the connection answers to both names."""

    def __init__(self, raw):
        self._raw = raw

    def __getattr__(self, name):
        return getattr(self._raw, name)

    def execute(self, *args, **kwargs):
        self._raw.execute(*args, **kwargs)
        return self

    def cursor(self):
        return _ArrowNames(self._raw.cursor())

    def fetch_arrow_table(self):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', UserWarning)
            return self._raw.to_arrow_table()

    def fetch_record_batch(self, rows_per_batch: int = 1_000_000):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', UserWarning)
            return self._raw.to_arrow_reader(rows_per_batch)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


def current_paths() -> list[str]:
    """The Parquet globs of the current slices, as registered in the database."""
    from trade.models import TradeSlice

    base = trade_directory()
    return [str(base / path / '*.parquet') for path in TradeSlice.objects.order_by('pk').values_list('path', flat=True)]


def flows(con=None):
    """An ibis table over exactly the current rows of the store (FLOW_SCHEMA)."""
    return flows_from_paths(con or connect(), current_paths())


def flows_view(paths) -> ibis.Table:
    """The flows in `paths` as the view FLOWS_VIEW of this thread's connection.

    A view of fixed name keeps the SQL of every query the same whatever files are current, so
    SQL compiled once (trade.analytics.compiled_sql) stays valid across imports; the view is
    redefined when the files change.
    """
    return _view(FLOWS_VIEW, list(paths), flows_sql)


def exporter_products_view(paths) -> ibis.Table:
    """Exporter × product × year totals (files made by exporter_products_file) as a view."""
    return _view(EXPORTER_PRODUCTS_VIEW, list(paths), _exporter_products_sql)


def _view(name: str, paths: list[str], sql) -> ibis.Table:
    backend = connect()
    views = _local.__dict__.setdefault('views', {})  # {name: (paths, ibis table)} of this thread's connection
    if name not in views or views[name][0] != paths:
        backend.raw_sql(f'CREATE OR REPLACE TEMP VIEW {name} AS {sql(paths)}')
        if name in views:
            table = views[name][1]
        else:
            with warnings.catch_warnings():  # ibis 12 reads the schema with a name DuckDB 2 deprecates
                warnings.simplefilter('ignore', DeprecationWarning)
                table = backend.table(name)
        views[name] = (paths, table)
    return views[name][1]


def _exporter_products_sql(paths: list[str]) -> str:
    if not paths:
        nulls = ', '.join(f'CAST(NULL AS {kind}) AS {name}' for name, kind in EXPORTER_PRODUCTS_COLUMNS.items())
        return f'SELECT {nulls} WHERE false'
    columns = ', '.join(f'CAST({name} AS {kind}) AS {name}' for name, kind in EXPORTER_PRODUCTS_COLUMNS.items())
    listed = ', '.join(sql_literal(path) for path in paths)
    return f'SELECT {columns} FROM read_parquet([{listed}])'


def exporter_products_file(key: str, paths) -> Path:
    """The exporter × product × year export totals of the flows in `paths` (the input of RCA, a
    fraction of the flows' size), written once under `key` and reused.

    The key is a slice's content checksum, so a revised slice gets new totals and an unchanged
    one keeps its file. The file is written under a temporary name and renamed: a reader never
    sees half a file, and two processes building it at once both end with a complete one.
    """
    from trade import analytics

    target = aggregates_directory() / f'{key}.parquet'
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    backend = connect()
    totals = analytics.exports_by_exporter_product(flows_from_paths(backend, paths))
    partial = target.with_name(f'.{key}-{uuid.uuid4().hex[:8]}.parquet')
    order = 'year, reporter, product'  # a reporter's rows are found from the row groups' statistics
    backend.raw_sql(
        f'COPY ({backend.compile(totals)} ORDER BY {order}) TO {sql_literal(str(partial))} (FORMAT parquet)'
    )
    partial.replace(target)
    return target


def exporter_products(source: str, classification: str, year: int) -> ibis.Table:
    """The exporter × product totals of the current slices of (source, classification, year),
    built from the slices on first use (see exporter_products_file)."""
    from trade.models import TradeSlice

    slices = TradeSlice.objects.filter(
        source=source, classification=classification, year=year, month=0, flow='X'
    ).order_by('pk')
    base = trade_directory()
    files = [str(exporter_products_file(item.checksum, [str(base / item.path / '*.parquet')])) for item in slices]
    return exporter_products_view(files)


def aggregates_directory() -> Path:
    return trade_directory() / 'aggregates' / 'exports_by_exporter_product'


def flows_from_paths(con, paths, *, partitioned: bool | None = None) -> ibis.Table:
    """An ibis table in FLOW_SCHEMA over Parquet files or globs; typed and empty when there are none.

    The files either hold every column of FLOW_SCHEMA, or (partitioned, the store's own layout,
    recognised by its `/source=` directories unless said) only the FILE_COLUMNS, the others
    being read from the hive-style directory names.
    """
    return con.sql(flows_sql(paths, partitioned=partitioned))


def flows_sql(paths, *, partitioned: bool | None = None) -> str:
    columns = ', '.join(f'CAST({name} AS {DUCKDB_TYPES[name]}) AS {name}' for name in COLUMNS)
    paths = [str(path) for path in paths]
    if partitioned is None:
        partitioned = any('/source=' in path for path in paths)
    if not paths:
        nulls = ', '.join(f'CAST(NULL AS {DUCKDB_TYPES[name]}) AS {name}' for name in COLUMNS)
        return f'SELECT {nulls} WHERE false'
    listed = ', '.join(sql_literal(path) for path in paths)
    if partitioned:
        types = ', '.join(f"'{name}': {DUCKDB_TYPES.get(name, 'VARCHAR')}" for name in PARTITION_COLUMNS)
        options = f'hive_partitioning = true, hive_types = {{{types}}}'
    else:
        options = 'hive_partitioning = false'
    return f'SELECT {columns} FROM read_parquet([{listed}], {options})'


def sql_literal(text: str) -> str:
    """Text (a path, a value from a file) as a quoted SQL string."""
    return "'" + text.replace("'", "''") + "'"


#
# Writing (used by trade.services inside its transaction)
#


def work_connection() -> duckdb.DuckDBPyConnection:
    """A private DuckDB connection for one import; spills to DATA_DIR/trade/tmp when memory runs short."""
    temporary = trade_directory() / 'tmp'
    temporary.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f'SET temp_directory = {sql_literal(str(temporary))}')
    return con


def check_flows(con, table: str, report, *, source: str, illustrative: bool) -> None:
    """Reject rows of a table in FLOW_SCHEMA that break the store's rules (used for tables built in Python)."""
    from trade.importers.base import Rejection

    flows = ', '.join(sql_literal(flow) for flow in FLOWS)
    classifications = ', '.join(sql_literal(code) for code in CLASSIFICATIONS)
    rules = [
        ('source', f'source IS DISTINCT FROM {sql_literal(source)}', f'source is not "{source}"'),
        ('illustrative', f'illustrative IS DISTINCT FROM {str(illustrative).lower()}', 'wrong illustrative flag'),
        ('reporter', 'reporter IS NULL OR length(reporter) <> 3', 'reporter is not an ISO alpha-3 code'),
        ('partner', 'partner IS NULL OR length(partner) <> 3', 'partner is not an ISO alpha-3 code'),
        ('flow', f'flow IS NULL OR flow NOT IN ({flows})', 'flow is not X, M, RX or RM'),
        ('year', 'year IS NULL OR year > year(current_date)', 'year is missing or in the future'),
        ('month', 'month IS NULL OR month NOT BETWEEN 0 AND 12', 'month is not 0–12'),
        (
            'classification',
            f'classification IS NULL OR classification NOT IN ({classifications})',
            'unknown classification',
        ),
        (
            'product',
            "product IS NULL OR NOT (regexp_full_match(product, '[0-9]{6}') OR "
            "(product = 'TOTAL' AND classification = 'TOTAL'))",
            'product is not a 6-digit HS code (or TOTAL with classification TOTAL)',
        ),
        ('value_usd', 'value_usd IS NULL OR value_usd < 0 OR isnan(value_usd)', 'value is missing or negative'),
        ('quantity', 'quantity < 0', 'quantity is negative'),
    ]
    con.execute(f'CREATE OR REPLACE TEMP TABLE checked AS SELECT rowid AS row_index, * FROM {table}')
    for column, condition, reason in rules:
        for (row_index,) in con.execute(
            f'SELECT row_index FROM checked WHERE {condition} ORDER BY row_index LIMIT 1000'
        ).fetchall():
            report.rejections.append(Rejection('table', row_index + 1, column, reason, 'row'))
    key = ', '.join(ROW_KEY)
    duplicates = con.execute(
        f'SELECT row_index + 1 FROM (SELECT row_index, row_number() OVER (PARTITION BY {key} ORDER BY row_index) '
        'AS n FROM checked) WHERE n > 1 ORDER BY 1 LIMIT 1000'
    ).fetchall()
    for (row,) in duplicates:
        report.rejections.append(Rejection('table', row, ', '.join(ROW_KEY), 'duplicate flow', 'row'))
    report.rejections.sort(key=lambda rejection: rejection.line)
    con.execute('DROP TABLE checked')


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


def plan_slices(con, table: str, *, all_reporters: bool = False, checksums: dict | None = None) -> list:
    """What storing this table would do to each of its slices: new, replaced or unchanged."""
    from trade.importers.base import SliceChange
    from trade.models import TradeSlice

    if checksums is None:
        checksums = slice_checksums(con, table, all_reporters=all_reporters)
    sources = {key[0] for key in checksums}
    current = {trade_slice.key: trade_slice for trade_slice in TradeSlice.objects.filter(source__in=sources)}
    changes = []
    for key in sorted(checksums):
        rows, checksum = checksums[key]
        existing = current.get(key)
        if existing is None:
            action, previous, slice_id = 'new', None, None
        elif existing.checksum == checksum:
            action, previous, slice_id = 'unchanged', existing.row_count, existing.pk
        else:
            action, previous, slice_id = 'replaced', existing.row_count, existing.pk
        changes.append(SliceChange(key, action, rows, checksum, previous, slice_id))
    return changes


def write_slices(
    con, table: str, run_id: int, changes: list, directory: Path, *, illustrative: bool, all_reporters: bool = False
) -> dict[tuple, str]:
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


def _single_leaf(change, directory: Path, run_id: int, illustrative: bool) -> Path | None:
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


def remove_files(paths) -> None:
    """Remove replaced slice directories (after the switch has been committed), and emptied parents."""
    for path in paths:
        leaf = trade_directory() / path
        shutil.rmtree(leaf, ignore_errors=True)
        _remove_empty_parents(leaf.parent)


def _remove_empty_parents(directory: Path) -> None:
    top = flows_directory()
    while directory != top and top in directory.parents and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


def remove_orphans(min_age_seconds: int = ORPHAN_AGE_SECONDS) -> list[Path]:
    """Remove slice directories no registry row names (left by a killed import), and exporter
    totals of slices no longer current, older than min_age_seconds.

    The age limit keeps the directories of an import that is still writing.
    """
    from trade.models import TradeSlice

    base = trade_directory()
    registered = set(TradeSlice.objects.values_list('path', flat=True))
    removed = []
    cutoff = time.time() - min_age_seconds
    for leaf in sorted({path.parent for path in flows_directory().glob('*/run-*/**/*.parquet')}):
        if str(leaf.relative_to(base)) not in registered and leaf.stat().st_mtime <= cutoff:
            shutil.rmtree(leaf, ignore_errors=True)
            _remove_empty_parents(leaf.parent)
            removed.append(leaf)
    checksums = set(TradeSlice.objects.values_list('checksum', flat=True))
    for path in sorted(aggregates_directory().glob('*.parquet')):
        if path.stem not in checksums and path.stat().st_mtime <= cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def store_checksum() -> tuple[int, str]:
    """(rows, checksum) of all current slices: equal before and after an import that changed nothing."""
    from trade.models import TradeSlice

    slices = TradeSlice.objects.order_by(*SLICE_KEY).values_list('checksum', 'row_count')
    digest = hashlib.sha256()
    rows = 0
    for checksum, count in slices:
        digest.update(checksum.encode())
        rows += count
    return rows, digest.hexdigest()
