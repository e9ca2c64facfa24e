"""The loader framework of the reference data shipped in `data/`.

Each dataset is parsed and validated completely before anything is written; a bad row stops
the load with the file, line and field named, and nothing of that dataset changes. Loading is
an upsert keyed on natural codes (one transaction and a few bulk statements per table), so
loading twice leaves identical rows. Every load records the file's checksum and row count in
ReferenceDataset, which is how a figure derived from reference data names its source.
"""

import csv
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core.models import (
    ReferenceDataset,
)

BATCH_SIZE = 2000


class ReferenceDataError(Exception):
    """A reference file is malformed; names the file, line (or element) and field."""

    def __init__(self, path: Path | str, where: str, field_name: str, message: str):
        self.path, self.where, self.field_name, self.message = str(path), where, field_name, message
        super().__init__(f'{path}, {where}, field {field_name!r}: {message}')


@dataclass
class LoadResult:
    key: str
    rows: int
    created: int
    updated: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DatasetSpec:
    key: str
    title: str
    path: str  # relative to the data directory
    origin: str
    licence: str
    load: Callable[['DatasetSpec', Path, ReferenceDataset], LoadResult]


def data_path(relative: str) -> Path:
    return Path(settings.REFERENCE_DATA_DIR) / relative


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open('rb') as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def read_csv(path: Path, *, delimiter: str = ',', required: Iterable[str] = ()) -> Iterable[tuple[int, dict]]:
    """Yield (line number, row) with the header checked; blank lines are reported, not guessed."""
    with path.open(encoding='utf-8-sig', newline='') as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        missing = [name for name in required if name not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(path, 'line 1', missing[0], f'column missing from header {reader.fieldnames}')
        for row in reader:
            yield reader.line_num, row


def upsert(model, rows: list, unique_fields: list[str], update_fields: list[str]) -> tuple[int, int]:
    """Insert new rows and update existing ones; returns (created, updated)."""
    manager = model.objects
    attnames = [model._meta.get_field(name).attname for name in unique_fields]
    keys = {tuple(getattr(row, name) for name in attnames) for row in rows}
    existing = (
        set(manager.values_list(*unique_fields))
        if len(unique_fields) > 1
        else {(value,) for value in manager.values_list(unique_fields[0], flat=True)}
    )
    created = len(keys - existing)
    manager.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=unique_fields,
        update_fields=update_fields,
    )
    return created, len(keys) - created


def record_dataset(spec: DatasetSpec, checksum: str) -> ReferenceDataset:
    dataset, _ = ReferenceDataset.objects.update_or_create(
        key=spec.key,
        defaults={
            'title': spec.title,
            'path': spec.path,
            'origin': spec.origin,
            'licence': spec.licence,
            'sha256': checksum,
            'row_count': 0,
            'loaded_at': timezone.now(),
        },
    )
    return dataset
