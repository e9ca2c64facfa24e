"""Which run directories belong to an import that is running right now; when files may be removed.

An import holds an exclusive lock (flock) on `.<run directory>.lock`, beside its run directory,
from before it creates the directory until its transaction has committed or rolled back. The
operating system releases the lock when the process ends, however it ends (kill -9 included),
so a run directory whose lock nobody holds belongs to no running import: if the registry names
none of its slices, it is an orphan (trade.store.housekeeping), whatever its age.

A backup holds `.backup.lock` (under trade/) shared from just before its database snapshot until
it is done with that snapshot (the files it names linked, the database dump written); whoever
removes files (an import its replaced slices, housekeeping its orphans) takes it exclusively. So
no file a snapshot names disappears before the backup has it, and no import waits for a backup:
one that cannot remove its replaced files at once leaves them, and says so (DEFERRED_NAME); the
backup removes them when it lets go (trade.store.housekeeping.remove_deferred).
"""

import fcntl
import os
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from trade.store.layout import trade_directory

LOCK_SUFFIX = '.lock'
BACKUP_LOCK_NAME = '.backup.lock'
DEFERRED_NAME = '.removals-deferred'
REMOVER_PATIENCE_SECONDS = 1.0


def lock_path(run_directory: Path) -> Path:
    return run_directory.with_name(f'.{run_directory.name}{LOCK_SUFFIX}')


def is_lock(path: Path) -> bool:
    return path.name.startswith('.run-') and path.name.endswith(LOCK_SUFFIX)


def run_directory_of(lock: Path) -> Path:
    return lock.with_name(lock.name.removeprefix('.').removesuffix(LOCK_SUFFIX))


class RunLock:
    """The lock of one import's run directory, held from creation until `release()`."""

    def __init__(self, run_directory: Path):
        self._fd: int | None = None
        self.path = lock_path(run_directory)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            # Housekeeping may have removed a lock file nobody held between our open and our
            # lock: then we hold a lock on a file no one else can find, and take a new one.
            try:
                if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)  # closing releases the lock
            self._fd = None

    def __del__(self):
        with suppress(Exception):  # at interpreter exit; the lock goes with the process anyway
            self.release()


@contextmanager
def unless_running(run_directory: Path):
    """Yields True, holding the run directory's lock, when no running import holds it (or it has
    no lock at all); False when an import holds it. The lock file is removed on the way out when
    it was taken here: its import is over."""
    path = lock_path(run_directory)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
        path.unlink(missing_ok=True)
    finally:
        os.close(fd)


def is_running(run_directory: Path) -> bool:
    """Whether an import holds the lock of this run directory now."""
    path = lock_path(run_directory)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _backup_lock() -> int:
    path = trade_directory() / BACKUP_LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


@contextmanager
def removals_held():
    """Held by a backup: nobody removes files of the store meanwhile (several backups may hold it)."""
    fd = _backup_lock()
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


@contextmanager
def removing(*, wait: bool, patience: float = REMOVER_PATIENCE_SECONDS):
    """Yields True while files may be removed (no backup holds them, nobody else removes); unless
    `wait`, False after `patience` seconds (another remover is done in less; a backup takes longer)."""
    fd = _backup_lock()
    try:
        deadline = time.monotonic() + patience
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.02)
        yield True
    finally:
        os.close(fd)
