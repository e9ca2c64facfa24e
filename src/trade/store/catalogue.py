"""The current slices of the store, as the database registry (TradeSlice) names them, and the
slices written by runs awaiting approval (named by their ImportRun, not yet current)."""

import hashlib

from django.db.models import F

from trade.models import ImportRun, TradeSlice
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
    """{slice key: TradeSlice} of the current slices of the sources, each with `run_illustrative`
    (whether it is generated data: its run's flag; the run itself is not loaded)."""
    slices = TradeSlice.objects.filter(source__in=sources).annotate(run_illustrative=F('run__illustrative'))
    return {trade_slice.key: trade_slice for trade_slice in slices}


def paths_of(slice_ids) -> dict[int, str]:
    return dict(TradeSlice.objects.filter(pk__in=list(slice_ids)).values_list('pk', 'path'))


def pending_slices(using: str = 'default') -> list[dict]:
    """The slices written by runs awaiting approval (their `slice_changes` entries with a path)."""
    entries = []
    runs = ImportRun.objects.using(using).filter(status=ImportRun.Status.PENDING)
    for changes in runs.values_list('slice_changes', flat=True):
        entries += [entry for entry in changes if entry.get('path')]
    return entries


def pending_paths() -> set[str]:
    return {entry['path'] for entry in pending_slices()}


def registered_paths() -> set[str]:
    """The slice directories that must stay: the current ones and those awaiting approval."""
    return set(TradeSlice.objects.values_list('path', flat=True)) | pending_paths()


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
