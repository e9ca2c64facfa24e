"""The portfolio dashboard reads a cached page model (hamkor.pagecache): shared by the readers
of one audience and language, never by a broader audience; replaced after a write within the
staleness bound; served warm without a query on the portfolio."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from core.models import Currency
from hamkor.permissions import SYSTEM
from hamkor.registry import visibility_levels
from hamkor.templatetags.hamkor import usd
from hamkor.testing.fixtures import commit
from organizations import services as organization_services
from portfolio import services
from portfolio.views.dashboard import DASHBOARD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures('empty_page_cache')]

COMMITMENT = '11'
PUBLIC_USD = Decimal('1000000')
RESTRICTED_USD = Decimal('50000000000')
LENDER = 'Restricted Lender of the Secret Plan'


@pytest.fixture
def portfolio(make_project, china):
    lender = organization_services.create_organization(actor=SYSTEM, name_en=LENDER, kind='bank', country=china)
    public = make_project(
        'CACHE-PUBLIC', visibility='public', split={'mining': 100}, status='agreement_signed',
        money=[(COMMITMENT, str(PUBLIC_USD), 'USD', '2024-01-01')],
    )  # fmt: skip
    make_project(
        'CACHE-RESTRICTED', visibility='restricted', split={'mining': 100}, status='agreement_signed',
        money=[(COMMITMENT, str(RESTRICTED_USD), 'USD', '2024-01-01')], provider=lender,
    )  # fmt: skip
    commit()
    return public


@pytest.fixture
def secretariat(make_user):
    reader = Client()
    reader.force_login(make_user('secretariat'))
    commit()
    return reader


def registered_total(response) -> str:
    page = response.content.decode()
    start = page.index('id="registered-total" title="') + len('id="registered-total" title="')
    return page[start : page.index('"', start)]


@pytest.mark.parametrize('first', ['secretariat', 'anonymous'])
def test_a_restricted_project_reaches_the_secretariat_page_and_never_the_anonymous_one(portfolio, secretariat, first):
    readers = {'secretariat': secretariat, 'anonymous': Client()}
    second = 'anonymous' if first == 'secretariat' else 'secretariat'
    pages = {name: readers[name].get('/portfolio/') for name in (first, second)}
    again = {name: readers[name].get('/portfolio/') for name in (first, second)}  # now both cached

    for responses in (pages, again):
        assert registered_total(responses['secretariat']) == usd(PUBLIC_USD + RESTRICTED_USD)
        assert LENDER in responses['secretariat'].content.decode()
        assert registered_total(responses['anonymous']) == usd(PUBLIC_USD)
        assert LENDER not in responses['anonymous'].content.decode()
        assert usd(RESTRICTED_USD) not in responses['anonymous'].content.decode()


def test_a_write_is_on_the_page_at_once_with_the_bound_at_zero(portfolio):
    reader = Client()
    assert registered_total(reader.get('/portfolio/')) == usd(PUBLIC_USD)

    services.add_transaction(
        actor=SYSTEM, project=portfolio, type=COMMITMENT, value=Decimal('250000'),
        currency=Currency.objects.get(code='USD'), value_date=datetime.date(2024, 6, 1),
    )  # fmt: skip
    commit()

    assert registered_total(reader.get('/portfolio/')) == usd(PUBLIC_USD + Decimal('250000'))


def test_within_the_bound_the_previous_model_is_served_and_after_it_the_new_one(portfolio, settings):
    settings.HAMKOR_PAGE_CACHE_STALE_SECONDS = 3600
    reader = Client()
    assert registered_total(reader.get('/portfolio/')) == usd(PUBLIC_USD)
    services.add_transaction(
        actor=SYSTEM, project=portfolio, type=COMMITMENT, value=Decimal('250000'),
        currency=Currency.objects.get(code='USD'), value_date=datetime.date(2024, 6, 1),
    )  # fmt: skip
    commit()

    assert registered_total(reader.get('/portfolio/')) == usd(PUBLIC_USD)  # computed less than 30 min ago
    settings.HAMKOR_PAGE_CACHE_STALE_SECONDS = 0
    assert registered_total(reader.get('/portfolio/')) == usd(PUBLIC_USD + Decimal('250000'))


def test_the_writing_transaction_sees_its_own_write_and_keeps_it_out_of_the_cache(portfolio):
    reader = Client()
    reader.get('/portfolio/')
    services.add_transaction(
        actor=SYSTEM, project=portfolio, type=COMMITMENT, value=Decimal('250000'),
        currency=Currency.objects.get(code='USD'), value_date=datetime.date(2024, 6, 1),
    )  # fmt: skip

    assert registered_total(reader.get('/portfolio/')) == usd(PUBLIC_USD + Decimal('250000'))
    with translation.override('en'):
        cached = cache.get(DASHBOARD.key(visibility_levels(AnonymousUser()), ''))
    assert cached.value['summary'].total_usd == PUBLIC_USD  # not committed: not for other readers yet


def test_each_language_has_its_own_model(portfolio):
    with translation.override('ru'):
        heading_ru = translation.gettext('Portfolio of joint projects')
    assert heading_ru != 'Portfolio of joint projects'
    english, russian = Client(), Client(HTTP_ACCEPT_LANGUAGE='ru')

    for _twice in range(2):
        in_english, in_russian = (
            english.get('/portfolio/').content.decode(),
            russian.get('/portfolio/').content.decode(),
        )
        assert '<h1>Portfolio of joint projects</h1>' in in_english and heading_ru not in in_english
        assert f'<h1>{heading_ru}</h1>' in in_russian and 'Portfolio of joint projects' not in in_russian


def test_a_warm_page_runs_no_query_on_the_portfolio(portfolio, secretariat, django_assert_num_queries):
    anonymous = Client()
    anonymous.get('/portfolio/')
    secretariat.get('/portfolio/')

    with django_assert_num_queries(0):
        response = anonymous.get('/portfolio/')
    assert registered_total(response) == usd(PUBLIC_USD)
    with django_assert_num_queries(4) as captured:  # session, user, and the user's permissions (groups, own)
        response = secretariat.get('/portfolio/')
    assert not [query['sql'] for query in captured.captured_queries if 'portfolio_' in query['sql']]
    assert registered_total(response) == usd(PUBLIC_USD + RESTRICTED_USD)


def test_every_reader_of_a_cached_page_gets_a_csrf_token_of_their_own(portfolio):
    pages = [Client().get('/portfolio/') for _reader in range(2)]

    tokens = [page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0] for page in pages]
    assert tokens[0] != tokens[1]
    assert all(len(token) == 64 for token in tokens)
    assert all(page.cookies['csrftoken'].value for page in pages)
    assert all('pagecache-csrf-token' not in page.content.decode() for page in pages)
