"""The import framework every file import shares: one problem type, one "nothing was imported"
error, one CSV/XLSX table reader, and the plan → preview → apply shape.

An import first *plans*: it reads the whole file and says, for every row, what applying it would
do (create, update, leave unchanged) or why it is rejected, with file, line or row, and field.
Planning writes nothing. *Applying* writes a valid plan in one transaction; a plan with any
problem writes nothing (ImportRejected). The domain apps' imports supply the header check and
the row planner; this module reads the file and keeps the bookkeeping.

Trade keeps DuckDB's own CSV reader for its large files (the benchmarked path) and reports its
rejections with the same Problem.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from hamkor.cells import restored


class Action(StrEnum):
    CREATE = 'create'
    UPDATE = 'update'
    UNCHANGED = 'unchanged'
    REJECT = 'reject'


@dataclass(frozen=True)
class Problem:
    """What is wrong and where: the file, the line (CSV) or row (XLSX), and the column."""

    filename: str
    unit: str  # 'line' or 'row'
    line: int
    field: str  # '' when the problem is with the row or the file as a whole
    message: str

    @property
    def where(self) -> str:
        return f'{self.unit} {self.line}'

    def __str__(self) -> str:
        if self.field:
            return f'{self.filename}, {self.where}, field {self.field!r}: {self.message}'
        return f'{self.filename}, {self.where}: {self.message}'


@dataclass
class ImportPlan:
    filename: str
    unit: str = 'line'
    columns: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)  # the app's row type: line, action, changes, problems
    file_problems: list[Problem] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action.value: self.count(action) for action in Action}

    @property
    def problems(self) -> list[Problem]:
        """Every reason the file cannot be applied, the file's own first."""
        return [*self.file_problems, *(problem for row in self.rows for problem in row.problems)]

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return any(row.action in (Action.CREATE, Action.UPDATE) for row in self.rows)

    def summary(self) -> str:
        """What the rows would do; for a file refused as a whole, that it is (its rows are not
        read, so no count of them would be true)."""
        if self.file_problems:
            return f'the file is refused ({len(self.file_problems)} problem(s)): no row was read'
        counts = self.counts
        return (
            f'{counts["create"]} to create, {counts["update"]} to update, '
            f'{counts["unchanged"]} unchanged, {counts["reject"]} rejected'
        )


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    request_id: str


class ImportRejected(Exception):
    """The import wrote nothing; lists every rejection with its location."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        listing = '\n'.join(f'  {problem}' for problem in problems)
        super().__init__(f'{len(problems)} problem(s), nothing was imported:\n{listing}')


class FileProblem(Exception):
    def __init__(self, line: int, field_name: str, message: str):
        self.line, self.field_name, self.message = line, field_name, message


#
# Reading files
#

# What an import reads at most, checked before anything is unpacked or parsed, so that no file
# (a decompression bomb, a sheet whose last cell is XFD1048576) can take a worker's memory. Far
# above what a file of projects or organizations holds.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # all the XML of a workbook
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL_CHARACTERS = 32_767  # a spreadsheet cell's own limit


def _megabytes(size: int) -> str:
    return f'{size / (1024 * 1024):.0f}'


def read_bytes(source: str | Path | IO) -> bytes:
    if isinstance(source, (str, Path)):
        size = Path(source).stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileProblem(1, '', too_large(size, MAX_FILE_BYTES))
        return Path(source).read_bytes()
    if hasattr(source, 'seek'):
        source.seek(0)
    data = source.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(1, '', too_large(len(data), MAX_FILE_BYTES, at_least=True))
    return data.encode('utf-8') if isinstance(data, str) else data


def too_large(size: int, limit: int, *, at_least: bool = False) -> str:
    values = {'size': _megabytes(size), 'limit': _megabytes(limit)}
    if at_least:
        return _('the file is larger than %(limit)s MB, the most an import reads') % values
    return _('the file is %(size)s MB, more than the %(limit)s MB an import reads') % values


def check_workbook(source: bytes | Path, max_unpacked: int = MAX_UNPACKED_BYTES) -> None:
    """Refuse a workbook that unpacks to more than `max_unpacked` bytes, from the sizes its zip
    directory declares (zipfile never inflates a member beyond its declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise FileProblem(1, '', unreadable_workbook(error)) from None
    if unpacked > max_unpacked:
        raise FileProblem(
            1,
            '',
            _('the workbook unpacks to %(size)s MB, more than the %(limit)s MB an import reads')
            % {'size': _megabytes(unpacked), 'limit': _megabytes(max_unpacked)},
        )


# Comma; semicolon, which Excel writes in the Russian and Uzbek locales (where the comma is the
# decimal mark); tab (a sheet copied as text).
SEPARATORS = (',', ';', '\t')


def separator_of(text: str) -> str:
    """The separator of a CSV file, read off its header (its first line): of the comma, the
    semicolon and the tab, the one that splits it into the most cells (the comma on a tie)."""
    header = text.split('\n', 1)[0]
    cells = {separator: len(next(csv.reader([header], delimiter=separator))) for separator in SEPARATORS}
    return max(SEPARATORS, key=cells.__getitem__)


def csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells); a quoted cell may span lines, blank lines are skipped."""
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as error:
        raise FileProblem(
            data.count(b'\n', 0, error.start) + 1, '', _('the file is not UTF-8 text (save it as CSV UTF-8)')
        ) from None
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=separator_of(text))
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileProblem(
                reader.line_num, '', _('the file is not valid CSV: %(error)s') % {'error': error}
            ) from None
        if any(cell.strip() for cell in cells):
            yield start, cells


def xlsx_text(value: Any) -> str:
    """A cell as the text a CSV would hold: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unreadable_workbook(error: Exception) -> str:
    return _('the file is not a readable XLSX workbook: %(error)s') % {'error': str(error) or type(error).__name__}


def xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of the first sheet; empty rows are skipped. A sheet with a value
    beyond MAX_COLUMNS or MAX_ROWS, or a cell longer than MAX_CELL_CHARACTERS, is refused where it
    is (never cut)."""
    from openpyxl import load_workbook  # heavy, and needed only for XLSX files: imported when one comes

    check_workbook(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a damaged workbook fails in many ways inside zipfile and openpyxl
        raise FileProblem(1, '', unreadable_workbook(error)) from None
    records, number = [], 0
    try:
        for number, values in sheet_rows(workbook.worksheets[0]):
            cells = _row_text(number, values)
            if any(cell.strip() for cell in cells):
                records.append((number, cells))
    except FileProblem:
        raise
    except Exception as error:  # a damaged sheet fails inside openpyxl's parser
        raise FileProblem(number + 1, '', unreadable_workbook(error)) from None
    finally:
        workbook.close()
    yield from records


def sheet_rows(worksheet) -> Iterator[tuple[int, dict[int, Any]]]:
    """(row number, {column number: value}) of each row the sheet's XML holds.

    openpyxl's own read-only iteration adds an empty row for every number a sheet skips and pads
    every row to the widest one, so that a 5 KB sheet whose last cell is XFD1048576 costs a
    million rows of 16,384 cells; its parser (WorkSheetParser, the one that iteration uses; the
    version is pinned) yields only the rows and cells that are there."""
    from openpyxl.worksheet._reader import WorkSheetParser  # imported with openpyxl, see xlsx_records

    book = worksheet.parent
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            yield number, {cell['column']: cell['value'] for cell in cells if cell['value'] is not None}


def _row_text(number: int, values: dict[int, Any]) -> list[str]:
    """The row's cells as text, refused where a value lies beyond MAX_ROWS or MAX_COLUMNS or a cell
    is longer than MAX_CELL_CHARACTERS (never cut)."""
    if not values:
        return []
    if number > MAX_ROWS:
        raise FileProblem(number, '', _('the sheet has more than %(limit)s rows') % {'limit': f'{MAX_ROWS:,}'})
    if max(values) > MAX_COLUMNS:
        raise FileProblem(
            number,
            '',
            _('the row has values beyond column %(limit)s, the last an import reads') % {'limit': MAX_COLUMNS},
        )
    cells = [xlsx_text(values.get(column)) for column in range(1, max(values) + 1)]
    check_cells(number, cells)
    return cells


def check_cells(number: int, cells: list[str]) -> None:
    """Refuse a cell longer than MAX_CELL_CHARACTERS, at its row."""
    for cell in cells:
        if len(cell) > MAX_CELL_CHARACTERS:
            raise FileProblem(
                number,
                '',
                _('a cell holds %(length)s characters, more than the %(limit)s a spreadsheet cell may hold')
                % {'length': f'{len(cell):,}', 'limit': f'{MAX_CELL_CHARACTERS:,}'},
            )


def header_columns(
    cells: list[str], known: set[str], unknown_message: str, synonyms: dict[str, str] | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """The column names of a header row (trailing empty cells dropped, synonyms replaced) and
    (column, message) for each nameless, repeated or unknown column."""
    columns = [cell.strip() for cell in cells]
    while columns and not columns[-1]:
        columns.pop()
    columns = [(synonyms or {}).get(column, column) for column in columns]
    problems, seen = [], set()
    for column in columns:
        if not column:
            problems.append(('', _('a column of the header has no name')))
        elif column in seen:
            problems.append((column, _('the column appears twice in the header')))
        elif column not in known:
            problems.append((column, unknown_message))
        seen.add(column)
    return columns, problems


def row_cells(columns: list[str], values: list[str], unit: str) -> dict[str, str] | None:
    """A row's cells by column, or None when the row does not have one value per column (trailing
    empty cells aside; an XLSX row may also end early, a CSV line may not)."""
    if any(value.strip() for value in values[len(columns) :]):
        return None
    if len(values) < len(columns) and unit == 'line':
        return None  # a CSV row that lost cells would silently empty fields
    values = values + [''] * (len(columns) - len(values))
    return {column: restored(value.strip()) for column, value in zip(columns, values, strict=False)}


def row_shape_message(columns: list[str], values: list[str]) -> str:
    return _('the row has %(count)s values but the header has %(columns)s columns') % {
        'count': len(values),
        'columns': len(columns),
    }


def read_plan(source: str | Path | IO, filename: str | None, check_header, planner) -> ImportPlan:
    """The steps every import shares: read the CSV or XLSX file, check its header with
    `check_header(cells) -> (columns, problems)`, then let `planner(plan, records).run()`
    plan the rows. Writes nothing."""
    if filename is None:
        filename = Path(source).name if isinstance(source, (str, Path)) else getattr(source, 'name', 'upload')
    suffix = Path(filename).suffix.lower()
    plan = ImportPlan(filename=filename, unit='row' if suffix == '.xlsx' else 'line')
    if suffix not in ('.csv', '.xlsx'):
        plan.file_problems.append(
            Problem(filename, plan.unit, 1, '', _('unsupported file type; expected a .csv or .xlsx file'))
        )
        return plan
    try:
        data = read_bytes(source)
        records = list(xlsx_records(data) if suffix == '.xlsx' else csv_records(data))
    except FileProblem as problem:
        plan.file_problems.append(Problem(filename, plan.unit, problem.line, problem.field_name, problem.message))
        return plan
    if not records:
        plan.file_problems.append(Problem(filename, plan.unit, 1, '', _('the file is empty')))
        return plan
    header_line, header = records[0]
    plan.columns, header_problems = check_header(header)
    if header_problems:
        plan.file_problems += [Problem(filename, plan.unit, header_line, *problem) for problem in header_problems]
        return plan
    planner(plan, records[1:]).run()
    return plan


def problems_of(error: ValidationError, filename: str, unit: str, line: int, *, field_name: str = '') -> list[Problem]:
    """A validation error of the services as located problems: one per message, on its field."""
    if not hasattr(error, 'error_dict'):
        return [Problem(filename, unit, line, field_name, message) for message in error.messages]
    return [
        Problem(filename, unit, line, '' if name == NON_FIELD_ERRORS else name, message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]
