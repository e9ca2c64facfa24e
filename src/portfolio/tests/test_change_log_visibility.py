"""The change log follows the visibility of the record each change is about: a project's changes,
those of its parts (amounts, budgets, documents, participants, milestones) and of its citations
reach only readers who may see the project — on the change-log page, its detail pages and the API.

A secretariat user of one side sees restricted projects and those of their own side, not those of
the other side (docs/portfolio-aggregation.md, "Who sees what")."""

import datetime
from decimal import Decimal

import pytest

from core.models import Currency, ObjectChange
from hamkor.permissions import SYSTEM
from portfolio import services
from portfolio.models import Project
from sources import services as source_services

LEVELS = ('public', 'partners', 'side_uz', 'side_cn', 'restricted')
SEES = {  # reader → the levels whose history it sees
    ('secretariat', 'UZ'): {'public', 'partners', 'side_uz', 'restricted'},
    ('secretariat', 'CN'): {'public', 'partners', 'side_cn', 'restricted'},
    ('secretariat', 'JOINT'): set(LEVELS),
}


@pytest.fixture
def report(db):
    return source_services.create_source(actor=SYSTEM, key='report', title='Report', kind='press', publisher='P')


def make_history(make_project, bank, report):
    """A project at each level with a sentinel title, an amount, a budget, a document, a
    participant, a milestone and a citation: each writes change-log rows."""
    usd, day = Currency.objects.get(code='USD'), datetime.date(2024, 3, 1)
    for level in LEVELS:
        project = make_project(f'H-{level}', visibility=level, title_en=f'Sentinel {level} history')
        on_project = {'project': project, 'actor': SYSTEM}
        services.add_transaction(**on_project, type='11', value=Decimal(5), currency=usd, value_date=day)
        services.add_budget(**on_project, period_start=day, period_end=datetime.date(2024, 12, 31),
                            value=Decimal(5), currency=usd, value_date=day)  # fmt: skip
        services.add_document(**on_project, url=f'https://example.org/{level}', format='text/html',
                              title_en=f'Document {level}', category='A12')  # fmt: skip
        services.add_participant(**on_project, organization=bank, role='1')
        services.add_milestone(**on_project, title=f'Milestone {level}')
        source_services.add_citation(record=project, source=report, locator=f'p. {level}', confidence='low',
                                     actor=SYSTEM)  # fmt: skip


PARTS = {'transaction', 'budget', 'documentlink', 'participant', 'milestone'}


def about_level(change: ObjectChange) -> str | None:
    """The level of the project a change is about, read from what the change names (never from
    the stored visibility, which is what is tested); None for a change about no project."""
    values = change.after or change.before
    if change.content_type.model not in {'project', 'citation', *PARTS}:
        return None
    if change.content_type.model == 'project':
        return values['visibility']
    if change.content_type.model == 'citation':
        return next(level for level in LEVELS if values['locator'] == f'p. {level}')
    return Project.objects.get(pk=values['project_id']).visibility


@pytest.mark.parametrize('reader', list(SEES), ids=lambda reader: '-'.join(reader))
def test_a_reader_sees_the_history_of_the_projects_it_may_see_and_no_other(
    reader, make_project, bank, report, client_as, api_as
):
    make_history(make_project, bank, report)
    role, side = reader
    client, api = client_as(role, side=side), api_as(role, side=side)
    changes = list(ObjectChange.objects.select_related('content_type'))
    shown = {change.pk for change in changes if about_level(change) in {None, *SEES[reader]}}
    hidden = {change.pk for change in changes} - shown
    assert len(hidden) == 7 * len(set(LEVELS) - SEES[reader])  # a project, its 5 parts and a citation

    listed = api.get('/api/changes/', {'page_size': 1000}).json()
    assert {row['id'] for row in listed['results']} == shown
    assert listed['count'] == len(shown)
    page = client.get('/reference/changes/', {'page_size': 1000})
    assert sum(1 for change in page.context['page'].paginator.object_list) == len(shown)
    unseen = SEES[('secretariat', 'JOINT')] - SEES[reader]
    for level in unseen:
        assert f'Sentinel {level} history' not in page.content.decode()
    answers = {pk: (client.get(f'/reference/changes/{pk}/').status_code, api.get(f'/api/changes/{pk}/').status_code)
               for pk in hidden}  # fmt: skip
    assert answers == dict.fromkeys(hidden, (404, 404))


def record_side_uz_history(make_project, bank, report, identifier: str) -> Project:
    """A side_uz project with a part of each kind, one of them removed since (its history stays),
    and a citation."""
    project = make_project(identifier, visibility='side_uz', title_en=f'Sentinel {identifier}')
    on_project = {'project': project, 'actor': SYSTEM}
    usd, day = Currency.objects.get(code='USD'), datetime.date(2024, 3, 1)
    services.add_transaction(**on_project, type='11', value=Decimal(5), currency=usd, value_date=day)
    services.add_participant(**on_project, organization=bank, role='1')
    milestone = services.add_milestone(**on_project, title='Milestone')
    services.remove_milestone(milestone=milestone, actor=SYSTEM)
    source_services.add_citation(record=project, source=report, locator='p. 1', confidence='low', actor=SYSTEM)
    return project


def history_levels(project: Project) -> list[tuple[str, str, str]]:
    """(record type, action, stored level) of every change about the project or what belongs to it,
    found by what the changes name (not by their level, which is what is tested)."""
    belongs = []
    for change in ObjectChange.objects.select_related('content_type').order_by('pk'):
        values = change.after or change.before
        model = change.content_type.model
        if (
            (model == 'project' and change.object_id == str(project.pk))
            or (model == 'citation' and values['object_id'] == str(project.pk))
            or (model in PARTS and values['project_id'] == project.pk)
        ):
            belongs.append((model, change.action, change.visibility))
    return belongs


def move_with_the_service(project: Project) -> None:
    services.update_project(project=project, actor=SYSTEM, visibility='side_cn')


def move_with_an_import(project: Project) -> None:
    row = services.ProjectRow(identifier=project.identifier, create=False, values={'visibility': 'side_cn'})
    services.import_projects(rows=[row], actor=SYSTEM, reason='moved')


@pytest.mark.parametrize('move', [move_with_the_service, move_with_an_import], ids=['service', 'import'])
def test_a_project_moved_to_the_other_side_takes_its_whole_history_with_it(move, make_project, bank, report, api_as):
    moved = record_side_uz_history(make_project, bank, report, 'H-MOVED')
    stays = record_side_uz_history(make_project, bank, report, 'H-STAYS')
    move(Project.objects.get(pk=moved.pk))

    recorded = [('project', 'create', 'side_uz'), ('transaction', 'create', 'side_uz'),
                ('participant', 'create', 'side_uz'), ('milestone', 'create', 'side_uz'),
                ('milestone', 'delete', 'side_uz'), ('citation', 'create', 'side_uz')]  # fmt: skip
    assert history_levels(stays) == recorded
    # Every row the project wrote while it was on the Uzbek side, the move's own row last.
    assert history_levels(moved) == [(model, action, 'side_cn') for model, action, _ in recorded] + [
        ('project', 'update', 'side_cn')
    ]
    listed = {side: api_as('secretariat', side=side).get('/api/changes/?page_size=1000') for side in ('UZ', 'CN')}
    seen_by = {side: {row['id'] for row in response.json()['results']} for side, response in listed.items()}
    moved_rows = set(ObjectChange.objects.filter(visibility='side_cn').values_list('pk', flat=True))
    assert len(moved_rows) == 7
    assert moved_rows & seen_by['UZ'] == set()
    assert moved_rows <= seen_by['CN']
