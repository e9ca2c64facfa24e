"""Bulk import of organizations from CSV or XLSX, planned first and applied all at once.

Columns: iati_identifier (also accepted as "identifier" or "iati_org_id"), name_en, name_ru,
name_zh, name_uz, aliases (separated by "|"), kind, country (ISO 3166 alpha-3), tax_id, website,
status. Only name_en must be in the header; a column left out leaves that field alone.

Which organization a row is about: the one with the row's IATI identifier; failing that, the
one whose English name is the row's (compared normalized, see organizations.names); otherwise the
row creates an organization. Everything else that shares a normalized name or alias with
another organization, in the database or elsewhere in the file, is a duplicate and rejected:
an organization is recorded once. Names are compared as they will be after the import, so a
file may move an alias from one organization to another.

Cells: a blank kind, country or status keeps the current value (or the default of a new
organization); a blank cell of any other column empties the field, a blank aliases cell
removes every alias. Re-importing the same file changes nothing.

`plan_organization_import` writes nothing; `apply_organization_import` writes a plan through
organizations.services in one transaction under the change-log channel "import", or nothing,
as its actor (a user, or hamkor.permissions.SYSTEM from the command line).
"""

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Country
from hamkor.context import change_context, new_request_id
from hamkor.imports import (
    Action,
    ImportPlan,
    ImportRejected,
    ImportResult,
    Problem,
    header_columns,
    problems_of,
    read_plan,
    row_cells,
    row_shape_message,
)
from organizations import services
from organizations.models import Organization, OrganizationAlias, OrganizationNameKey
from organizations.names import NAME_FIELDS, normalize_name

INPUT_COLUMNS = (
    'iati_identifier', 'name_en', 'name_ru', 'name_zh', 'name_uz', 'aliases', 'kind', 'country', 'tax_id',
    'website', 'status',
)  # fmt: skip
COLUMN_SYNONYMS = {'identifier': 'iati_identifier', 'iati_org_id': 'iati_identifier'}
KEEP_WHEN_BLANK = ('kind', 'country', 'status')
ALIAS_SEPARATOR = '|'
ALIAS_MAX_LENGTH = OrganizationAlias._meta.get_field('name').max_length
BATCH_SIZE = 500  # identifiers, codes or name keys in one query


@dataclass
class OrganizationRow:
    """One row of the file and what applying the plan would do with it."""

    line: int
    name: str  # the English name, as the preview lists the row
    action: Action = Action.REJECT
    target: Organization | None = field(default=None, repr=False)  # the organization the row updates
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict, repr=False)  # model fields the file sets
    aliases: list[str] | None = field(default=None, repr=False)  # None: no aliases column

    @property
    def identifier(self) -> str:
        return self.values.get('iati_identifier', '') or (self.target.iati_identifier if self.target else '')


def plan_organization_import(source: str | Path | IO, filename: str | None = None, *, actor=None) -> ImportPlan:
    """Read and check every row of a CSV or XLSX file of organizations; writes nothing. (The
    registry is public: the plan is the same whoever `actor` is.)"""
    return read_plan(source, filename, _check_header, _Planner)


def _check_header(cells: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    message = _('unknown column; an organization import reads %(columns)s')
    columns, problems = header_columns(
        cells, set(INPUT_COLUMNS), message % {'columns': ', '.join(INPUT_COLUMNS)}, COLUMN_SYNONYMS
    )
    if 'name_en' not in columns:
        problems.append(('name_en', _('the header has no name_en column')))
    return columns, problems


class _Planner:
    """Plans the rows reading only the organizations they can be about or clash with: those with
    one of the file's IATI identifiers, or with a name or alias (compared normalized, through the
    indexed OrganizationNameKey) that a row's organization will have; never the whole registry."""

    def __init__(self, plan: ImportPlan, records: list[tuple[int, list[str]]]):
        self.plan = plan
        self.records = records
        self.columns = plan.columns
        self.known: dict[int, Organization] = {}  # pk → the organizations read so far
        self.queried_keys: set[str] = set()
        self.by_iati: dict[str, Organization] = {}
        self.by_name_en: dict[str, list[Organization]] = defaultdict(list)
        self.countries: dict[str, Country] = {}

    def run(self) -> None:
        parsed = []
        for line, values in self.records:
            row = OrganizationRow(line=line, name='')
            self.plan.rows.append(row)
            cells = row_cells(self.columns, values, self.plan.unit)
            if cells is None:
                self._problem(row, '', row_shape_message(self.columns, values))
                continue
            row.name = cells['name_en']
            parsed.append((row, cells))
        self._read_what_the_rows_name([cells for row, cells in parsed if row.name])
        for row, cells in parsed:
            self._plan_row(row, cells)
        rows = [row for row in self.plan.rows if row.name]
        self._check_same_organization_twice(rows)
        self._check_duplicate_names(rows)
        for row in self.plan.rows:
            if row.problems:
                row.action = Action.REJECT
            elif row.target is None:
                row.action = Action.CREATE
            else:
                row.action = Action.UPDATE if row.changes else Action.UNCHANGED

    # Reading the database

    def _read_what_the_rows_name(self, cells_of_rows: list[dict[str, str]]) -> None:
        """The countries the rows give, and the organizations with one of their IATI identifiers
        or with one of the names or aliases they give."""
        codes = {cells['country'].upper() for cells in cells_of_rows if cells.get('country')}
        for batch in _batches(codes):
            self.countries.update((country.iso3, country) for country in Country.objects.filter(iso3__in=batch))
        identifiers = {cells['iati_identifier'] for cells in cells_of_rows if cells.get('iati_identifier')}
        for batch in _batches(identifiers):
            self._read(Organization.objects.filter(iati_identifier__in=batch))
        names = [cells[column] for cells in cells_of_rows for column in NAME_FIELDS if cells.get(column)]
        names += [alias for cells in cells_of_rows for alias in cells.get('aliases', '').split(ALIAS_SEPARATOR)]
        self._read_named({normalize_name(name) for name in names if name})
        for organization in self.known.values():
            if organization.iati_identifier in identifiers:
                self.by_iati[organization.iati_identifier] = organization
        for organization in self._in_order(self.known.values()):
            self.by_name_en[normalize_name(organization.name_en)].append(organization)

    def _read_named(self, keys: set[str]) -> None:
        """Read the organizations that have one of `keys` as a name or alias key, once per key."""
        keys = keys - self.queried_keys
        self.queried_keys |= keys
        for batch in _batches(keys):
            owners = OrganizationNameKey.objects.filter(key__in=batch).values('organization')
            self._read(Organization.objects.filter(pk__in=owners))

    def _read(self, organizations) -> None:
        for organization in organizations.select_related('country').prefetch_related('aliases'):
            self.known.setdefault(organization.pk, organization)

    @staticmethod
    def _in_order(organizations) -> list[Organization]:
        """In the registry's order (Organization.Meta.ordering), as the whole registry was read."""
        return sorted(organizations, key=lambda organization: (organization.name_en, organization.pk))

    # Rows and cells

    def _problem(self, row: OrganizationRow, field_name: str, message: str) -> None:
        row.problems.append(Problem(self.plan.filename, self.plan.unit, row.line, field_name, message))

    def _plan_row(self, row: OrganizationRow, cells: dict[str, str]) -> None:
        if not row.name:
            self._problem(row, 'name_en', _('the English name is empty: every row names its organization'))
            return
        for name, text in cells.items():
            if name in ('aliases', 'country'):
                continue
            if text or name not in KEEP_WHEN_BLANK:
                row.values[name] = text
        if cells.get('country'):
            country = self.countries.get(cells['country'].upper())
            if country is None:
                self._problem(
                    row,
                    'country',
                    _('unknown country code %(code)s; give the ISO 3166 alpha-3 code, e.g. UZB or CHN')
                    % {'code': repr(cells['country'])},
                )
            else:
                row.values['country'] = country
        if 'aliases' in cells:
            row.aliases = self._parse_aliases(row, cells['aliases'])
        row.target = self._target(row)
        if row.target is not None:
            row.changes = self._changes(row.target, row)
            if not row.changes:
                return
        elif 'country' not in row.values and not any(problem.field == 'country' for problem in row.problems):
            self._problem(row, 'country', _('a new organization needs its country (ISO 3166 alpha-3 code)'))
        self._validate(row)

    def _parse_aliases(self, row: OrganizationRow, text: str) -> list[str]:
        aliases = []
        for alias in (part.strip() for part in text.split(ALIAS_SEPARATOR)):
            if not alias:
                continue
            if not normalize_name(alias):
                self._problem(row, 'aliases', _('alias %(alias)s has no letter or digit') % {'alias': repr(alias)})
            elif len(alias) > ALIAS_MAX_LENGTH:
                self._problem(
                    row,
                    'aliases',
                    _('alias %(alias)s is longer than %(max)s characters')
                    % {'alias': repr(alias), 'max': ALIAS_MAX_LENGTH},
                )
            else:
                aliases.append(alias)
        return aliases

    def _target(self, row: OrganizationRow) -> Organization | None:
        """The organization the row is about (see the module's docstring), or None for a new one."""
        iati = row.values.get('iati_identifier', '')
        if iati and iati in self.by_iati:
            return self.by_iati[iati]
        same_name = self.by_name_en.get(normalize_name(row.name), [])
        if len(same_name) > 1:
            self._problem(
                row,
                'name_en',
                _('several organizations are named %(name)s (%(ids)s): give the IATI identifier of the one to update')
                % {'name': repr(row.name), 'ids': ', '.join(f'#{org.pk}' for org in same_name)},
            )
            return None
        if not same_name:
            return None
        organization = same_name[0]
        if iati and organization.iati_identifier:
            self._problem(
                row,
                'iati_identifier',
                _(
                    '%(name)s (#%(pk)s) has this English name but the IATI identifier %(recorded)s, not %(given)s: '
                    'an organization is recorded once'
                )
                % {
                    'name': organization.name_en,
                    'pk': organization.pk,
                    'recorded': organization.iati_identifier,
                    'given': iati,
                },
            )
        return organization

    def _changes(self, organization: Organization, row: OrganizationRow) -> list[str]:
        changed = {name for name, value in row.values.items() if getattr(organization, name) != value}
        if row.aliases is not None:
            current = {alias.normalized for alias in organization.aliases.all()}
            if current != {normalize_name(alias) for alias in row.aliases}:
                changed.add('aliases')
        return [name for name in INPUT_COLUMNS if name in changed]

    def _validate(self, row: OrganizationRow) -> None:
        """The model's own validation, as services.create_organization / update_organization run it."""
        if row.target is None:
            candidate = Organization(**row.values)
        else:
            candidate = copy.copy(row.target)  # never saved
            for name, value in row.values.items():
                setattr(candidate, name, value)
        excluded = [name for name in ('country',) if any(p.field == name for p in row.problems)]
        try:
            candidate.full_clean(exclude=excluded, validate_constraints=False)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    if name in ('kind', 'status') and 'valid choice' in message:
                        codes = ', '.join(value for value, _label in Organization._meta.get_field(name).choices)
                        message += ' ' + _('Known codes: %(codes)s.') % {'codes': codes}
                    self._problem(row, '' if name == NON_FIELD_ERRORS else name, message)

    # Duplicates

    def _check_same_organization_twice(self, rows: list[OrganizationRow]) -> None:
        lines_of: dict[int, list[OrganizationRow]] = defaultdict(list)
        for row in rows:
            if row.target is not None:
                lines_of[row.target.pk].append(row)
        iati_lines: dict[str, list[OrganizationRow]] = defaultdict(list)
        for row in rows:
            if row.target is None and row.values.get('iati_identifier'):
                iati_lines[row.values['iati_identifier']].append(row)
        unit = _('lines') if self.plan.unit == 'line' else _('rows')
        for same in lines_of.values():
            if len(same) > 1:
                for row in same:
                    self._problem(
                        row,
                        '',
                        _('%(unit)s %(lines)s all describe %(name)s (#%(pk)s): an organization is imported once')
                        % {
                            'unit': unit,
                            'lines': ', '.join(str(other.line) for other in same),
                            'name': row.target.name_en,
                            'pk': row.target.pk,
                        },
                    )
        for iati, same in iati_lines.items():
            if len(same) > 1:
                for row in same:
                    self._problem(
                        row,
                        'iati_identifier',
                        _('IATI identifier %(iati)s is in %(unit)s %(lines)s: an organization is imported once')
                        % {'iati': iati, 'unit': unit, 'lines': ', '.join(str(other.line) for other in same)},
                    )

    def _final_names(self, row: OrganizationRow) -> list[tuple[str, str]]:
        """(column, name) of every name and alias the row's organization will have after the import."""
        names = []
        for column in NAME_FIELDS:
            value = row.values.get(column, getattr(row.target, column, '') if row.target else '')
            if value:
                names.append((column, value))
        if row.aliases is not None:
            names += [('aliases', alias) for alias in row.aliases]
        elif row.target is not None:
            names += [('aliases', alias.name) for alias in row.target.aliases.all()]
        return names

    def _check_duplicate_names(self, rows: list[OrganizationRow]) -> None:
        """Every normalized name or alias belongs to one organization once the file is applied."""
        names_of = {row.line: self._final_names(row) for row in rows}
        # The organizations with a name the rows will have, beyond those the file itself names
        # (a name or alias an updated organization keeps).
        self._read_named({normalize_name(name) for names in names_of.values() for _column, name in names})
        replaced = {row.target.pk for row in rows if row.target is not None}
        owners: dict[str, list[tuple[str, Any]]] = defaultdict(list)  # key → [('org', organization) | ('row', row)]
        for organization in self._in_order(self.known.values()):
            if organization.pk in replaced:
                continue
            for key in _keys(organization):
                owners[key].append(('org', organization))
        for row in rows:
            for key in {normalize_name(name) for _column, name in names_of[row.line]} - {''}:
                owners[key].append(('row', row))
        for row in rows:
            reported = set()
            for column, name in names_of[row.line]:
                key = normalize_name(name)
                for kind, other in owners.get(key, []):
                    if (kind, key, id(other)) in reported or (kind == 'row' and _same_target(row, other)):
                        continue
                    reported.add((kind, key, id(other)))
                    if kind == 'org':
                        message = _(
                            'the name %(name)s is already a name or alias of %(other)s (#%(pk)s): '
                            'an organization is recorded once'
                        ) % {'name': repr(name), 'other': other.name_en, 'pk': other.pk}
                    else:
                        message = _(
                            'the name %(name)s is also a name or alias of %(other)s in %(unit)s %(line)s: '
                            'an organization is recorded once'
                        ) % {
                            'name': repr(name),
                            'other': other.name,
                            'unit': _('line') if self.plan.unit == 'line' else _('row'),
                            'line': other.line,
                        }
                    self._problem(row, column, message)


def _batches(values) -> list[list[str]]:
    """`values` in sorted lists of at most BATCH_SIZE (a query's parameters stay under the database's limit)."""
    values, size = sorted(values), BATCH_SIZE
    return [values[start : start + size] for start in range(0, len(values), size)]


def _same_target(row: OrganizationRow, other: OrganizationRow) -> bool:
    """The same row, or two rows about one organization (reported once, as such)."""
    return other is row or (row.target is not None and other.target is not None and row.target.pk == other.target.pk)


def _keys(organization: Organization) -> set[str]:
    names = [getattr(organization, column) for column in NAME_FIELDS]
    return {normalize_name(name) for name in names if name} | {alias.normalized for alias in organization.aliases.all()}


#
# Applying
#


def apply_organization_import(plan: ImportPlan, *, actor) -> ImportResult:
    """Write the plan through the services, all or nothing, under the change-log channel "import".

    Updates are written before creations, so that a name a file moves from an existing
    organization to a new one is free when the new one is created. Each write checks the
    actor's permission (organizations.services)."""
    if not plan.is_valid:
        raise ImportRejected(plan.problems)
    request_id = new_request_id()
    rows = [row for row in plan.rows if row.action in (Action.CREATE, Action.UPDATE)]
    rows.sort(key=lambda row: (row.action == Action.CREATE, row.line))
    with change_context(channel='import', actor=actor, request_id=request_id), transaction.atomic():
        for row in rows:
            try:
                _write(row, actor)
            except ValidationError as error:
                # The database changed since the plan was made: refuse (rolling back), with the row's location.
                raise ImportRejected(problems_of(error, plan.filename, plan.unit, row.line)) from None
    return ImportResult(
        created=plan.count(Action.CREATE),
        updated=plan.count(Action.UPDATE),
        unchanged=plan.count(Action.UNCHANGED),
        request_id=request_id,
    )


def _write(row: OrganizationRow, actor) -> None:
    if row.action == Action.CREATE:
        services.create_organization(actor=actor, aliases=row.aliases or [], **row.values)
        return
    organization = Organization.objects.get(pk=row.target.pk)
    changed = {name: value for name, value in row.values.items() if name in row.changes}
    services.update_organization(
        organization=organization, actor=actor, aliases=row.aliases if 'aliases' in row.changes else None, **changed
    )
