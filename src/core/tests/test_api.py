import pytest
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from organizations.services import create_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_country_by_iso3_has_names_in_four_languages(api):
    response = api.get('/api/reference/countries/', {'iso3': 'uzb'})

    assert response.json() == {
        'count': 1,
        'next': None,
        'previous': None,
        'results': [
            {
                'iso2': 'UZ',
                'iso3': 'UZB',
                'iso_numeric': '860',
                'm49': '860',
                'names': {'en': 'Uzbekistan', 'ru': 'Узбекистан', 'zh': '乌兹别克斯坦', 'uz': 'Oʻzbekiston'},
                'official_name_en': 'the Republic of Uzbekistan',
                'region': 'Asia',
                'subregion': 'Central Asia',
                'currency_code': 'UZS',
                'capital': 'Tashkent',
            }
        ],
    }


def test_country_search_in_any_language(api):
    for query in ('Китай', '中国', 'Xitoy', 'CHN'):
        results = api.get('/api/reference/countries/', {'q': query}).json()['results']
        assert 'CHN' in [country['iso3'] for country in results], query


def test_hs_subheading_resolves_with_heading_and_chapter(api):
    body = api.get('/api/reference/hs/2022/850440/').json()

    assert (body['code'], body['level'], body['description'], body['parent']) == (
        '850440',
        6,
        'Electrical static converters',
        '8504',
    )
    assert body['heading'] == {
        'edition': '2022',
        'code': '8504',
        'level': 4,
        'description': 'Electric transformers, static converters (e.g. rectifiers) and inductors',
    }
    assert body['chapter']['code'] == '85'
    assert body['section']['code'] == 'XVI'
    assert body['children'] == []


def test_hs_heading_lists_its_subheadings(api):
    body = api.get('/api/reference/hs/2022/8504/').json()

    assert [child['code'] for child in body['children']] == [
        '850410', '850421', '850422', '850423', '850431', '850432', '850433', '850434', '850440', '850450', '850490',
    ]  # fmt: skip
    assert body['heading'] is None


def test_hs_search_by_code_prefix_and_by_words(api):
    by_code = api.get('/api/reference/hs/2022/', {'q': '5201'}).json()
    by_words = api.get('/api/reference/hs/2022/', {'q': 'static converters', 'level': 6}).json()

    assert [item['code'] for item in by_code['results']] == ['5201', '520100']
    assert [item['code'] for item in by_words['results']] == [
        '850440',
        '850490',
    ]  # 850490: "…, static converters and inductors; parts thereof"


def test_unknown_hs_code_is_a_404_in_the_error_format(api):
    response = api.get('/api/reference/hs/2022/999998/')

    assert response.status_code == 404
    assert response.json() == {
        'error': {'status': 404, 'code': 'not_found', 'message': 'No HSCode matches the given query.'}
    }


def test_convert_states_the_rate_and_its_source(api):
    response = api.get('/api/reference/fx/convert/', {'amount': '1000', 'currency': 'CNY', 'date': '2023-06-15'})

    assert response.json() == {
        'amount': '1000',
        'currency': 'CNY',
        'to': 'USD',
        'date': '2023-06-15',
        'result': '139.64',
        'rates': [
            {
                'currency': 'CNY',
                'per_usd': '7.1614',
                'frequency': 'monthly average',
                'period': '2023-06',
                'source': 'CNY per USD, monthly average (Federal Reserve H.10, FRED EXCHUS)',
                'dataset': 'fx-cny-monthly',
            }
        ],
        'explanation': (
            '7.1614 CNY per USD (monthly average 2023-06; '
            'CNY per USD, monthly average (Federal Reserve H.10, FRED EXCHUS))'
        ),
    }


def test_convert_refuses_when_no_rate_covers_the_date(api):
    response = api.get('/api/reference/fx/convert/', {'amount': '5', 'currency': 'CNY', 'date': '1950-01-01'})

    assert response.status_code == 422
    assert response.json()['error']['code'] == 'fx_rate_unavailable'


def test_convert_names_every_bad_parameter(api):
    response = api.get('/api/reference/fx/convert/', {'amount': 'ten', 'currency': 'ZZZ', 'date': '2999-01-01'})

    assert response.status_code == 400
    assert response.json() == {
        'error': {
            'status': 400,
            'code': 'invalid',
            'message': 'The request has invalid fields.',
            'fields': {
                'amount': ['A valid number is required.'],
                'currency': ['Object with code=ZZZ does not exist.'],
                'date': ['must not be in the future'],
            },
        }
    }


def test_rates_filtered_by_currency_and_period(api):
    body = api.get(
        '/api/reference/fx-rates/', {'currency': 'uzs', 'frequency': 'M', 'start': '2023-01-01', 'end': '2023-03-31'}
    ).json()

    assert [(rate['period_start'], rate['per_usd']) for rate in body['results']] == [
        ('2023-01-01', '11293.9'),
        ('2023-02-01', '11331.92'),
        ('2023-03-01', '11396.96'),
    ]
    assert body['count'] == 3
    assert {rate['source'] for rate in body['results']} == {'UZS per USD, monthly average (Central Bank of Uzbekistan)'}


def test_schema_is_a_valid_openapi_3_document(api):
    response = api.get('/api/schema/', HTTP_ACCEPT='application/vnd.oai.openapi+json')

    schema = response.json()
    validate_schema(schema)
    assert schema['openapi'].startswith('3.')
    assert '/api/reference/countries/' in schema['paths']
    assert '/api/reference/hs/{edition}/{code}/' in schema['paths']


LIST_ENDPOINTS = [
    ('/api/reference/countries/', 2),
    ('/api/reference/currencies/', 2),
    ('/api/reference/codelists/', 2),
    ('/api/reference/codelist-items/', 2),
    ('/api/reference/sectors/', 3),
    ('/api/reference/hs-sections/', 2),
    ('/api/reference/hs/2022/', 2),
    ('/api/reference/fx-rates/', 2),
    ('/api/reference/datasets/', 2),
    ('/api/organizations/', 2),
]


@pytest.mark.parametrize(('url', 'queries'), LIST_ENDPOINTS)
def test_list_endpoints_run_a_fixed_number_of_queries(api, url, queries, django_assert_num_queries, china):
    for number in range(3):
        create_organization(actor=SYSTEM, name_en=f'Organization {number}', kind='bank', country=china)
    for page_size in (2, 100):
        with django_assert_num_queries(queries):
            assert api.get(url, {'page_size': page_size}).status_code == 200


def test_change_log_list_runs_a_fixed_number_of_queries(api_as, china, django_assert_num_queries):
    api = api_as('secretariat')
    for number in range(5):
        create_organization(actor=SYSTEM, name_en=f'Organization {number}', kind='bank', country=china)
    assert ObjectChange.objects.count() == 7  # the user (create, then roles) and five organizations
    for page_size in (2, 50):
        # token with its user, the user's permissions, the count, the page
        with django_assert_num_queries(5):
            assert len(api.get('/api/changes/', {'page_size': page_size}).json()['results']) == min(page_size, 7)
