"""Every write of the portfolio refuses an actor without its permission, or who may not see the
project, and writes nothing, whatever channel calls it (page, API, import, command).

Each write is tried three times: by a user holding every portfolio permission except the one it
needs (refused), by a user holding every portfolio permission who may not see the project
(refused: a restricted project and a user without view_restricted_project), and by a user with
exactly the permissions it needs (done: so that a refusal is not an accident of the data).
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from core.models import Currency
from hamkor.permissions import SYSTEM
from hamkor.testing.services import assert_refused, table_state
from portfolio import services
from portfolio.imports import apply_import, plan_import
from portfolio.models import Project

PORTFOLIO_MODELS = (
    'portfolio.Project',
    'portfolio.ProjectSector',
    'portfolio.Participant',
    'portfolio.Milestone',
    'portfolio.StatusChange',
    'portfolio.Transaction',
    'portfolio.Budget',
    'portfolio.PlannedDisbursement',
    'portfolio.DocumentLink',
    Project.linked.through,
)
DAY = datetime.date(2024, 3, 1)
RESTRICTED = 'view_restricted_project'


def amount(**values):
    return {'value': Decimal('1000'), 'currency': Currency.objects.get(code='USD'), 'value_date': DAY, **values}


def period():
    return {'period_start': DAY, 'period_end': datetime.date(2024, 12, 31)}


@pytest.fixture
def records(make_project, bank):
    """A project with one of each removable part, a project to relate it to, one that is its part
    and one linked to it."""
    project = make_project('P-1')
    other = make_project('P-2')
    part = make_project('P-3', parent=project)
    services.link_projects(project=project, other=make_project('P-4'), actor=SYSTEM)
    return {
        'project': project,
        'other': other,
        'part': part,
        'participant': services.add_participant(project=project, organization=bank, role='1', actor=SYSTEM),
        'milestone': services.add_milestone(project=project, title='Survey', actor=SYSTEM),
        'budget': services.add_budget(project=project, type='1', status='1', **period(), **amount(), actor=SYSTEM),
        'planned': services.add_planned_disbursement(project=project, **period(), **amount(), actor=SYSTEM),
        'document': services.add_document(
            project=project,
            url='https://example.org/a',
            format='text/html',
            title_en='Page',
            category='A12',
            actor=SYSTEM,
        ),
        'bank': bank,
    }


# write name -> (the permission it needs, the write given the actor and the records)
WRITES = {
    'create_project': ('add_project', lambda actor, r: services.create_project(
        actor=actor, identifier='NEW', title_en='New')),
    'update_project': ('change_project', lambda actor, r: services.update_project(
        project=r['project'], actor=actor, title_en='Changed')),
    'delete_project': ('delete_project', lambda actor, r: services.delete_project(project=r['other'], actor=actor)),
    'change_status': ('change_project', lambda actor, r: services.change_status(
        project=r['project'], status='negotiation', actor=actor)),
    'add_transaction': ('change_project', lambda actor, r: services.add_transaction(
        project=r['project'], type='2', **amount(), actor=actor)),
    'add_participant': ('change_project', lambda actor, r: services.add_participant(
        project=r['project'], organization=r['bank'], role='2', actor=actor)),
    'remove_participant': ('change_project', lambda actor, r: services.remove_participant(
        participant=r['participant'], actor=actor)),
    'add_milestone': ('change_project', lambda actor, r: services.add_milestone(
        project=r['project'], title='Design', actor=actor)),
    'remove_milestone': ('change_project', lambda actor, r: services.remove_milestone(
        milestone=r['milestone'], actor=actor)),
    'add_budget': ('change_project', lambda actor, r: services.add_budget(
        project=r['project'], type='1', status='1', **period(), **amount(value=Decimal('7')), actor=actor)),
    'remove_budget': ('change_project', lambda actor, r: services.remove_budget(budget=r['budget'], actor=actor)),
    'add_planned_disbursement': ('change_project', lambda actor, r: services.add_planned_disbursement(
        project=r['project'], **period(), **amount(value=Decimal('7')), actor=actor)),
    'remove_planned_disbursement': ('change_project', lambda actor, r: services.remove_planned_disbursement(
        planned_disbursement=r['planned'], actor=actor)),
    'add_document': ('change_project', lambda actor, r: services.add_document(
        project=r['project'], url='https://example.org/b', format='text/html', title_en='Other', category='A12',
        actor=actor)),
    'remove_document': ('change_project', lambda actor, r: services.remove_document(
        document=r['document'], actor=actor)),
    'link_projects': ('change_project', lambda actor, r: services.link_projects(
        project=r['project'], other=r['other'], actor=actor)),
    'relate_projects': ('change_project', lambda actor, r: services.relate_projects(
        project=r['other'], other=r['project'], relation=services.Relation.PARENT, actor=actor)),
    'unrelate_projects': ('change_project', lambda actor, r: services.unrelate_projects(
        project=r['project'], other=r['part'], relation=services.Relation.CHILD, actor=actor)),
}  # fmt: skip


def portfolio_user(make_user, *, without=(), only=None):
    """A user holding every portfolio permission except `without`, or exactly `only`."""
    user = make_user(None)
    permissions = Permission.objects.filter(content_type__app_label='portfolio')
    permissions = (
        permissions.filter(codename__in=only) if only is not None else permissions.exclude(codename__in=without)
    )
    user.user_permissions.add(*permissions)
    return type(user).objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance


def restrict(*projects):
    Project.objects.filter(pk__in=[project.pk for project in projects]).update(visibility='restricted')


@pytest.mark.parametrize('write', WRITES)
def test_a_user_without_the_permission_is_refused_and_nothing_is_written(write, make_user, records):
    needed, call = WRITES[write]
    actor = portfolio_user(make_user, without=[needed])
    assert_refused(lambda: call(actor, records), *PORTFOLIO_MODELS)


@pytest.mark.parametrize('write', WRITES)
def test_an_anonymous_actor_is_refused(write, records):
    _, call = WRITES[write]
    assert_refused(lambda: call(AnonymousUser(), records), *PORTFOLIO_MODELS)


@pytest.mark.parametrize('write', [name for name in WRITES if name != 'create_project'])
def test_a_user_who_may_not_see_the_project_is_refused(write, make_user, records):
    """Every permission but the one to see restricted projects, and every project made restricted:
    knowing a record's key is not enough to change it."""
    _, call = WRITES[write]
    actor = portfolio_user(make_user, without=[RESTRICTED])
    restrict(*Project.objects.all())
    assert_refused(lambda: call(actor, records), *PORTFOLIO_MODELS)


@pytest.mark.parametrize('relation', services.Relation.ALL)
def test_relating_to_a_project_the_actor_may_not_see_is_refused(relation, make_user, records):
    """The other end of a relation is changed too (its parent, or its links), so it must be visible."""
    actor = portfolio_user(make_user, without=[RESTRICTED])
    restrict(records['other'])
    assert_refused(
        lambda: services.relate_projects(
            project=records['project'], other=records['other'], relation=relation, actor=actor
        ),
        *PORTFOLIO_MODELS,
    )


@pytest.mark.parametrize('write', WRITES)
def test_the_permission_it_needs_is_enough(write, make_user, records):
    needed, call = WRITES[write]
    actor = portfolio_user(make_user, only=[needed])
    before = table_state(*PORTFOLIO_MODELS)

    call(actor, records)

    assert table_state(*PORTFOLIO_MODELS) != before


def test_a_new_project_under_a_parent_the_actor_may_not_see_is_refused(make_user, records):
    actor = portfolio_user(make_user, without=[RESTRICTED])
    restrict(records['project'])
    assert_refused(
        lambda: services.create_project(actor=actor, identifier='NEW', title_en='New', parent=records['project']),
        *PORTFOLIO_MODELS,
    )


def test_an_import_applied_by_a_user_without_the_permission_writes_nothing(make_user, records, tmp_path):
    file = tmp_path / 'projects.csv'
    file.write_text('identifier,title_en\nP-1,Renamed\nNEW-1,New\n', encoding='utf-8')
    plan = plan_import(file, 'projects.csv', actor=SYSTEM)
    assert plan.is_valid, plan.problems

    for missing in ('add_project', 'change_project'):
        actor = portfolio_user(make_user, without=[missing])
        assert_refused(lambda: apply_import(plan, actor=actor), *PORTFOLIO_MODELS)  # noqa: B023 (called at once)
    apply_import(plan, actor=portfolio_user(make_user, only=['add_project', 'change_project']))
    assert Project.objects.get(identifier='P-1').title_en == 'Renamed'
    assert Project.objects.filter(identifier='NEW-1').exists()
