"""The report of a trade import and its rejections, with file, line and column.

A rejection is the framework's `hamkor.imports.Problem` (file, line, column, message) in the
argument order and the wording trade's reports have always used; `ImportRejected` is the
framework's "nothing was imported" error with trade's report attached, so code that catches
`hamkor.imports.ImportRejected` catches trade's too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from hamkor import imports
from trade.store.writer import SliceChange

MAX_LISTED = 1000  # rejections listed per report; the total is always counted
READ_CHUNK = 8 * 1024 * 1024


@dataclass
class FileInfo:
    name: str
    size: int
    sha256: str
    row_count: int = 0
    role: str = 'data'
    parquet_files: int = 0
    newlines: int = 0

    @classmethod
    def of(cls, path: Path, *, name: str | None = None, role: str = 'data') -> FileInfo:
        """Size, SHA-256 and number of line breaks, in one streaming pass."""
        digest = hashlib.sha256()
        newlines = 0
        size = 0
        with open(path, 'rb') as handle:
            while chunk := handle.read(READ_CHUNK):
                digest.update(chunk)
                newlines += chunk.count(b'\n')
                size += len(chunk)
        return cls(name=name or Path(path).name, size=size, sha256=digest.hexdigest(), role=role, newlines=newlines)


@dataclass(frozen=True, init=False)
class Rejection(imports.Problem):
    """A Problem as trade's importers name it: Rejection(file, line, column, reason, unit).

    `unit` is 'line' for text files, 'record' for JSON elements, 'row' for tables built in Python;
    line 0 is the file as a whole."""

    def __init__(self, file: str, line: int, column: str, reason: str, unit: str = 'line'):
        object.__setattr__(self, 'filename', file)
        object.__setattr__(self, 'unit', unit)
        object.__setattr__(self, 'line', line)
        object.__setattr__(self, 'field', column)
        object.__setattr__(self, 'message', reason)

    @property
    def file(self) -> str:
        return self.filename

    @property
    def column(self) -> str:
        return self.field

    @property
    def reason(self) -> str:
        return self.message

    def __str__(self):
        where = f'{self.unit} {self.line}' if self.line else self.file
        column = f', column {self.column}' if self.column else ''
        prefix = f'{self.file}, ' if self.line else ''
        return f'{prefix}{where}{column}: {self.reason}'


@dataclass
class ImportReport:
    kind: str
    source: str
    classification: str = ''
    # True when a slice holds every reporter of its period (a BACI year replaces the whole year).
    all_reporters: bool = False
    files: list[FileInfo] = field(default_factory=list)
    rows_read: int = 0
    rows_accepted: int = 0
    rows_filtered: int = 0
    filtered: dict[str, int] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    rejection_total: int = 0
    # Slice checksums the importer computed in its validation pass (saves a pass over the data).
    checksums: dict | None = None
    slices: list[SliceChange] = field(default_factory=list)
    run: object = None
    dry_run: bool = False
    illustrative: bool = False
    notes: str = ''
    notes_lines: list[str] = field(default_factory=list)
    started: object = field(default_factory=timezone.now)
    # The import replaces official statistics and its actor may not approve that: applying it
    # stores a run awaiting a second person's approval (trade.services.approvals).
    needs_approval: bool = False

    @property
    def pending(self) -> bool:
        """Applied as a run awaiting approval: its slices are written, not current."""
        return self.run is not None and self.run.status == 'pending'

    @property
    def replaced(self) -> list[SliceChange]:
        """The replaced slices, with their rows and values before and after."""
        return [change for change in self.slices if change.action == 'replaced']

    def count(self, action: str) -> int:
        return sum(1 for change in self.slices if change.action == action)

    @property
    def count_new(self) -> int:
        return self.count('new')

    @property
    def count_replaced(self) -> int:
        return self.count('replaced')

    @property
    def count_unchanged(self) -> int:
        return self.count('unchanged')

    @property
    def count_new_or_replaced(self) -> int:
        return self.count('new') + self.count('replaced')

    def rows_of(self, action: str) -> int:
        return sum(change.rows for change in self.slices if change.action == action)

    @property
    def rejected(self) -> int:
        return max(self.rejection_total, len(self.rejections))

    def reject(self, rejection: Rejection) -> None:
        self.rejection_total = self.rejected + 1
        if len(self.rejections) < MAX_LISTED:
            self.rejections.append(rejection)

    def lines(self, *, all_slices: bool = False) -> list[str]:
        """The report as printable lines (the command line shows these)."""
        if self.dry_run:
            mode = 'dry run: nothing written'
        elif self.pending:
            mode = f'run #{self.run.pk}, awaiting approval: nothing current changed'
        elif self.run:
            mode = f'run #{self.run.pk}'
        else:
            mode = 'nothing new: no run recorded' if not self.rejections else 'rejected: nothing written'
        lines = [f'{self.kind} → {self.source} ({mode})']
        for info in self.files:
            lines.append(f'  file {info.name}: {info.size} bytes, {info.row_count} rows, sha256 {info.sha256}')
        lines.append(f'  rows read {self.rows_read}, stored {self.rows_accepted}, rejected {self.rejected}')
        for reason, count in sorted(self.filtered.items()):
            lines.append(f'  left out by rule: {count} rows ({reason})')
        lines.extend(f'  note: {note}' for note in self.notes_lines)
        if self.rejections:
            lines.append(f'  REJECTED (nothing imported): {self.rejected} problems')
            lines.extend(f'    {rejection}' for rejection in self.rejections)
            if self.rejected > len(self.rejections):
                lines.append(f'    … and {self.rejected - len(self.rejections)} more not listed')
            return lines
        lines.append(
            f'  slices: {self.count("new")} new ({self.rows_of("new")} rows), '
            f'{self.count("replaced")} replaced ({self.rows_of("replaced")} rows), '
            f'{self.count("unchanged")} unchanged ({self.rows_of("unchanged")} rows)'
        )
        shown = [change for change in self.slices if all_slices or change.action != 'unchanged']
        if self.needs_approval:
            lines.append('  replaces official statistics: applying it needs the approval of a second person')
        for change in shown[:200]:
            previous = f' (was {change.previous_rows} rows)' if change.action == 'replaced' else ''
            lines.append(f'    {change.action:9} {change.label}: {change.rows} rows{previous}{_values(change)}')
        if len(shown) > 200:
            lines.append(f'    … and {len(shown) - 200} more slices')
        return lines


def _values(change: SliceChange) -> str:
    if change.action != 'replaced' or change.value_usd is None:
        return ''
    before = 'unknown' if change.previous_value_usd is None else f'{change.previous_value_usd:,.2f}'
    text = f', USD {before} → {change.value_usd:,.2f}'
    if change.difference_usd is not None:
        text += f' ({change.difference_usd:+,.2f}'
        text += f', {change.difference_pct:+.1%})' if change.difference_pct is not None else ')'
    return text


class ImportRejected(imports.ImportRejected):
    """Nothing was imported: `report.rejections` (also `problems`) says why, `report` what was read."""

    def __init__(self, report: ImportReport):
        self.report = report
        self.problems = report.rejections
        first = report.rejections[0] if report.rejections else 'no rows'
        Exception.__init__(self, f'{report.rejected} problems; nothing imported. First: {first}')
