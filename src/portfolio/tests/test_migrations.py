"""History recorded before the change log had a visibility gets the level of the project it is
about (core 0002, portfolio 0006), so that it follows the rule of what is recorded since.

The test migrates back, writes a side_cn project with an amount and a citation, a deleted
restricted project and an organization, with their change-log rows, through the models of that
state, and migrates forward again."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.models import ObjectChange

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [('core', '0001_initial'), ('portfolio', '0005_organizations_moved_to_their_app')]


def migrate(targets):
    """Migrate to `targets`; the models of the state reached."""
    MigrationExecutor(connection).migrate(targets)
    ContentType.objects.clear_cache()
    loader = MigrationExecutor(connection).loader
    return loader.project_state(sorted(loader.applied_migrations), at_end=True).apps


@pytest.fixture
def before_visibility():
    yield migrate(BEFORE)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_recorded_history_gets_the_level_of_its_project(before_visibility):
    old = before_visibility
    OldContentType = old.get_model('contenttypes', 'ContentType')
    Change = old.get_model('core', 'ObjectChange')
    kind = {name: OldContentType.objects.get_or_create(app_label=app, model=name)[0]
            for app, name in [('portfolio', 'project'), ('portfolio', 'transaction'), ('sources', 'citation'),
                              ('organizations', 'organization')]}  # fmt: skip
    Project = old.get_model('portfolio', 'Project')
    # bulk_create: no change-log signal (the log of this state has no visibility column yet)
    [project] = Project.objects.bulk_create(
        [Project(identifier='P-CN', title_en='Chinese side plant', stage='proposal', visibility='side_cn')]
    )

    def change(content_type, object_id, *, before=None, after=None):
        return Change.objects.create(
            time=timezone.now(), actor_name='cli:test', channel='cli', action='update' if before and after else
            'delete' if before else 'create', content_type=content_type, object_id=str(object_id),
            object_repr='x', before=before, after=after,
        ).pk  # fmt: skip

    rows = {
        'project': change(kind['project'], project.pk, after={'visibility': 'public'}),  # made side_cn since
        'amount': change(kind['transaction'], 7, after={'project_id': project.pk, 'value': '5.00'}),
        'citation': change(
            kind['citation'], 3, after={'content_type_id': kind['project'].pk, 'object_id': str(project.pk)}
        ),  # fmt: skip
        'gone': change(kind['project'], 999, before={'visibility': 'public'}),
        'gone amount': change(kind['transaction'], 8, before={'project_id': 999}),
        'organization': change(kind['organization'], 1, after={'name_en': 'Bank'}),
    }

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert {name: ObjectChange.objects.get(pk=pk).visibility for name, pk in rows.items()} == {
        'project': 'side_cn',  # the project's level now, not the one it had
        'amount': 'side_cn',
        'citation': 'side_cn',
        'gone': 'public',  # what its last values said
        'gone amount': 'restricted',  # nothing left to tell: the strictest
        'organization': '',
    }


BEFORE_COUNTING = [('portfolio', '0007_amounts_in_hundredths')]


@pytest.fixture
def before_counting():
    yield migrate(BEFORE_COUNTING)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_stored_projects_get_the_counting_and_the_year_of_commitment_of_todays_rules(before_counting):
    """0008 fills `counting` from status and parts (the pipeline leaves the total), 0009 recomputes
    the year of commitment: the earliest converted amount that makes the value (an amount of zero
    could not be recorded before 0009)."""
    old = before_counting
    Project, Transaction = old.get_model('portfolio', 'Project'), old.get_model('portfolio', 'Transaction')

    def project(identifier, status, **values):
        return Project.objects.create(identifier=identifier, title_en=identifier, status=status, stage='x', **values)

    umbrella = project('UMB', 'agreement_signed', is_umbrella=True, in_aggregates=False)
    project('PART', 'implementation', parent=umbrella, in_aggregates=True)
    project('PROPOSED', 'proposal', in_aggregates=True)
    project('DROPPED', 'cancelled', in_aggregates=False)
    dated = project('DATED', 'agreement_signed', in_aggregates=True, value_year=2005)
    old.get_model('core', 'Currency').objects.get_or_create(code='USD', defaults={'name_en': 'US Dollar'})

    def amount(value, value_usd, day):
        Transaction.objects.create(
            project=dated, type='11', value=value, currency_id='USD', value_date=day, value_usd=value_usd,
            counts_in_value=True,
        )  # fmt: skip

    amount(40, None, '2005-03-01')  # no rate converted it
    amount(10, 10, '2022-09-01')

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from portfolio.models import Project as Current

    assert dict(Current.objects.values_list('identifier', 'counting')) == {
        'UMB': 'framework', 'PART': 'headline', 'PROPOSED': 'pipeline', 'DROPPED': 'cancelled', 'DATED': 'headline',
    }  # fmt: skip
    assert Current.objects.get(identifier='DATED').value_year == 2022
