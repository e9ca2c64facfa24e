"""Who may see and change what: every page and endpoint, for an anonymous visitor, a signed-in
user without the right role, and a user with it. A URL added without a row here fails
`test_every_url_is_in_the_matrix`."""

from dataclasses import dataclass

import pytest
from django.urls import URLResolver, get_resolver

from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from portfolio.services import create_organization, create_project
from sources import services as sources_services

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
BUDGET = {
    'type': '1',
    'period_start': '2024-01-01',
    'period_end': '2024-12-31',
    'value': '1000',
    'currency': 'USD',
    'value_date': '2024-01-01',
}
CREATED, DELETED = (401, 403, 201), (401, 403, 204)
DOCUMENT = {'url': 'https://example.org/a.pdf', 'format': 'application/pdf', 'title_en': 'Study', 'category': 'A01'}

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
    Case('portfolio:budget_create', '/portfolio/projects/{project}/budgets/new/', SECRETARIAT_PAGE),
    Case(
        'portfolio:planned_disbursement_create',
        '/portfolio/projects/{project}/planned-disbursements/new/',
        SECRETARIAT_PAGE,
    ),
    Case('portfolio:document_create', '/portfolio/projects/{project}/documents/new/', SECRETARIAT_PAGE),
    Case('portfolio:relation_create', '/portfolio/projects/{project}/relations/new/', SECRETARIAT_PAGE),
    Case('portfolio:project_remove', '/portfolio/projects/{project}/milestones/{milestone}/remove/', SECRETARIAT_PAGE),
    Case('portfolio:project_remove', '/portfolio/projects/{project}/budgets/{budget}/remove/', (302, 403, 302), 'post'),
    Case('portfolio:organization_list', '/portfolio/organizations/', ALL_OK),
    Case('portfolio:organization_detail', '/portfolio/organizations/{org}/', ALL_OK),
    Case('portfolio:organization_create', '/portfolio/organizations/new/', SECRETARIAT_PAGE),
    Case('portfolio:organization_import', '/portfolio/organizations/import/', SECRETARIAT_PAGE),
    Case('portfolio:organization_edit', '/portfolio/organizations/{org}/edit/', SECRETARIAT_PAGE),
    Case('portfolio:organization_delete', '/portfolio/organizations/{org}/delete/', SECRETARIAT_PAGE),
    Case('trade:dashboard', '/trade/', ALL_OK),
    Case('trade:import', '/trade/import/', SECRETARIAT_PAGE),
    Case('trade:run_list', '/trade/runs/', ALL_OK),
    Case('trade:run_detail', '/trade/runs/{run}/', ALL_OK),
    Case('trade:mapping_list', '/trade/mappings/', SECRETARIAT_PAGE),
    Case('trade:mapping_create', '/trade/mappings/new/', SECRETARIAT_PAGE),
    Case('trade:mapping_edit', '/trade/mappings/{mapping}/edit/', SECRETARIAT_PAGE),
    Case('trade:products', '/trade/products/?flow=X', ALL_OK),
    Case('trade:product_section', '/trade/products/section/XI/', ALL_OK),
    Case('trade:product', '/trade/products/5201/', ALL_OK),
    Case('trade:partners', '/trade/partners/?year=2023', ALL_OK),
    Case('trade:partner', '/trade/partners/RUS/', ALL_OK),
    Case('trade:advantage', '/trade/advantage/', ALL_OK),
    Case('trade:mirror', '/trade/mirror/?digits=4', ALL_OK),
    Case('trade:table', '/trade/tables/yearly.csv', ALL_OK),
    Case('trade:target_create', '/trade/targets/new/', SECRETARIAT_PAGE),
    Case('trade:target_edit', '/trade/targets/{target}/edit/', SECRETARIAT_PAGE),
    Case('sources:source_list', '/sources/', ALL_OK),
    Case('sources:source_detail', '/sources/{source}/', ALL_OK),
    Case('sources:source_create', '/sources/new/', SECRETARIAT_PAGE),
    Case('sources:source_edit', '/sources/{source}/edit/', SECRETARIAT_PAGE),
    Case('sources:claim_create', '/sources/{source}/claims/new/', SECRETARIAT_PAGE),
    Case('sources:claim_edit', '/sources/{source}/claims/{claim}/edit/', SECRETARIAT_PAGE),
    Case('sources:record_citations', '/sources/cite/project/{project}/', SECRETARIAT_PAGE),
    Case('sources:citation_remove', '/sources/citations/{citation}/remove/', (302, 403, 302), 'post'),
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
    Case('project-budgets', '/api/projects/{project}/budgets/', (401, 403, 201), 'post', BUDGET),
    Case('project-budget', '/api/projects/{project}/budgets/{budget}/', (401, 403, 204), 'delete'),
    Case('project-planned-disbursements', '/api/projects/{project}/planned-disbursements/', CREATED, 'post', BUDGET),
    Case('project-planned-disbursement', '/api/projects/{project}/planned-disbursements/{planned}/', DELETED, 'delete'),
    Case('project-documents', '/api/projects/{project}/documents/', (401, 403, 201), 'post', DOCUMENT),
    Case('project-document', '/api/projects/{project}/documents/{document}/', (401, 403, 204), 'delete'),
    Case(
        'project-relations',
        '/api/projects/{project}/relations/',
        CREATED,
        'post',
        {'relation': 'child', 'identifier': 'P-2'},
    ),
    Case('project-relation', '/api/projects/{project}/relations/linked/P-2/', (401, 403, 204), 'delete'),
    Case('trade-monitor', '/api/trade/monitor/?reporter=UZB&partner=CHN', ALL_OK),
    Case('trade-targets', '/api/trade/targets/', ALL_OK),
    Case('trade-products', '/api/trade/products/?flow=M', ALL_OK),
    Case('trade-rca', '/api/trade/rca/', ALL_OK),
    Case('trade-mirror', '/api/trade/mirror/?digits=4', ALL_OK),
    Case('trade-partners', '/api/trade/partners/', ALL_OK),
    Case('change-list', '/api/changes/', SECRETARIAT_API),
    Case('change-detail', '/api/changes/{change}/', SECRETARIAT_API),
    Case('source-list', '/api/sources/', ALL_OK),
    Case('source-list', '/api/sources/', (405, 405, 405), 'post', {'key': 'x', 'title': 'x'}),
    Case('source-detail', '/api/sources/{source}/', ALL_OK),
    Case('claim-list', '/api/claims/', ALL_OK),
    Case('claim-detail', '/api/claims/{claim}/', ALL_OK),
]


def project_parts(project) -> dict:
    """A milestone, budget, planned disbursement, document and linked project of `project`."""
    import datetime

    from core.models import Currency
    from portfolio import services

    usd, day = Currency.objects.get(code='USD'), datetime.date(2024, 1, 1)
    amount = {'period_start': day, 'period_end': datetime.date(2024, 6, 30), 'value': 5, 'currency': usd}
    services.link_projects(project=project, other=create_project(identifier='P-2', title_en='Station'))
    return {
        'milestone': services.add_milestone(project=project, title='Survey').pk,
        'budget': services.add_budget(project=project, value_date=day, **amount).pk,
        'planned': services.add_planned_disbursement(project=project, value_date=day, **amount).pk,
        'document': services.add_document(project=project, url='https://example.org/b', format='text/html',
                                          title_en='Page', category='A12').pk,
    }  # fmt: skip


def trade_run():
    from django.utils import timezone

    from trade.models import ImportRun

    now = timezone.now()
    return ImportRun.objects.create(
        source='uzstat', kind='uzstat', status='applied', actor_name='cli', channel='cli', started=now, finished=now,
        rows_read=1, rows_accepted=14, slices_new=14, slices_replaced=0, slices_unchanged=0,
    )  # fmt: skip


@pytest.fixture
def objects(china):
    from core.models import CodelistItem, Country, ExchangeRate
    from trade.models import ColumnMapping
    from trade.targets import create_target

    organization = create_organization(name_en='Export-Import Bank of China', kind='bank', country=china)
    project = create_project(identifier='P-1', title_en='Railway')
    parts = project_parts(project)
    source = sources_services.create_source(
        actor=SYSTEM, key='report', title='Press report', kind='press', publisher='Agency'
    )
    claim = sources_services.create_claim(
        actor=SYSTEM,
        source=source,
        metric='portfolio_value',
        comparator='gt',
        value_usd=60,
        quote='…',
        confidence='medium',
    )
    citation = sources_services.add_citation(
        record=project, source=source, locator='paragraph 1', confidence='medium', actor=SYSTEM
    )
    target = create_target(metric='turnover', reporter=Country.objects.get(iso3='UZB'), partner=china, value_usd=20)
    run = trade_run()
    mapping = ColumnMapping.objects.create(
        key='customs-monthly', name='Customs', columns={}, reporter='UZB', classification='HS2017'
    )
    return {
        'run': run.pk,
        'mapping': mapping.key,
        'target': target.pk,
        'project': project.pk,
        **parts,
        'org': organization.pk,
        'source': source.key,
        'claim': claim.pk,
        'citation': citation.pk,
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
