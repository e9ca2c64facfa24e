"""Where the trade store keeps its files.

DATA_DIR/trade/flows/<source>/run-<run id>-<random>/<hive partitions>/*.parquet, one directory
per slice written by a run; the registry (trade.models.TradeSlice) names the directory that is
current for each slice, so a run's files become visible in the single transaction that switches
the registry, and files of a failed run are never read.
"""

import uuid
from pathlib import Path

from django.conf import settings

# What the Parquet files hold; the other columns are constant in a slice and are in the path.
FILE_COLUMNS = ('reporter', 'partner', 'product', 'value_usd', 'quantity', 'unit')
PARTITION_COLUMNS = ('source', 'slice_reporter', 'flow', 'year', 'month', 'classification', 'run_id', 'illustrative')


def trade_directory() -> Path:
    return Path(settings.DATA_DIR) / 'trade'


def flows_directory() -> Path:
    return trade_directory() / 'flows'


def aggregates_directory() -> Path:
    """Exporter × product × year totals kept per slice checksum (trade.analytics.aggregates)."""
    return trade_directory() / 'aggregates' / 'exports_by_exporter_product'


def scratch_directory() -> Path:
    """Where DuckDB spills and importers write temporary files."""
    directory = trade_directory() / 'tmp'
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def run_directory(source: str, run_id: int) -> Path:
    safe = ''.join(char if char.isalnum() or char in '-_.' else '-' for char in source)
    # The random part keeps directories apart when a run's id is used again: ids of runs rolled
    # back (as every test is) come back, while their files may still be on disk.
    return flows_directory() / safe / f'run-{run_id}-{uuid.uuid4().hex[:8]}'


def slice_glob(path: str) -> str:
    """The Parquet files of a slice directory registered as `path` (relative to trade/)."""
    return str(trade_directory() / path / '*.parquet')


def remove_empty_parents(directory: Path) -> None:
    top = flows_directory()
    while directory != top and top in directory.parents and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


def sql_literal(text: str) -> str:
    """Text (a path, a value from a file) as a quoted SQL string."""
    return "'" + text.replace("'", "''") + "'"
