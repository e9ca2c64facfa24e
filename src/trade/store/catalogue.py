"""The current slices of the store, as the database registry (TradeSlice) names them."""

import hashlib

from trade.models import TradeSlice
from trade.schema import EXPORTS, SLICE_KEY
from trade.store.layout import slice_glob


def current_paths() -> list[str]:
    """The Parquet globs of the current slices."""
    return [slice_glob(path) for path in TradeSlice.objects.order_by('pk').values_list('path', flat=True)]


def export_slices(source: str, classification: str, year: int) -> list[tuple[str, str]]:
    """(checksum, Parquet glob) of the current yearly export slices of a source, classification and year."""
    slices = TradeSlice.objects.filter(
        source=source, classification=classification, year=year, month=0, flow=EXPORTS
    ).order_by('pk')
    return [(item.checksum, slice_glob(item.path)) for item in slices]


def current_slices(sources) -> dict[tuple, TradeSlice]:
    """{slice key: TradeSlice} of the current slices of the sources."""
    return {trade_slice.key: trade_slice for trade_slice in TradeSlice.objects.filter(source__in=sources)}


def registered_paths() -> set[str]:
    return set(TradeSlice.objects.values_list('path', flat=True))


def registered_checksums() -> set[str]:
    return set(TradeSlice.objects.values_list('checksum', flat=True))


def store_checksum() -> tuple[int, str]:
    """(rows, checksum) of all current slices: equal before and after an import that changed nothing."""
    slices = TradeSlice.objects.order_by(*SLICE_KEY).values_list('checksum', 'row_count')
    digest = hashlib.sha256()
    rows = 0
    for checksum, count in slices:
        digest.update(checksum.encode())
        rows += count
    return rows, digest.hexdigest()
