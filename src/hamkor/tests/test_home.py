"""The landing page tells each app's headline story for what its reader may see, then what changed
recently to readers of the change log; it computes nothing of its own."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from core.models import Currency
from hamkor.permissions import SYSTEM
from hamkor.testing.fixtures import commit
from portfolio import services
from portfolio.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures('empty_page_cache')]


@pytest.fixture
def portfolio(db):
    for identifier, visibility, value in (('HOME-PUB', 'public', '300000000'), ('HOME-SECRET', 'side_cn', '700000000')):
        project = services.create_project(
            actor=SYSTEM, identifier=identifier, title_en=f'Sentinel {identifier}', visibility=visibility
        )
        services.add_transaction(
            actor=SYSTEM, project=project, type='11', value=Decimal(value), currency=Currency.objects.get(code='USD'),
            value_date=datetime.date(2024, 3, 1),
        )  # fmt: skip
        services.change_status(actor=SYSTEM, project=project, status='agreement_signed', reason='test')
    commit()  # as a request after these writes would find them: committed, their page versions bumped


def test_each_reader_gets_the_portfolio_story_of_what_it_may_see_and_a_link_to_each_page(portfolio, client_as):
    anonymous = Client().get('/').content.decode()
    secretariat = client_as('secretariat').get('/').content.decode()

    assert 'id="home-cited" title="$300,000,000.00"' in anonymous
    assert 'id="home-cited" title="$1,000,000,000.00"' in secretariat  # with the China side's 700 million
    assert 'HOME-SECRET' not in anonymous and 'Sentinel' not in anonymous
    for page in (anonymous, secretariat):
        assert 'href="/portfolio/"' in page and 'href="/trade/"' in page
    assert 'No official trade statistics are loaded.' in anonymous  # none in this database


def test_only_readers_of_the_change_log_see_what_changed_and_only_what_they_may_see(portfolio, client_as):
    anonymous = Client().get('/').content.decode()
    secretariat = client_as('secretariat').get('/').content.decode()
    one_side = client_as('secretariat', side='UZ').get('/').content.decode()

    assert 'id="recent-changes"' not in anonymous
    assert 'id="recent-changes"' in secretariat and 'Sentinel HOME-SECRET' in secretariat
    assert 'id="recent-changes"' in one_side and 'Sentinel HOME-SECRET' not in one_side
    assert Project.objects.filter(identifier='HOME-SECRET', visibility='side_cn').exists()


def test_a_warm_landing_page_reads_only_the_trade_stores_version(portfolio, django_assert_num_queries):
    Client().get('/')

    with django_assert_num_queries(1) as warm:  # the current slices the trade figures were computed from
        Client().get('/')

    assert 'trade_tradeslice' in warm.captured_queries[0]['sql']
