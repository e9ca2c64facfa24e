"""Whether the files of the current slices are there and hold what the registry recorded.

When an import writes a slice it records the size and SHA-256 of each of its Parquet files in
`TradeSlice.files` ({file name: {"size": …, "sha256": …}}). The slice's `checksum` is of its
content as the import read it (for BACI, of the raw file), so it cannot tell whether the bytes on
disk are still those: the recorded digests can. A slice is healthy when its directory holds
exactly the recorded files (a stray Parquet file would be read with the slice), with the
recorded sizes and, when read in full (`deep`), the recorded SHA-256.

- `slice_problems(trade_slice, deep=False)`: what is wrong with one slice (empty list: healthy);
  the quick form only looks at directory entries, cheap enough for a page; `is_healthy()`,
  `healthy_current_paths()` for readers;
- `store_health()`: what every trade page reads through (trade.selectors.base.CachedMonitor):
  the healthy slices' files and the slices left out with their problems. The quick check is
  kept in the shared cache for HEALTH_SECONDS under the registry's version (the current paths),
  so a request costs one registry query, not a stat of every file; an import changes the
  version, and a file lost meanwhile is noticed within HEALTH_SECONDS. Reading a file for its
  SHA-256 is only ever done by `hamkor check-store`;
- `check_store()`: every current slice (`hamkor check-store`);
- `backup_files()`, `backup_hold()`, `check_backup()`: the trade store's part of `hamkor backup`
  and `hamkor restore`.
"""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from django.core.cache import cache

from hamkor.registry import BackupFile
from trade.models import TradeSlice
from trade.schema import SLICE_KEY
from trade.store import catalogue, housekeeping, locks
from trade.store.layout import slice_glob, trade_directory

CHUNK = 1 << 20
HEALTH_SECONDS = 30


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open('rb') as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_digests(directory: Path) -> dict[str, dict]:
    """{file name: {"size", "sha256"}} of the Parquet files of a slice directory, as written."""
    return {
        path.name: {'size': path.stat().st_size, 'sha256': sha256_of(path)}
        for path in sorted(directory.glob('*.parquet'))
    }


@dataclass(frozen=True)
class SliceProblem:
    label: str
    path: str
    problem: str

    def __str__(self):
        return f'{self.label}: {self.problem} ({self.path})'


def slice_problems(trade_slice: TradeSlice, *, deep: bool = False, base: Path | None = None) -> list[str]:
    """What is wrong with the files of a slice; an empty list when it is healthy.

    Quick (deep=False): the recorded files are present with their recorded sizes and no other
    Parquet file is in the directory; deep: their SHA-256 match too. A slice recorded before
    digests were kept (files empty) is checked for its row count in the Parquet footers."""
    return _problems(trade_slice.path, trade_slice.files, trade_slice.row_count, deep=deep, base=base)


def _problems(path: str, files: dict, row_count: int, *, deep: bool = False, base: Path | None = None) -> list[str]:
    directory = (base or trade_directory()) / path
    if not directory.is_dir():
        return ['the slice directory is missing']
    present = {path.name: path for path in directory.glob('*.parquet')}
    if not files:
        return _unrecorded_problems(row_count, present) if present else ['the slice directory has no file']
    problems = []
    for name, recorded in sorted(files.items()):
        path = present.get(name)
        if path is None:
            problems.append(f'{name} is missing')
        elif (size := path.stat().st_size) != recorded['size']:
            problems.append(f'{name} has {size} bytes, {recorded["size"]} were written')
        elif deep and sha256_of(path) != recorded['sha256']:
            problems.append(f'{name} does not match its SHA-256 (the file was changed or damaged)')
    problems += [f'{name} is not a file of the slice' for name in sorted(set(present) - set(files))]
    return problems


def pending_problems(entry: dict) -> list[str]:
    """What is wrong with the files of a slice awaiting approval (an entry of its run's
    slice_changes, which records them as TradeSlice.files would)."""
    return _problems(entry['path'], entry.get('files') or {}, entry['rows'])


def _unrecorded_problems(row_count: int, present: dict[str, Path]) -> list[str]:
    try:
        rows = sum(pq.read_metadata(path).num_rows for path in present.values())
    except (OSError, ValueError) as error:
        return [f'a Parquet file cannot be read: {error}']
    if rows != row_count:
        return [f'the files hold {rows} rows, the registry {row_count}']
    return []


def is_healthy(trade_slice: TradeSlice) -> bool:
    """Whether a page may read this slice: its recorded files are all there, at their size."""
    return not slice_problems(trade_slice)


def healthy_current_paths() -> tuple[list[str], dict[str, list[str]]]:
    """(the Parquet globs of the current slices that are healthy, {slice: its problems} of the
    others): what a reader can use in place of catalogue.current_paths() to leave out a damaged
    slice, and say so, rather than fail on it. Checked now (store_health() may answer from the
    cache)."""
    health = store_health(fresh=True)
    return list(health.paths), {missing.label: list(missing.problems) for missing in health.missing}


@dataclass(frozen=True)
class MissingSlice:
    """A current slice that readers leave out because its files are not as written."""

    source: str
    reporter: str
    flow: str
    year: int
    month: int
    classification: str
    path: str
    problems: tuple[str, ...]

    @property
    def key(self) -> tuple:
        return tuple(getattr(self, name) for name in SLICE_KEY)

    @property
    def period(self) -> str:
        return f'{self.year}' if not self.month else f'{self.year}-{self.month:02d}'

    @property
    def label(self) -> str:
        return f'{self.source} {self.reporter} {self.flow} {self.period} {self.classification}'

    def as_dict(self) -> dict:
        return {
            **dict(zip(SLICE_KEY, self.key, strict=True)),
            'label': self.label,
            'problems': list(self.problems),
        }


@dataclass(frozen=True)
class StoreHealth:
    """The Parquet globs of the healthy current slices (in registry order) and the slices left out."""

    paths: tuple[str, ...] = ()
    missing: tuple[MissingSlice, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def missing_globs(self) -> frozenset[str]:
        return frozenset(slice_glob(missing.path) for missing in self.missing)


def _version_of(paths) -> str:
    return hashlib.sha256('\n'.join(paths).encode()).hexdigest()[:24]


def current_version() -> str:
    """The version of the store: a digest of its current slices' paths (a slice's new content
    has a new path), in one small query."""
    return _version_of(TradeSlice.objects.order_by('pk').values_list('path', flat=True))


def store_health(*, fresh: bool = False) -> StoreHealth:
    """The quick check of every current slice (see the module's docstring for its caching)."""
    rows = list(TradeSlice.objects.order_by('pk').values_list('path', 'files', 'row_count', *SLICE_KEY))
    key = f'trade:health:{_version_of(row[0] for row in rows)}'
    if not fresh:
        health = cache.get(key)
        if health is not None:
            return health
    paths, missing = [], []
    for path, files, row_count, *slice_key in rows:
        found = _problems(path, files, row_count)
        if found:
            missing.append(MissingSlice(*slice_key, path=path, problems=tuple(found)))
        else:
            paths.append(slice_glob(path))
    health = StoreHealth(tuple(paths), tuple(missing))
    cache.set(key, health, HEALTH_SECONDS)
    return health


def check_store(*, deep: bool = True, using: str = 'default', base: Path | None = None) -> list[SliceProblem]:
    """The problems of every current slice. A slice replaced by an import while it was being
    checked is checked again in its new version (the old files are removed after the switch)."""
    problems = []
    for trade_slice in TradeSlice.objects.using(using).order_by('pk').iterator():
        found = slice_problems(trade_slice, deep=deep, base=base)
        if found:
            now = TradeSlice.objects.using(using).filter(pk=trade_slice.pk).first()
            if now is None:
                continue  # deleted meanwhile
            if now.path != trade_slice.path:
                trade_slice, found = now, slice_problems(now, deep=deep, base=base)
        problems += [SliceProblem(str(trade_slice), trade_slice.path, problem) for problem in found]
    return problems


def backup_files(using: str) -> list[BackupFile]:
    """The files of the slices that the database `using` names as current or awaiting approval."""
    files = []
    base = trade_directory()
    for path, recorded in TradeSlice.objects.using(using).order_by('pk').values_list('path', 'files'):
        prefix = Path('trade') / path
        if recorded:
            files += [
                BackupFile(str(prefix / name), digests['size'], digests['sha256'])
                for name, digests in sorted(recorded.items())
            ]
        else:  # recorded before digests were kept: whatever the directory holds
            files += [BackupFile(str(prefix / file.name)) for file in sorted((base / path).glob('*.parquet'))]
    # and those of runs awaiting approval, so that a restored run can still be approved
    for entry in catalogue.pending_slices(using=using):
        prefix = Path('trade') / entry['path']
        files += [
            BackupFile(str(prefix / name), digests['size'], digests['sha256'])
            for name, digests in sorted((entry.get('files') or {}).items())
        ]
    return files


@contextmanager
def backup_hold():
    """The trade store's hold of a backup: no file is removed from just before its snapshot until
    it has the files; what imports replaced meanwhile is removed afterwards."""
    with locks.removals_held():
        yield
    housekeeping.remove_deferred()


def check_backup(data_dir: Path, using: str, deep: bool = False) -> list[str]:
    """The problems of the slices the database `using` names, with the data directory `data_dir`."""
    return [str(problem) for problem in check_store(deep=deep, using=using, base=Path(data_dir) / 'trade')]
