"""Bulk import of projects from CSV or XLSX, planned first and applied all at once.

The columns are those of the project export (portfolio.downloads.COLUMNS), so an exported file
can be edited and imported back; the export's derived columns are accepted and ignored.
`plan_import` reads and validates every row without writing and says, per row, whether it
creates, updates, leaves unchanged or is rejected (with file, line and field of each reason).
`apply_import` writes a plan through portfolio.services.import_projects under the change-log
channel "import": a file with any rejected row writes nothing.

Validation is the services' own (full_clean on unsaved instances without its per-row queries,
the model's constraints, check_sectors, check_parent, check_part_levels on the projects as the
file leaves them); this module only parses cells and says where a problem is. Planning reads the
database in a few queries per 2,000 rows, never one per row.

All or nothing, and other writers wait only a moment: the service checks every row and prepares
every write outside any transaction, then writes in one transaction of bulk queries (a 20,000-row
file holds SQLite's write lock for a few seconds; docs/performance.md has the figures). A write of
the portfolio by someone else between the two steps is noticed (the portfolio state token
changes) and the rows are checked again inside the transaction. Both functions take
`progress(done, total)`, called at least every 500 rows and at the end; an exception it raises
stops the work and, in the apply, rolls back everything written.

Cells: a blank cell of a column whose value cannot be empty (title_en, status, visibility,
is_umbrella) keeps the current value, or the default for a new project; a blank cell of any
other column empties the field. A column left out of the file leaves that field alone.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from hamkor.context import change_context, new_request_id
from hamkor.imports import (
    Action,
    ImportPlan,
    ImportRejected,
    ImportResult,
    Problem,
    header_columns,
    read_plan,
    row_cells,
    row_shape_message,
)
from portfolio import services
from portfolio.choices import PART_LEVELS, ProjectStatus, Visibility
from portfolio.models import CooperationSector, Project, ProjectSector
from portfolio.querysets import visible_levels

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
PROGRESS_EVERY = 500
Progress = Callable[[int, int], None]


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


def plan_import(
    source: str | Path | IO, filename: str | None = None, *, actor, progress: Progress | None = None
) -> ImportPlan:
    """Read and validate every row of a CSV or XLSX file of projects as `actor` would import it;
    writes nothing. `progress(done, total)` is told the rows planned every 500 rows and at the end.

    The plan reads and names only projects the actor may see. An identifier of a project hidden
    from them is refused as taken by a project they may not see (identifiers are unique, so it can
    be neither created nor updated; the create form says as much); a hidden parent is refused as
    one that does not exist; a project whose whole is hidden from them keeps it."""
    plan = read_plan(source, filename, _check_header, lambda plan, records: _Planner(plan, records, actor, progress))
    if progress is not None:
        progress(len(plan.rows), len(plan.rows))
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
    def __init__(self, plan: ImportPlan, records: list[tuple[int, list[str]]], actor, progress: Progress | None):
        self.plan = plan
        self.progress = progress
        self.records = records
        self.columns = plan.columns
        self.actor = actor
        self.levels = set(visible_levels(actor))
        self.sectors = {sector.code: sector for sector in CooperationSector.objects.all()}
        self.existing: dict[str, Project] = {}  # the file's projects that exist and the actor may see
        self.hidden: set[str] = set()  # the file's identifiers of projects the actor may not see
        self.graph = _Graph()
        self.level_of: dict[int, tuple[str, str, bool]] = {}  # key → (identifier, visibility, is_umbrella)

    def run(self) -> None:
        position = self.columns.index('identifier')
        lines_of: dict[str, list[int]] = defaultdict(list)
        for line, values in self.records:
            if len(values) > position and values[position].strip():
                lines_of[values[position].strip()].append(line)
        self._load_existing(list(lines_of))
        self._load_graph(set(lines_of))
        for count, (line, values) in enumerate(self.records):
            if count and count % PROGRESS_EVERY == 0 and self.progress is not None:
                self.progress(count, len(self.records))
            cells = row_cells(self.columns, values, self.plan.unit)
            identifier = values[position].strip() if len(values) > position else ''
            row = PlannedRow(line=line, identifier=identifier)
            self.plan.rows.append(row)
            if cells is None:
                self._problem(row, '', row_shape_message(self.columns, values))
                continue
            if row.identifier and len(lines_of[row.identifier]) > 1:
                self._problem(row, 'identifier', self._duplicate_message(row.identifier, lines_of[row.identifier]))
            if row.identifier in self.hidden:
                self._problem(
                    row,
                    'identifier',
                    _('identifier %(identifier)s is taken by a project you may not see: choose another')
                    % {'identifier': row.identifier},
                )
                continue
            self._plan_row(row, cells)
        self._check_parents()
        self._check_part_levels()
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
                    _('parent %(parent)s is neither in the file nor among the projects you may see')
                    % {'parent': row.parent},
                )
        if not row.identifier:
            return
        existing = self.existing.get(row.identifier)
        if existing is not None and existing.parent_id and existing.parent_for(self.actor) is None:
            # Its whole is hidden from the actor (their export shows no parent): kept as it is.
            if row.parent:
                self._problem(row, 'parent', _('this project is part of a project you may not see: its parent stays'))
            row.parent = None
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
                if project.visibility in self.levels:
                    self.existing[project.identifier] = project
                else:
                    self.hidden.add(project.identifier)

    def _load_graph(self, identifiers: set[str]) -> None:
        """Every project's parent (only when the file sets parents), and stand-in keys for new ones."""
        if 'parent' in self.columns:
            # Every project's parent, so that a cycle through hidden projects is found too; only
            # the projects the actor may see can be named.
            rows = Project.objects.values_list('pk', 'identifier', 'parent_id', 'visibility', 'is_umbrella')
            for pk, identifier, parent_id, visibility, umbrella in rows:
                if visibility in self.levels:
                    self.graph.key_of[identifier] = pk
                self.graph.parent_of[pk] = parent_id
                self.level_of[pk] = (identifier, visibility, umbrella)
        else:
            for identifier, project in self.existing.items():
                self.graph.key_of[identifier] = project.pk
                self.graph.parent_of[project.pk] = project.parent_id
                self.level_of[project.pk] = (identifier, project.visibility, project.is_umbrella)
                if project.parent_id is not None:
                    parent = project.parent
                    self.level_of.setdefault(parent.pk, (parent.identifier, parent.visibility, parent.is_umbrella))
            if {'visibility', 'is_umbrella'} & set(self.columns):
                # The parts of the file's projects, whoever may see them: the umbrella rule is about
                # every reader.
                keys = [project.pk for project in self.existing.values()]
                for start in range(0, len(keys), LOOKUP_BATCH):
                    parts = Project.objects.filter(parent_id__in=keys[start : start + LOOKUP_BATCH])
                    for pk, identifier, parent_id, visibility, umbrella in parts.values_list(
                        'pk', 'identifier', 'parent_id', 'visibility', 'is_umbrella'
                    ):
                        self.graph.parent_of.setdefault(pk, parent_id)
                        self.level_of.setdefault(pk, (identifier, visibility, umbrella))
        stand_in = -1
        for identifier in sorted(identifiers - set(self.graph.key_of) - self.hidden):
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
        # The parent is one the plan read (or creates), and identifiers are known to be free or
        # the row's own: full_clean's per-row queries would ask again.
        excluded = {'stage', 'parent'}
        try:
            candidate.full_clean(exclude=list(excluded), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self._report(row, error)
            excluded |= set(error.error_dict)
        excluded.discard('parent')
        for constraint, error in services.constraint_errors(candidate, excluded):
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

    def _check_part_levels(self) -> None:
        """services.check_part_levels for every row, on the projects as the file leaves them: the
        row's project as a part of its umbrella, and as an umbrella of its parts."""
        if not {'visibility', 'is_umbrella', 'parent'} & set(self.columns):
            return  # the file changes nothing the rule is about
        rows = []
        for row in self.plan.rows:
            key = self.graph.key_of.get(row.identifier)
            if key is None or row.identifier in self.hidden:
                continue
            existing = self.existing.get(row.identifier)
            visibility = row.values.get('visibility', existing.visibility if existing else Visibility.PUBLIC)
            umbrella = row.values.get('is_umbrella', existing.is_umbrella if existing else False)
            if visibility not in PART_LEVELS:
                continue  # an unknown code, already reported
            self.level_of[key] = (row.identifier, visibility, umbrella)
            rows.append((row, key))
        parts_of = defaultdict(list)
        for key, parent in self.graph.parent_of.items():
            if parent is not None and key in self.level_of:
                identifier, visibility, _umbrella = self.level_of[key]
                parts_of[parent].append((identifier, visibility))
        for row, key in rows:
            _identifier, visibility, umbrella = self.level_of[key]
            parent_key = self.graph.parent_of.get(key)
            parent = None
            if parent_key is not None and parent_key in self.level_of:
                _parent_identifier, parent_visibility, parent_umbrella = self.level_of[parent_key]
                parent = Project(visibility=parent_visibility, is_umbrella=parent_umbrella)
            try:
                services.check_part_levels(
                    Project(visibility=visibility, is_umbrella=umbrella), parent, parts=parts_of.get(key, [])
                )
            except ValidationError as error:
                self._report(row, error)


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


def apply_import(plan: ImportPlan, *, actor, progress: Progress | None = None) -> ImportResult:
    """Write the plan through services.import_projects, all or nothing, under the change-log
    channel "import", checked against the actor's permissions as the single writes check them.

    A plan with any rejection raises ImportRejected before writing; so does a row that the
    database no longer allows (it changed since the plan was made), with the row's location.
    `progress(done, total)` is told the rows written (0 while they are checked) every 500 rows and
    at the end; an exception it raises rolls back everything written."""
    if not plan.is_valid:
        raise ImportRejected(plan.problems)
    reason = f'Imported from {plan.filename}'
    request_id = new_request_id()
    planned = rows_to_apply(plan)
    with change_context(channel='import', actor=actor, request_id=request_id):
        try:
            services.import_projects(
                rows=[_project_row(row) for row in planned], actor=actor, reason=reason, progress=progress
            )
        except services.RowsRejected as rejected:
            problems = []
            for index, error in rejected.errors:
                line = planned[index].line
                if isinstance(error, ValidationError):
                    problems += problems_from(error, plan, line)
                else:
                    # A project the row names was deleted, or hidden from the actor, since the plan was made.
                    message = _('a project this row names is no longer one you may see: plan the file again')
                    problems.append(Problem(plan.filename, plan.unit, line, 'identifier', message))
            raise ImportRejected(problems) from None
    if progress is not None and not planned:
        progress(0, 0)  # every row unchanged: nothing was written, no transaction opened
    return ImportResult(
        created=plan.count(Action.CREATE),
        updated=plan.count(Action.UPDATE),
        unchanged=plan.count(Action.UNCHANGED),
        request_id=request_id,
    )


def _project_row(row: PlannedRow) -> services.ProjectRow:
    """What the row writes: for a new project every value the file gives, for an existing one
    only what changes."""
    values = {name: value for name, value in row.values.items() if name != 'status'}
    if row.action == Action.CREATE:
        return services.ProjectRow(
            identifier=row.identifier,
            create=True,
            values={**values, 'is_illustrative': row.illustrative},
            status=row.values.get('status', ProjectStatus.PROPOSAL),
            sectors=row.sectors or [],
            parent=row.parent,
        )
    return services.ProjectRow(
        identifier=row.identifier,
        create=False,
        values={name: value for name, value in values.items() if name in row.changes},
        status=row.values['status'] if 'status' in row.changes else None,
        sectors=row.sectors if 'sectors' in row.changes else None,
        parent=row.parent if 'parent' in row.changes else None,
    )


def rows_to_apply(plan: ImportPlan) -> list[PlannedRow]:
    """The rows that write, in the order apply_import writes them: parents before children."""
    return sorted(
        (row for row in plan.rows if row.action in (Action.CREATE, Action.UPDATE)),
        key=lambda row: (row.depth, row.line),
    )
