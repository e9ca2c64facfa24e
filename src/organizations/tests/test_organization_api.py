"""The organization endpoints through the shared API cases (hamkor.testing.api_cases): the
registry is public (every reader sees every organization), the secretariat's permissions write."""

import pytest
from django.urls import reverse

from core.models import Country
from hamkor.permissions import SYSTEM
from hamkor.testing.api_cases import APICases
from hamkor.testing.services import table_state
from organizations import services
from organizations.models import Organization


class TestOrganizationAPI(APICases):
    basename = 'organization'
    model = 'organizations.Organization'
    readers = ('anonymous', 'norole', 'applicant', 'cert-reviewer', 'secretariat')
    create_data = {'name_en': 'Bank of China', 'name_zh': '中国银行', 'kind': 'bank', 'country': 'CHN'}
    update_data = {'status': 'closed', 'name_ru': 'Переименованная организация', 'website': 'https://example.org/'}
    invalid_data = {'name_en': '', 'kind': 'bank', 'country': 'XXX'}
    invalid_fields = {
        'name_en': ['This field may not be blank.'],
        'country': ['Object with iso3=XXX does not exist.'],
    }
    # The name, and the alias, of organization 1 (see make): an organization is recorded once.
    also_invalid = (
        ({'name_en': 'Organization 1', 'kind': 'bank', 'country': 'CHN'}, {'name_en'}),
        ({'name_en': 'Another bank', 'name_uz': 'org-1', 'kind': 'bank', 'country': 'CHN'}, {'name_en'}),
        ({'name_en': 'Bank X', 'kind': 'pirate', 'country': 'CHN', 'website': 'not a url'}, {'kind', 'website'}),
    )
    # Odd numbers are Chinese banks, even ones Uzbek government bodies (see make).
    filters = (
        ({}, [1, 2, 3]),
        ({'kind': 'bank'}, [1, 3]),
        ({'country': 'uzb'}, [2]),
        ({'q': 'Организация 3'}, [3]),
        ({'q': 'org-2'}, [2]),  # an alias, compared normalized
        ({'q': 'nobody'}, []),
    )

    def make(self, number):
        odd = number % 2
        return services.create_organization(
            actor=SYSTEM,
            name_en=f'Organization {number}',
            name_ru=f'Организация {number}',
            kind='bank' if odd else 'government',
            country=Country.objects.get(iso3='CHN' if odd else 'UZB'),
            aliases=[f'ORG-{number}'],
        )

    def shown(self, organization):
        return {
            'names': {language: getattr(organization, f'name_{language}') for language in ('en', 'ru', 'zh', 'uz')},
            'country': organization.country.iso3,
            **{
                name: getattr(organization, name)
                for name in ('kind', 'status', 'iati_identifier', 'tax_id', 'website', 'is_illustrative')
            },
        }


@pytest.mark.django_db
def test_deleting_a_referenced_organization_is_refused_and_keeps_it(api_as, make_user, china):
    organization = services.create_organization(actor=SYSTEM, name_en='Ministry of Investment', kind='government',
                                                country=china)  # fmt: skip
    make_user('uz-analyst', organization=organization)  # a user belongs to it
    api = api_as('secretariat')
    state = table_state('organizations.Organization', 'core.ObjectChange')

    response = api.delete(reverse('organization-detail', args=[organization.pk]))

    assert response.status_code == 409
    assert response.json()['error'] == {
        'status': 409,
        'code': 'in_use',
        'message': 'Other records still refer to this one (users): remove those references first. Nothing was deleted.',
    }
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert table_state('organizations.Organization', 'core.ObjectChange') == state
