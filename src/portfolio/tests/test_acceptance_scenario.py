"""The counting rules' acceptance scenario, recorded through the API alone and read back through
the API and the dashboard page: every expected figure is computed here from the amounts sent and
the rules of docs/portfolio-aggregation.md (and the exchange rate the conversion rule picks)."""

import datetime
import re
from decimal import ROUND_HALF_EVEN, Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.fx import rate_for

pytestmark = pytest.mark.django_db

BN, M = Decimal('1000000000'), Decimal('1000000')
UZS_COMMITMENT = Decimal('12345678901234.57')
UZS_DAY = '2023-06-01'
NO_RATE_DAY = '2005-06-01'  # the IMF annual UZS series has no rate for 2001–2012
OUT_COMMITMENT, DISBURSEMENT, IN_COMMITMENT, IN_PLEDGE = '2', '3', '11', '13'


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN)


def dollars(value: Decimal) -> str:
    """The page's rendering of an exact amount in English ("$1,234.50")."""
    return f'${value:,.2f}' if value >= 0 else f'−${-value:,.2f}'


class Recorder:
    """Records the scenario through the API, as an integrator with no access to the pages would."""

    def __init__(self, api: APIClient):
        self.api = api

    def project(self, identifier, status='proposal', **fields):
        body = {'identifier': identifier, 'title_en': identifier, **fields}
        if status != 'proposal':
            body |= {'status': status, 'status_reason': 'recorded after the fact'}
        created = self.api.post('/api/projects/', body, format='json')
        assert created.status_code == 201, created.content
        return created.json()['id']

    def amount(self, project, kind, value, *, currency='USD', day='2024-03-01', expect=201, **extra):
        body = {'type': kind, 'value': str(value), 'currency': currency, 'value_date': day, **extra}
        answer = self.api.post(f'/api/projects/{project}/transactions/', body, format='json')
        assert answer.status_code == expect, answer.content
        return answer.json()

    def move(self, project, status, reason):
        answer = self.api.post(f'/api/projects/{project}/status/', {'status': status, 'reason': reason}, format='json')
        assert answer.status_code == 200, answer.content


@pytest.fixture
def secretariat(make_user):
    return make_user('secretariat')


@pytest.fixture
def scenario(secretariat, bank):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f'Token {Token.objects.create(user=secretariat).key}')
    record = Recorder(api)

    umbrella = record.project('UMB', 'agreement_signed', is_umbrella=True)
    record.amount(umbrella, IN_COMMITMENT, 10 * BN)
    part_a = record.project(
        'UMB-A', 'implementation', parent='UMB', sectors=[{'sector': 'transport', 'percentage': '100'}]
    )
    record.amount(part_a, IN_COMMITMENT, 3 * BN, flow_class='oof')
    part_b = record.project(
        'UMB-B', 'agreement_signed', parent='UMB',
        sectors=[{'sector': 'transport', 'percentage': '75'}, {'sector': 'geology', 'percentage': '25'}],
    )  # fmt: skip
    record.amount(part_b, IN_COMMITMENT, 4 * BN)

    revised = record.project('REV', 'agreement_signed')
    pledge = record.amount(revised, IN_PLEDGE, 1 * BN, day='2022-05-01')
    record.amount(revised, IN_COMMITMENT, Decimal('1.2') * BN, day='2023-02-01', supersedes=pledge['id'])

    on_lent = record.project('ONLEND', 'agreement_signed')
    incoming = record.amount(on_lent, IN_COMMITMENT, 200 * M, provider=bank.pk, flow_class='export_credit')
    record.amount(on_lent, OUT_COMMITMENT, 200 * M, passes_on=incoming['id'], flow_class='private')

    whole = record.project('WHOLE', 'agreement_signed')
    record.amount(whole, IN_COMMITMENT, 500 * M)
    whole_part = record.project('WHOLE-PART', 'agreement_signed', parent='WHOLE')
    refused = record.amount(whole_part, IN_COMMITMENT, 200 * M, expect=400)

    paid = record.project('PAID', 'implementation')
    record.amount(paid, DISBURSEMENT, 50 * M)
    record.amount(paid, DISBURSEMENT, -5 * M, day='2024-09-01')  # a reversal

    in_sum = record.project('UZS', 'agreement_signed')
    record.amount(in_sum, IN_COMMITMENT, UZS_COMMITMENT, currency='UZS', day=UZS_DAY)
    no_rate = record.project('NORATE', 'agreement_signed')
    record.amount(no_rate, IN_COMMITMENT, 1 * BN, currency='UZS', day=NO_RATE_DAY)

    pipeline = record.project('PIPE', 'negotiation')
    record.amount(pipeline, IN_PLEDGE, 800 * M)
    record.project('PROPOSED')

    cancelled = record.project('CANC', 'agreement_signed')
    record.amount(cancelled, IN_COMMITMENT, 300 * M)
    record.move(cancelled, 'cancelled', 'the loan was not signed')
    suspended = record.project('SUSP', 'implementation')
    record.amount(suspended, IN_COMMITMENT, 100 * M)
    record.move(suspended, 'suspended', 'sanctions review')

    uzs_in_usd = cents(UZS_COMMITMENT / rate_for('UZS', datetime.date.fromisoformat(UZS_DAY)).per_usd)
    # The rules: the umbrella's parts, not the umbrella; the revision, not the pledge it revised;
    # on-lent money once, from its lender; the whole, since its part's value was refused; the sum
    # converted at its day's rate; nothing of what no rate converts.
    headline = 3 * BN + 4 * BN + Decimal('1.2') * BN + 200 * M + 500 * M + uzs_in_usd
    return {'api': api, 'refused': refused, 'uzs_in_usd': uzs_in_usd, 'headline': headline}


TRANSPORT = 'Modernization and digitalization of transport infrastructure'


def expected_breakdowns(scenario):
    headline, uzs_in_usd = scenario['headline'], scenario['uzs_in_usd']
    in_2023 = Decimal('1.2') * BN + uzs_in_usd  # the revision's year, not its pledge's; the sum's
    return {
        'stage': {'Committed': headline - 3 * BN, 'In implementation': 3 * BN, 'Completed': Decimal(0)},
        'sector': {TRANSPORT: 3 * BN + 3 * BN, 'Geology': 1 * BN, 'Not stated': headline - 7 * BN},
        'region': {'Not stated': headline},
        'financier': {'China Development Bank': 200 * M, 'Not stated': headline - 200 * M},
        'flow': {
            'Other official flows (OOF-like)': 3 * BN,
            'Officially supported export credit': 200 * M,  # the incoming amount's, not the on-lent one's
            'Not stated': headline - 3 * BN - 200 * M,
        },
        'year': {'2023': in_2023, '2024': headline - in_2023, 'Not stated': Decimal(0)},
    }


# The group of each breakdown that holds NORATE's amount, which no rate converts
UNCONVERTED_IN = {'stage': 'Committed', 'sector': 'Not stated', 'region': 'Not stated', 'financier': 'Not stated',
                  'flow': 'Not stated', 'year': 'Not stated'}  # fmt: skip

NOT_COUNTED = {  # (projects, USD) by the rules
    'umbrellas': (1, 10 * BN),
    'unallocated': (1, 10 * BN - 3 * BN - 4 * BN),
    'cancelled': (1, 300 * M),
    'suspended': (1, 100 * M),
    'uncommitted_disbursements': (1, 50 * M - 5 * M),
}
# Counted: the umbrella's parts, REV, ONLEND, WHOLE, WHOLE-PART, PAID, UZS, NORATE; of which
# WHOLE-PART, PAID (a disbursement only) and NORATE (not converted) have no value.
COUNTED, WITH_VALUE = 9, 6


def test_the_api_serves_the_totals_of_the_rules(scenario):
    api = scenario['api']
    summary = api.get('/api/portfolio/summary/').json()

    assert Decimal(summary['total_usd']) == scenario['headline']
    assert (summary['projects_counted'], summary['projects_with_value']) == (COUNTED, WITH_VALUE)
    assert (summary['pipeline']['projects'], Decimal(summary['pipeline']['value_usd'])) == (2, 800 * M)
    assert summary['unconverted_amounts'] == 1
    assert {
        name: (amount['projects'], Decimal(amount['value_usd'])) for name, amount in summary['not_counted'].items()
    } == NOT_COUNTED
    for dimension, expected in expected_breakdowns(scenario).items():
        groups = api.get(f'/api/portfolio/breakdown/{dimension}/').json()
        assert {group['label']: Decimal(group['value_usd']) for group in groups} == expected, dimension
        assert {group['label']: group['unconverted_amounts'] for group in groups} == {
            label: int(label == UNCONVERTED_IN[dimension]) for label in expected
        }, dimension
        assert sum(expected.values()) == scenario['headline'], dimension
    # the money of a part of a whole that is not an umbrella and carries value itself
    assert scenario['refused']['error']['fields'] == {
        'non_field_errors': [
            'WHOLE-PART carries an amount, and so does a project it is part of, which is not an umbrella '
            'agreement: the same money would be counted twice. Mark the whole as an umbrella agreement (its '
            'parts are counted, it is not), or record the money on one of them only.'
        ]
    }


class DashboardTables(HTMLParser):
    """The dashboard's figures as a reader sees them: the title of each exact figure by its id, and
    the text of each row of its tables (breakdowns by dimension, the not-counted table)."""

    def __init__(self, page: str):
        super().__init__()
        self.figures: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self._table = None
        self._cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if 'id' in attrs and 'title' in attrs:
            self.figures[attrs['id']] = attrs['title']
        if tag == 'table':
            self._table = attrs.get('data-dimension') or attrs.get('id')
            self.tables.setdefault(self._table, [])
        elif tag == 'tr' and self._table:
            self.tables[self._table].append([])
        elif tag == 'td' and self._table:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == 'td' and self._cell is not None:
            self.tables[self._table][-1].append(re.sub(r'\s+', ' ', ' '.join(self._cell)).strip())
            self._cell = None
        elif tag == 'table':
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_the_dashboard_shows_the_totals_of_the_rules(scenario, secretariat, empty_page_cache):
    reader = Client()
    reader.force_login(secretariat)
    page = DashboardTables(reader.get('/portfolio/').content.decode())

    assert page.figures['registered-total'] == dollars(scenario['headline'])
    assert page.figures['pipeline-total'] == dollars(800 * M)
    not_counted = [row for row in page.tables['not-counted'] if row]
    assert [row[2] for row in not_counted] == [dollars(value) for _projects, value in NOT_COUNTED.values()]
    assert [row[1] for row in not_counted] == ['1', '', '1', '1', '1']  # the remainder has no count of its own
    for dimension, expected in expected_breakdowns(scenario).items():
        rows = {row[0]: row[2] for row in page.tables[dimension] if row}
        shown = {label: dollars(value) for label, value in expected.items()}
        with_unconverted = UNCONVERTED_IN[dimension]
        # a group whose only amount no rate converts says so, never $0.00; another names the amount left out
        if expected[with_unconverted]:
            shown[with_unconverted] += ' and 1 amount not converted'
        else:
            shown[with_unconverted] = 'not converted (1 amount)'
        assert rows == shown, dimension
