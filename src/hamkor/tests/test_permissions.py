"""Who may see and change what: every page and endpoint, keyed on (URL name, method), for an
anonymous visitor, a signed-in user without a role, every role, and a user holding only the one
permission a case needs. A URL added without a row here fails `test_every_url_is_in_the_matrix`.

Each case declares what it needs (nothing, a signed-in user, or one permission); the expected
answer of every role is derived from the permissions the role really holds. Every answer a user
gets is also read: the identifier and title of a restricted project and of an Uzbek-side project
must not appear in it unless the user may see them.

Requests run in a savepoint that is rolled back, and the client's cookies are restored after
each, so a deletion or a log-out does not change what the next case sees.
"""

import copy
import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import URLResolver, get_resolver
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Side
from accounts.roles import CN_ANALYST, ROLES, UZ_ANALYST
from core.models import CodelistItem, Country, Currency, ExchangeRate, Job, ObjectChange
from hamkor.permissions import SYSTEM
from organizations.services import create_organization
from portfolio import services as portfolio_services
from portfolio.querysets import visible_levels
from portfolio.services import create_project
from sources import services as sources_services
from trade.models import ColumnMapping, ImportRun
from trade.services import create_target

pytestmark = pytest.mark.django_db

PUBLIC, SIGNED_IN = 'public', 'signed-in'
# The users every case is tried with: no one, a user without a role, and each role.
USERS = ('anonymous', 'norole', *ROLES)
SIDES = {UZ_ANALYST: Side.UZBEKISTAN, CN_ANALYST: Side.CHINA}


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    needs: str  # PUBLIC, SIGNED_IN, or the permission 'app.codename'
    method: str = 'get'
    data: dict | None = None
    ok: int = 200  # the answer to a user who may
    fixed: dict | None = None  # {'anonymous': …, 'user': …}: the same answer whatever the permissions


def web(name, url, needs=PUBLIC, method='get', data=None, ok=200, fixed=None):
    return Case(name, url, needs, method, data, ok, fixed)


api = web
CHANGE_PROJECT = 'portfolio.change_project'
ORGANIZATION = {'name_en': 'Bank of Communications', 'kind': 'bank', 'country': 'CHN'}
PROJECT = {'identifier': 'P-NEW', 'title_en': 'New project', 'sectors': [{'sector': 'mining', 'percentage': '100'}]}
AMOUNT = {'type': '11', 'value': '5', 'currency': 'USD', 'value_date': '2024-01-01'}
PARTICIPANT = {'organization': '{org}', 'role': '2'}  # keys in braces are the objects' (send)
BUDGET = {
    'type': '1',
    'period_start': '2024-01-01',
    'period_end': '2024-12-31',
    'value': '1000',
    'currency': 'USD',
    'value_date': '2024-01-01',
}
DOCUMENT = {'url': 'https://example.org/a.pdf', 'format': 'application/pdf', 'title_en': 'Study', 'category': 'A01'}

WEB = [
    web('dashboard', '/'),
    web('accounts:login', '/accounts/login/', fixed={'anonymous': 200, 'user': 302}),
    web('accounts:logout', '/accounts/logout/', method='post', fixed={'anonymous': 302, 'user': 302}),
    web('accounts:password_change', '/accounts/password/', SIGNED_IN),
    web('accounts:profile', '/accounts/profile/', SIGNED_IN),
    web('accounts:rotate_token', '/accounts/profile/token/', SIGNED_IN, 'post', ok=302),
    web('core:reference_index', '/reference/'),
    web('core:country_list', '/reference/countries/?q=china'),
    web('core:country_detail', '/reference/countries/UZB/'),
    web('core:hs_browse', '/reference/hs/?q=8504'),
    web('core:hs_detail', '/reference/hs/2022/850440/'),
    web('core:sector_list', '/reference/sectors/'),
    web('core:fx_rates', '/reference/fx/?currency=UZS'),
    web('core:dataset_list', '/reference/sources/'),
    web('core:methodology', '/reference/methodology/portfolio-aggregation/'),
    web('core:change_list', '/reference/changes/', 'core.view_objectchange'),
    web('core:change_detail', '/reference/changes/{change}/', 'core.view_objectchange'),
    web('portfolio:dashboard', '/portfolio/'),
    web('portfolio:drill_down', '/portfolio/breakdown/stage/committed/'),
    web('portfolio:project_list', '/portfolio/projects/?q=plant'),
    web('portfolio:project_export', '/portfolio/projects/export.csv'),
    web('portfolio:project_detail', '/portfolio/projects/{project}/'),
    web('portfolio:project_create', '/portfolio/projects/new/', 'portfolio.add_project'),
    web('portfolio:project_import', '/portfolio/projects/import/', 'portfolio.add_project'),
    web('portfolio:project_edit', '/portfolio/projects/{project}/edit/', CHANGE_PROJECT),
    web('portfolio:project_status', '/portfolio/projects/{project}/status/', CHANGE_PROJECT),
    web('portfolio:transaction_create', '/portfolio/projects/{project}/transactions/new/', CHANGE_PROJECT),
    web('portfolio:project_add', '/portfolio/projects/{project}/milestone/new/', CHANGE_PROJECT),
    web('portfolio:budget_create', '/portfolio/projects/{project}/budgets/new/', CHANGE_PROJECT),
    web(
        'portfolio:planned_disbursement_create',
        '/portfolio/projects/{project}/planned-disbursements/new/',
        CHANGE_PROJECT,
    ),
    web('portfolio:document_create', '/portfolio/projects/{project}/documents/new/', CHANGE_PROJECT),
    web('portfolio:relation_create', '/portfolio/projects/{project}/relations/new/', CHANGE_PROJECT),
    web('portfolio:project_remove', '/portfolio/projects/{project}/milestones/{milestone}/remove/', CHANGE_PROJECT),
    web(
        'portfolio:project_remove',
        '/portfolio/projects/{project}/budgets/{budget}/remove/',
        CHANGE_PROJECT,
        'post',
        ok=302,
    ),  # fmt: skip
    web('portfolio:organization_list', '/portfolio/organizations/'),
    web('portfolio:organization_detail', '/portfolio/organizations/{org}/'),
    web('portfolio:organization_create', '/portfolio/organizations/new/', 'organizations.add_organization'),
    web('portfolio:organization_import', '/portfolio/organizations/import/', 'organizations.add_organization'),
    web('portfolio:organization_edit', '/portfolio/organizations/{org}/edit/', 'organizations.change_organization'),
    web('portfolio:organization_delete', '/portfolio/organizations/{org}/delete/', 'organizations.delete_organization'),
    # a job is its owner's alone: to anyone else it does not exist
    web('jobs:detail', '/jobs/{job}/', SIGNED_IN, fixed={'anonymous': 302, 'user': 404}),
    web('jobs:cancel', '/jobs/{job}/cancel/', SIGNED_IN, 'post', fixed={'anonymous': 302, 'user': 404}),
    web('trade:dashboard', '/trade/'),
    web('trade:import', '/trade/import/', 'trade.add_importrun'),
    web('trade:run_list', '/trade/runs/'),
    web('trade:run_detail', '/trade/runs/{run}/'),
    # the list also opens to an importer whose own run awaits review (trade/tests/test_approvals.py)
    web('trade:approvals', '/trade/approvals/', 'trade.approve_replacement'),
    # the run is applied, not pending: a reviewer is told so and sent back to the list
    web('trade:approve_run', '/trade/approvals/{run}/approve/', 'trade.approve_replacement', 'post', ok=302),
    web('trade:reject_run', '/trade/approvals/{run}/reject/', 'trade.approve_replacement', 'post', ok=302),
    web('trade:mapping_list', '/trade/mappings/', 'trade.view_columnmapping'),
    web('trade:mapping_create', '/trade/mappings/new/', 'trade.add_columnmapping'),
    web('trade:mapping_edit', '/trade/mappings/{mapping}/edit/', 'trade.change_columnmapping'),
    web('trade:products', '/trade/products/?flow=X'),
    web('trade:product_section', '/trade/products/section/XI/'),
    web('trade:product', '/trade/products/5201/'),
    web('trade:partners', '/trade/partners/?year=2023'),
    web('trade:partner', '/trade/partners/RUS/'),
    web('trade:advantage', '/trade/advantage/'),
    web('trade:mirror', '/trade/mirror/?digits=4'),
    web('trade:table', '/trade/tables/yearly.csv'),
    web('trade:target_create', '/trade/targets/new/', 'trade.add_target'),
    web('trade:target_edit', '/trade/targets/{target}/edit/', 'trade.change_target'),
    web('sources:source_list', '/sources/'),
    web('sources:source_detail', '/sources/{source}/'),
    web('sources:source_create', '/sources/new/', 'sources.add_source'),
    web('sources:source_edit', '/sources/{source}/edit/', 'sources.change_source'),
    web('sources:claim_create', '/sources/{source}/claims/new/', 'sources.add_claim'),
    web('sources:claim_edit', '/sources/{source}/claims/{claim}/edit/', 'sources.change_claim'),
    web('sources:record_citations', '/sources/cite/project/{project}/', 'sources.add_citation'),
    web('sources:citation_remove', '/sources/citations/{citation}/remove/', 'sources.delete_citation', 'post', ok=302),
    web('set_language', '/i18n/setlang/', method='post', data={'language': 'ru', 'next': '/'}, ok=302),
    # Staff only; the demo 'admin' is the administrator.
    web('admin:index', '/admin/', fixed={'anonymous': 302, 'user': 302}),
    web('api-schema', '/api/schema/'),
    web('api-docs', '/api/docs/'),
]

API = [
    api('api-root', '/api/'),
    api(
        'api-token',
        '/api/auth/token/',
        method='post',
        data={'username': 'nobody', 'password': 'x'},
        fixed={'anonymous': 400, 'user': 400},
    ),  # fmt: skip
    api('fx-convert', '/api/reference/fx/convert/?amount=1&currency=CNY&date=2023-01-05'),
    api('country-list', '/api/reference/countries/'),
    api('country-detail', '/api/reference/countries/CHN/'),
    api('currency-list', '/api/reference/currencies/'),
    api('currency-detail', '/api/reference/currencies/UZS/'),
    api('codelist-list', '/api/reference/codelists/'),
    api('codelist-detail', '/api/reference/codelists/TransactionType/'),
    api('codelist-item-list', '/api/reference/codelist-items/?codelist=ActivityStatus'),
    api('codelist-item-detail', '/api/reference/codelist-items/{item}/'),
    api('sector-list', '/api/reference/sectors/'),
    api('sector-detail', '/api/reference/sectors/23210/'),
    api('hs-section-list', '/api/reference/hs-sections/'),
    api('hs-section-detail', '/api/reference/hs-sections/XVI/'),
    api('hs-code-list', '/api/reference/hs/2017/?q=cotton'),
    api('hs-code-detail', '/api/reference/hs/2017/520100/'),
    api('fx-rate-list', '/api/reference/fx-rates/?currency=UZS'),
    api('fx-rate-detail', '/api/reference/fx-rates/{rate}/'),
    api('reference-dataset-list', '/api/reference/datasets/'),
    api('reference-dataset-detail', '/api/reference/datasets/hs2022/'),
    api('organization-list', '/api/organizations/'),
    api('organization-list', '/api/organizations/', 'organizations.add_organization', 'post', ORGANIZATION, ok=201),
    api('organization-detail', '/api/organizations/{org}/'),
    api(
        'organization-detail',
        '/api/organizations/{org}/',
        'organizations.change_organization',
        'patch',
        {'status': 'closed'},
    ),  # fmt: skip
    api('organization-detail', '/api/organizations/{org}/', 'organizations.delete_organization', 'delete', ok=204),
    api('portfolio-summary', '/api/portfolio/summary/'),
    api('portfolio-breakdown', '/api/portfolio/breakdown/sector/'),
    api('portfolio-drill-down', '/api/portfolio/breakdown/stage/committed/'),
    api('project-export', '/api/projects/export.csv'),
    api('project-list', '/api/projects/'),
    api('project-list', '/api/projects/', 'portfolio.add_project', 'post', PROJECT, ok=201),
    api('project-detail', '/api/projects/{project}/'),
    api('project-detail', '/api/projects/{project}/', CHANGE_PROJECT, 'patch', {'title_ru': 'Дорога'}),
    api('project-detail', '/api/projects/{project}/', 'portfolio.delete_project', 'delete', ok=204),
    api('project-status', '/api/projects/{project}/status/', CHANGE_PROJECT, 'post', {'status': 'negotiation'}),
    api('project-budgets', '/api/projects/{project}/budgets/', CHANGE_PROJECT, 'post', BUDGET, ok=201),
    api('project-budget', '/api/projects/{project}/budgets/{budget}/', CHANGE_PROJECT, 'delete', ok=204),
    api(
        'project-planned-disbursements',
        '/api/projects/{project}/planned-disbursements/',
        CHANGE_PROJECT,
        'post',
        BUDGET,
        ok=201,
    ),  # fmt: skip
    api(
        'project-planned-disbursement',
        '/api/projects/{project}/planned-disbursements/{planned}/',
        CHANGE_PROJECT,
        'delete',
        ok=204,
    ),  # fmt: skip
    api('project-transactions', '/api/projects/{project}/transactions/'),
    api('project-transactions', '/api/projects/{project}/transactions/', CHANGE_PROJECT, 'post', AMOUNT, ok=201),
    api('project-transaction', '/api/projects/{project}/transactions/{amount}/'),
    api(
        'project-transaction',
        '/api/projects/{project}/transactions/{amount}/',
        CHANGE_PROJECT,
        'patch',
        {'value': '6', 'reason': 'a typing error'},
    ),  # fmt: skip
    api(
        'project-transaction',
        '/api/projects/{project}/transactions/{amount}/',
        CHANGE_PROJECT,
        'delete',
        {'reason': 'entered twice'},
        ok=204,
    ),  # fmt: skip
    api('project-participants', '/api/projects/{project}/participants/', CHANGE_PROJECT, 'post', PARTICIPANT, ok=201),
    api('project-participant', '/api/projects/{project}/participants/{participant}/', CHANGE_PROJECT, 'delete', ok=204),
    api('project-countries', '/api/projects/{project}/countries/', CHANGE_PROJECT, 'post', {'country': 'KGZ'}, ok=201),
    api('project-country', '/api/projects/{project}/countries/{country}/', CHANGE_PROJECT, 'delete', ok=204),
    api('project-documents', '/api/projects/{project}/documents/', CHANGE_PROJECT, 'post', DOCUMENT, ok=201),
    api('project-document', '/api/projects/{project}/documents/{document}/', CHANGE_PROJECT, 'delete', ok=204),
    api(
        'project-relations',
        '/api/projects/{project}/relations/',
        CHANGE_PROJECT,
        'post',
        {'relation': 'child', 'identifier': 'P-2'},
        ok=201,
    ),  # fmt: skip
    api('project-relation', '/api/projects/{project}/relations/linked/P-2/', CHANGE_PROJECT, 'delete', ok=204),
    api('trade-monitor', '/api/trade/monitor/?reporter=UZB&partner=CHN'),
    api('trade-targets', '/api/trade/targets/'),
    api('trade-products', '/api/trade/products/?flow=M'),
    api('trade-rca', '/api/trade/rca/'),
    api('trade-mirror', '/api/trade/mirror/?digits=4'),
    api('trade-partners', '/api/trade/partners/'),
    api('change-list', '/api/changes/', 'core.view_objectchange'),
    api('change-detail', '/api/changes/{change}/', 'core.view_objectchange'),
    api('source-list', '/api/sources/'),
    api(
        'source-list',
        '/api/sources/',
        method='post',
        data={'key': 'x', 'title': 'x'},
        fixed={'anonymous': 405, 'user': 405},
    ),  # fmt: skip
    api('source-detail', '/api/sources/{source}/'),
    api('claim-list', '/api/claims/'),
    api('claim-detail', '/api/claims/{claim}/'),
]

# Records no low-privilege answer may name: (visibility, identifier, title).
SENTINELS = (
    ('restricted', 'P-SENTINEL-RESTRICTED', 'Sentinel restricted smelter'),
    ('side_uz', 'P-SENTINEL-UZ', 'Sentinel Uzbek-side plant'),
)


def project_parts(project) -> dict:
    """A milestone, budget, planned disbursement, document and linked project of `project`."""
    usd, day = Currency.objects.get(code='USD'), datetime.date(2024, 1, 1)
    amount = {'period_start': day, 'period_end': datetime.date(2024, 6, 30), 'value': 5, 'currency': usd}
    portfolio_services.link_projects(
        actor=SYSTEM, project=project, other=create_project(actor=SYSTEM, identifier='P-2', title_en='Station')
    )
    on_project = {'actor': SYSTEM, 'project': project}
    return {
        'milestone': portfolio_services.add_milestone(**on_project, title='Survey').pk,
        'budget': portfolio_services.add_budget(**on_project, value_date=day, **amount).pk,
        'planned': portfolio_services.add_planned_disbursement(**on_project, value_date=day, **amount).pk,
        'amount': portfolio_services.add_transaction(**on_project, type='11', value=5, currency=usd, value_date=day).pk,
        'document': portfolio_services.add_document(**on_project, url='https://example.org/b',
                                                    format='text/html', title_en='Page', category='A12').pk,
    }  # fmt: skip


def trade_run():
    from django.utils import timezone

    now = timezone.now()
    return ImportRun.objects.create(
        source='uzstat', kind='uzstat', status='applied', actor_name='cli', channel='cli', started=now, finished=now,
        rows_read=1, rows_accepted=14, slices_new=14, slices_replaced=0, slices_unchanged=0,
    )  # fmt: skip


@pytest.fixture
def objects(china):
    organization = create_organization(name_en='Export-Import Bank of China', kind='bank', country=china, actor=SYSTEM)
    project = create_project(actor=SYSTEM, identifier='P-1', title_en='Railway')
    parts = project_parts(project)
    for visibility, identifier, title in SENTINELS:
        sentinel = create_project(actor=SYSTEM, identifier=identifier, title_en=title, visibility=visibility)
        portfolio_services.link_projects(actor=SYSTEM, project=project, other=sentinel)
    source = sources_services.create_source(
        actor=SYSTEM, key='report', title='Press report', kind='press', publisher='Agency'
    )
    claim = sources_services.create_claim(
        actor=SYSTEM, source=source, metric='portfolio_value', comparator='gt', value_usd=60, quote='…',
        confidence='medium',
    )  # fmt: skip
    citation = sources_services.add_citation(
        record=project, source=source, locator='paragraph 1', confidence='medium', actor=SYSTEM
    )
    target = create_target(
        metric='turnover', reporter=Country.objects.get(iso3='UZB'), partner=china, value_usd=20, actor=SYSTEM
    )
    mapping = ColumnMapping.objects.create(
        key='customs-monthly', name='Customs', columns={}, reporter='UZB', classification='HS2017'
    )
    owner = get_user_model().objects.create_user('job-owner')
    return {
        'job': Job.objects.create(kind='hamkor.import-preview', owner=owner).pk,
        'run': trade_run().pk,
        'mapping': mapping.key,
        'target': target.pk,
        'project': project.pk,
        **parts,
        'org': organization.pk,
        'participant': portfolio_services.add_participant(  # of another organization: `org` may be deleted
            actor=SYSTEM,
            project=project,
            role='1',
            organization=create_organization(name_en='Bank of China', kind='bank', country=china, actor=SYSTEM),
        ).pk,  # fmt: skip
        'country': portfolio_services.add_country(actor=SYSTEM, project=project, country=china).pk,
        'source': source.key,
        'claim': claim.pk,
        'citation': citation.pk,
        'change': ObjectChange.objects.for_record(organization).get().pk,
        'item': CodelistItem.objects.get(codelist__name='ActivityStatus', code='2').pk,
        'rate': ExchangeRate.objects.get(currency='CNY', frequency='M', period_start='2023-06-01').pk,
    }


def expected(case: Case, user, *, is_api: bool) -> int:
    anonymous = user is None
    if case.fixed:
        return case.fixed['anonymous' if anonymous else 'user']
    if case.needs == PUBLIC:
        return case.ok
    if anonymous:
        return 401 if is_api else 302  # the API asks for credentials, a page sends to the log-in
    if case.needs == SIGNED_IN or user.has_perm(case.needs):
        return case.ok
    return 403


def hidden_from(user) -> list[str]:
    """The sentinels' identifiers and titles `user` may not see."""
    levels = visible_levels(user)
    return [text for visibility, *texts in SENTINELS if visibility not in levels for text in texts]


def send(client, case: Case, objects: dict, *, is_api: bool):
    """The answer to `case`, with every write it makes rolled back and the client's cookies kept."""
    url = case.url.format(**objects)
    data = {
        name: value.format(**objects) if isinstance(value, str) else value for name, value in (case.data or {}).items()
    }
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if case.method == 'get':
            response = client.get(url)
        elif is_api:
            response = getattr(client, case.method)(url, data, format='json')
        else:
            response = getattr(client, case.method)(url, **({'data': data} if data else {}))
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def body(response) -> str:
    if getattr(response, 'streaming', False):
        return b''.join(response.streaming_content).decode('utf-8', 'replace')
    return response.content.decode('utf-8', 'replace')


def check(cases, client, user, objects, *, is_api: bool, who: str) -> list[str]:
    """Every disagreement with the rules, as a line naming the user and the case."""
    problems, hidden = [], hidden_from(user)
    for case in cases:
        response = send(client, case, objects, is_api=is_api)
        want = expected(case, user, is_api=is_api)
        if response.status_code != want:
            problems.append(f'{who}: {case.method.upper()} {case.name} answered {response.status_code}, not {want}')
        if response.status_code < 300:
            text = body(response)
            problems += [f'{who}: {case.method.upper()} {case.name} shows {word!r}' for word in hidden if word in text]
    return problems


def make_actor(make_user, who: str):
    if who == 'anonymous':
        return None
    if who == 'norole':
        return make_user(None)
    return make_user(who, side=SIDES.get(who, Side.JOINT))


@pytest.mark.parametrize('who', USERS)
def test_pages(who, client, make_user, objects):
    user = make_actor(make_user, who)
    if user is not None:
        client.force_login(user)

    assert check(WEB, client, user, objects, is_api=False, who=who) == []


@pytest.mark.parametrize('who', USERS)
def test_api(who, make_user, objects):
    user = make_actor(make_user, who)
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f'Token {Token.objects.create(user=user).key}')

    assert check(API, client, user, objects, is_api=True, who=who) == []


NEEDED = sorted({case.needs for case in WEB + API if case.needs not in (PUBLIC, SIGNED_IN) and not case.fixed})


@pytest.mark.parametrize('permission', NEEDED)
def test_a_user_holding_only_the_permission_a_case_needs(permission, client, make_user, objects):
    """The permission a case names is the one it checks: its holder alone may, and a user with
    every other permission of the app may not."""
    app_label, codename = permission.split('.')
    only = make_user(None)
    only.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    others = make_user(None)
    others.user_permissions.add(
        *Permission.objects.filter(content_type__app_label=app_label).exclude(codename=codename)
    )
    web_cases = [case for case in WEB if case.needs == permission]
    api_cases = [case for case in API if case.needs == permission]
    problems = []
    for user, who in ((only, f'only {permission}'), (others, f'all of {app_label} but {codename}')):
        user = type(user).objects.get(pk=user.pk)  # permissions are cached per instance
        client.force_login(user)
        problems += check(web_cases, client, user, objects, is_api=False, who=who)
        token_client = APIClient()
        token_client.credentials(HTTP_AUTHORIZATION=f'Token {Token.objects.create(user=user).key}')
        problems += check(api_cases, token_client, user, objects, is_api=True, who=who)

    assert problems == []


def test_anonymous_pages_redirect_to_login_with_next(client, objects):
    response = client.get('/reference/changes/')

    assert response['Location'] == '/accounts/login/?next=/reference/changes/'


def test_a_secretariat_user_sees_the_sentinels_where_they_are_listed(client, make_user, objects):
    """The content check above looks for the right words: the sentinels do appear to someone
    who may see them."""
    client.force_login(make_user('secretariat'))

    text = client.get(f'/portfolio/projects/{objects["project"]}/').content.decode()

    assert all(word in text for _visibility, *texts in SENTINELS for word in texts)


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


def test_each_url_and_method_has_one_row_unless_it_tries_another_object():
    keys = [(case.name, case.method, case.url) for case in WEB + API]
    assert len(keys) == len(set(keys))
