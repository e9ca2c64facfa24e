"""The trade dashboard reads a cached page model (hamkor.pagecache) under the store's version:
a warm page scans no store, builds no chart and runs one query (the current slices); whether
the reader may add targets is part of the audience, so the button never reaches anyone else."""

import pytest
from django.test import Client

from hamkor.testing.fixtures import commit
from trade.analytics import engine

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures('empty_page_cache')]

NEW_TARGET = '/trade/targets/new/'


@pytest.fixture
def store_queries(monkeypatch):
    calls = []
    execute = engine.execute

    def counted(expression):
        calls.append(expression)
        return execute(expression)

    monkeypatch.setattr(engine, 'execute', counted)
    return calls


def test_a_warm_dashboard_runs_one_query_and_none_on_the_store(official, store_queries, django_assert_num_queries):
    commit()
    first = Client().get('/trade/')
    scans = len(store_queries)

    with django_assert_num_queries(1):  # the store's current slices: its version
        again = Client().get('/trade/')

    assert scans > 0 and len(store_queries) == scans
    assert (
        again.content.decode().split('id="latest-turnover"')[1][:80]
        == (first.content.decode().split('id="latest-turnover"')[1][:80])
    )


@pytest.mark.parametrize('first', ['editor', 'anonymous'])
def test_only_a_reader_who_may_change_targets_gets_the_new_target_button(official, make_user, first):
    editor = Client()
    editor.force_login(make_user('secretariat'))
    reader = Client()
    reader.force_login(make_user(None))
    commit()
    readers = {'editor': editor, 'anonymous': Client(), 'reader': reader}
    order = [first, *(name for name in readers if name != first)]

    for _twice in range(2):
        pages = {name: readers[name].get('/trade/').content.decode() for name in order}
        assert f'href="{NEW_TARGET}"' in pages['editor']
        assert f'href="{NEW_TARGET}"' not in pages['anonymous']
        assert f'href="{NEW_TARGET}"' not in pages['reader']


def test_query_errors_are_shown_beside_the_cached_body(official):
    commit()
    Client().get('/trade/')

    page = Client().get('/trade/?by=1990').content.decode()

    assert 'id="query-errors"' in page and '<span class="mono">by=1990</span>' in page
    assert 'id="query-errors"' not in Client().get('/trade/').content.decode()
