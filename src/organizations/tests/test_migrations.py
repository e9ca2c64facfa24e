"""Moving the registry from the portfolio app to this one keeps every row, content type,
permission, change-log entry and citation (organizations 0001–0002, portfolio 0005, accounts 0003).

The test migrates the database back to the state before the move, writes an organization with
an alias, a change-log entry, a citation, a user, a participant and a group holding the old
permission through the models of that state, and migrates forward again."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ('organizations', None),
    ('portfolio', '0004_budgets_planned_disbursements_documents'),
    ('accounts', '0002_initial'),
]


def migrate(targets):
    """Migrate to `targets`; the models of the state reached."""
    MigrationExecutor(connection).migrate(targets)
    ContentType.objects.clear_cache()
    loader = MigrationExecutor(connection).loader
    return loader.project_state(sorted(loader.applied_migrations), at_end=True).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before_the_move():
    """The database as the code before the move left it; migrated forward again afterwards,
    whatever the test did."""
    yield migrate(BEFORE)
    migrate(latest())


def test_the_move_keeps_rows_content_types_permissions_change_log_and_citations(before_the_move):
    old = before_the_move
    assert not {'organizations'} & {app.label for app in old.get_app_configs()}
    Country = old.get_model('core', 'Country')
    Organization = old.get_model('portfolio', 'Organization')
    OldContentType = old.get_model('contenttypes', 'ContentType')
    Permission = old.get_model('auth', 'Permission')
    country = Country.objects.filter(iso3='CHN').first() or Country.objects.create(
        iso3='CHN', iso2='CN', iso_numeric='156', m49='156', name_en='China'
    )
    bank = Organization.objects.create(name_en='China Development Bank', name_ru='Китайский банк развития',
                                       kind='bank', country=country)  # fmt: skip
    old.get_model('portfolio', 'OrganizationAlias').objects.create(organization=bank, name='CDB', normalized='cdb')
    organization_type, _ = OldContentType.objects.get_or_create(app_label='portfolio', model='organization')
    view, _ = Permission.objects.get_or_create(
        content_type=organization_type, codename='view_organization', defaults={'name': 'Can view organization'}
    )
    group = old.get_model('auth', 'Group').objects.create(name='migration-test-readers')
    group.permissions.add(view)
    old.get_model('core', 'ObjectChange').objects.create(
        time=timezone.now(), actor_name='cli:test', channel='cli', request_id='r', action='create',
        content_type=organization_type, object_id=str(bank.pk), object_repr=bank.name_en,
        after={'name_en': bank.name_en},
    )  # fmt: skip
    source = old.get_model('sources', 'Source').objects.create(
        key='report', title='Report', kind='press', publisher='P'
    )
    old.get_model('sources', 'Citation').objects.create(
        source=source, content_type=organization_type, object_id=str(bank.pk), locator='paragraph 6', confidence='low'
    )
    user = old.get_model('accounts', 'User').objects.create(username='member', organization=bank)
    project = old.get_model('portfolio', 'Project').objects.create(
        identifier='P-1', title_en='Railway', stage='proposal'
    )
    old.get_model('portfolio', 'Participant').objects.create(project=project, organization=bank, role='1')

    migrate(latest())

    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import sync_roles
    from core.models import ObjectChange
    from organizations.models import Organization as MovedOrganization
    from organizations.models import OrganizationNameKey
    from portfolio.models import Participant
    from sources.models import Citation

    moved = MovedOrganization.objects.get(pk=bank.pk)
    assert (moved.name_en, moved.country.iso3) == ('China Development Bank', 'CHN')
    assert list(moved.aliases.values_list('name', 'normalized')) == [('CDB', 'cdb')]
    assert set(OrganizationNameKey.objects.filter(organization=moved).values_list('key', flat=True)) == {
        'china development bank', 'kitayskiy bank razvitiya', 'cdb',
    }  # fmt: skip
    content_type = ContentType.objects.get_for_model(MovedOrganization)
    assert (content_type.pk, content_type.app_label) == (organization_type.pk, 'organizations')
    assert not ContentType.objects.filter(app_label='portfolio', model__in=['organization', 'organizationalias'])
    permission = content_type.permission_set.get(codename='view_organization')
    assert permission.pk == view.pk
    assert {'migration-test-readers', 'secretariat', 'uz-analyst'} <= set(
        permission.group_set.values_list('name', flat=True)
    )
    # (the historical model is change-logged too: its create is the other entry)
    assert ObjectChange.objects.for_record(moved).get(request_id='r').object_repr == 'China Development Bank'
    assert Citation.objects.for_record(moved).get().locator == 'paragraph 6'
    assert User.objects.get(pk=user.pk).organization == moved
    assert Participant.objects.get(project__identifier='P-1').organization == moved
    member = User.objects.get(pk=user.pk)
    member.groups.add(group.pk)
    assert User.objects.get(pk=user.pk).has_perm('organizations.view_organization')

    # The roles are synced after every migrate: they find the moved permissions by their new names.
    sync_roles()
    secretariat = Group.objects.get(name='secretariat').permissions.filter(content_type=content_type)
    assert set(secretariat.values_list('codename', flat=True)) == {
        'view_organization', 'add_organization', 'change_organization', 'delete_organization',
    }  # fmt: skip
