"""After an import commits, the dashboard and the partners page read the shared cache: the
first request after an import, in whichever worker, runs no query on the store."""

import pytest

from hamkor.permissions import SYSTEM
from trade.analytics import engine
from trade.services import load_official_tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def store_queries(monkeypatch):
    """The number of queries run on the store since the fixture was made (a spy: every call still
    runs the real query)."""
    calls = []
    execute = engine.execute

    def counted(expression):
        calls.append(expression)
        return execute(expression)

    monkeypatch.setattr(engine, 'execute', counted)
    return calls


def import_official_tables(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_official_tables(actor=SYSTEM)


@pytest.mark.parametrize('url', ['/trade/', '/trade/partners/'])
def test_pages_after_an_import_read_the_warmed_cache(
    url, client, settings, trade_data_dir, django_capture_on_commit_callbacks, store_queries
):
    settings.HAMKOR_WARM_CACHE_AFTER_IMPORT = True
    import_official_tables(django_capture_on_commit_callbacks)
    warming = len(store_queries)

    response = client.get(url)

    assert response.status_code == 200
    assert warming > 0
    assert len(store_queries) == warming  # the page ran none of its own


def test_without_warming_the_first_page_after_an_import_queries_the_store(
    client, settings, trade_data_dir, django_capture_on_commit_callbacks, store_queries
):
    settings.HAMKOR_WARM_CACHE_AFTER_IMPORT = False
    import_official_tables(django_capture_on_commit_callbacks)

    client.get('/trade/')

    assert len(store_queries) > 0
