"""Removal of files the registry no longer names."""

import shutil
import time
from pathlib import Path

from trade.store import catalogue
from trade.store.layout import aggregates_directory, flows_directory, remove_empty_parents, trade_directory

ORPHAN_AGE_SECONDS = 24 * 3600


def remove_files(paths) -> None:
    """Remove replaced slice directories (after the switch has been committed), and emptied parents."""
    for path in paths:
        leaf = trade_directory() / path
        shutil.rmtree(leaf, ignore_errors=True)
        remove_empty_parents(leaf.parent)


def remove_orphans(min_age_seconds: int = ORPHAN_AGE_SECONDS) -> list[Path]:
    """Remove slice directories no registry row names (left by a killed import), and exporter
    totals of slices no longer current, older than min_age_seconds.

    The age limit keeps the directories of an import that is still writing.
    """
    base = trade_directory()
    registered = catalogue.registered_paths()
    removed = []
    cutoff = time.time() - min_age_seconds
    for leaf in sorted({path.parent for path in flows_directory().glob('*/run-*/**/*.parquet')}):
        if str(leaf.relative_to(base)) not in registered and leaf.stat().st_mtime <= cutoff:
            shutil.rmtree(leaf, ignore_errors=True)
            remove_empty_parents(leaf.parent)
            removed.append(leaf)
    checksums = catalogue.registered_checksums()
    for path in sorted(aggregates_directory().glob('*.parquet')):
        if path.stem not in checksums and path.stat().st_mtime <= cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
