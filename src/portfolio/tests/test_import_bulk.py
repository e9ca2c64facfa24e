"""The project import written in bulk: the same change log as the single writes, progress, the
umbrella rule in the plan, permissions, and the work done by someone else between check and write."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.changelog import snapshot
from core.models import ObjectChange
from hamkor.context import change_context
from hamkor.permissions import SYSTEM
from portfolio import services
from portfolio.choices import ProjectStatus
from portfolio.imports import ImportRejected, apply_import, plan_import, rows_to_apply
from portfolio.models import Project, ProjectSector, StatusChange
from portfolio.models.state import current_token

pytestmark = pytest.mark.django_db


def write(directory: Path, text: str, name: str = 'projects.csv') -> Path:
    file = directory / name
    file.write_text(text, encoding='utf-8')
    return file


def everything() -> tuple:
    """Every table an import writes, to show that nothing was written."""
    return (
        sorted(Project.objects.values_list('identifier', 'title_en', 'status', 'visibility', 'parent__identifier')),
        sorted(ProjectSector.objects.values_list('project__identifier', 'sector__code', 'percentage')),
        ObjectChange.objects.count(),
        StatusChange.objects.count(),
    )


#
# The change log is the one the single writes leave
#


def write_row_by_row(plan, actor, request_id: str) -> None:
    """What the import did before it wrote in bulk: each row through create_project,
    update_project and change_status, parents first."""
    reason = f'Imported from {plan.filename}'
    with change_context(channel='import', actor=actor, request_id=request_id):
        for row in rows_to_apply(plan):
            values = {name: value for name, value in row.values.items() if name != 'status'}
            if row.parent is not None:
                values['parent'] = Project.objects.get(identifier=row.parent) if row.parent else None
            if row.action == 'create':
                services.create_project(
                    actor=actor,
                    identifier=row.identifier,
                    status=row.values.get('status', ProjectStatus.PROPOSAL),
                    status_reason=reason,
                    sectors=row.sectors or [],
                    is_illustrative=row.illustrative,
                    **values,
                )
                continue
            project = Project.objects.get(identifier=row.identifier)
            changed = {name: value for name, value in values.items() if name in row.changes}
            if changed or 'sectors' in row.changes:
                sectors = row.sectors if 'sectors' in row.changes else None
                project = services.update_project(project=project, actor=actor, sectors=sectors, **changed)
            if 'status' in row.changes:
                services.change_status(project=project, actor=actor, status=row.values['status'], reason=reason)


def logged(request_id: str) -> list[tuple]:
    """The change log of one import with the keys it cannot share with another run of the same
    file (row ids, project keys, creation times) named by what they stand for."""
    identifier_of = dict(Project.objects.values_list('pk', 'identifier'))
    created_of = {project.pk: snapshot(project)['created'] for project in Project.objects.all()}

    def named(values: dict | None, pk: int):
        if values is None:
            return None
        values = dict(values)
        assert values.pop('id') == pk
        if values['parent_id'] is not None:
            values['parent_id'] = identifier_of[values['parent_id']]
        assert values.pop('created') == created_of[pk]
        return values

    return [
        (
            change.action,
            identifier_of[int(change.object_id)],
            change.object_repr,
            change.channel,
            change.actor_name,
            change.actor_id,
            change.visibility,
            named(change.before, int(change.object_id)),
            named(change.after, int(change.object_id)),
        )
        for change in ObjectChange.objects.filter(request_id=request_id).order_by('id')
    ]


def status_changes() -> list[tuple]:
    return list(
        StatusChange.objects.order_by('id').values_list('project__identifier', 'previous', 'new', 'reason', 'actor')
    )


CHANGES = """identifier,title_en,status,sectors,parent,is_umbrella,visibility,planned_start,planned_end
KEEP,Kept,proposal,mining 100%,,no,public,,
RETITLED,Retitled and moved on,negotiation,,,no,public,,
STEPPED,Stepped,agreement_signed,,,no,partners,,
SPLIT,Split,proposal,geology 50%; mining 50%,,no,public,,
MOVED,Moved under the frame,proposal,,FRAME,no,public,,
FRAME,Framework agreement,proposal,,,yes,partners,,
PART,A new part,implementation,green_energy 80%; agrivoltaics 20%,FRAME,no,public,2024-01-01,2026-12-31
"""


@pytest.fixture
def existing(make_project, db):
    make_project('KEEP', title_en='Kept', split={'mining': 100})
    make_project('RETITLED', title_en='Old title')
    make_project('STEPPED', title_en='Stepped', status='negotiation', visibility='partners')
    make_project('SPLIT', title_en='Split', split={'mining': 100})
    make_project('MOVED', title_en='Moved')


def test_the_change_log_of_an_import_is_the_one_its_rows_written_one_by_one_leave(existing, tmp_path, make_user):
    """Each create is logged with the project as written; an update of fields and a change of
    status are two entries (update_project, then change_status); a change of sectors alone logs
    nothing (they are not in the project's record); all under channel "import" and one request."""
    actor = make_user('secretariat')
    file = write(tmp_path, CHANGES)
    plan = plan_import(file, actor=actor)
    assert plan.counts == {'create': 2, 'update': 4, 'unchanged': 1, 'reject': 0}
    request_id = 'row-by-row'
    with transaction.atomic():
        write_row_by_row(plan, actor, request_id)
        one_by_one, statuses_one_by_one = logged(request_id), status_changes()
        transaction.set_rollback(True)
    assert not ObjectChange.objects.filter(request_id=request_id).exists()

    result = apply_import(plan_import(file, actor=actor), actor=actor)

    in_bulk = logged(result.request_id)
    assert in_bulk == one_by_one
    assert status_changes() == statuses_one_by_one
    # The rule, spelled out for the entries it produces:
    assert [(action, identifier) for action, identifier, *_rest in in_bulk] == [
        ('update', 'RETITLED'),  # title (update_project) …
        ('update', 'RETITLED'),  # … then status (change_status)
        ('update', 'STEPPED'),  # status only
        ('create', 'FRAME'),
        ('update', 'MOVED'),  # under FRAME: after it
        ('create', 'PART'),  # a part after its whole
    ]  # SPLIT changes only its sectors: no entry
    assert {(channel, actor_name, actor_id) for _a, _i, _r, channel, actor_name, actor_id, *_ in in_bulk} == {
        ('import', actor.username, actor.pk)
    }
    part = Project.objects.get(identifier='PART')
    create = ObjectChange.objects.get(request_id=result.request_id, object_id=str(part.pk))
    assert (create.before, create.after, create.visibility) == (None, snapshot(part), 'public')
    frame = Project.objects.get(identifier='FRAME')
    assert (part.parent, frame.is_umbrella, frame.in_aggregates) == (frame, True, False)
    assert [(share.sector.code, share.percentage) for share in part.sectors.all()] == [
        ('green_energy', Decimal('80.00')),
        ('agrivoltaics', Decimal('20.00')),
    ]
    assert sorted(
        ProjectSector.objects.filter(project__identifier='SPLIT').values_list('sector__code', 'percentage')
    ) == [
        ('geology', Decimal('50.00')),
        ('mining', Decimal('50.00')),
    ]


def test_a_second_import_of_the_same_file_writes_nothing(existing, tmp_path):
    file = write(tmp_path, CHANGES)
    apply_import(plan_import(file, actor=SYSTEM), actor=SYSTEM)
    before = everything()

    plan = plan_import(file, actor=SYSTEM)
    apply_import(plan, actor=SYSTEM)

    assert plan.counts == {'create': 0, 'update': 0, 'unchanged': 7, 'reject': 0}
    assert everything() == before


#
# Progress
#


def numbered(count: int, start: int = 0) -> str:
    return 'identifier,title_en\n' + ''.join(f'N-{number:04d},Project {number}\n' for number in range(start, count))


def test_plan_and_apply_report_progress_at_least_every_500_rows_and_at_the_end(tmp_path):
    file = write(tmp_path, numbered(1201))
    planned, applied = [], []

    plan = plan_import(file, actor=SYSTEM, progress=lambda done, total: planned.append((done, total)))
    apply_import(plan, actor=SYSTEM, progress=lambda done, total: applied.append((done, total)))

    for calls in (planned, applied):
        assert calls[-1] == (1201, 1201)
        assert {total for _done, total in calls} == {1201}
        dones = [done for done, _total in calls]
        assert dones == sorted(dones)
    # Planning tells the rows read; applying the rows written, every 500 of each.
    assert [done for done, _total in planned] == [500, 1000, 1201]
    assert [done for done, _total in applied if done] == [500, 1000, 1201]
    assert Project.objects.filter(identifier__startswith='N-').count() == 1201


class Stop(Exception):
    pass


@pytest.mark.parametrize('stop_at', [0, 500, 1201])
def test_an_exception_of_the_progress_callback_propagates_and_nothing_is_written(make_project, tmp_path, stop_at):
    make_project('N-0000', title_en='Before the import')
    file = write(tmp_path, numbered(1201))
    plan = plan_import(file, actor=SYSTEM)
    before = everything()
    calls = []

    def progress(done, total):
        calls.append(done)
        if done == stop_at and len(calls) > 1:
            raise Stop(done)

    with pytest.raises(Stop):
        apply_import(plan, actor=SYSTEM, progress=progress)

    assert everything() == before


def test_an_exception_of_the_progress_callback_stops_the_plan(tmp_path):
    def progress(done, total):
        raise Stop(done)

    with pytest.raises(Stop):
        plan_import(write(tmp_path, numbered(600)), actor=SYSTEM, progress=progress)


#
# The umbrella rule in the plan
#


def refusal(part: str, umbrella: str) -> str:
    """The service's own message (services.part_level_message) for a part at `part` under an umbrella at `umbrella`."""
    return services.part_level_message(part, umbrella)


@pytest.fixture
def umbrellas(make_project):
    partners = make_project('U-PARTNERS', is_umbrella=True, visibility='partners')
    restricted = make_project('U-RESTRICTED', is_umbrella=True, visibility='restricted')
    make_project('P-RESTRICTED', visibility='restricted', parent=restricted)
    make_project('P-PARTNERS', visibility='partners', parent=partners)
    make_project('LOOSE', visibility='partners')


# PART_LEVELS: a part of a partners umbrella is public or partners; of a restricted one public or
# restricted; of a public one public only.
@pytest.mark.parametrize(
    ('rows', 'expected'),
    [
        # A new part that the umbrella's readers (partners) would not all see.
        (['NEW,New,U-PARTNERS,restricted,no'], [(2, 'visibility', refusal('restricted', 'partners'))]),
        (['NEW,New,U-PARTNERS,partners,no'], []),
        # An existing part made less visible than its umbrella's readers.
        (['P-PARTNERS,P-PARTNERS,U-PARTNERS,side_uz,no'], [(2, 'visibility', refusal('side_uz', 'partners'))]),
        # An umbrella made more visible than its part.
        (['U-RESTRICTED,U-RESTRICTED,,public,yes'], [(2, 'visibility', refusal('restricted', 'public'))]),
        # A project moved under an umbrella it is hidden from some readers of.
        (['LOOSE,LOOSE,U-RESTRICTED,partners,no'], [(2, 'visibility', refusal('partners', 'restricted'))]),
        # A project with a partners part made a public umbrella.
        (['U-PARTNERS,U-PARTNERS,,public,yes'], [(2, 'visibility', refusal('partners', 'public'))]),
        # The umbrella and its part made public together: every reader sees both.
        (['U-RESTRICTED,U-RESTRICTED,,public,yes', 'P-RESTRICTED,P-RESTRICTED,U-RESTRICTED,public,no'], []),
        # A new umbrella and a new part in the same file, the part hidden from the umbrella's readers.
        (
            ['NEW-U,New umbrella,,public,yes', 'NEW-P,New part,NEW-U,partners,no'],
            # Both rows make the pair: the part under the umbrella, the umbrella over the part.
            [(2, 'visibility', refusal('partners', 'public')), (3, 'visibility', refusal('partners', 'public'))],
        ),
        # Not an umbrella: the rule does not apply.
        (['U-PARTNERS,U-PARTNERS,,public,no', 'P-PARTNERS,P-PARTNERS,U-PARTNERS,partners,no'], []),
    ],
)
def test_the_plan_refuses_what_the_umbrella_rule_refuses_at_its_line(umbrellas, tmp_path, rows, expected):
    file = write(tmp_path, 'identifier,title_en,parent,visibility,is_umbrella\n' + '\n'.join(rows) + '\n')
    before = everything()

    plan = plan_import(file, actor=SYSTEM)

    assert sorted((p.line, p.field, p.message) for p in plan.problems) == sorted(expected)
    if expected:
        with pytest.raises(ImportRejected):
            apply_import(plan, actor=SYSTEM)
        assert everything() == before
    else:
        apply_import(plan, actor=SYSTEM)
        for row in rows:
            identifier, _title, parent, visibility, umbrella = row.split(',')
            project = Project.objects.get(identifier=identifier)
            assert (project.parent.identifier if project.parent else '', project.visibility, project.is_umbrella) == (
                parent,
                visibility,
                umbrella == 'yes',
            )


#
# Permissions and the service's own checks
#


def test_each_kind_of_row_needs_its_permission(make_project, make_user, tmp_path):
    make_project('OLD', title_en='Old')
    creates = write(tmp_path, 'identifier,title_en\nNEW,New\n', 'creates.csv')
    updates = write(tmp_path, 'identifier,title_en\nOLD,Renamed\n', 'updates.csv')
    adder = make_user(None)
    adder.user_permissions.add(Permission.objects.get(codename='add_project'))
    changer = make_user(None)
    changer.user_permissions.add(Permission.objects.get(codename='change_project'))
    applicant = make_user('applicant')
    before = everything()

    for actor, file in ((adder, updates), (changer, creates), (applicant, creates)):
        with pytest.raises(PermissionDenied):
            apply_import(plan_import(file, actor=actor), actor=actor)
        assert everything() == before

    apply_import(plan_import(creates, actor=adder), actor=adder)
    apply_import(plan_import(updates, actor=changer), actor=changer)
    assert dict(Project.objects.values_list('identifier', 'title_en')) == {'OLD': 'Renamed', 'NEW': 'New'}


def test_the_service_refuses_a_project_hidden_from_the_actor_and_writes_nothing(make_project, make_user):
    make_project('SECRET', visibility='restricted')
    analyst = make_user('uz-analyst')  # sees public, partner and own-side projects, not restricted ones
    analyst.user_permissions.add(*Permission.objects.filter(codename__in=['add_project', 'change_project']))
    before = everything()
    new = services.ProjectRow(identifier='NEW', create=True, values={'title_en': 'New'})
    update = services.ProjectRow(identifier='SECRET', create=False, values={'title_en': 'Seen'})
    child = services.ProjectRow(identifier='CHILD', create=True, values={'title_en': 'Child'}, parent='SECRET')

    for rows in ([new, update], [new, child]):
        with pytest.raises(services.RowsRejected) as raised:
            services.import_projects(rows=rows, actor=analyst, reason='test')
        assert [(index, type(error)) for index, error in raised.value.errors] == [(1, Project.DoesNotExist)]
        assert everything() == before


def test_the_service_validates_each_row_with_the_models_messages():
    rows = [
        services.ProjectRow(
            identifier='DATES',
            create=True,
            values={
                'title_en': 'Dates',
                'planned_start': datetime.date(2025, 1, 1),
                'planned_end': datetime.date(2024, 1, 1),
            },
        ),
        services.ProjectRow(identifier='NO-TITLE', create=True, values={'title_en': ''}),
        services.ProjectRow(identifier='CYCLE-A', create=True, values={'title_en': 'A'}, parent='CYCLE-B'),
        services.ProjectRow(identifier='CYCLE-B', create=True, values={'title_en': 'B'}, parent='CYCLE-A'),
    ]

    with pytest.raises(services.RowsRejected) as raised:
        services.import_projects(rows=rows, actor=SYSTEM, reason='test')

    errors = {index: error.message_dict for index, error in raised.value.errors}
    assert errors[0] == {'__all__': ['The planned end is before the planned start.']}
    assert errors[1] == {'title_en': ['This field cannot be blank.']}
    assert not Project.objects.exists()

    with pytest.raises(services.RowsRejected) as raised:
        services.import_projects(rows=rows[2:], actor=SYSTEM, reason='test')
    cycle = {'parent': ['This parent would make the project its own ancestor.']}
    assert [(index, error.message_dict) for index, error in raised.value.errors] == [(0, cycle), (1, cycle)]


def test_a_project_created_while_the_rows_are_checked_is_refused_not_duplicated(tmp_path):
    """The rows are checked outside the transaction; a write in between (here by the progress
    callback, at the first tick of the check) makes the service check them again inside it."""
    plan = plan_import(write(tmp_path, numbered(600)), actor=SYSTEM)
    created = []

    def progress(done, total):
        if not created:
            created.append(services.create_project(actor=SYSTEM, identifier='N-0599', title_en='Created meanwhile'))

    with pytest.raises(ImportRejected) as raised:
        apply_import(plan, actor=SYSTEM, progress=progress)

    assert [str(problem) for problem in raised.value.problems] == [
        "projects.csv, line 601, field 'identifier': Project with this Identifier already exists."
    ]
    assert list(Project.objects.values_list('identifier', 'title_en')) == [('N-0599', 'Created meanwhile')]


#
# Queries do not grow with the rows
#


def queries_of(function, *args, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(*args, **kwargs)
    return len(captured.captured_queries)


@pytest.mark.parametrize('columns', ['identifier,title_en', 'identifier,title_en,parent,visibility,is_umbrella'])
def test_planning_and_applying_make_as_many_queries_for_300_rows_as_for_3(make_project, tmp_path, columns):
    make_project('FRAME', is_umbrella=True)
    counts = []
    for count in (3, 300):
        lines = [f'S{count}-{number},Project {number}' for number in range(count)]
        if 'parent' in columns:
            lines = [f'{line},FRAME,public,no' for line in lines]
        file = write(tmp_path, columns + '\n' + '\n'.join(lines) + '\n')
        plan_queries = queries_of(plan_import, file, actor=SYSTEM)
        plan = plan_import(file, actor=SYSTEM)
        counts.append((plan_queries, queries_of(apply_import, plan, actor=SYSTEM)))
    assert counts[0] == counts[1]


def test_a_file_of_unchanged_rows_opens_no_transaction(make_project, tmp_path):
    make_project('SAME', title_en='Same')
    token = current_token()
    plan = plan_import(write(tmp_path, 'identifier,title_en\nSAME,Same\n'), actor=SYSTEM)
    calls = []

    apply_import(plan, actor=SYSTEM, progress=lambda done, total: calls.append((done, total)))

    assert (plan.counts['unchanged'], calls, current_token()) == (1, [(0, 0)], token)
