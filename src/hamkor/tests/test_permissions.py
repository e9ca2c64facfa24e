"""Who may see and change what: every page and endpoint, for an anonymous visitor, a signed-in
user without the right role, and a user with it. A URL added without a row here fails
`test_every_url_is_in_the_matrix`."""

from dataclasses import dataclass

import pytest
from django.urls import URLResolver, get_resolver

from core.models import ObjectChange
from portfolio.services import create_organization, create_project

pytestmark = pytest.mark.django_db

ROLES = ('anonymous', 'applicant', 'secretariat')


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    expected: tuple[int, int, int]  # anonymous, wrong role (applicant), right role (secretariat)
    method: str = 'get'
    data: dict | None = None


ALL_OK = (200, 200, 200)
SECRETARIAT_PAGE = (302, 403, 200)
SIGNED_IN_PAGE = (302, 200, 200)
SECRETARIAT_API = (401, 403, 200)
ORGANIZATION = {'name_en': 'Bank of Communications', 'kind': 'bank', 'country': 'CHN'}
PROJECT = {'identifier': 'P-NEW', 'title_en': 'New project', 'sectors': [{'sector': 'mining', 'percentage': '100'}]}

WEB = [
    Case('dashboard', '/', ALL_OK),
    Case('accounts:login', '/accounts/login/', (200, 302, 302)),
    Case('accounts:logout', '/accounts/logout/', (302, 302, 302), 'post'),
    Case('accounts:password_change', '/accounts/password/', SIGNED_IN_PAGE),
    Case('accounts:profile', '/accounts/profile/', SIGNED_IN_PAGE),
    Case('accounts:rotate_token', '/accounts/profile/token/', (302, 302, 302), 'post'),
    Case('core:reference_index', '/reference/', ALL_OK),
    Case('core:country_list', '/reference/countries/?q=china', ALL_OK),
    Case('core:country_detail', '/reference/countries/UZB/', ALL_OK),
    Case('core:hs_browse', '/reference/hs/?q=8504', ALL_OK),
    Case('core:hs_detail', '/reference/hs/2022/850440/', ALL_OK),
    Case('core:sector_list', '/reference/sectors/', ALL_OK),
    Case('core:fx_rates', '/reference/fx/?currency=UZS', ALL_OK),
    Case('core:dataset_list', '/reference/sources/', ALL_OK),
    Case('core:change_list', '/reference/changes/', SECRETARIAT_PAGE),
    Case('core:change_detail', '/reference/changes/{change}/', SECRETARIAT_PAGE),
    Case('portfolio:dashboard', '/portfolio/', ALL_OK),
    Case('portfolio:drill_down', '/portfolio/breakdown/stage/pipeline/', ALL_OK),
    Case('portfolio:project_list', '/portfolio/projects/?q=rail', ALL_OK),
    Case('portfolio:project_export', '/portfolio/projects/export.csv', ALL_OK),
    Case('portfolio:project_detail', '/portfolio/projects/{project}/', ALL_OK),
    Case('portfolio:project_create', '/portfolio/projects/new/', SECRETARIAT_PAGE),
    Case('portfolio:project_import', '/portfolio/projects/import/', SECRETARIAT_PAGE),
    Case('portfolio:project_edit', '/portfolio/projects/{project}/edit/', SECRETARIAT_PAGE),
    Case('portfolio:project_status', '/portfolio/projects/{project}/status/', SECRETARIAT_PAGE),
    Case('portfolio:transaction_create', '/portfolio/projects/{project}/transactions/new/', SECRETARIAT_PAGE),
    Case('portfolio:project_add', '/portfolio/projects/{project}/milestone/new/', SECRETARIAT_PAGE),
    Case('portfolio:organization_list', '/portfolio/organizations/', ALL_OK),
    Case('portfolio:organization_detail', '/portfolio/organizations/{org}/', ALL_OK),
    Case('portfolio:organization_create', '/portfolio/organizations/new/', SECRETARIAT_PAGE),
    Case('portfolio:organization_edit', '/portfolio/organizations/{org}/edit/', SECRETARIAT_PAGE),
    Case('portfolio:organization_delete', '/portfolio/organizations/{org}/delete/', SECRETARIAT_PAGE),
    Case('trade:dashboard', '/trade/', ALL_OK),
    Case('set_language', '/i18n/setlang/', (302, 302, 302), 'post', {'language': 'ru', 'next': '/'}),
    Case('admin:index', '/admin/', (302, 302, 302)),  # staff only; demo 'admin' is the administrator
    Case('api-schema', '/api/schema/', ALL_OK),
    Case('api-docs', '/api/docs/', ALL_OK),
]

API = [
    Case('api-root', '/api/', ALL_OK),
    Case('api-token', '/api/auth/token/', (400, 400, 400), 'post', {'username': 'nobody', 'password': 'x'}),
    Case('fx-convert', '/api/reference/fx/convert/?amount=1&currency=CNY&date=2023-01-05', ALL_OK),
    Case('country-list', '/api/reference/countries/', ALL_OK),
    Case('country-detail', '/api/reference/countries/CHN/', ALL_OK),
    Case('currency-list', '/api/reference/currencies/', ALL_OK),
    Case('currency-detail', '/api/reference/currencies/UZS/', ALL_OK),
    Case('codelist-list', '/api/reference/codelists/', ALL_OK),
    Case('codelist-detail', '/api/reference/codelists/TransactionType/', ALL_OK),
    Case('codelist-item-list', '/api/reference/codelist-items/?codelist=ActivityStatus', ALL_OK),
    Case('codelist-item-detail', '/api/reference/codelist-items/{item}/', ALL_OK),
    Case('sector-list', '/api/reference/sectors/', ALL_OK),
    Case('sector-detail', '/api/reference/sectors/23210/', ALL_OK),
    Case('hs-section-list', '/api/reference/hs-sections/', ALL_OK),
    Case('hs-section-detail', '/api/reference/hs-sections/XVI/', ALL_OK),
    Case('hs-code-list', '/api/reference/hs/2017/?q=cotton', ALL_OK),
    Case('hs-code-detail', '/api/reference/hs/2017/520100/', ALL_OK),
    Case('fx-rate-list', '/api/reference/fx-rates/?currency=UZS', ALL_OK),
    Case('fx-rate-detail', '/api/reference/fx-rates/{rate}/', ALL_OK),
    Case('reference-dataset-list', '/api/reference/datasets/', ALL_OK),
    Case('reference-dataset-detail', '/api/reference/datasets/hs2022/', ALL_OK),
    Case('organization-list', '/api/organizations/', ALL_OK),
    Case('organization-list', '/api/organizations/', (401, 403, 201), 'post', ORGANIZATION),
    Case('organization-detail', '/api/organizations/{org}/', ALL_OK),
    Case('organization-detail', '/api/organizations/{org}/', (401, 403, 200), 'patch', {'status': 'closed'}),
    Case('organization-detail', '/api/organizations/{org}/', (401, 403, 204), 'delete'),
    Case('portfolio-summary', '/api/portfolio/summary/', ALL_OK),
    Case('portfolio-breakdown', '/api/portfolio/breakdown/sector/', ALL_OK),
    Case('portfolio-drill-down', '/api/portfolio/breakdown/stage/pipeline/', ALL_OK),
    Case('project-export', '/api/projects/export.csv', ALL_OK),
    Case('project-list', '/api/projects/', ALL_OK),
    Case('project-list', '/api/projects/', (401, 403, 201), 'post', PROJECT),
    Case('project-detail', '/api/projects/{project}/', ALL_OK),
    Case('project-detail', '/api/projects/{project}/', (401, 403, 200), 'patch', {'title_ru': 'Дорога'}),
    Case('project-detail', '/api/projects/{project}/', (401, 403, 204), 'delete'),
    Case('project-status', '/api/projects/{project}/status/', (401, 403, 200), 'post', {'status': 'negotiation'}),
    Case('change-list', '/api/changes/', SECRETARIAT_API),
    Case('change-detail', '/api/changes/{change}/', SECRETARIAT_API),
]


@pytest.fixture
def objects(china):
    from core.models import CodelistItem, ExchangeRate

    organization = create_organization(name_en='Export-Import Bank of China', kind='bank', country=china)
    project = create_project(identifier='P-1', title_en='Railway')
    return {
        'project': project.pk,
        'org': organization.pk,
        'change': ObjectChange.objects.for_record(organization).get().pk,
        'item': CodelistItem.objects.get(codelist__name='ActivityStatus', code='2').pk,
        'rate': ExchangeRate.objects.get(currency='CNY', frequency='M', period_start='2023-06-01').pk,
    }


def request(client, case: Case, objects: dict):
    url = case.url.format(**objects)
    if case.method == 'get':
        return client.get(url)
    return getattr(client, case.method)(
        url, case.data or {}, **({'format': 'json'} if case.name != 'set_language' else {})
    )


@pytest.mark.parametrize('case', WEB, ids=lambda case: f'{case.method} {case.name}')
@pytest.mark.parametrize('role', ROLES)
def test_pages(case, role, client_as, objects):
    client = client_as(role)
    kwargs = {'data': case.data} if case.data else {}
    url = case.url.format(**objects)
    response = client.get(url) if case.method == 'get' else getattr(client, case.method)(url, **kwargs)

    assert response.status_code == case.expected[ROLES.index(role)]


@pytest.mark.parametrize('case', API, ids=lambda case: f'{case.method} {case.name}')
@pytest.mark.parametrize('role', ROLES)
def test_api(case, role, api_as, objects):
    assert request(api_as(role), case, objects).status_code == case.expected[ROLES.index(role)]


def test_anonymous_pages_redirect_to_login_with_next(client, objects):
    response = client.get('/reference/changes/')

    assert response['Location'] == '/accounts/login/?next=/reference/changes/'


def url_names(patterns=None, prefix=''):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            namespace = f'{prefix}{pattern.namespace}:' if pattern.namespace else prefix
            if pattern.namespace != 'admin':
                yield from url_names(pattern.url_patterns, namespace)
        elif pattern.name:
            yield prefix + pattern.name


def test_every_url_is_in_the_matrix():
    covered = {case.name for case in WEB + API}
    assert set(url_names()) | {'admin:index'} == covered
