"""Removal of files the registry no longer names.

- `remove_files(paths)`: the directories of slices an import has just replaced (after its commit);
- `find_orphans()` / `remove_orphans()`: whatever under `trade/flows/` is not a current slice, a
  slice awaiting approval (trade.services.approvals) or on the way to one — run directories of
  killed imports (empty ones included), slice directories whose replacement was committed but not
  yet removed, stray files, lock files nobody holds — and the exporter totals
  (`trade/aggregates/`) of slice contents no longer current.

No file is removed while a backup holds the store's files (trade.store.locks). A run directory
of an import that is running right now is never an orphan: the import holds
its lock (trade.store.locks) until its transaction is over, and a directory whose lock is free
belongs to no running process, however young it is. The only grace period left is for the
partial files of exporter totals (`.<name>-<random>.parquet`), which a page may be writing
(ORPHAN_GRACE_SECONDS).
"""

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from trade.models import TradeSlice
from trade.store import catalogue, locks
from trade.store.layout import aggregates_directory, flows_directory, remove_empty_parents, trade_directory

ORPHAN_GRACE_SECONDS = 10 * 60


@dataclass(frozen=True)
class Orphan:
    path: Path
    reason: str

    @property
    def size(self) -> int:
        if self.path.is_dir():
            return sum(file.stat().st_size for file in self.path.rglob('*') if file.is_file())
        return self.path.stat().st_size if self.path.exists() else 0

    def __str__(self):
        return f'{self.path.relative_to(trade_directory())}  ({self.reason})'


def remove_files(paths) -> None:
    """Remove replaced slice directories (after the switch has been committed), and emptied parents.

    While a backup holds the store's files (trade.store.locks) they are left as they are, and
    removed when it lets go (remove_deferred): the import does not wait for the backup (only a
    moment for another remover, see locks.removing)."""
    with locks.removing(wait=False) as allowed:
        if not allowed:
            (trade_directory() / locks.DEFERRED_NAME).touch()
            return
        for path in paths:
            leaf = trade_directory() / path
            shutil.rmtree(leaf, ignore_errors=True)
            remove_empty_parents(leaf.parent)


def remove_deferred() -> list[Path]:
    """What imports could not remove while a backup held the files (orphans by now), unless
    another backup holds them still (it will remove them when it lets go)."""
    marker = trade_directory() / locks.DEFERRED_NAME
    if not marker.exists():
        return []
    with locks.removing(wait=False) as allowed:
        if not allowed:
            return []
        marker.unlink(missing_ok=True)
        return _remove(find_orphans())


def find_orphans(grace_seconds: int = ORPHAN_GRACE_SECONDS) -> list[Orphan]:
    """What under trade/ no current slice needs, each named once (its topmost directory)."""
    base = trade_directory()
    registered = {base / path for path in catalogue.registered_paths()}
    on_the_way = {parent for path in registered for parent in path.parents}
    orphans: list[Orphan] = []

    def visit(directory: Path, depth: int) -> None:
        for entry in sorted(directory.iterdir()):
            if entry in registered:
                continue  # a current slice: its content is check-store's business
            if depth == 1 and (entry.name.startswith('run-') or locks.is_lock(entry)):
                run_directory = locks.run_directory_of(entry) if locks.is_lock(entry) else entry
                if locks.is_running(run_directory):
                    continue  # an import is writing it now
            if entry in on_the_way:
                visit(entry, depth + 1)
            elif depth == 0 and entry.is_dir():  # a source: it may hold the directory of a running import
                before = len(orphans)
                visit(entry, depth + 1)
                if len(orphans) == before and not any(entry.iterdir()):
                    orphans.append(Orphan(entry, 'empty directory'))
            else:
                orphans.append(Orphan(entry, _reason(entry, depth)))

    if flows_directory().is_dir():
        visit(flows_directory(), 0)
    checksums = catalogue.registered_checksums()
    cutoff = time.time() - grace_seconds
    if aggregates_directory().is_dir():
        for path in sorted(aggregates_directory().iterdir()):
            if path.name.startswith('.'):
                if path.stat().st_mtime <= cutoff:  # younger: a page may be writing it
                    orphans.append(Orphan(path, 'partial file of exporter totals'))
            elif path.suffix != '.parquet' or path.stem not in checksums:
                orphans.append(Orphan(path, 'exporter totals of a slice no longer current'))
    return orphans


def _reason(entry: Path, depth: int) -> str:
    if entry.is_dir() and not any(entry.rglob('*.parquet')):
        return 'empty run directory' if depth == 1 and entry.name.startswith('run-') else 'empty directory'
    if depth == 1 and locks.is_lock(entry):
        return 'lock of an import that is not running'
    if depth == 1 and entry.name.startswith('run-'):
        return 'run directory no slice names (an import that did not finish)'
    if entry.is_dir():
        return 'slice directory no slice names (replaced, or left by an import that did not finish)'
    return 'file no slice names'


def remove_orphans(grace_seconds: int = ORPHAN_GRACE_SECONDS) -> list[Path]:
    """Remove what find_orphans() finds (after any backup that holds the files has let go); the
    paths removed.

    Each is looked up again just before it goes: an import may have committed since (its lock,
    taken here for a run directory, is released only after its commit)."""
    with locks.removing(wait=True):
        (trade_directory() / locks.DEFERRED_NAME).unlink(missing_ok=True)
        return _remove(find_orphans(grace_seconds))


def _remove(orphans: list[Orphan]) -> list[Path]:
    base = trade_directory()
    removed = []
    for orphan in orphans:
        path = orphan.path
        run_directory = _run_directory(path)
        guard = locks.unless_running(run_directory) if run_directory else _always()
        with guard as free:
            if not free or _named_by_registry(path.relative_to(base)):
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        remove_empty_parents(path.parent)
    return removed


def _run_directory(path: Path) -> Path | None:
    """The run directory `path` is or is in (or the run directory of a lock file)."""
    flows = flows_directory()
    if flows not in path.parents:
        return None
    parts = path.relative_to(flows).parts
    if len(parts) < 2:
        return None
    run = flows / parts[0] / parts[1]
    if locks.is_lock(run):
        return locks.run_directory_of(run)
    return run if run.name.startswith('run-') else None


def _named_by_registry(relative: Path) -> bool:
    """Whether a current slice, or one awaiting approval, is this directory or under it."""
    prefix = str(relative)
    return (
        TradeSlice.objects.filter(path=prefix).exists()
        or TradeSlice.objects.filter(path__startswith=prefix + '/').exists()
        or any(path == prefix or path.startswith(prefix + '/') for path in catalogue.pending_paths())
    )


class _always:
    def __enter__(self):
        return True

    def __exit__(self, *exc_info):
        return None
