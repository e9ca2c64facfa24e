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
