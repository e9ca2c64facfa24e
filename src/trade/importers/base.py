"""What every trade importer shares: the report, rejections with line and column, file checks,
and set-based reading of CSV files with DuckDB.

An importer's `prepare(con)` validates its files completely and leaves the converted rows in
the DuckDB table `flows_in` (FLOW_SCHEMA); trade.services stores them. Validation is done in
SQL over the whole file, never row by row in Python.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from trade.store import SLICE_KEY
from trade.store import sql_literal as literal

MAX_LISTED = 1000  # rejections listed per report; the total is always counted
READ_CHUNK = 8 * 1024 * 1024
DELIMITERS = {',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'vertical bar'}
# BACI pads missing quantities: "NA" right-aligned in a fixed-width column.
NULL_STRINGS = ['', 'NA', *(' ' * width + 'NA' for width in range(1, 24))]
# BACI and national statistics name editions differently; the store uses HS<year>.
EDITION_ALIASES = {
    'HS92': 'HS1992',
    'HS96': 'HS1996',
    'HS02': 'HS2002',
    'HS07': 'HS2007',
    'HS12': 'HS2012',
    'HS17': 'HS2017',
    'HS22': 'HS2022',
    'H0': 'HS1992',
    'H1': 'HS1996',
    'H2': 'HS2002',
    'H3': 'HS2007',
    'H4': 'HS2012',
    'H5': 'HS2017',
    'H6': 'HS2022',
}
EDITIONS = ('HS1992', 'HS1996', 'HS2002', 'HS2007', 'HS2012', 'HS2017', 'HS2022')


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


@dataclass(frozen=True)
class Rejection:
    file: str
    line: int
    column: str
    reason: str
    unit: str = 'line'  # 'record' for JSON elements, 'row' for tables built in Python

    def __str__(self):
        where = f'{self.unit} {self.line}' if self.line else self.file
        column = f', column {self.column}' if self.column else ''
        prefix = f'{self.file}, ' if self.line else ''
        return f'{prefix}{where}{column}: {self.reason}'


@dataclass
class SliceChange:
    key: tuple
    action: str  # new | replaced | unchanged
    rows: int
    checksum: str
    previous_rows: int | None = None
    slice_id: int | None = None

    def as_json(self) -> dict:
        return {
            **dict(zip(SLICE_KEY, self.key, strict=True)),
            'action': self.action,
            'rows': self.rows,
            'previous_rows': self.previous_rows,
        }

    @property
    def label(self) -> str:
        source, reporter, flow, year, month, classification = self.key
        period = f'{year}' if not month else f'{year}-{month:02d}'
        return f'{source} {reporter} {flow} {period} {classification}'


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
        for change in shown[:200]:
            previous = f' (was {change.previous_rows} rows)' if change.action == 'replaced' else ''
            lines.append(f'    {change.action:9} {change.label}: {change.rows} rows{previous}')
        if len(shown) > 200:
            lines.append(f'    … and {len(shown) - 200} more slices')
        return lines


class ImportRejected(Exception):
    def __init__(self, report: ImportReport):
        self.report = report
        first = report.rejections[0] if report.rejections else 'no rows'
        super().__init__(f'{report.rejected} problems; nothing imported. First: {first}')


def normalize_edition(edition: str) -> str:
    code = (edition or '').strip().upper().replace(' ', '')
    code = EDITION_ALIASES.get(code, code)
    if code not in EDITIONS:
        raise ValueError(f'unknown HS edition "{edition}"; expected one of {", ".join(EDITIONS)} (or HS17, H5, …)')
    return code


def validated_editions() -> set[str]:
    """Editions whose 6-digit codes are loaded (HS2017, HS2022), against which codes are checked."""
    from core.models import HSCode

    return {f'HS{edition}' for edition in HSCode.objects.filter(level=6).values_list('edition', flat=True).distinct()}


def load_hs_codes(con, edition: str) -> None:
    from core.models import HSCode

    codes = list(HSCode.objects.filter(edition=edition.removeprefix('HS'), level=6).values_list('code', flat=True))
    _load_table(con, 'hs_codes', {'code': codes})


def load_countries(con) -> None:
    """core.Country as the DuckDB table `countries` (iso3, iso2, m49, iso_numeric)."""
    from core.models import Country

    rows = list(Country.objects.values_list('iso3', 'iso2', 'm49', 'iso_numeric'))
    names = ('iso3', 'iso2', 'm49', 'iso_numeric')
    _load_table(con, 'countries', {name: [row[index] for row in rows] for index, name in enumerate(names)})


def _load_table(con, name: str, columns: dict[str, list]) -> None:
    """A small temporary text table from Python lists, as one statement (executemany is slow in DuckDB)."""
    names = list(columns)
    con.execute(f'CREATE OR REPLACE TEMP TABLE {name} ({", ".join(f"{column} VARCHAR" for column in names)})')
    rows = list(zip(*columns.values(), strict=True))
    if rows:
        values = ', '.join(
            '(' + ', '.join('NULL' if value is None else literal(str(value)) for value in row) + ')' for row in rows
        )
        con.execute(f'INSERT INTO {name} VALUES {values}')


def header_problem(path: Path, name: str, *, delimiter: str, encoding: str, required: list[str]):
    """(columns, Rejection | None) from the first line: encoding, delimiter and required columns."""
    with open(path, 'rb') as handle:
        first = handle.readline(1024 * 1024)
    try:
        text = first.decode(encoding)
    except UnicodeDecodeError as error:
        return [], Rejection(name, 1, '', f'not {encoding} text (byte {error.start + 1} of the line cannot be decoded)')
    except LookupError:
        return [], Rejection(name, 0, '', f'unknown encoding "{encoding}"')
    text = text.lstrip('\ufeff').rstrip('\r\n')
    if not text:
        return [], Rejection(name, 1, '', 'the file is empty (no header line)')
    columns = [column.strip() for column in next(csv.reader([text], delimiter=delimiter))]
    missing = [column for column in required if column not in columns]
    if missing and len(columns) == 1:
        for other, label in DELIMITERS.items():
            if other != delimiter and other in text:
                expected = DELIMITERS.get(delimiter, repr(delimiter))
                return columns, Rejection(
                    name, 1, '', f'columns are separated by {label} ("{other}"), expected {expected} ("{delimiter}")'
                )
    if missing:
        return columns, Rejection(
            name, 1, ', '.join(missing), f'missing column(s); the header has: {", ".join(columns)}'
        )
    duplicated = sorted({column for column in columns if columns.count(column) > 1})
    if duplicated:
        return columns, Rejection(name, 1, ', '.join(duplicated), 'column named twice in the header')
    return columns, None


def identifier(name: str) -> str:
    """A column name from a file as a quoted SQL identifier (headers may hold any character)."""
    return '"' + name.replace('"', '""') + '"'


def transcode_lines(path: Path, name: str, encoding: str, target: Path) -> Rejection | None:
    """Copy a (small) text file to UTF-8, or name the first line that is not valid in `encoding`."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        return Rejection(name, 0, '', f'unknown encoding "{encoding}"')
    with open(path, 'rb') as source, open(target, 'w', encoding='utf-8', newline='') as output:
        for number, raw in enumerate(source, start=1):
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as error:
                return Rejection(name, number, '', f'not {encoding} text (byte {error.start + 1} of the line)')
            if number == 1:
                text = text.lstrip('\ufeff')
            output.write(text)
    return None


class LineNumbers:
    """Line numbers of rows loaded by DuckDB, from their position (rowid) in the table.

    DuckDB keeps the file's order but skips blank lines and rejected lines; both are counted
    back in so that every message names the line as an editor shows it.
    """

    def __init__(self, skipped: list[int], header_lines: int = 1):
        self.skipped = sorted(set(skipped))
        self.header_lines = header_lines

    def __call__(self, row_index: int) -> int:
        line = row_index + self.header_lines + 1
        position = 0
        while position < len(self.skipped) and self.skipped[position] <= line:
            line += 1
            position += 1
        return line

    @staticmethod
    def blank_lines(path: Path) -> list[int]:
        blanks = []
        with open(path, 'rb') as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip(b'\r\n\t '):
                    blanks.append(number)
        return blanks


def read_csv(
    con,
    path: Path,
    name: str,
    report: ImportReport,
    *,
    table: str,
    header: list[str],
    types: dict[str, str],
    delimiter: str = ',',
    info=None,
) -> LineNumbers:
    """Load a CSV into `table` (file order kept), report lines DuckDB could not parse; return the line mapper.

    Columns not in `types` are read as text. Type errors, wrong column counts and invalid
    UTF-8 are rejections with DuckDB's own line number. `info` is the file's FileInfo, or a
    future of it (hashing a large file in a thread overlaps DuckDB's reading).
    """
    columns = {column: types.get(column, 'VARCHAR') for column in header}
    spec = '{' + ', '.join(f"{literal(column)}: '{kind}'" for column, kind in columns.items()) + '}'

    def load(null_strings):
        nulls = '[' + ', '.join(f"'{text}'" for text in null_strings) + ']'
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv('
            f"{literal(str(path))}, header = true, delim = {literal(delimiter)}, quote = '\"', "
            f"escape = '\"', columns = {spec}, nullstr = {nulls}, auto_detect = false, store_rejects = true, "
            "rejects_table = 'csv_rejects', rejects_scan = 'csv_scans', strict_mode = true)"
        )

    # Each extra null string slows the reader down, so the padded "NA" forms are tried only
    # when the file turns out to use them.
    load(NULL_STRINGS[:2])
    padded = con.execute(
        "SELECT count(*) FROM csv_rejects WHERE error_type = 'CAST' AND error_message LIKE '%string \"  %NA\"%'"
    ).fetchall()[0][0]
    if padded:
        con.execute('DROP TABLE csv_rejects')
        con.execute('DROP TABLE csv_scans')
        load(NULL_STRINGS)
    rejected = con.execute(
        'SELECT line, any_value(column_name), any_value(error_type), any_value(error_message) '
        'FROM csv_rejects GROUP BY line ORDER BY line'
    ).fetchall()
    for line, column, error_type, message in rejected:
        column = '' if error_type in ('MISSING COLUMNS', 'TOO MANY COLUMNS') else f'"{column}"' if column else ''
        report.reject(Rejection(name, int(line), column, _parse_reason(error_type, message)))
    rows = con.execute(f'SELECT count(*) FROM {table}').fetchall()[0][0]
    if hasattr(info, 'result'):  # the checksum computed in another thread while DuckDB read
        info = info.result()
    report.rows_read += rows + len(rejected)
    if info is not None:
        info.row_count = rows + len(rejected)
    skipped = [int(line) for line, *_ in rejected]
    lines = LineNumbers(skipped)
    # Every data line is either loaded or rejected unless the file has blank lines; look for them only then.
    if info is None or info.newlines not in (rows + len(rejected) + 1, rows + len(rejected)):
        lines = LineNumbers(skipped + LineNumbers.blank_lines(path))
    con.execute('DROP TABLE IF EXISTS csv_rejects')
    con.execute('DROP TABLE IF EXISTS csv_scans')
    return lines


def _parse_reason(error_type: str, message: str) -> str:
    if error_type == 'CAST':
        return message.split('. ', 1)[-1].replace('Could not convert string', 'cannot read').strip()
    if error_type in ('MISSING COLUMNS', 'TOO MANY COLUMNS'):
        return f'wrong number of columns ({message.strip()}); is the delimiter right?'
    if error_type in ('INVALID UNICODE', 'INVALID ENCODING') or 'Invalid unicode' in message:
        return 'not UTF-8 text'
    return message.strip()


def collect(
    con,
    report: ImportReport,
    name: str,
    lines,
    checks,
    *,
    table: str = 'raw',
    index: str = 'rowid',
    unit: str = 'line',
    totals: list[int] | None = None,
) -> None:
    """Run each (column, SQL condition, SQL reason expression) check and reject the matching rows.

    One pass counts the rows failing each check; only checks that fail are run again to list rows.
    """
    if not checks:
        return
    if totals is None:
        counts = ', '.join(f'count(*) FILTER (WHERE coalesce({condition}, false))' for _, condition, _ in checks)
        totals = con.execute(f'SELECT {counts} FROM {table}').fetchall()[0]
    for (column, condition, reason), total in zip(checks, totals, strict=True):
        if not total:
            continue
        listed = con.execute(
            f'SELECT {index}, {reason} FROM {table} WHERE {condition} ORDER BY {index} LIMIT {MAX_LISTED}'
        ).fetchall()
        for row_index, text in listed:
            report.reject(Rejection(name, lines(row_index), column, text, unit))
        report.rejection_total = report.rejected + total - len(listed)


def duplicates(
    con, report: ImportReport, name: str, lines, key: list[str], *, table: str = 'raw', index='rowid', unit='line'
):
    """Reject every row that repeats the key of an earlier row in the same file."""
    columns = ', '.join(key)
    # Grouping by one 64-bit hash of the key is much faster than by the key; only when some hash
    # repeats (a duplicate, or rarely a collision) are the keys themselves compared.
    repeated = con.execute(
        f'SELECT count(*) FROM (SELECT hash({columns}) AS h FROM {table} GROUP BY h HAVING count(*) > 1)'
    ).fetchall()[0][0]
    if not repeated:
        return
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE duplicate_keys AS SELECT {columns} FROM {table} GROUP BY ALL HAVING count(*) > 1'
    )
    if con.execute('SELECT count(*) FROM duplicate_keys').fetchall()[0][0]:
        con.execute(
            'CREATE OR REPLACE TEMP TABLE duplicate_rows AS SELECT row_index, first_index FROM ('
            f'SELECT t.{index} AS row_index, min(t.{index}) OVER (PARTITION BY {", ".join(f"t.{c}" for c in key)}) '
            f'AS first_index FROM {table} t JOIN duplicate_keys USING ({columns})) WHERE row_index <> first_index'
        )
        total = con.execute('SELECT count(*) FROM duplicate_rows').fetchall()[0][0]
        listed = con.execute(
            f'SELECT row_index, first_index FROM duplicate_rows ORDER BY row_index LIMIT {MAX_LISTED}'
        ).fetchall()
        for row_index, first_index in listed:
            report.reject(
                Rejection(
                    name,
                    lines(row_index),
                    ', '.join(key),
                    f'duplicate of {unit} {lines(first_index)} (same {columns})',
                    unit,
                )
            )
        report.rejection_total = report.rejected + total - len(listed)
        con.execute('DROP TABLE duplicate_rows')
    con.execute('DROP TABLE duplicate_keys')


class Importer:
    """Base of the importers: `prepare(con)` fills `flows_in` and returns the report."""

    kind = ''

    def prepare(self, con) -> ImportReport:
        raise NotImplementedError

    @staticmethod
    def create_flows_table(con, select_sql: str) -> None:
        # A view: the rows are computed again by each of the two passes (checksums, writing),
        # which is cheaper than materialising a converted copy of a large file.
        con.execute(f'CREATE OR REPLACE TEMP VIEW flows_in AS {select_sql}')
