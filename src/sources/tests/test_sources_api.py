"""The read-only API of sources and announced figures: public sources and claims, citations only
of records the caller may see, fixed query counts."""

import pytest
from django.core.exceptions import ValidationError

from core.choices import Side
from hamkor.permissions import SYSTEM
from sources import services
from sources.models import Claim, Source

pytestmark = pytest.mark.django_db


def test_the_list_counts_citations_of_visible_records_only(api_as, cited):
    anonymous = api_as('anonymous').get('/api/sources/').json()
    secretariat = api_as('secretariat').get('/api/sources/').json()

    assert anonymous == {
        'count': 1,
        'next': None,
        'previous': None,
        'results': [
            {
                'key': 'press-report',
                'title': 'Portfolio exceeds $60 billion',
                'kind': 'press',
                'publisher': 'Trend News Agency',
                'published_on': None,
                'date_text': 'Tashkent, September 2',
                'claim_count': 1,
                'citation_count': 2,
            }
        ],
    }
    assert secretariat['results'][0]['citation_count'] == 4


@pytest.mark.parametrize(
    ('role', 'side', 'records'),
    [
        ('anonymous', Side.JOINT, ['China Development Bank', 'P-RAIL Railway']),
        ('cn-analyst', Side.CHINA, ['China Development Bank', 'P-CN China-side plant', 'P-RAIL Railway']),
        (
            'secretariat',
            Side.JOINT,
            ['China Development Bank', 'P-CN China-side plant', 'P-RAIL Railway', 'P-SECRET Secret smelter'],
        ),
    ],
)
def test_a_source_lists_its_claims_and_the_citations_the_caller_may_see(api_as, cited, role, side, records):
    api = api_as(role) if role == 'anonymous' else api_as(role, side=side)

    body = api.get('/api/sources/press-report/').json()

    assert body['text'] == 'The portfolio of joint projects now exceeds $60 billion.'
    assert body['claims'] == [
        {
            'id': Claim.objects.get().pk,
            'metric': 'portfolio_value',
            'comparator': 'gt',
            'value_usd': '60000000000.00',
            'period': 'as of the report',
            'quote': 'now exceeds $60 billion',
            'confidence': 'medium',
        }
    ]
    assert sorted(citation['record'] for citation in body['citations']) == records
    assert body['citation_count'] == len(records)
    public = next(citation for citation in body['citations'] if citation['record'] == 'P-RAIL Railway')
    assert public == {
        'record_type': 'project',
        'record_id': cited['public'].pk,
        'record': 'P-RAIL Railway',
        'locator': 'paragraph on public',
        'confidence': 'medium',
    }


def test_claims_are_public_and_filterable(api_as, report):
    services.create_claim(actor=SYSTEM,
        source=report, metric='trade_target', comparator='target', value_usd=20_000_000_000, quote='$20 billion',
        confidence='medium',
    )  # fmt: skip
    api = api_as('anonymous')

    everything = api.get('/api/claims/').json()
    targets = api.get('/api/claims/', {'metric': 'trade_target'}).json()
    of_other_source = api.get('/api/claims/', {'source': 'other'}).json()

    assert [(claim['metric'], claim['source']) for claim in everything['results']] == [
        ('portfolio_value', 'press-report'),
        ('trade_target', 'press-report'),
    ]
    assert [claim['value_usd'] for claim in targets['results']] == ['20000000000.00']
    assert of_other_source['count'] == 0
    claim = everything['results'][0]
    assert api.get(f'/api/claims/{claim["id"]}/').json() == claim


def test_the_api_is_read_only(api_as, report):
    api = api_as('secretariat')

    assert api.post('/api/sources/', {'key': 'x', 'title': 'x'}, format='json').status_code == 405
    assert api.delete('/api/sources/press-report/').status_code == 405
    assert api.patch(f'/api/claims/{Claim.objects.get().pk}/', {'value_usd': '1'}, format='json').status_code == 405
    assert Source.objects.count() == 1


def test_an_unknown_source_is_a_404_in_the_error_shape(api_as, db):
    response = api_as('anonymous').get('/api/sources/nothing/')

    assert response.status_code == 404
    assert response.json()['error']['status'] == 404


@pytest.mark.parametrize(('url', 'queries'), [('/api/sources/', 5), ('/api/claims/', 3)])
def test_lists_run_a_fixed_number_of_queries(api_as, cited, django_assert_num_queries, url, queries):
    api = api_as('uz-analyst', side=Side.UZBEKISTAN)
    with django_assert_num_queries(queries) as few:
        api.get(url, {'page_size': 2})
    report = Source.objects.get()
    for number in range(6):
        source = services.create_source(
            actor=SYSTEM, key=f's-{number}', title=f'Source {number}', kind='dataset', publisher='X'
        )
        services.create_claim(actor=SYSTEM, source=source, metric='trade_turnover', comparator='approx',
                              value_usd=number + 1, quote='q', confidence='low')  # fmt: skip
        services.add_citation(record=cited['public'], source=report, locator=f'p. {number}', confidence='low',
                              actor=SYSTEM)  # fmt: skip
    with django_assert_num_queries(len(few.captured_queries)):
        api.get(url, {'page_size': 100})


def test_the_service_refuses_a_figure_of_zero(report):
    with pytest.raises(ValidationError) as raised:
        services.create_claim(actor=SYSTEM, source=report, metric='trade_turnover', comparator='approx', value_usd=0,
                              quote='q', confidence='low')  # fmt: skip

    assert raised.value.message_dict == {'value_usd': ['An announced figure must be more than 0 USD.']}
