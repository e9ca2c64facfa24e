"""Writing many projects at once (a file import): the rules of create_project, update_project and
change_status, checked for every row against the portfolio as the rows leave it, then written with
bulk queries and one change-log row per write, as the single writes would log it.

Work is split so that other writers wait only for the writes themselves:

1. *prepare*, outside any transaction: one query per 2,000 rows reads the projects the rows
   name, their parents and parts; every row is validated (full_clean without its per-row
   queries, the model's constraints, check_sectors, check_parent and check_part_levels on the
   final graph); the change log's "before" values are taken. Nothing is locked.
2. *write*, in one transaction: the portfolio state token (models.state) read at the start of
   the preparation is read again, locked. Every write of a project replaces it, so an equal
   token means the preparation still holds; a different one means someone wrote in between, and
   the preparation is made again inside the transaction (correct, only slower). Then INSERTs,
   UPDATEs, sector shares, status changes, the derived columns (aggregation.refresh_projects) and
   the change log, 500 rows at a time.

All or nothing: a refused row, a failure or an exception of the progress callback in either
step leaves the database as it was.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changelog import change_rows, follow_visibility, insert_statement, snapshots
from hamkor.permissions import require, user_of
from portfolio.aggregation import refresh_projects
from portfolio.models import CooperationSector, Project, ProjectSector, StatusChange
from portfolio.models.state import PortfolioState, current_token

LOOKUP_BATCH = 2000
WRITE_BATCH = 500
Progress = Callable[[int, int], None]


@dataclass
class ProjectRow:
    """One project to create or update.

    `values` are fields of services.PROJECT_FIELDS other than `identifier` and `parent` (for an
    update, only those that change); `status` is the new status (None: the default for a new
    project, unchanged for an existing one); `sectors` replaces the split (None: leaves it);
    `parent` is the parent's identifier ('' for none, None to leave it)."""

    identifier: str
    create: bool
    values: dict = field(default_factory=dict)
    status: str | None = None
    sectors: list[tuple[CooperationSector, Decimal]] | None = None
    parent: str | None = None


class RowsRejected(Exception):
    """Rows that cannot be written, each with its ValidationError or Project.DoesNotExist (a
    project it names is gone or hidden from the actor); nothing was written."""

    def __init__(self, errors: list[tuple[int, Exception]]):
        self.errors = errors  # (index of the row, error)
        super().__init__(f'{len(errors)} row(s) refused')


def import_projects(*, rows: list[ProjectRow], actor, reason: str, progress: Progress | None = None) -> list[Project]:
    """Create and update projects as create_project, update_project and change_status would,
    one after the other in the order of `rows` with each part after its whole, all or nothing.

    The permissions are checked once: adding projects for rows that create, changing projects
    for rows that update or name a parent; each project and parent named must be one the actor
    may see. `reason` is the status changes' reason. `progress(done, total)` is called every
    WRITE_BATCH rows with the rows written so far (0 while they are checked) and at the end; an
    exception it raises writes nothing."""
    if not rows:
        return []
    if any(row.create for row in rows):
        require(actor, 'portfolio.add_project')
    if any(not row.create or row.parent for row in rows):
        require(actor, 'portfolio.change_project')
    token = current_token()
    prepared = _Prepared(rows, actor, reason, progress)
    with transaction.atomic():
        # Lock the token: a concurrent write of the portfolio replaces it, and waits for this
        # transaction (PostgreSQL); SQLite's IMMEDIATE transaction already holds the one lock.
        locked = PortfolioState.objects.select_for_update().filter(pk=1).values_list('token', flat=True).first()
        if (locked or 'initial') != token:
            prepared = _Prepared(rows, actor, reason, progress)
        return prepared.write()


#
# Checking constraints without a query per row
#


class _Unknown(Exception):
    """A condition this module cannot evaluate in Python: the database checks it."""


LOOKUPS = {
    'exact': lambda a, b: a == b,
    'gt': lambda a, b: a > b,
    'gte': lambda a, b: a >= b,
    'lt': lambda a, b: a < b,
    'lte': lambda a, b: a <= b,
}


def _value(instance, name: str):
    return getattr(instance, Project._meta.get_field(name).attname)


def _truth(condition, instance) -> bool | None:
    """A Q's value on an unsaved instance with SQL's three values (None: unknown, which a check
    constraint lets pass): what Q.check asks the database, for the lookups constraints use."""
    if isinstance(condition, Q):
        values = [_truth(child, instance) for child in condition.children]
        if condition.connector == Q.AND:
            result = False if False in values else (None if None in values else True)
        else:
            result = True if True in values else (None if None in values else False)
        return (None if result is None else not result) if condition.negated else result
    if not isinstance(condition, tuple):
        raise _Unknown
    name, expected = condition
    path = name.split('__')
    lookup = path.pop() if len(path) > 1 else 'exact'
    if len(path) != 1:
        raise _Unknown
    value = _value(instance, path[0])
    if lookup == 'isnull':
        return (value is None) == bool(expected)
    if lookup not in LOOKUPS:
        raise _Unknown
    if isinstance(expected, F):
        expected = _value(instance, expected.name)
    elif hasattr(expected, 'resolve_expression'):
        raise _Unknown
    if isinstance(expected, Project):
        expected = expected.pk
    if value is None or expected is None:
        return None
    return LOOKUPS[lookup](value, expected)


def constraint_errors(project: Project, exclude: set[str]) -> Iterator[tuple[object, ValidationError]]:
    """(constraint, error) for each of the model's constraints the project breaks, as
    constraint.validate would raise it, evaluated in Python where the condition allows (one
    query per constraint and row otherwise)."""
    for constraint in Project._meta.constraints:
        condition = getattr(constraint, 'condition', None)
        if condition is not None and not getattr(constraint, 'fields', None):
            if condition.referenced_base_fields & exclude:
                continue
            try:
                holds = _truth(condition, project) is not False
            except _Unknown:
                pass
            else:
                if not holds:
                    yield (
                        constraint,
                        ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code),
                    )
                continue
        try:
            constraint.validate(Project, project, exclude=exclude)
        except ValidationError as error:
            yield constraint, error


def clean_project(project: Project, *, taken: bool = False, exclude: Iterable[str] = ()) -> None:
    """project.full_clean(exclude=['stage']) without its queries: the uniqueness of the
    identifier is known (`taken`), the parent is one the caller read (its existence is not
    asked again) and the constraints are evaluated in Python. The same errors."""
    errors: dict = {}
    try:
        project.full_clean(exclude=['stage', 'parent', *exclude], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if taken and 'identifier' not in errors:
        errors.setdefault('identifier', []).append(project.unique_error_message(Project, ('identifier',)))
    excluded = {'stage', *exclude} | {name for name in errors if name != NON_FIELD_ERRORS}
    for _constraint, error in constraint_errors(project, excluded):
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


#
# Preparing
#


def _batches(items: list, size: int = LOOKUP_BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Prepared:
    """Every row validated against the portfolio as the rows leave it, with what to write."""

    def __init__(self, rows: list[ProjectRow], actor, reason: str, progress: Progress | None):
        from portfolio import services  # the package imports this module

        self.services = services
        self.rows, self.actor, self.reason, self.progress = rows, actor, reason, progress
        self.total = len(rows)
        visible = Project.objects.visible_to(actor)
        identifiers = [row.identifier for row in rows]
        named = sorted({row.parent for row in rows if row.parent} - set(identifiers))
        # The projects the rows update, and the parents they name, as the actor may see them.
        self.stored: dict[str, Project] = {}
        for batch in _batches(identifiers + named):
            for project in visible.filter(identifier__in=batch):
                self.stored[project.identifier] = project
        self.created = {row.identifier for row in rows if row.create}
        self.taken = set()  # identifiers of new rows already in use (by any project)
        for batch in _batches([row.identifier for row in rows if row.create]):
            self.taken |= set(Project.objects.filter(identifier__in=batch).values_list('identifier', flat=True))
        self.instances: list[Project | None] = []
        self.before: list[dict | None] = []
        self.errors: list[tuple[int, Exception]] = []
        self._build()
        if not self.errors:
            self._check_graph()
        if self.errors:
            self.errors.sort(key=lambda item: item[0])
            raise RowsRejected(self.errors)
        self._statements()

    def _tick(self, done: int) -> None:
        if self.progress is not None:
            self.progress(done, self.total)

    def _build(self) -> None:
        """Each row's project as it will be written, checked as create_project / update_project
        check it (full_clean, check_sectors), and the change log's "before" of the updates."""
        updated = [self.stored[row.identifier] for row in self.rows if not row.create and row.identifier in self.stored]
        before = dict(zip((p.pk for p in updated), snapshots(updated), strict=True))
        for index, row in enumerate(self.rows):
            if index and index % WRITE_BATCH == 0:
                self._tick(0)
            if row.create:
                project = Project(identifier=row.identifier, status=row.status or Project.status.field.default)
                # created at a later status: that status is its first change (create_project)
                project.previous_status = Project.status.field.default
                self.before.append(None)
            else:
                project = self.stored.get(row.identifier)
                if project is None:
                    self.errors.append((index, Project.DoesNotExist()))
                    self.instances.append(None)
                    self.before.append(None)
                    continue
                self.before.append(before[project.pk])
                project.previous_status, project.previous_parent_id = project.status, project.parent_id
            unknown = set(row.values) - (set(self.services.PROJECT_FIELDS) - {'identifier', 'parent'})
            if unknown:
                raise TypeError(f'not fields a row sets: {", ".join(sorted(unknown))}')
            for name, value in row.values.items():
                setattr(project, name, value)
            if row.parent is not None:
                parent = self.stored.get(row.parent) if row.parent else None
                if row.parent and parent is None and row.parent not in self.created:
                    self.errors.append((index, Project.DoesNotExist()))
                    self.instances.append(None)
                    continue
                project.parent = parent  # a parent the rows create is set once it is written
            self.instances.append(project)
            try:
                clean_project(project, taken=row.create and row.identifier in self.taken)
                if row.sectors is not None:
                    self.services.check_sectors(list(row.sectors))
                if row.status is not None and row.status != project.previous_status:
                    self.services.check_status_change(project.previous_status, row.status, self.reason)
            except ValidationError as error:
                self.errors.append((index, error))

    def _check_graph(self) -> None:
        """check_parent and check_part_levels for every row on the projects as the rows leave
        them: the database's parents and parts overlaid with the rows."""
        keys = {row.identifier: ('new', row.identifier) for row in self.rows if row.create}
        node_of = {}  # key → (identifier, visibility, is_umbrella, parent key) as the rows leave it
        if any(row.parent is not None for row in self.rows):
            # Every project's parent, so that a cycle through projects hidden from the actor is found too.
            for pk, identifier, parent_id, visibility, umbrella in Project.objects.values_list(
                'pk', 'identifier', 'parent_id', 'visibility', 'is_umbrella'
            ):
                keys.setdefault(identifier, pk)
                node_of[pk] = (identifier, visibility, umbrella, parent_id)
        else:
            # Parents and parts of the rows' projects only.
            pks = [project.pk for project in self.instances if project is not None and project.pk]
            related = {project.parent_id for project in self.instances if project is not None and project.parent_id}
            for batch in _batches(sorted(related)):
                for values in Project.objects.filter(pk__in=batch).values_list(
                    'pk', 'identifier', 'visibility', 'is_umbrella', 'parent_id'
                ):
                    node_of[values[0]] = values[1:2] + values[2:4] + values[4:5]
            for batch in _batches(pks):
                for values in Project.objects.filter(parent_id__in=batch).values_list(
                    'pk', 'identifier', 'visibility', 'is_umbrella', 'parent_id'
                ):
                    node_of[values[0]] = values[1:2] + values[2:4] + values[4:5]
        row_key = {}
        for index, (row, project) in enumerate(zip(self.rows, self.instances, strict=True)):
            key = keys[row.identifier] if row.create else project.pk
            row_key[index] = key
            parent = project.parent_id
            if row.parent is not None:
                parent = keys.get(row.parent) if row.parent else None
            node_of[key] = (row.identifier, project.visibility, project.is_umbrella, parent)
        self.order = sorted(range(len(self.rows)), key=lambda index: (self._depth(row_key[index], node_of), index))
        parts_of = defaultdict(list)
        for identifier, visibility, _umbrella, parent in node_of.values():
            if parent is not None:
                parts_of[parent].append((identifier, visibility))
        for index in range(len(self.rows)):
            project, key = self.instances[index], row_key[index]
            parent_key = node_of[key][3]
            try:
                seen, node = {key}, parent_key
                while node is not None:
                    if node in seen:
                        raise ValidationError({'parent': _('This parent would make the project its own ancestor.')})
                    seen.add(node)
                    node = node_of[node][3] if node in node_of else None
                parent = None
                if parent_key is not None and parent_key in node_of:
                    _identifier, visibility, umbrella, _grandparent = node_of[parent_key]
                    parent = Project(visibility=visibility, is_umbrella=umbrella)
                self.services.check_part_levels(project, parent, parts=parts_of.get(key, []))
            except ValidationError as error:
                self.errors.append((index, error))

    @staticmethod
    def _depth(key, node_of) -> int:
        depth, seen, node = 0, {key}, node_of[key][3]
        while node is not None and node in node_of and node not in seen:
            seen.add(node)
            depth, node = depth + 1, node_of[node][3]
        return depth

    #
    # Writing: every statement's parameters are made here, outside the transaction
    #

    def _statements(self) -> None:
        """The statements of each batch of WRITE_BATCH rows, with their parameters: new projects
        get keys reserved from the database's own sequence, so that parts, sector shares and the
        change log can name them before anything is written."""
        now = timezone.now()
        creates = [index for index in self.order if self.rows[index].create]
        for index, pk in zip(creates, reserve_keys(Project, len(creates)), strict=True):
            self.instances[index].pk = pk
        pk_of = {project.identifier: project.pk for project in self.stored.values()}
        pk_of.update((self.rows[index].identifier, self.instances[index].pk) for index in creates)
        for row, project in zip(self.rows, self.instances, strict=True):
            if row.parent:
                project.parent_id = pk_of[row.parent]
        self.moved = {
            project.pk: project.visibility
            for row, project in zip(self.rows, self.instances, strict=True)
            if not row.create and 'visibility' in row.values
        }
        self.batches = []
        for start in range(0, len(self.order), WRITE_BATCH):
            indexes = self.order[start : start + WRITE_BATCH]
            rows = [self.rows[index] for index in indexes]
            projects = [self.instances[index] for index in indexes]
            new = [project for row, project in zip(rows, projects, strict=True) if row.create]
            for project in new:
                project.created = project.last_updated = now
            statements = [insert_statement(new)] if new else []
            statements += self._updates(rows, projects, now)
            replaced = [project.pk for row, project in zip(rows, projects, strict=True) if row.sectors is not None]
            if replaced:
                table = connection.ops.quote_name(ProjectSector._meta.db_table)
                marks = ', '.join(['%s'] * len(replaced))
                statements.append((f'DELETE FROM {table} WHERE project_id IN ({marks})', [replaced]))
            shares = [
                ProjectSector(project_id=project.pk, sector=sector, percentage=percentage)
                for row, project in zip(rows, projects, strict=True)
                for sector, percentage in row.sectors or []
            ]
            if shares:
                statements.append(insert_statement(shares))
            changes = [
                StatusChange(
                    project_id=project.pk,
                    previous=project.previous_status,
                    new=project.status,
                    reason=self.reason.strip(),
                    actor=user_of(self.actor),
                    time=now,
                )
                for project in projects
                if project.status != project.previous_status
            ]
            if changes:
                statements.append(insert_statement(changes))
            log = change_rows(self._changes(rows, projects, [self.before[index] for index in indexes]))
            if log:
                statements.append(insert_statement(log))
            refresh = [project.pk for project in projects] + [
                project.previous_parent_id
                for row, project in zip(rows, projects, strict=True)
                if not row.create and project.previous_parent_id
            ]
            self.batches.append((len(indexes), statements, refresh))

    def write(self) -> list[Project]:
        done, refresh = 0, []
        self._tick(0)
        with connection.cursor() as cursor:
            for count, statements, keys in self.batches:
                for statement in statements:
                    _execute(cursor, *statement)
                refresh += keys
                done += count
                if done < self.total:
                    self._tick(done)
        # Once for every row: from 5,000 projects on, PostgreSQL's statistics are brought up to
        # date first (aggregation.LARGE_REFRESH), which a refresh per batch would not do.
        follow_visibility(Project, self.moved)
        refresh_projects(refresh)
        self._tick(self.total)
        for row, project in zip(self.rows, self.instances, strict=True):
            if row.create:
                project._state.adding = False
        return [project for project in self.instances if project is not None]

    def _updates(self, rows: list[ProjectRow], projects: list[Project], now: datetime.datetime) -> list[tuple]:
        """One prepared UPDATE per set of changed columns, run for every row that changes them."""
        groups = defaultdict(list)
        for row, project in zip(rows, projects, strict=True):
            if row.create:
                continue
            names = list(row.values)
            if row.parent is not None:
                names.append('parent')
            if row.status is not None and row.status != project.previous_status:
                project.status = row.status
                names.append('status')
            if names:
                project.last_updated = now
                groups[tuple(sorted(set(names)))].append(project)
        table = connection.ops.quote_name(Project._meta.db_table)
        statements = []
        for names, members in groups.items():
            fields = [Project._meta.get_field(name) for name in (*names, 'last_updated')]
            assignments = ', '.join(f'{connection.ops.quote_name(f.column)} = %s' for f in fields)
            values = [
                [f.get_db_prep_save(getattr(project, f.attname), connection) for f in fields] + [project.pk]
                for project in members
            ]
            casts = [f.cast_db_type(connection) for f in fields] + [Project._meta.pk.cast_db_type(connection)]
            statements.append((f'UPDATE {table} SET {assignments} WHERE id = %s', values, casts))
        return statements

    def _changes(self, rows: list[ProjectRow], projects: list[Project], before: list[dict | None]) -> list[tuple]:
        """The change log the single writes would leave: a create; or an update of the fields
        (update_project) followed by an update of the status (change_status), each only when it
        changes what the log shows."""
        # The rows never change links: those read for the "before" are the "after" too.
        linked = {project.pk: old['linked'] for project, old in zip(projects, before, strict=True) if old is not None}
        after = snapshots(projects, members={'linked': linked})
        changes = []
        for row, project, old, new in zip(rows, projects, before, after, strict=True):
            if row.create:
                changes.append((project, 'create', None, new))
                continue
            status_changed = project.status != project.previous_status
            fields_changed = bool(row.values) or row.parent is not None or row.sectors is not None
            if fields_changed:
                middle = dict(new, status=project.previous_status) if status_changed else new
                changes.append((project, 'update', old, middle))
                old = middle
            if status_changed:
                changes.append((project, 'update', old, new))
        return changes


def reserve_keys(model, count: int) -> list[int]:
    """`count` primary keys of `model` that no other insert will take, from the table's own
    sequence (PostgreSQL's identity sequence; SQLite's AUTOINCREMENT counter, sqlite_sequence,
    which never hands out a key at or below its value): like the keys of a rolled-back insert,
    keys reserved by a refused import are left unused."""
    if count == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == 'postgresql':
            cursor.execute(
                'SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)', [table, column, count]
            )
            return sorted(key for (key,) in cursor.fetchall())
        if connection.vendor != 'sqlite':
            raise NotImplementedError(f'no key reservation for {connection.vendor}')
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f'INSERT INTO sqlite_sequence (name, seq) SELECT %s, COALESCE((SELECT MAX({column}) FROM {quoted}), 0) '
            'WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)',
            [table, table],
        )
        cursor.execute('UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s', [count, table])
        cursor.execute('SELECT seq FROM sqlite_sequence WHERE name = %s', [table])
        (last,) = cursor.fetchone()
    return list(range(last - count + 1, last + 1))


def _execute(cursor, sql: str, rows: list[list], casts: list[str] | None = None) -> None:
    """Run one statement for every row of parameters. SQLite runs each in process, so executemany
    is as fast as anything. PostgreSQL pays a round of messages per statement, and Django's
    psycopg cursor binds parameters in Python: there new rows go as one COPY, and updates as one
    UPDATE … FROM (VALUES …) per WRITE_BATCH rows, bound on the server."""
    if connection.vendor != 'postgresql' or not rows:
        cursor.executemany(sql, rows)
        return
    import psycopg  # the PostgreSQL driver, installed where PostgreSQL is used

    with psycopg.Cursor(connection.connection) as raw:
        if sql.startswith('INSERT'):
            head = sql.split(' VALUES ')[0].removeprefix('INSERT INTO ')
            with raw.copy(f'COPY {head} FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        elif casts is not None:
            table, assignments = sql.removeprefix('UPDATE ').split(' WHERE ')[0].split(' SET ')
            columns = [item.split(' = ')[0] for item in assignments.split(', ')]
            marks = '(' + ', '.join(f'%s::{cast}' for cast in casts) + ')'
            names = ', '.join([*columns, '"_key"'])
            setting = ', '.join(f'{column} = v.{column}' for column in columns)
            for start in range(0, len(rows), WRITE_BATCH):
                chunk = rows[start : start + WRITE_BATCH]
                raw.execute(
                    f'UPDATE {table} SET {setting} FROM (VALUES {", ".join([marks] * len(chunk))}) AS v({names}) '
                    f'WHERE {table}.id = v."_key"',
                    [value for row in chunk for value in row],
                )
        else:
            raw.executemany(sql, rows)
