"""The services of the registry: the permission of every write, duplicate detection by the
stored name keys, and the keys following every change of a name or an alias."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamkor.permissions import SYSTEM
from hamkor.testing.services import assert_refused
from organizations import services
from organizations.models import Organization, OrganizationNameKey
from organizations.names import normalize_name
from organizations.selectors import organizations_named

pytestmark = pytest.mark.django_db


TABLES = ('organizations.Organization', 'organizations.OrganizationAlias', 'organizations.OrganizationNameKey')


@pytest.mark.parametrize('role', [None, 'uz-analyst', 'cert-reviewer'])
def test_create_is_refused_without_the_permission_and_writes_nothing(make_user, china, role):
    user = make_user(role)

    assert_refused(
        lambda: services.create_organization(
            actor=user, name_en='Bank of China', kind='bank', country=china, aliases=['BOC']
        ),
        *TABLES,
    )


def test_update_is_refused_without_the_permission_and_writes_nothing(make_user, bank):
    analyst = make_user('uz-analyst')

    assert_refused(
        lambda: services.update_organization(organization=bank, actor=analyst, name_en='Renamed', aliases=['X']),
        *TABLES,
    )
    assert_refused(lambda: services.set_aliases(organization=bank, actor=analyst, aliases=['X']), *TABLES)
    assert Organization.objects.get(pk=bank.pk).name_en == 'China Development Bank'


def test_delete_is_refused_without_the_permission_and_writes_nothing(make_user, bank):
    analyst = make_user('cn-analyst')

    assert_refused(lambda: services.delete_organization(organization=bank, actor=analyst), *TABLES)


@pytest.mark.parametrize('actor', [None, AnonymousUser()], ids=['none', 'anonymous'])
def test_anonymous_and_missing_actors_are_refused(china, actor):
    assert_refused(
        lambda: services.create_organization(actor=actor, name_en='Bank of China', kind='bank', country=china), *TABLES
    )


def test_the_secretariat_may_create_change_and_delete(make_user, china):
    secretariat = make_user('secretariat')

    organization = services.create_organization(actor=secretariat, name_en='Bank of China', kind='bank', country=china)
    services.update_organization(organization=organization, actor=secretariat, status='closed')
    services.delete_organization(organization=organization, actor=secretariat)

    assert not Organization.objects.exists()


def test_unknown_fields_are_refused(china):
    with pytest.raises(TypeError, match='created'):
        services.create_organization(actor=SYSTEM, name_en='Bank of China', kind='bank', country=china, created=None)


def test_organization_duplicates_are_found_across_scripts_and_aliases(uzbekistan, bank):
    services.create_organization(
        actor=SYSTEM, name_en='Uzbekistan Railways', name_uz='Oʻzbekiston temir yoʻllari', kind='state_company',
        country=uzbekistan, aliases=['UTY'],
    )  # fmt: skip

    for name_uz in ("O'zbekiston Temir Yo'llari", 'Ўзбекистон темир йўллари'):
        with pytest.raises(ValidationError, match=r'already exists: Uzbekistan Railways \(#\d+\)'):
            services.create_organization(
                actor=SYSTEM, name_en='UTY JSC', name_uz=name_uz, kind='state_company', country=uzbekistan
            )
    with pytest.raises(ValidationError, match='already exists: China Development Bank'):
        services.create_organization(
            actor=SYSTEM, name_en='Other', name_zh='国家开发银行', kind='bank', country=uzbekistan
        )


def keys_of(organization) -> set[str]:
    return set(OrganizationNameKey.objects.filter(organization=organization).values_list('key', flat=True))


def test_the_stored_keys_follow_every_name_and_alias(china):
    organization = services.create_organization(
        actor=SYSTEM, name_en='Export-Import Bank of China', name_ru='Экспортно-импортный банк Китая', kind='bank',
        country=china, aliases=['CHEXIM', 'China Exim Bank'],
    )  # fmt: skip
    assert keys_of(organization) == {
        'export import bank of china', 'eksportno importniy bank kitaya', 'chexim', 'china exim bank',
    }  # fmt: skip

    services.update_organization(organization=organization, actor=SYSTEM, name_ru='', aliases=['Chexim', 'EXIM'])
    assert keys_of(organization) == {'export import bank of china', 'chexim', 'exim'}

    services.set_aliases(organization=organization, actor=SYSTEM, aliases=[])
    assert keys_of(organization) == {'export import bank of china'}

    services.delete_organization(organization=organization, actor=SYSTEM)
    assert not OrganizationNameKey.objects.exists()


def test_duplicate_detection_is_one_query_whatever_the_number_of_organizations(china):
    OrganizationNameKey.objects.all().delete()
    organizations = Organization.objects.bulk_create(
        Organization(name_en=f'Company number {number}', kind='private_company', country=china) for number in range(300)
    )
    OrganizationNameKey.objects.bulk_create(
        OrganizationNameKey(organization=organization, key=normalize_name(organization.name_en))
        for organization in organizations
    )

    with CaptureQueriesContext(connection) as queries:
        found = organizations_named(['COMPANY NUMBER 7', 'Company  number 250', 'Nobody'])

    assert [organization.name_en for organization in found] == ['Company number 250', 'Company number 7']
    assert len(queries) == 1
