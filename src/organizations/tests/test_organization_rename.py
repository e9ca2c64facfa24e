"""Renaming an organization follows the duplicate rule of creating one: a name or alias that
another organization has (compared normalized) is refused, by the form and the API alike."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from organizations.models import Organization
from organizations.services import create_organization, update_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def banks(china):
    cdb = create_organization(
        actor=SYSTEM,
        name_en='China Development Bank',
        name_ru='Китайский банк развития',
        kind='bank',
        country=china,
        aliases=['CDB'],
    )
    boc = create_organization(actor=SYSTEM, name_en='Bank of China', kind='bank', country=china, aliases=['BOC'])
    return cdb, boc


def form_data(organization, **changes) -> dict:
    data = {
        'name_en': organization.name_en, 'name_ru': organization.name_ru, 'name_zh': organization.name_zh,
        'name_uz': organization.name_uz, 'kind': organization.kind, 'status': organization.status,
        'country': organization.country_id, 'iati_identifier': '', 'tax_id': '', 'website': '',
        'aliases': '\n'.join(alias.name for alias in organization.aliases.all()),
    }  # fmt: skip
    return data | changes


def test_the_form_refuses_a_rename_to_another_organizations_name(client_as, banks):
    cdb, boc = banks
    client = client_as('secretariat')
    changes = ObjectChange.objects.count()

    response = client.post(
        reverse('portfolio:organization_edit', args=[boc.pk]), form_data(boc, name_ru='КИТАЙСКИЙ БАНК РАЗВИТИЯ')
    )

    assert response.status_code == 200
    assert response.context['form'].errors == {
        'name_en': [f'An organization with this name already exists: China Development Bank (#{cdb.pk}).']
    }
    boc.refresh_from_db()
    assert boc.name_ru == ''
    assert ObjectChange.objects.count() == changes


def test_the_form_refuses_an_alias_that_is_another_organizations_alias(client_as, banks):
    cdb, boc = banks

    response = client_as('secretariat').post(
        reverse('portfolio:organization_edit', args=[boc.pk]), form_data(boc, aliases="BOC\nc'db")
    )

    assert response.context['form'].errors == {
        'name_en': [f'An organization with this name already exists: China Development Bank (#{cdb.pk}).']
    }
    assert sorted(boc.aliases.values_list('name', flat=True)) == ['BOC']


def test_the_api_refuses_a_rename_to_another_organizations_name(api_as, banks):
    cdb, boc = banks

    response = api_as('secretariat').patch(
        f'/api/organizations/{boc.pk}/', {'name_en': 'China  Development bank'}, format='json'
    )

    assert response.status_code == 400
    assert response.json()['error']['fields'] == {
        'name_en': [f'An organization with this name already exists: China Development Bank (#{cdb.pk}).']
    }
    assert Organization.objects.get(pk=boc.pk).name_en == 'Bank of China'


def test_a_rename_to_a_free_name_or_to_the_organizations_own_alias_is_accepted(banks):
    cdb, boc = banks

    update_organization(actor=SYSTEM, organization=boc, name_en='BOC', aliases=['Bank of China', 'BOC'])
    update_organization(actor=SYSTEM, organization=cdb, name_zh='国家开发银行')

    assert Organization.objects.get(pk=boc.pk).name_en == 'BOC'
    assert sorted(boc.aliases.values_list('name', flat=True)) == ['BOC', 'Bank of China']


def test_a_deliberate_duplicate_can_still_be_edited(banks, china):
    twin = create_organization(actor=SYSTEM, name_en='Bank of China', kind='bank', country=china, allow_duplicate=True)

    update_organization(actor=SYSTEM, organization=twin, status='closed')

    assert Organization.objects.get(pk=twin.pk).status == 'closed'
    with pytest.raises(ValidationError) as raised:
        update_organization(actor=SYSTEM, organization=twin, aliases=['CDB'])
    assert raised.value.message_dict == {
        'name_en': [f'An organization with this name already exists: China Development Bank (#{banks[0].pk}).']
    }
