"""Bulk import of projects from CSV or XLSX, planned first and applied all at once.

The columns are those of the project export (portfolio.exports.COLUMNS), so an exported file
can be edited and imported back; the export's derived columns are accepted and ignored.
`plan_import` reads and validates every row without writing and says, per row, whether it
creates, updates, leaves unchanged or is rejected (with file, line and field of each reason).
`apply_import` writes a plan through portfolio.services inside one transaction, under the
change-log channel "import": a file with any rejected row writes nothing.

Validation is the services' own (full_clean on unsaved instances, check_sectors, check_parent);
this module only parses cells and says where a problem is.

Cells: a blank cell of a column whose value cannot be empty (title_en, status, visibility,
is_umbrella) keeps the current value, or the default for a new project; a blank cell of any
other column empties the field. A column left out of the file leaves that field alone.
"""

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from hamkor.context import change_context, new_request_id
from portfolio import services
from portfolio.choices import ProjectStatus
from portfolio.models import CooperationSector, Project, ProjectSector

# The columns an import reads, in the order of the export.
INPUT_COLUMNS = (
    'identifier', 'data_status', 'title_en', 'title_ru', 'title_zh', 'title_uz', 'status', 'sectors', 'region',
    'parent', 'is_umbrella', 'visibility', 'planned_start', 'planned_end', 'actual_start', 'actual_end',
)  # fmt: skip
# Columns the export derives from other data: accepted so that an export can be re-imported.
DERIVED_COLUMNS = (
    'status_name', 'stage', 'stage_name', 'counted_in_aggregates', 'value_usd', 'value_basis', 'value_year',
    'amounts_not_converted', 'region_name',
)  # fmt: skip
TEXT_FIELDS = ('title_en', 'title_ru', 'title_zh', 'title_uz', 'region')
CODE_FIELDS = ('status', 'visibility')  # blank keeps the current value
DATE_FIELDS = ('planned_start', 'planned_end', 'actual_start', 'actual_end')
# The order in which changed fields are listed.
CHANGE_ORDER = tuple(name for name in INPUT_COLUMNS if name not in ('identifier', 'data_status'))

YES, NO = ('yes', 'true', '1'), ('no', 'false', '0')
ISO_DATE = re.compile(r'\d{4}-\d{2}-\d{2}')
SHARE = re.compile(r'(?P<code>\S+)\s+(?P<percent>\S+?)\s*%?')
LOOKUP_BATCH = 2000


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
class PlannedRow:
    """One row of the file and what applying the plan would do with it."""

    line: int
    identifier: str
    action: Action = Action.REJECT
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What the row sets, for apply_import: model field values (status included) given in the file,
    values: dict[str, Any] = field(default_factory=dict, repr=False)
    # the sector split (None: no sectors column), the parent's identifier (None: no parent column, '': none),
    sectors: list[tuple[CooperationSector, Decimal]] | None = field(default=None, repr=False)
    parent: str | None = field(default=None, repr=False)
    # whether a new project is illustrative, and how many ancestors it will have (parents are written first).
    illustrative: bool = field(default=False, repr=False)
    depth: int = field(default=0, repr=False)


@dataclass
class ImportPlan:
    filename: str
    unit: str = 'line'
    columns: list[str] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
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
        counts = self.counts
        text = (
            f'{counts["create"]} to create, {counts["update"]} to update, '
            f'{counts["unchanged"]} unchanged, {counts["reject"]} rejected'
        )
        if self.file_problems:
            text += f'; the file itself has {len(self.file_problems)} problem(s)'
        return text


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


class _FileProblem(Exception):
    def __init__(self, line: int, field_name: str, message: str):
        self.line, self.field_name, self.message = line, field_name, message


#
# Reading files
#


def _read_bytes(source: str | Path | IO) -> bytes:
    if isinstance(source, (str, Path)):
        return Path(source).read_bytes()
    if hasattr(source, 'seek'):
        source.seek(0)
    data = source.read()
    return data.encode('utf-8') if isinstance(data, str) else data


def _csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells); a quoted cell may span lines, blank lines are skipped."""
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as error:
        raise _FileProblem(
            data.count(b'\n', 0, error.start) + 1, '', _('the file is not UTF-8 text (save it as CSV UTF-8)')
        ) from None
    reader = csv.reader(io.StringIO(text, newline=''))
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _FileProblem(
                reader.line_num, '', _('the file is not valid CSV: %(error)s') % {'error': error}
            ) from None
        if any(cell.strip() for cell in cells):
            yield start, cells


def _xlsx_text(value: Any) -> str:
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


def _unreadable_workbook(error: Exception) -> str:
    return _('the file is not a readable XLSX workbook: %(error)s') % {'error': str(error) or type(error).__name__}


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of the first sheet; empty rows are skipped."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a damaged workbook fails in many ways inside zipfile and openpyxl
        raise _FileProblem(1, '', _unreadable_workbook(error)) from None
    records, number = [], 0
    try:
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            cells = [_xlsx_text(value) for value in values]
            if any(cell.strip() for cell in cells):
                records.append((number, cells))
    except Exception as error:  # a damaged sheet fails inside openpyxl's parser
        raise _FileProblem(number + 1, '', _unreadable_workbook(error)) from None
    finally:
        workbook.close()
    yield from records


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
    return {column: value.strip() for column, value in zip(columns, values, strict=False)}


def row_shape_message(columns: list[str], values: list[str]) -> str:
    return _('the row has %(count)s values but the header has %(columns)s columns') % {
        'count': len(values),
        'columns': len(columns),
    }


def _check_header(cells: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """The column names, and (column, message) for each problem of the header."""
    message = _('unknown column; an import reads %(columns)s (and ignores the derived columns of the export)')
    columns, problems = header_columns(
        cells, set(INPUT_COLUMNS) | set(DERIVED_COLUMNS), message % {'columns': ', '.join(INPUT_COLUMNS)}
    )
    if 'identifier' not in columns:
        problems.append(('identifier', _('the header has no identifier column')))
    return columns, problems


#
# Planning
#


def plan_import(source: str | Path | IO, filename: str | None = None) -> ImportPlan:
    """Read and validate every row of a CSV or XLSX file of projects; writes nothing."""
    return read_plan(source, filename, _check_header, _Planner)


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
        data = _read_bytes(source)
        records = list(_xlsx_records(data) if suffix == '.xlsx' else _csv_records(data))
    except _FileProblem as problem:
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


class _Graph:
    """Parents as they will be after the import: the database overlaid with the file.

    Nodes have the `pk` and `parent` that services.check_parent walks; a project the file
    creates gets a negative stand-in key."""

    def __init__(self):
        self.key_of: dict[str, int] = {}
        self.parent_of: dict[int, int | None] = {}

    def node(self, key: int) -> '_Node':
        return _Node(key, self)

    def ancestors(self, key: int) -> Iterator[int]:
        seen = {key}
        parent = self.parent_of.get(key)
        while parent is not None and parent not in seen:
            seen.add(parent)
            yield parent
            parent = self.parent_of.get(parent)


@dataclass(frozen=True)
class _Node:
    pk: int
    graph: _Graph

    @property
    def parent(self) -> '_Node | None':
        parent = self.graph.parent_of.get(self.pk)
        return None if parent is None else self.graph.node(parent)


class _Planner:
    def __init__(self, plan: ImportPlan, records: list[tuple[int, list[str]]]):
        self.plan = plan
        self.records = records
        self.columns = plan.columns
        self.sectors = {sector.code: sector for sector in CooperationSector.objects.all()}
        self.existing: dict[str, Project] = {}
        self.graph = _Graph()

    def run(self) -> None:
        position = self.columns.index('identifier')
        lines_of: dict[str, list[int]] = defaultdict(list)
        for line, values in self.records:
            if len(values) > position and values[position].strip():
                lines_of[values[position].strip()].append(line)
        self._load_existing(list(lines_of))
        self._load_graph(set(lines_of))
        for line, values in self.records:
            cells = row_cells(self.columns, values, self.plan.unit)
            identifier = values[position].strip() if len(values) > position else ''
            row = PlannedRow(line=line, identifier=identifier)
            self.plan.rows.append(row)
            if cells is None:
                self._problem(row, '', row_shape_message(self.columns, values))
                continue
            if row.identifier and len(lines_of[row.identifier]) > 1:
                self._problem(row, 'identifier', self._duplicate_message(row.identifier, lines_of[row.identifier]))
            self._plan_row(row, cells)
        self._check_parents()
        for row in self.plan.rows:
            if row.problems:
                row.action = Action.REJECT
            elif row.identifier not in self.existing:
                row.action = Action.CREATE
            else:
                row.action = Action.UPDATE if row.changes else Action.UNCHANGED

    # Rows and cells

    def _duplicate_message(self, identifier: str, lines: list[int]) -> str:
        unit = _('lines') if self.plan.unit == 'line' else _('rows')
        if len(lines) == 2:
            return _(
                'identifier %(identifier)s appears twice in the file (%(unit)s %(first)s and %(second)s): '
                'a project is created once'
            ) % {'identifier': identifier, 'unit': unit, 'first': lines[0], 'second': lines[1]}
        return _(
            'identifier %(identifier)s appears %(count)s times in the file (%(unit)s %(lines)s): '
            'a project is created once'
        ) % {'identifier': identifier, 'count': len(lines), 'unit': unit, 'lines': ', '.join(map(str, lines))}

    def _problem(self, row: PlannedRow, field_name: str, message: str) -> None:
        row.problems.append(Problem(self.plan.filename, self.plan.unit, row.line, field_name, message))

    def _report(self, row: PlannedRow, error: ValidationError, *, field_name: str = '') -> None:
        row.problems += problems_from(error, self.plan, row.line, field_name=field_name)

    def _plan_row(self, row: PlannedRow, cells: dict[str, str]) -> None:
        if not row.identifier:
            self._problem(row, 'identifier', _('the identifier is empty: every row names its project'))
        for name in TEXT_FIELDS:
            if name in cells and (cells[name] or name != 'title_en'):
                row.values[name] = cells[name]
        for name in CODE_FIELDS:
            if cells.get(name):
                row.values[name] = cells[name]
        if cells.get('is_umbrella'):
            text = cells['is_umbrella'].lower()
            if text in YES or text in NO:
                row.values['is_umbrella'] = text in YES
            else:
                self._problem(
                    row, 'is_umbrella', _('%(value)s is not yes or no') % {'value': repr(cells['is_umbrella'])}
                )
        for name in DATE_FIELDS:
            if name in cells:
                self._parse_date(row, name, cells[name])
        if cells.get('data_status', '') not in ('', 'illustrative', 'recorded'):
            self._problem(
                row,
                'data_status',
                _('%(value)s is not illustrative or recorded') % {'value': repr(cells['data_status'])},
            )
        row.illustrative = cells.get('data_status') == 'illustrative'
        if 'sectors' in cells:
            row.sectors = self._parse_sectors(row, cells['sectors'])
        if 'parent' in cells:
            row.parent = cells['parent']
            if row.parent and row.parent not in self.graph.key_of:
                self._problem(
                    row,
                    'parent',
                    _('parent %(parent)s is neither in the file nor in the database') % {'parent': row.parent},
                )
        if not row.identifier:
            return
        existing = self.existing.get(row.identifier)
        if existing is not None:
            row.changes = self._changes(existing, row)
            if not row.changes:
                return
            if 'status' in row.changes:
                try:
                    services.check_status_change(existing.status, row.values['status'], reason='imported')
                except ValidationError as error:
                    for messages in error.message_dict.values():
                        for message in messages:
                            self._problem(row, 'status', message)
        self._validate(row, existing)

    def _parse_date(self, row: PlannedRow, name: str, text: str) -> None:
        if not text:
            row.values[name] = None
            return
        try:
            if not ISO_DATE.fullmatch(text):
                raise ValueError
            row.values[name] = datetime.date.fromisoformat(text)
        except ValueError:
            self._problem(row, name, _('%(value)s is not a date (YYYY-MM-DD)') % {'value': repr(text)})

    def _parse_sectors(self, row: PlannedRow, text: str) -> list[tuple[CooperationSector, Decimal]] | None:
        """'mining 60%; geology 40%' (the export's format) → [(sector, share), …], checked as services do."""
        shares, ok = [], True
        for item in (part.strip() for part in text.split(';')):
            if not item:
                continue
            match = SHARE.fullmatch(item)
            if match is None:
                self._problem(row, 'sectors', _('%(item)s is not a share like "mining 60%%"') % {'item': repr(item)})
                ok = False
                continue
            code, percent = match['code'], match['percent']
            sector = self.sectors.get(code)
            if sector is None:
                self._problem(
                    row,
                    'sectors',
                    _('unknown sector code %(code)s; the codes are %(codes)s')
                    % {'code': repr(code), 'codes': ', '.join(sorted(self.sectors))},
                )
                ok = False
            try:
                share = Decimal(percent)
                if not share.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                self._problem(row, 'sectors', _('%(value)s is not a percentage') % {'value': repr(percent)})
                ok = False
                continue
            if sector is not None:
                shares.append((sector, share))
        if not ok:
            return None
        try:
            services.check_sectors(shares)
        except ValidationError as error:
            self._report(row, error)
            return None
        return shares

    # Comparing with the database

    def _load_existing(self, identifiers: list[str]) -> None:
        shares = Prefetch('sectors', ProjectSector.objects.select_related('sector').order_by('id'))
        for start in range(0, len(identifiers), LOOKUP_BATCH):
            batch = identifiers[start : start + LOOKUP_BATCH]
            for project in (
                Project.objects.filter(identifier__in=batch).select_related('parent').prefetch_related(shares)
            ):
                self.existing[project.identifier] = project

    def _load_graph(self, identifiers: set[str]) -> None:
        """Every project's parent (only when the file sets parents), and stand-in keys for new ones."""
        if 'parent' in self.columns:
            for pk, identifier, parent_id in Project.objects.values_list('pk', 'identifier', 'parent_id'):
                self.graph.key_of[identifier] = pk
                self.graph.parent_of[pk] = parent_id
        else:
            for identifier, project in self.existing.items():
                self.graph.key_of[identifier] = project.pk
                self.graph.parent_of[project.pk] = project.parent_id
        stand_in = -1
        for identifier in sorted(identifiers - set(self.graph.key_of)):
            self.graph.key_of[identifier] = stand_in
            self.graph.parent_of[stand_in] = None
            stand_in -= 1

    def _changes(self, project: Project, row: PlannedRow) -> list[str]:
        changed = {name for name, value in row.values.items() if getattr(project, name) != value}
        if row.parent is not None and row.parent != (project.parent.identifier if project.parent else ''):
            changed.add('parent')
        if row.sectors is not None:
            current = {share.sector.code: share.percentage for share in project.sectors.all()}
            if current != {sector.code: share for sector, share in row.sectors}:
                changed.add('sectors')
        return [name for name in CHANGE_ORDER if name in changed]

    def _validate(self, row: PlannedRow, existing: Project | None) -> None:
        """The model's own validation (as services.create_project / update_project run it) on an unsaved instance."""
        if existing is None:
            candidate = Project(identifier=row.identifier, is_illustrative=row.illustrative, **row.values)
        else:
            candidate = existing  # loaded for this plan only and never saved
            for name, value in row.values.items():
                setattr(candidate, name, value)
        if row.parent is not None:
            # A parent the file creates does not exist yet (negative stand-in key): the graph checks it.
            key = self.graph.key_of.get(row.parent)
            candidate.parent_id = key if key is not None and key > 0 else None
        excluded = {'stage'}
        try:
            candidate.full_clean(exclude=list(excluded), validate_constraints=False)
        except ValidationError as error:
            self._report(row, error)
            excluded |= set(error.error_dict)
        for constraint in Project._meta.constraints:
            try:
                constraint.validate(Project, candidate, exclude=excluded)
            except ValidationError as error:
                self._report(row, error, field_name=_constraint_field(constraint))

    # Parents

    def _check_parents(self) -> None:
        """Set the file's parents into the graph, then check each with services.check_parent."""
        setting = [row for row in self.plan.rows if row.parent is not None and row.identifier in self.graph.key_of]
        for row in setting:
            key = self.graph.key_of[row.identifier]
            self.graph.parent_of[key] = self.graph.key_of.get(row.parent) if row.parent else None
        for row in setting:
            key = self.graph.key_of[row.identifier]
            parent = self.graph.parent_of[key]
            if parent is None:
                continue
            try:
                services.check_parent(self.graph.node(key), self.graph.node(parent))  # type: ignore[arg-type]
            except ValidationError as error:
                self._report(row, error)
        for row in self.plan.rows:
            if row.identifier in self.graph.key_of:
                row.depth = sum(1 for _key in self.graph.ancestors(self.graph.key_of[row.identifier]))


def problems_from(error: ValidationError, plan: ImportPlan, line: int, *, field_name: str = '') -> list[Problem]:
    """A service's or model's ValidationError as located problems, one per message and field.

    An unknown code of a choice field also lists the codes that exist."""
    if not hasattr(error, 'error_dict'):
        return [Problem(plan.filename, plan.unit, line, field_name, message) for message in error.messages]
    problems = []
    for name, errors in error.error_dict.items():
        for item in errors:
            message = ' '.join(item.messages)
            if item.code == 'invalid_choice' and name != NON_FIELD_ERRORS:
                codes = [str(value) for value, _label in Project._meta.get_field(name).flatchoices if value != '']
                message += ' ' + _('Known codes: %(codes)s.') % {'codes': ', '.join(codes)}
            problems.append(
                Problem(plan.filename, plan.unit, line, field_name if name == NON_FIELD_ERRORS else name, message)
            )
    return problems


def _constraint_field(constraint) -> str:
    """The columns a check constraint is about, e.g. 'planned_start/planned_end'."""
    condition = getattr(constraint, 'condition', None)
    names = condition.referenced_base_fields if condition is not None else set(getattr(constraint, 'fields', ()))
    return '/'.join(name for name in INPUT_COLUMNS if name in names) or '/'.join(sorted(names))


#
# Applying
#


def apply_import(plan: ImportPlan, *, actor=None) -> ImportResult:
    """Write the plan through the services, all or nothing, under the change-log channel "import".

    A plan with any rejection raises ImportRejected before writing. Parents are written before
    their children, so that every intermediate state passes services.check_parent."""
    if not plan.is_valid:
        raise ImportRejected(plan.problems)
    reason = f'Imported from {plan.filename}'
    request_id = new_request_id()
    with change_context(channel='import', actor=actor, request_id=request_id), transaction.atomic():
        for row in rows_to_apply(plan):
            try:
                _write(row, reason)
            except ValidationError as error:
                # The database changed since the plan was made: refuse (rolling back), with the row's location.
                raise ImportRejected(problems_from(error, plan, row.line)) from None
    return ImportResult(
        created=plan.count(Action.CREATE),
        updated=plan.count(Action.UPDATE),
        unchanged=plan.count(Action.UNCHANGED),
        request_id=request_id,
    )


def _write(row: PlannedRow, reason: str) -> None:
    values = {name: value for name, value in row.values.items() if name != 'status'}
    if row.parent is not None:
        values['parent'] = Project.objects.get(identifier=row.parent) if row.parent else None
    if row.action == Action.CREATE:
        status = row.values.get('status', ProjectStatus.PROPOSAL)
        services.create_project(
            identifier=row.identifier, status=status, sectors=row.sectors or [], is_illustrative=row.illustrative,
            **values,
        )  # fmt: skip
        return
    project = Project.objects.get(identifier=row.identifier)
    changed = {name: value for name, value in values.items() if name in row.changes}
    if changed or 'sectors' in row.changes:
        project = services.update_project(
            project=project, sectors=row.sectors if 'sectors' in row.changes else None, **changed
        )
    if 'status' in row.changes:
        services.change_status(project=project, status=row.values['status'], reason=reason)


def rows_to_apply(plan: ImportPlan) -> list[PlannedRow]:
    """The rows that write, in the order apply_import writes them: parents before children."""
    return sorted(
        (row for row in plan.rows if row.action in (Action.CREATE, Action.UPDATE)),
        key=lambda row: (row.depth, row.line),
    )
