"""`hamkor backup OUT`: one archive of a consistent state, taken while the system runs.

1. A snapshot of the database (hamkor.backup.databases), and in it each app's backup part
   (hamkor.registry.BackupPart) names the files of its own that this state refers to — the trade
   store the Parquet files of its current slices. Those files never change once written, so
   copying them after the snapshot copies what the snapshot saw, provided they still exist: each
   part holds its removals from just before the snapshot until its files are hard-linked into a
   staging directory inside the data directory (a copy where links are not possible), and the
   links keep them whatever is removed afterwards. Should files be gone all the same (removed by
   a process that does not hold them), a new snapshot is taken.
2. Each file is verified as it is staged: its SHA-256 against the one the database recorded;
   then each part checks its staged files as a restore would.
3. Media and the secret key (when it is kept in the data directory) are copied; the manifest
   lists every file with its size and SHA-256; the archive is written.
"""

import os
import shutil
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from hamkor.backup import databases
from hamkor.backup.archive import FORMAT, VERSION, digest, write_archive
from hamkor.backup.errors import BackupError
from hamkor.numbers import byte_size
from hamkor.registry import BackupFile, backup_parts

ATTEMPTS = 5
SECRET_KEY_FILE = 'secret_key'  # as hamkor.settings names it under DATA_DIR


@dataclass
class Backup:
    path: Path
    manifest: dict
    manifest_sha256: str
    lines: list[str] = field(default_factory=list)


class _Replaced(Exception):
    """Files the snapshot names were removed before they could be linked."""

    def __init__(self, paths: set[str]):
        super().__init__(f'{len(paths)} files named by the snapshot are gone, e.g. {min(paths)}')
        self.paths = paths


def create_backup(out: Path, *, allow_damaged: bool = False, using: str = 'default') -> Backup:
    data_dir, media_root = Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)
    out = _archive_path(Path(out))
    data_dir.mkdir(parents=True, exist_ok=True)
    # In the data directory: on the file system of the trade store, so that its files can be linked.
    staging = Path(tempfile.mkdtemp(prefix='.backup-', dir=data_dir))
    lines: list[str] = []
    gone: set[str] = set()
    try:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                state = _snapshot_and_stage(staging, using, data_dir, last=attempt == ATTEMPTS, gone=gone)
                break
            except _Replaced as replaced:
                gone |= replaced.paths
                lines.append(f'{replaced}: taking a new snapshot (an import may have replaced them meanwhile)')
        problems = state['problems']
        if problems and not allow_damaged:
            shown = '\n'.join(f'  {problem}' for problem in problems[:20])
            raise BackupError(
                f'{len(problems)} {"problem" if len(problems) == 1 else "problems"} with the files the database '
                f'names:\n{shown}\n'
                'Nothing was written. Run `hamkor check-store` and repair them (import the source again), '
                'or write the archive as it is with --allow-damaged.'
            )
        media = _copy_tree(media_root, staging / 'media')
        secret, secret_note = _copy_secret_key(data_dir, staging)
        digests = state['digests']
        files = [_entry(staging, path, digests) for path in [state['dump'], *state['linked'], *media, *secret]]
        manifest = {
            'format': FORMAT,
            'version': VERSION,
            'created': timezone.now().isoformat(timespec='seconds'),
            'database': {
                'engine': state['engine'],
                'version': state['version'],
                'file': files[0]['path'],
            },
            'migrations': state['migrations'],
            'parts': state['parts'],
            'secret_key': secret_note,
            'problems': problems,
            'files': files,
        }
        manifest_sha256 = write_archive(out, manifest, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    total = sum(entry['size'] for entry in files)
    lines += [
        f'database: {state["engine"]} {state["version"]}, {byte_size(files[0]["size"])} '
        f'({sum(map(len, state["migrations"].values()))} migrations applied)',
        *(f'{name}: {part["files"]} files, {byte_size(part["bytes"])}, checked against the database'
          for name, part in state['parts'].items()),
        f'media: {len(media)} files, {byte_size(sum(e["size"] for e in files if e["path"].startswith("media/")))}',
        f'secret key: {manifest["secret_key"]}',
        *(f'problem: {problem}' for problem in problems),
        f'wrote {out}: {len(files)} files, {byte_size(total)} before compression, {byte_size(out.stat().st_size)}; '
        f'manifest sha256 {manifest_sha256}',
    ]  # fmt: skip
    return Backup(out, manifest, manifest_sha256, lines)


def _archive_path(out: Path) -> Path:
    if out.is_dir():
        out = out / f'hamkor-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz'
    if out.exists():
        raise BackupError(f'{out} exists: give the name of a new file, or a directory')
    if not out.parent.is_dir():
        raise BackupError(f'{out.parent}: no such directory')
    return out


def _snapshot_and_stage(staging: Path, using: str, data_dir: Path, *, last: bool, gone: set[str]) -> dict:
    """Snapshot, list and stage; raises _Replaced when files the snapshot names are gone, unless
    this is the last attempt or they were gone in the previous snapshot too (then they are missing
    from the store, not replaced meanwhile)."""
    for entry in staging.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    engine = databases.engine_of(connections[using].settings_dict)
    dump = staging / databases.DUMP_NAMES[engine]
    # The holds are left after the snapshot (its transaction, with PostgreSQL) is over: what they
    # do on the way out reads the database as it is now, not as the snapshot saw it.
    with ExitStack() as holds, databases.snapshot(using, dump, before=lambda: _hold(holds)) as snap:
        wanted = {part.name: list(part.files(snap.alias)) for part in backup_parts()}
        linked, missing = [], []
        for files in wanted.values():
            for file in files:
                target = staging / 'data' / file.path
                if _link(data_dir / file.path, target):
                    linked.append(target)
                else:
                    missing.append(file)
        migrations = snap.applied_migrations()
        snap.write_dump()
        if missing and not last and not {file.path for file in missing} <= gone:
            raise _Replaced({file.path for file in missing})
        problems = []
        parts, digests = {}, {}
        for part in backup_parts():
            found = [f'{file.path}: missing' for file in missing if file in wanted[part.name]]
            found += _verify(staging, wanted[part.name], digests)
            if part.check is not None and not found:  # what the digests cannot tell (files without them)
                found = [f'{part.name}: {problem}' for problem in part.check(staging / 'data', snap.alias)]
            problems += found
            present = [staging / 'data' / file.path for file in wanted[part.name]]
            parts[part.name] = {
                'files': len(wanted[part.name]),
                'bytes': sum(path.stat().st_size for path in present if path.exists()),
            }
        return {
            'engine': engine, 'version': snap.version, 'dump': dump, 'migrations': migrations, 'linked': linked,
            'problems': sorted(set(problems)), 'parts': parts, 'digests': digests,
        }  # fmt: skip


def _hold(holds: ExitStack) -> None:
    """Enter each part's hold: from before the snapshot until its files are staged, the apps keep
    every file the snapshot may name (the trade store: an import does not remove the files it replaced)."""
    for part in backup_parts():
        if part.hold is not None:
            holds.enter_context(part.hold())


def _link(source: Path, target: Path) -> bool:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except FileNotFoundError:
        return False
    except OSError:  # another file system, or links not allowed: a copy
        try:
            shutil.copy2(source, target)
        except FileNotFoundError:
            return False
    return True


def _verify(staging: Path, files: list[BackupFile], digests: dict[Path, tuple[int, str]]) -> list[str]:
    """Compare each staged file with the size and SHA-256 the database recorded (when it did);
    the digests computed are kept in `digests` for the manifest."""
    problems = []
    for file in files:
        path = staging / 'data' / file.path
        if not path.exists():
            continue
        size, sha256 = digests[path] = digest(path)
        if file.sha256 is not None and (size, sha256) != (file.size, file.sha256):
            problems.append(f'{file.path}: does not match the size and SHA-256 the database recorded')
    return problems


def _copy_tree(source: Path, target: Path) -> list[Path]:
    """Copy the regular files under `source`; a file removed while copying is left out."""
    copied = []
    if not source.is_dir():
        return copied
    for path in sorted(source.rglob('*')):
        if path.is_symlink() or not path.is_file():
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, destination)
        except FileNotFoundError:
            continue
        copied.append(destination)
    return copied


def _copy_secret_key(data_dir: Path, staging: Path) -> tuple[list[Path], str]:
    source = data_dir / SECRET_KEY_FILE
    if not source.is_file():
        return [], 'not in the data directory: SECRET_KEY comes from the environment; keep it with the archive'
    target = staging / 'data' / SECRET_KEY_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    if target.read_text(encoding='utf-8').strip() == settings.SECRET_KEY:
        return [target], 'included'
    return [target], 'included, but the key in use is SECRET_KEY from the environment; keep that with the archive'


def _entry(staging: Path, path: Path, digests: dict[Path, tuple[int, str]]) -> dict:
    size, sha256 = digests.get(path) or digest(path)
    return {'path': path.relative_to(staging).as_posix(), 'size': size, 'sha256': sha256}
