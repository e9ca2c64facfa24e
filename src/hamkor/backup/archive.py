"""The archive: one tar.gz whose first member, `manifest.json`, lists every other member with its
size and SHA-256, and says which engine wrote the database, its migration state and the time.

Members: `database/db.sqlite3` or `database/db.pgdump`; `data/…` (files under the data
directory: the trade store's slices, the secret key); `media/…` (MEDIA_ROOT).
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import time
import uuid
import zlib
from pathlib import Path, PurePosixPath

from hamkor.backup.errors import BackupError

FORMAT = 'hamkor-backup'
VERSION = 1
MANIFEST = 'manifest.json'
ROOTS = ('database', 'data', 'media')
CHUNK = 1 << 20


def digest(path: Path) -> tuple[int, str]:
    """(size, SHA-256) of a file."""
    sha256, size = hashlib.sha256(), 0
    with path.open('rb') as handle:
        while chunk := handle.read(CHUNK):
            sha256.update(chunk)
            size += len(chunk)
    return size, sha256.hexdigest()


def write_archive(out: Path, manifest: dict, staging: Path) -> str:
    """Write the archive of the staged files the manifest lists; the SHA-256 of the manifest.

    Written under a temporary name beside `out`, readable only by its owner (it holds the secret
    key and the password hashes), then renamed: `out` is complete or absent."""
    body = json.dumps(manifest, indent=1, sort_keys=True).encode()
    partial = out.with_name(f'.{out.name}.{uuid.uuid4().hex[:8]}.partial')
    try:
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), 'wb') as raw:
            with tarfile.open(fileobj=raw, mode='w:gz', compresslevel=6) as tar:
                info = _info(MANIFEST, len(body))
                tar.addfile(info, io.BytesIO(body))
                for entry in manifest['files']:
                    path = staging / entry['path']
                    with path.open('rb') as handle:
                        tar.addfile(_info(entry['path'], entry['size'], path.stat().st_mtime), handle)
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return hashlib.sha256(body).hexdigest()


def _info(name: str, size: int, mtime: float | None = None) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(mtime if mtime is not None else time.time())
    return info


def extract_verified(archive: Path, staging: Path) -> dict:
    """Extract the archive into `staging`, checking every member against the manifest (size and
    SHA-256, nothing missing, nothing more); the manifest. Raises BackupError at the first
    difference — the caller then removes `staging`, and nothing else has been written."""
    try:
        with tarfile.open(archive, 'r:gz') as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isreg():
                raise BackupError(f'{archive}: not a Hamkor backup (its first member is not {MANIFEST})')
            manifest = _manifest(json.loads(tar.extractfile(first).read()), archive)
            expected = {entry['path']: entry for entry in manifest['files']}
            seen = set()
            for member in tar:
                if member is first:
                    continue
                entry = expected.get(member.name)
                if entry is None or member.name in seen or not member.isreg():
                    raise BackupError(f'{archive}: {member.name} is not listed in the manifest')
                seen.add(member.name)
                _extract(tar, member, staging / member.name, entry, archive)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, ValueError, KeyError, TypeError) as error:
        # ValueError: JSON or text that does not decode; KeyError, TypeError: a manifest without its fields
        raise BackupError(f'{archive}: the archive is damaged ({error}); nothing was restored') from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f'{archive}: {len(missing)} files of the manifest are missing, e.g. {missing[0]}')
    return manifest


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, entry: dict, archive: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    sha256, size = hashlib.sha256(), 0
    source = tar.extractfile(member)
    with target.open('wb') as handle:
        while chunk := source.read(CHUNK):
            sha256.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    if size != entry['size'] or sha256.hexdigest() != entry['sha256']:
        raise BackupError(
            f'{archive}: {member.name} does not match its SHA-256 in the manifest (the archive was changed or '
            'damaged); nothing was restored'
        )


def _manifest(manifest, archive: Path) -> dict:
    if not isinstance(manifest, dict) or manifest.get('format') != FORMAT:
        raise BackupError(f'{archive}: not a Hamkor backup')
    if manifest.get('version') != VERSION:
        version = manifest.get('version')
        raise BackupError(f'{archive}: a backup of format version {version}, this Hamkor reads {VERSION}')
    for entry in manifest['files']:
        path = PurePosixPath(entry['path'])
        if path.is_absolute() or '..' in path.parts or path.parts[0] not in ROOTS or len(path.parts) < 2:
            raise BackupError(f'{archive}: the manifest names a path outside the backup: {entry["path"]}')
    return manifest


def move_tree(source: Path, target: Path) -> int:
    """Move the files under `source` to the same places under `target`; how many."""
    count = 0
    for path in sorted(source.rglob('*')):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, destination)
            count += 1
    return count
