"""No page, endpoint, download, change-log view or import preview shows a reader a project it may
not see (docs/portfolio-aggregation.md, "Who sees what").

Sentinel projects, one at each visibility level, carry a string of their own in every text field
they have (identifier, titles and descriptions in the four languages, their earlier title and
description, the reason of a status change, an amount's description, a milestone, a document,
a citation's locator) and amounts of a value of their own. They are related to each other where
the rules allow (a part of a hidden umbrella agreement, a part of a hidden whole of the other
side, links across levels), were edited through the services so that the change log holds their
history, and one of them moved from one side to the other. Every URL pattern of the resolver is
then requested by each kind of reader, with its path parameters filled with the sentinels' keys
and its lists searched and filtered for them, HTML links are followed, downloads read (the XML
parts of an XLSX included), and no response body or header may hold a string of a sentinel the
reader may not see: the reader only ever finds what it typed itself.

The world is built and crawled once for the module, inside a transaction rolled back at the end;
the tests then judge what the crawl recorded.
"""

import contextlib
import csv
import datetime
import html
import io
import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import unquote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation
from django.utils.formats import number_format

from accounts.services import create_user
from core.models import Country, Currency, ObjectChange
from hamkor.permissions import SYSTEM
from hamkor.templatetags.hamkor import usd, usd_short
from hamkor.testing.fixtures import PASSWORD
from organizations import services as organization_services
from portfolio import services
from portfolio.models import CooperationSector, Project
from sources import services as source_services

# The tests only judge what the crawl recorded; the mark makes the run create the test database.
pytestmark = pytest.mark.django_db

PUBLIC, PARTNERS, SIDE_UZ, SIDE_CN, RESTRICTED = 'public', 'partners', 'side_uz', 'side_cn', 'restricted'
EVERY_LEVEL = {PUBLIC, PARTNERS, SIDE_UZ, SIDE_CN, RESTRICTED}

# sentinel → (the level it has now, its amount). 'mov' was recorded as side_uz and then moved to
# the Chinese side: it is a side_cn project, and the Uzbek side may no longer see any of it.
SENTINELS = {
    'pub': (PUBLIC, '912345678.12'),
    'prt': (PARTNERS, '923456789.23'),
    'suz': (SIDE_UZ, '934567891.34'),
    'scn': (SIDE_CN, '945678912.45'),
    'rst': (RESTRICTED, '956789123.56'),
    'mov': (SIDE_CN, '967891234.67'),
}
# Umbrella agreements whose parts are recorded do not count in the totals.
UMBRELLAS = {'rst', 'suz'}
# The amount of each sentinel is an incoming commitment, but the Chinese whole's is a disbursement
# (in "disbursements without a commitment"): a whole that is not an umbrella and its part may not
# both carry value (docs/portfolio-aggregation.md), and its Uzbek part carries one.
AMOUNT_TYPES = {'scn': '3'}

# reader → (role, side, superuser, the levels the rule lets it see)
READERS = {
    'anonymous': (None, None, False, {PUBLIC}),
    'viewer': ('applicant', 'JOINT', False, {PUBLIC}),
    'secretariat-uz': ('secretariat', 'UZ', False, {PUBLIC, PARTNERS, SIDE_UZ, RESTRICTED}),
    'secretariat-cn': ('secretariat', 'CN', False, {PUBLIC, PARTNERS, SIDE_CN, RESTRICTED}),
    'uz-analyst': ('uz-analyst', 'UZ', False, {PUBLIC, PARTNERS, SIDE_UZ}),
    'cn-analyst': ('cn-analyst', 'CN', False, {PUBLIC, PARTNERS, SIDE_CN}),
    'superuser': (None, 'JOINT', True, EVERY_LEVEL),
}
CHANGE_LOG_READERS = {'secretariat-uz', 'secretariat-cn', 'superuser'}
IMPORTERS = ('secretariat-uz', 'secretariat-cn')

# The text fields each sentinel fills with a string of its own (short codes name them in reports).
TEXT_FIELDS = {
    'id': 'identifier',
    'ten': 'title_en',
    'tru': 'title_ru',
    'tzh': 'title_zh',
    'tuz': 'title_uz',
    'den': 'description_en',
    'dru': 'description_ru',
    'dzh': 'description_zh',
    'duz': 'description_uz',
    'old': 'title_en before its edit',
    'odn': 'description_en before its edit',
    'rsn': 'reason of a status change',
    'txd': 'description of an amount',
    'mil': 'title of a milestone',
    'doc': 'title of a document',
    'dur': 'address of a document',
    'cit': 'locator of a citation',
}
SHARED_SOURCE_KEY = 'leak-crawl-report'
FREE_ID = 'ZQFREEIDQZ'  # an identifier no project has: what a reader sees for a name that is not taken


def token(key: str, code: str) -> str:
    return f'zq{key}{code}qz'


def identifier(key: str) -> str:
    return token(key, 'id').upper()


def amount_forms(amount: str) -> list[str]:
    """Every way a page, a file or the API may write the amount: raw, its whole part, grouped as
    each language groups digits, and the app's own money filters (to the cent and in words of
    scale); grouped_whole finds the whole part with any other grouping."""
    value = Decimal(amount)
    forms = {amount, str(int(value))}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            forms |= {usd(value), usd_short(value), number_format(value, decimal_pos=2, force_grouping=True)}
    return sorted(form.lower() for form in forms)


def grouped_whole(amount: str) -> re.Pattern:
    """The whole part with any digit grouping (comma, point, space, no-break or thin space, apostrophe)."""
    digits = str(int(Decimal(amount)))
    groups = [digits[max(0, end - 3) : end] for end in range(len(digits), 0, -3)][::-1]
    return re.compile(r"[,.\s\u00a0\u202f']?".join(groups))


@dataclass(frozen=True)
class Needle:
    sentinel: str
    what: str  # a TEXT_FIELDS code, or 'amount'
    text: str


def needles() -> list[Needle]:
    found = [Needle(key, code, token(key, code)) for key in SENTINELS for code in TEXT_FIELDS]
    for key, (_level, amount) in SENTINELS.items():
        found += [Needle(key, 'amount', form) for form in amount_forms(amount)]
    return found


NEEDLES: list[Needle] = []  # filled by the crawl: the forms of money follow the settings of the run
AMOUNT_PATTERNS = {key: grouped_whole(amount) for key, (_level, amount) in SENTINELS.items()}


@dataclass(frozen=True)
class Leak:
    reader: str
    url: str
    sentinel: str
    what: str
    context: str

    def __str__(self):
        return f'{self.reader} GET {self.url}: {self.sentinel}/{self.what} in …{self.context}…'


@dataclass
class Crawl:
    leaks: list[Leak] = field(default_factory=list)
    seen: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    fetched: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)
    oracles: list[str] = field(default_factory=list)
    imports: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


#
# The world
#


@dataclass
class World:
    projects: dict[str, Project]
    organization_pk: int
    source_key: str
    claim_pk: int
    citation_pks: list[int]
    items: dict[str, dict[str, list[int]]]  # sentinel → part → pks of its records
    relations: list[tuple[str, str, str]]  # ('parent' or 'linked', sentinel, the other sentinel)
    changes: dict[int, str]  # change log entry → the sentinel it is about

    def changes_for(self, reader: str) -> list[int]:
        """The history of every sentinel the reader may not see, and some of that of the others."""
        about = {pk: key for pk, key in self.changes.items() if key}
        hidden = [pk for pk, key in about.items() if not may_see(reader, key)]
        return hidden + [pk for pk, key in about.items() if may_see(reader, key)][:: 4 if hidden else 8]


def texts(key: str, *, old: bool = False) -> dict:
    level_title = f'Sentinel project {token(key, "old" if old else "ten")}'
    values = {
        'title_en': level_title,
        'description_en': f'About {token(key, "odn" if old else "den")}.',
    }
    if not old:
        values |= {
            'title_ru': f'Проект {token(key, "tru")}',
            'title_zh': f'哨兵项目 {token(key, "tzh")}',
            'title_uz': f'Loyiha {token(key, "tuz")}',
            'description_ru': f'О проекте {token(key, "dru")}.',
            'description_zh': f'关于 {token(key, "dzh")}。',
            'description_uz': f'Loyiha haqida {token(key, "duz")}.',
        }
    return values


def build_world() -> World:
    editor = create_user(username='crawl-editor', password=PASSWORD, roles=['secretariat'], side='JOINT', actor=SYSTEM)
    usd_currency = Currency.objects.get(code='USD')
    day = datetime.date(2024, 3, 1)
    bank = organization_services.create_organization(
        actor=editor, name_en='Crawl Partner Bank', kind='bank', country=Country.objects.get(iso3='CHN')
    )
    report = source_services.create_source(
        actor=editor, key=SHARED_SOURCE_KEY, title='Crawl report', kind='press', publisher='Crawl press'
    )
    claim = source_services.create_claim(
        source=report, actor=editor, metric='portfolio_value', comparator='gt', value_usd=Decimal('1000'),
        quote='More than a thousand dollars.', confidence='low',
    )  # fmt: skip
    sectors = list(CooperationSector.objects.order_by('code')[: len(SENTINELS)])
    regions = ['UZ-AN', 'UZ-BU', 'UZ-FA', 'UZ-JI', 'UZ-QR', 'UZ-QA']
    projects, items, citations = {}, {}, []
    changes = dict.fromkeys(ObjectChange.objects.values_list('pk', flat=True), '')
    for number, (key, (level, amount)) in enumerate(SENTINELS.items()):
        recorded_level = SIDE_UZ if key == 'mov' else level
        project = services.create_project(
            actor=editor, identifier=identifier(key), visibility=recorded_level, region=regions[number],
            is_umbrella=key in UMBRELLAS, sectors=[(sectors[number], Decimal(100))], **texts(key, old=True),
        )  # fmt: skip
        project = services.update_project(project=project, actor=editor, **texts(key))
        on_project = {'project': project, 'actor': editor}
        services.change_status(**on_project, status='agreement_signed', reason=f'Signed: {token(key, "rsn")}')
        services.add_transaction(
            **on_project, type=AMOUNT_TYPES.get(key, '11'), value=Decimal(amount), currency=usd_currency,
            value_date=day, provider=bank, description=f'Loan {token(key, "txd")}',
        )  # fmt: skip
        budget = services.add_budget(
            **on_project, period_start=day, period_end=datetime.date(2024, 12, 31), value=Decimal(amount),
            currency=usd_currency, value_date=day,
        )  # fmt: skip
        planned = services.add_planned_disbursement(
            **on_project, period_start=day, value=Decimal(amount), currency=usd_currency, value_date=day,
            provider=bank,
        )  # fmt: skip
        document = services.add_document(
            **on_project, url=f'https://example.org/{token(key, "dur")}.pdf', format='application/pdf',
            title_en=f'Agreement {token(key, "doc")}', category='A12',
        )  # fmt: skip
        participant = services.add_participant(**on_project, organization=bank, role='1')
        milestone = services.add_milestone(**on_project, title=f'Milestone {token(key, "mil")}', planned_date=day)
        citation = source_services.add_citation(
            record=project, source=report, locator=f'p. {token(key, "cit")}', confidence='low', actor=editor
        )
        citations.append(citation.pk)
        projects[key] = project
        items[key] = {
            'budgets': [budget.pk],
            'planned-disbursements': [planned.pk],
            'documents': [document.pk],
            'participants': [participant.pk],
            'milestones': [milestone.pk],
            'transactions': list(project.transactions.values_list('pk', flat=True)),
        }
        changes |= history_since(changes, key)
    # Relations where the rules allow them (choices.PART_LEVELS for umbrella agreements).
    relations = [('parent', 'pub', 'rst'),  # a public part of a restricted umbrella agreement
                 ('parent', 'suz', 'scn'),  # an Uzbek part of a Chinese whole
                 ('parent', 'prt', 'suz'),  # a partners' part of an Uzbek umbrella agreement
                 ('linked', 'pub', 'scn'), ('linked', 'prt', 'rst')]  # fmt: skip
    for relation, key, other in relations:
        services.relate_projects(project=projects[key], other=projects[other], relation=relation, actor=editor)
        changes |= history_since(changes, key)
    projects['mov'] = services.update_project(project=projects['mov'], actor=editor, visibility=SIDE_CN)
    changes |= history_since(changes, 'mov')
    return World(
        projects={key: Project.objects.get(pk=project.pk) for key, project in projects.items()},
        organization_pk=bank.pk,
        source_key=report.key,
        claim_pk=claim.pk,
        citation_pks=citations,
        items=items,
        relations=relations,
        changes=changes,
    )


def history_since(changes: dict[int, str], key: str) -> dict[int, str]:
    """The change-log entries written since the last one in `changes`, as entries about `key`."""
    newer = ObjectChange.objects.filter(pk__gt=max(changes, default=0))
    return dict.fromkeys(newer.values_list('pk', flat=True), key)


def make_readers() -> dict[str, Client]:
    clients = {}
    for name, (role, side, superuser, _levels) in READERS.items():
        client = Client(raise_request_exception=False)
        if name != 'anonymous':
            user = create_user(
                username=f'crawl-{name}', password=PASSWORD, roles=[role] if role else [], side=side,
                is_superuser=superuser, actor=SYSTEM,
            )  # fmt: skip
            client.force_login(user)
        clients[name] = client
    return clients


def may_see(reader: str, sentinel: str) -> bool:
    return SENTINELS[sentinel][0] in READERS[reader][3]


#
# Reading responses
#


def body_text(response) -> str:
    """What a reader receives, as text: an XLSX unzipped (every XML part), JSON with its escapes
    resolved, HTML and XML with their character references resolved."""
    content = b''.join(response.streaming_content) if response.streaming else response.content
    if content[:4] == b'PK\x03\x04':
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = [archive.read(name).decode('utf-8', 'replace') for name in archive.namelist()]
        text = '\n'.join(parts)
    else:
        text = content.decode('utf-8-sig', 'replace')
    if 'json' in response.get('Content-Type', ''):
        with contextlib.suppress(ValueError):  # a body that says it is JSON and is not is read as text
            text += '\n' + json.dumps(json.loads(text), ensure_ascii=False)
    return text + '\n' + html.unescape(text)


def find_needles(text: str) -> list[tuple[Needle, str]]:
    lowered = text.lower()
    found = []
    for needle in NEEDLES:
        at = lowered.find(needle.text)
        if at >= 0:
            found.append((needle, text[max(0, at - 60) : at + len(needle.text) + 60].replace('\n', ' ')))
    for key, pattern in AMOUNT_PATTERNS.items():
        match = pattern.search(text)
        if match:
            context = text[max(0, match.start() - 60) : match.end() + 60].replace('\n', ' ')
            found.append((Needle(key, 'amount', match.group()), context))
    return found


LINK = re.compile(r"""(?:href|hx-get|action|src)\s*=\s*["']([^"'#]+)["']""")
JSON_LINK = re.compile(r'"(?:https?://testserver)?(/[^"\s]*)"')
# Links are followed where records of the portfolio can be named; the reference data (HS codes,
# countries, rates) names none and is requested through its URL patterns only.
FOLLOWED = ('/portfolio/', '/sources/', '/reference/changes/', '/accounts/', '/trade/', '/api/projects',
            '/api/portfolio/', '/api/changes', '/api/sources', '/api/claims', '/api/organizations')  # fmt: skip


def links(url: str, text: str, content_type: str) -> list[str]:
    found = LINK.findall(text) if 'html' in content_type else []
    if 'json' in content_type:
        found += JSON_LINK.findall(text)
    result = []
    for link in found:
        link = html.unescape(link).replace('http://testserver', '')
        if link.startswith('?'):
            link = urlsplit(url).path + link
        # The formats of a page (which the browsable API links), the downloads and the lists with
        # their filters and orders are seeds already; of a link with a query, only the next pages are new.
        path, _mark, query = link.partition('?')
        if not path.startswith(FOLLOWED) or '.api' in path or 'export.' in path or 'format=' in query:
            continue
        if query and not re.fullmatch(r'(page_size=\d+&)?page=\d+', query):
            continue
        result.append(link)
    return result


#
# The URLs to request
#


def patterns(resolvers=None, prefix=''):
    """(route with <name> where a parameter goes, URL name) of every pattern, includes recursed."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, prefix + route_of(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + route_of(entry.pattern), entry.name or ''


def route_of(pattern) -> str:
    """A route or a regex as text with <name> where a parameter goes."""
    text = str(pattern)
    if text.startswith('^') or text.endswith('$'):
        text = re.sub(r'\(\?P<(\w+)>[^)]*\)', r'<\1>', text)
        return text.lstrip('^').rstrip('$').replace('\\.', '.').replace('/?', '/')
    return re.sub(r'<(?:\w+:)?(\w+)>', r'<\1>', text)


def parameter_values(world: World, reader: str, route: str, name: str) -> dict[str, list[str]]:
    """Values for each parameter of a route: the sentinels' keys, and the keys of what they own."""
    values = {
        'pk': [str(project.pk) for project in world.projects.values()],
        'identifier': [project.identifier for project in world.projects.values()],
        'relation': ['linked'],
        'part': ['participant', 'milestone', 'budgets', 'documents', 'planned-disbursements'],
        'kind': ['project', 'organization'],
        'key': [world.source_key],
        'format': ['csv', 'xlsx'] if route.startswith(('portfolio/', 'trade/')) else ['json', 'api'],
        'dimension': ['stage', 'sector', 'region', 'financier', 'year'],
        'iso3': ['CHN'], 'code': ['USD', '8504', 'CHN'], 'edition': ['2022'], 'section': ['XVI'],
        'name': ['monitor'],
    }  # fmt: skip
    if 'change' in name:
        values['pk'] = [str(pk) for pk in world.changes_for(reader)]
    elif 'organization' in name:
        values['pk'] = [str(world.organization_pk)]
    elif 'citation' in name:
        values['pk'] = [str(pk) for pk in world.citation_pks]
    elif 'claim' in name:
        values['pk'] = [str(world.claim_pk)]
    elif name.startswith(('codelist-item', 'fx-rate')) or route.startswith('trade/'):
        values['pk'] = ['1']
    elif name.startswith('reference-dataset'):
        values['key'] = ['currencies']
    return values


def fill(route: str, values: dict[str, list[str]]) -> list[str]:
    urls = ['/' + route]
    for name in re.findall(r'<(\w+)>', route):
        urls = [url.replace(f'<{name}>', option, 1) for url in urls for option in values.get(name, ['1'])]
    return urls


def drill_downs(world: World) -> list[str]:
    """Each group of each breakdown a sentinel counts in, and the groups of what is not stated."""
    projects = world.projects.values()
    keys = {
        'stage': ['committed', 'pipeline'],
        'sector': [
            '-',
            *CooperationSector.objects.filter(projects__project__in=projects).values_list('code', flat=True),
        ],
        'region': ['-', *sorted({project.region for project in projects})],
        'financier': ['-', str(world.organization_pk)],
        'year': ['-', '2024'],
    }
    return [
        f'{prefix}{dimension}/{key}/'
        for prefix in ('/portfolio/breakdown/', '/api/portfolio/breakdown/')
        for dimension, group in keys.items()
        for key in group
    ]


def project_records(world: World) -> list[str]:
    """The confirmation pages of the records and relations shown on a sentinel's page, and the
    API addresses of its records."""
    urls = []
    for key, project in world.projects.items():
        for part, pks in world.items[key].items():
            urls += [f'/portfolio/projects/{project.pk}/{part}/{pk}/remove/' for pk in pks]
            if part in ('budgets', 'documents', 'planned-disbursements'):
                urls += [f'/api/projects/{project.pk}/{part}/{pk}/' for pk in pks]
    for part, child, parent in world.relations:
        one, other = world.projects[child].pk, world.projects[parent].pk
        back = {'parent': 'children', 'linked': 'linked'}[part]
        urls += [
            f'/portfolio/projects/{one}/{part}/{other}/remove/',
            f'/portfolio/projects/{other}/{back}/{one}/remove/',
        ]
        urls += [f'/api/projects/{one}/relations/{part}/{world.projects[parent].identifier}/']
    return urls


SPECIAL = {'drill_down', 'portfolio-drill-down', 'project_remove', 'project-budget', 'project-document',
           'project-planned-disbursement', 'project-relation'}  # fmt: skip


def searches(world: World, reader: str) -> list[str]:
    """Lists searched and filtered for the sentinels: the page, the API and the downloads of
    projects, and the change log (page and API)."""
    # Every sentinel's identifier holds "zq" and its titles the same words: one search of each finds them all.
    words = ['zq', 'sentinel project', 'проект', '哨兵项目', 'loyiha']
    lists = ['/portfolio/projects/', '/api/projects/', '/api/projects/export.csv']
    urls = [f'{path}?{urlencode({"q": word})}' for path in lists for word in words]
    urls += [
        f'{path}?{urlencode({"visibility": level, "page_size": 1000})}' for path in lists[:2] for level in EVERY_LEVEL
    ]
    urls += [f'{path}?sort=-value&page_size=1000' for path in [*lists, '/portfolio/projects/export.xlsx']]
    urls += [
        f'/api/projects/?{urlencode({"financier": world.organization_pk, "side": side})}' for side in ('CN', 'JOINT')
    ]
    urls += ['/api/projects/?format=api&page_size=1000']
    if reader not in CHANGE_LOG_READERS:
        return urls
    filters = [{'record_type': kind} for kind in ('project', 'transaction', 'citation', 'milestone', 'documentlink',
                                                  'budget', 'participant', 'planneddisbursement')]  # fmt: skip
    filters += [{'object_id': project.pk} for project in world.projects.values()]
    filters += [{'actor_name': 'crawl-editor'}, {'channel': 'web'}, {'action': 'update'}, {'page_size': 1000}]
    urls += [f'{path}?{urlencode(query)}' for path in ('/reference/changes/', '/api/changes/') for query in filters]
    urls += ['/api/changes/?format=api&page_size=1000']
    return urls


def seeds(world: World, reader: str) -> list[str]:
    urls = drill_downs(world) + project_records(world)
    for route, name in patterns():
        if name in SPECIAL or route.startswith(('i18n/', 'accounts/logout/')):
            continue
        if route.startswith('admin/'):
            if reader != 'superuser' and '<' not in route:  # the superuser may see everything there
                urls.append('/' + route)
            continue
        if reader not in CHANGE_LOG_READERS and 'change' in name:
            urls.append('/' + route.replace('<pk>', '1').replace('<format>', 'json'))  # refused whatever the key
            continue
        if '<format>' in route and route.startswith('api/') and not name.endswith(('-list', '-detail')):
            continue  # the actions of an API record (POST or DELETE) are requested without a format suffix
        if name.startswith('change') and '<format>' in route:
            continue  # the change log's records are requested as /api/changes/<pk>/, with their formats listed
        if route.startswith(('api/schema/', 'api/docs/')) and reader not in ('anonymous', 'secretariat-uz'):
            continue  # the same document for every reader, and the slowest to make
        urls += fill(route, parameter_values(world, reader, route, name))
    if reader != 'superuser':
        urls += [f'/admin/portfolio/project/{project.pk}/change/' for project in world.projects.values()]
    urls += searches(world, reader)
    return list(dict.fromkeys(urls))


#
# The crawl
#

MAX_FOLLOWED = 150  # links followed per reader, beyond the seeds
MAX_DEPTH = 2
LANGUAGES = ('ru', 'zh-hans', 'uz')
ADDRESSES = iter(f'10.{n // 62500}.{n // 250 % 250}.{n % 250 + 1}' for n in range(10**6))


def get(client: Client, url: str):
    """The response and its text, read inside a savepoint: a request that fails in the database
    must not end the crawl's transaction, and a download streams from a cursor of its own.

    The crawl makes more requests than the anonymous API rate allows a client address in a
    minute: each comes from an address of its own, so that no answer is a 429 in place of the
    page (the limits have tests of their own)."""
    client.defaults['REMOTE_ADDR'] = next(ADDRESSES)
    with transaction.atomic():
        response = client.get(url)
        text = body_text(response)
        transaction.set_rollback(True)
    return response, text


def fetch(crawl: Crawl, reader: str, client: Client, url: str) -> tuple[str, str]:
    response, text = get(client, url)
    crawl.fetched[reader] += 1
    if response.status_code >= 500:
        crawl.errors.append(f'{reader} GET {url}: {response.status_code}')
    headers = '\n'.join(f'{name}: {value}' for name, value in response.items())
    asked = unquote(url).lower()
    for needle, context in find_needles(text + '\n' + headers):
        crawl.seen[reader].add((needle.sentinel, needle.what))
        if may_see(reader, needle.sentinel) or needle.text in asked:
            continue
        crawl.leaks.append(Leak(reader, url, needle.sentinel, needle.what, context))
    return text, response.get('Content-Type', '')


def crawl_reader(crawl: Crawl, world: World, reader: str, client: Client) -> None:
    queue = [(url, 0) for url in seeds(world, reader)]
    done, followed = set(), 0
    while queue:
        url, depth = queue.pop(0)
        if url in done or (depth and followed >= MAX_FOLLOWED):
            continue
        done.add(url)
        followed += depth > 0
        text, content_type = fetch(crawl, reader, client, url)
        if depth < MAX_DEPTH:
            queue += [(link, depth + 1) for link in links(url, text, content_type) if link not in done]
    # The pages of the sentinels in the other languages, which show the titles and descriptions written in them.
    pages = [
        '/portfolio/projects/',
        '/reference/changes/',
        *(f'/portfolio/projects/{project.pk}/' for project in world.projects.values()),
    ]
    for language in LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in pages:
            fetch(crawl, reader, client, url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = settings.LANGUAGE_CODE


def normalized(text: str) -> str:
    """A response with what differs between two requests of the same page removed (CSRF tokens,
    nonces, upload tokens, the time of a download)."""
    text = re.sub(r'\b[A-Za-z0-9]{64}\b|\b[0-9a-f]{32}\b', '', text)
    text = re.sub(r'(nonce=")[^"]*', r'\1', text)
    return re.sub(r'<dcterms:(created|modified)[^<]*<', '', text)


def renamed(text: str, free: str, name: str) -> str:
    """The answer to a request naming `free`, as it would read had the request named `name`: the
    free name (chosen to occur nowhere by chance) replaced where the page echoes it, in the case it
    is echoed in. Only what the request echoed is replaced: a page that happens to hold the name
    elsewhere (a key of 5 and a colspan of 5) is compared as it is."""

    def same_case(match: re.Match) -> str:
        return name.lower() if match.group().islower() else name

    return re.sub(rf'(?<![\w#.-]){re.escape(free)}(?![\w.-])', same_case, text, flags=re.IGNORECASE)


NO_PK = '987654'  # a primary key no record has
BY_NAME = ('/portfolio/projects/?q={}', '/api/projects/?q={}', '/api/projects/export.csv?q={}')
BY_PK = (
    '/portfolio/projects/{}/',
    '/api/projects/{}/',
    '/sources/cite/project/{}/',
    '/portfolio/projects/{}/edit/',
    '/reference/changes/?record_type=project&object_id={}',
    '/api/changes/?record_type=project&object_id={}',
)


def check_oracles(crawl: Crawl, world: World, clients: dict[str, Client]) -> None:
    """A search, a filter or an address naming a hidden project answers exactly as one naming no project."""
    for reader, client in clients.items():
        hidden = [key for key in SENTINELS if not may_see(reader, key)]
        if not hidden:
            continue
        cases = [(template, FREE_ID, [identifier(key) for key in hidden]) for template in BY_NAME]
        cases += [(template, NO_PK, [str(world.projects[key].pk) for key in hidden]) for template in BY_PK]
        for template, free, names in cases:
            response, text = get(client, template.format(free))
            free_answer = (response.status_code, normalized(text))
            for name in names:
                response, text = get(client, template.format(name))
                expected = (free_answer[0], renamed(free_answer[1], free, name))
                if (response.status_code, normalized(text)) != expected:
                    crawl.oracles.append(f'{reader}: {template.format(name)} answers unlike {template.format(free)}')


def upload(client: Client, rows: list[dict]) -> tuple[int, str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    file = SimpleUploadedFile('projects.csv', buffer.getvalue().encode(), content_type='text/csv')
    # A preview may be a job of its own: it runs in the request, and the answer is the plan's page.
    with transaction.atomic(), override_settings(HAMKOR_JOBS_EAGER=True):
        response = client.post('/portfolio/projects/import/', {'action': 'preview', 'file': file}, follow=True)
        text = body_text(response)
        transaction.set_rollback(True)
    return response.status_code, text


def check_import_previews(crawl: Crawl, clients: dict[str, Client]) -> None:
    """A file naming a hidden project as a row's identifier or as its parent, previewed by a reader
    who may import: the answer names nothing else of the project, and a hidden parent is answered
    as a parent that does not exist."""
    missing = 'ZQMISSINGQZ'
    for reader in IMPORTERS:
        client = clients[reader]
        status, missing_parent = upload(client, [{'identifier': 'ZQNEWQZ', 'title_en': 'Imported', 'parent': missing}])
        missing_answer = (status, normalized(missing_parent))
        for key in (key for key in SENTINELS if not may_see(reader, key)):
            name = identifier(key)
            answers = {
                'identifier': upload(client, [{'identifier': name, 'title_en': 'Imported'}]),
                'parent': upload(client, [{'identifier': 'ZQNEWQZ', 'title_en': 'Imported', 'parent': name}]),
            }
            for what, (status, text) in answers.items():
                crawl.imports[reader].append(f'{key} as {what}: {status}')
                for needle, context in find_needles(text):
                    if needle.text != name.lower() and not may_see(reader, needle.sentinel):
                        crawl.leaks.append(Leak(reader, f'import preview ({key} as {what})', key, needle.what, context))
            status, text = answers['parent']
            if (status, normalized(text)) != (missing_answer[0], renamed(missing_answer[1], missing, name)):
                crawl.oracles.append(
                    f'{reader}: the import preview answers the hidden parent {name} unlike a missing one'
                )
            # What an identifier taken by a hidden project tells is that it is taken (identifiers are
            # unique), and nothing else of the project.
            expected = f'identifier {name} is taken by a project you may not see: choose another'
            if expected not in answers['identifier'][1]:
                crawl.oracles.append(f'{reader}: the import preview of {name} as identifier does not say "{expected}"')


@pytest.fixture(scope='module')
def crawl(django_db_setup, django_db_blocker):
    result = Crawl()
    NEEDLES[:] = needles()
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        clients = make_readers()
        for reader, client in clients.items():
            crawl_reader(result, world, reader, client)
            response, text = get(client, '/api/portfolio/summary/')
            result.totals[reader] = Decimal(json.loads(text.split('\n')[0])['total_usd'])
        check_oracles(result, world, clients)
        check_import_previews(result, clients)
        transaction.set_rollback(True)
    return result


#
# The judgement
#


def test_no_reader_finds_a_sentinel_it_may_not_see(crawl):
    """The history a project wrote before it moved to the other side ('mov') included."""
    assert [str(leak) for leak in crawl.leaks] == []


def test_naming_a_hidden_project_answers_as_naming_no_project(crawl):
    assert crawl.oracles == []


def test_every_request_of_the_crawl_is_answered_without_a_server_error(crawl):
    assert crawl.errors == []


def test_the_crawl_reaches_what_each_reader_may_see(crawl):
    """The crawl is not blind: every reader finds the identifier and the title of each sentinel it
    may see, and the superuser every string and amount of every sentinel."""
    for reader in READERS:
        visible = {key for key in SENTINELS if may_see(reader, key)}
        assert {(key, code) for key in visible for code in ('id', 'ten')} <= crawl.seen[reader], reader
        assert crawl.fetched[reader] > 150, reader
    everything = {(key, what) for key in SENTINELS for what in [*TEXT_FIELDS, 'amount']}
    assert everything - crawl.seen['superuser'] == set()


def test_each_readers_total_counts_the_projects_it_may_see(crawl):
    for reader in READERS:
        expected = sum(
            Decimal(amount)
            for key, (_level, amount) in SENTINELS.items()
            if may_see(reader, key) and key not in UMBRELLAS and key not in AMOUNT_TYPES  # a disbursement: no value
        )
        assert crawl.totals[reader] == expected, reader
