import pytest
from django.urls import reverse

from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from organizations.models import Organization
from organizations.services import create_organization

pytestmark = pytest.mark.django_db

FORM = {
    'name_en': 'China Development Bank',
    'name_ru': 'Китайский банк развития',
    'name_zh': '国家开发银行',
    'name_uz': 'Xitoy taraqqiyot banki',
    'kind': 'bank',
    'status': 'active',
    'country': '',
    'iati_identifier': '',
    'website': '',
}


def organization_changes():
    return ObjectChange.objects.filter(content_type__app_label='organizations', content_type__model='organization')


@pytest.fixture
def form(china):
    return {**FORM, 'country': china.pk}


def test_secretariat_creates_an_organization_and_the_change_is_logged_as_web(client_as, form):
    client = client_as('secretariat')

    response = client.post(reverse('portfolio:organization_create'), form)

    organization = Organization.objects.get()
    assert response['Location'] == organization.get_absolute_url()
    assert (organization.name_zh, organization.country.iso3) == ('国家开发银行', 'CHN')
    change = ObjectChange.objects.for_record(organization).get()
    assert (change.action, change.channel, change.actor_name) == ('create', 'web', change.actor.username)
    assert change.request_id == response['X-Request-ID']


def test_invalid_form_saves_nothing_and_names_the_fields(client_as, form):
    client = client_as('secretariat')

    response = client.post(reverse('portfolio:organization_create'), {**form, 'name_en': '', 'kind': 'pirate'})

    assert response.status_code == 200
    assert response.context['form'].errors == {
        'name_en': ['This field is required.'],
        'kind': ['Select a valid choice. pirate is not one of the available choices.'],
    }
    assert Organization.objects.count() == 0
    assert not organization_changes().exists()


def test_duplicate_iati_identifier_is_refused(client_as, form):
    client = client_as('secretariat')
    client.post(reverse('portfolio:organization_create'), {**form, 'iati_identifier': 'CN-USC-1'})

    response = client.post(reverse('portfolio:organization_create'), {**form, 'iati_identifier': 'CN-USC-1'})

    assert response.context['form'].errors == {'__all__': ['Another organization already has this IATI identifier.']}
    assert Organization.objects.count() == 1


def test_history_is_shown_to_the_secretariat_only(client_as, china):
    organization = create_organization(actor=SYSTEM, name_en='Uzbekistan Railways', kind='state_company', country=china)

    secretariat_page = client_as('secretariat').get(organization.get_absolute_url()).content.decode()
    assert 'Change history' in secretariat_page and 'cli:' in secretariat_page

    analyst_page = client_as('uz-analyst').get(organization.get_absolute_url()).content.decode()
    assert 'Uzbekistan Railways' in analyst_page and 'Change history' not in analyst_page


def test_edit_and_delete(client_as, form, china):
    organization = create_organization(actor=SYSTEM, name_en='Old name', kind='bank', country=china)
    client = client_as('secretariat')

    client.post(reverse('portfolio:organization_edit', args=[organization.pk]), {**form, 'name_en': 'New name'})
    organization.refresh_from_db()
    assert organization.name_en == 'New name'

    response = client.post(reverse('portfolio:organization_delete', args=[organization.pk]))
    assert response['Location'] == reverse('portfolio:organization_list')
    assert list(organization_changes().filter(object_id=organization.pk).values_list('action', flat=True)) == [
        'delete',
        'update',
        'create',
    ]


def test_delete_of_a_referenced_organization_is_refused(client_as, make_user, china):
    organization = create_organization(actor=SYSTEM, name_en='Ministry of Investment', kind='government', country=china)
    make_user('uz-analyst', organization=organization)

    response = client_as('secretariat').post(
        reverse('portfolio:organization_delete', args=[organization.pk]), follow=True
    )

    assert 'still referenced' in response.content.decode()
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_list_search_finds_a_name_in_any_language(client, china):
    create_organization(
        actor=SYSTEM, name_en='China Development Bank', name_zh='国家开发银行', kind='bank', country=china
    )
    create_organization(
        actor=SYSTEM, name_en='Uzbekneftegaz', name_ru='Узбекнефтегаз', kind='state_company', country=china
    )

    for query, expected in (
        ('开发', ['China Development Bank']),
        ('нефтегаз', ['Uzbekneftegaz']),
        ('bank', ['China Development Bank']),
    ):
        page = client.get(reverse('portfolio:organization_list'), {'q': query}).context['page']
        assert [o.name_en for o in page] == expected


def test_search_finds_aliases_and_transliterations(client, china):
    create_organization(
        actor=SYSTEM,
        name_en='Export-Import Bank of China',
        kind='bank',
        country=china,
        aliases=['CHEXIM', 'China Exim Bank'],
    )

    for query in ('chexim', 'exim bank', 'Export-Import'):
        page = client.get(reverse('portfolio:organization_list'), {'q': query}).context['page']
        assert [o.name_en for o in page] == ['Export-Import Bank of China'], query
