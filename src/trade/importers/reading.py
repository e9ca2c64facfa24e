"""Reading trade files with DuckDB: header checks, encodings, line numbers, the CSV reader, and
the reference tables (countries, HS codes) the checks join against.

Validation is done in SQL over the whole file, never row by row in Python (see
trade.importers.checks).
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

from core.models import Country, HSCode
from trade.importers.report import ImportReport, Rejection
from trade.schema import DELIMITERS, EDITION_ALIASES, EDITIONS
from trade.store.layout import sql_literal as literal

# BACI pads missing quantities: "NA" right-aligned in a fixed-width column.
NULL_STRINGS = ['', 'NA', *(' ' * width + 'NA' for width in range(1, 24))]


def normalize_edition(edition: str) -> str:
    code = (edition or '').strip().upper().replace(' ', '')
    code = EDITION_ALIASES.get(code, code)
    if code not in EDITIONS:
        raise ValueError(f'unknown HS edition "{edition}"; expected one of {", ".join(EDITIONS)} (or HS17, H5, …)')
    return code


def validated_editions() -> set[str]:
    """Editions whose 6-digit codes are loaded (HS2017, HS2022), against which codes are checked."""
    return {f'HS{edition}' for edition in HSCode.objects.filter(level=6).values_list('edition', flat=True).distinct()}


def load_hs_codes(con, edition: str) -> None:
    codes = list(HSCode.objects.filter(edition=edition.removeprefix('HS'), level=6).values_list('code', flat=True))
    _load_table(con, 'hs_codes', {'code': codes})


def load_countries(con) -> None:
    """core.Country as the DuckDB table `countries` (iso3, iso2, m49, iso_numeric)."""
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


MAX_LINE_BYTES = 2_000_000  # DuckDB's own default, stated so that a longer line is named as such


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
    def blank_and_long_lines(path: Path) -> tuple[list[int], list[tuple[int, int]]]:
        """The numbers of the blank lines, and (number, bytes) of the lines longer than
        MAX_LINE_BYTES, in one pass."""
        blanks, long = [], []
        with open(path, 'rb') as handle:
            for number, raw in enumerate(handle, start=1):
                if len(raw) > MAX_LINE_BYTES:
                    long.append((number, len(raw.rstrip(b'\r\n'))))
                elif not raw.strip(b'\r\n\t '):
                    blanks.append(number)
        return blanks, long


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
            f"rejects_table = 'csv_rejects', rejects_scan = 'csv_scans', strict_mode = true, "
            f'max_line_size = {MAX_LINE_BYTES})'
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
    # Every data line is either loaded or rejected unless the file has blank lines or a line DuckDB
    # passes over without a word (one of tens of megabytes); look for them only then.
    if info is None or info.newlines not in (rows + len(rejected) + 1, rows + len(rejected)):
        blanks, long = LineNumbers.blank_and_long_lines(path)
        for line, size in long:
            if line not in skipped:
                report.reject(Rejection(name, line, '', too_long(size)))
                report.rows_read += 1
                skipped.append(line)
        lines = LineNumbers(skipped + blanks)
    con.execute('DROP TABLE IF EXISTS csv_rejects')
    con.execute('DROP TABLE IF EXISTS csv_scans')
    return lines


def too_long(size: int) -> str:
    return f'the line is {size:,} bytes, longer than the {MAX_LINE_BYTES:,} a line may be'


def _parse_reason(error_type: str, message: str) -> str:
    if error_type == 'LINE SIZE OVER MAXIMUM' and (size := re.search(r'Actual Size:\s*(\d+)', message)):
        return too_long(int(size.group(1)))
    if error_type == 'CAST':
        return message.split('. ', 1)[-1].replace('Could not convert string', 'cannot read').strip()
    if error_type in ('MISSING COLUMNS', 'TOO MANY COLUMNS'):
        return f'wrong number of columns ({message.strip()}); is the delimiter right?'
    if error_type in ('INVALID UNICODE', 'INVALID ENCODING') or 'Invalid unicode' in message:
        return 'not UTF-8 text'
    return message.strip()
