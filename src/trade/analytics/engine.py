"""The only engine-aware read code of trade: DuckDB today (Spark next).

Everything else in trade.analytics builds engine-neutral Ibis expressions; this module binds
them to the store's Parquet files (a DuckDB connection per thread, views of fixed name) and
runs them (`execute`, with the compiled SQL of each expression kept).
"""

import threading
import uuid
import warnings
from collections import OrderedDict
from pathlib import Path

import ibis
import ibis.expr.operations as ops
import pandas as pd
from ibis.backends.duckdb.converter import DuckDBPandasData

from trade.schema import COLUMNS, SQL_TYPES
from trade.store import integrity
from trade.store.layout import PARTITION_COLUMNS, sql_literal

FLOWS_VIEW = 'hamkor_flows'
EXPORTER_PRODUCTS_VIEW = 'hamkor_exporter_products'
# trade.analytics.expressions.exports_by_exporter_product's result, as kept on disk.
EXPORTER_PRODUCTS_COLUMNS = {
    'source': 'VARCHAR',
    'classification': 'VARCHAR',
    'year': 'SMALLINT',
    'reporter': 'VARCHAR',
    'product': 'VARCHAR',
    'illustrative': 'BOOLEAN',
    'value_usd': 'DOUBLE',
}

_local = threading.local()


#
# Connection and tables
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


def flows(con=None) -> ibis.Table:
    """An ibis table over exactly the current rows of the store (FLOW_SCHEMA), of the slices whose
    files are there (trade.store.integrity.store_health names the others)."""
    return flows_from_paths(con or connect(), integrity.store_health().paths)


def current_flows() -> ibis.Table:
    """The current rows of the store as this thread's view FLOWS_VIEW (see flows_view)."""
    return flows_view(integrity.store_health().paths)


def flows_view(paths) -> ibis.Table:
    """The flows in `paths` (trade.store.catalogue.current_paths()) as the view FLOWS_VIEW of this
    thread's connection.

    A view of fixed name keeps the SQL of every query the same whatever files are current, so
    SQL compiled once (compiled_sql) stays valid across imports; the view is redefined when the
    files change.
    """
    return _view(FLOWS_VIEW, list(paths), flows_sql)


def exporter_products_view(paths) -> ibis.Table:
    """Exporter × product × year totals (files of trade.analytics.aggregates) as a view."""
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


def flows_from_paths(con, paths, *, partitioned: bool | None = None) -> ibis.Table:
    """An ibis table in FLOW_SCHEMA over Parquet files or globs; typed and empty when there are none.

    The files either hold every column of FLOW_SCHEMA, or (partitioned, the store's own layout,
    recognised by its `/source=` directories unless said) only the store's file columns, the
    others being read from the hive-style directory names.
    """
    return con.sql(flows_sql(paths, partitioned=partitioned))


def flows_sql(paths, *, partitioned: bool | None = None) -> str:
    columns = ', '.join(f'CAST({name} AS {SQL_TYPES[name]}) AS {name}' for name in COLUMNS)
    paths = [str(path) for path in paths]
    if partitioned is None:
        partitioned = any('/source=' in path for path in paths)
    if not paths:
        nulls = ', '.join(f'CAST(NULL AS {SQL_TYPES[name]}) AS {name}' for name in COLUMNS)
        return f'SELECT {nulls} WHERE false'
    listed = ', '.join(sql_literal(path) for path in paths)
    if partitioned:
        types = ', '.join(f"'{name}': {SQL_TYPES.get(name, 'VARCHAR')}" for name in PARTITION_COLUMNS)
        options = f'hive_partitioning = true, hive_types = {{{types}}}'
    else:
        options = 'hive_partitioning = false'
    return f'SELECT {columns} FROM read_parquet([{listed}], {options})'


def write_parquet(expression, target: Path, *, order: str) -> Path:
    """Write an expression's rows to a Parquet file, sorted by `order`, under a temporary name
    then renamed: a reader never sees half a file, and two processes writing it at once both end
    with a complete one."""
    backend = connect()
    partial = target.with_name(f'.{target.stem}-{uuid.uuid4().hex[:8]}.parquet')
    backend.raw_sql(
        f'COPY ({backend.compile(expression)} ORDER BY {order}) TO {sql_literal(str(partial))} (FORMAT parquet)'
    )
    partial.replace(target)
    return target


#
# Running expressions
#

# Ibis compiles an expression to SQL in pure Python (50–100 ms for the monitor's queries, whatever
# the data's size), which would be most of a warm answer. The SQL of each expression is kept,
# keyed by the expression's operation tree (structural equality: the same call builds an equal
# tree); the store is read through a view of fixed name (flows_view), so the SQL stays valid when
# imports change the files behind it.
_COMPILED_LIMIT = 512
_compiled: OrderedDict = OrderedDict()
_compiled_lock = threading.Lock()


def compiled_sql(expression) -> str | None:
    """The DuckDB SQL of an expression bound to a DuckDB backend, compiled once; None otherwise."""
    operation = expression.op()
    with _compiled_lock:
        sql = _compiled.get(operation)
        if sql is not None:
            _compiled.move_to_end(operation)
            return sql
    backend = _duckdb_backend(expression)
    if backend is None:
        return None
    sql = backend.compile(expression)
    with _compiled_lock:
        _compiled[operation] = sql
        while len(_compiled) > _COMPILED_LIMIT:
            _compiled.popitem(last=False)
    return sql


def _duckdb_backend(expression):
    try:
        backend = expression._find_backend(use_default=False)
    except Exception:  # unbound or several backends: let ibis decide how to run it
        return None
    if backend.name != 'duckdb' or expression.op().find(ops.InMemoryTable):
        return None  # ibis registers in-memory tables when it executes; keep its path for those
    return backend


def execute(expression) -> pd.DataFrame:
    """Execute an expression as a pandas DataFrame, with DuckDB through its kept SQL."""
    sql = compiled_sql(expression)
    if sql is None:
        return expression.execute()
    backend = expression._find_backend(use_default=False)
    arrow = backend.con.sql(sql).to_arrow_table()
    frame = arrow.to_pandas()
    return DuckDBPandasData.convert_table(frame, expression.as_table().schema())
