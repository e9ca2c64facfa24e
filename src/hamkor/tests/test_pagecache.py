"""hamkor.pagecache: one slot per page, audience, language and variant; recomputed by one
process while the others serve the previous result for at most the staleness bound."""

import threading
import time
import uuid

import pytest
from django.core.cache import cache
from django.utils import translation

from hamkor import pagecache


@pytest.fixture
def page():
    topic = f'topic-{uuid.uuid4().hex}'
    return pagecache.Page(f'page-{uuid.uuid4().hex}', topics=(topic,)), topic


def counting(values):
    calls = []

    def compute():
        calls.append(1)
        return values[len(calls) - 1]

    return compute, calls


def test_audiences_and_languages_never_share_a_slot(page):
    page, _topic = page
    with translation.override('en'):
        public, wider, english = page.key(['public'], ''), page.key(['public', 'restricted'], ''), page.key([], '')
        assert page.key(['restricted', 'public'], '') == wider  # the set of levels, not their order
    with translation.override('ru'):
        russian = page.key([], '')
    assert len({public, wider, english, russian}) == 4


def test_a_bump_replaces_the_model_at_once_with_the_bound_at_zero(page, settings):
    settings.HAMKOR_PAGE_CACHE_STALE_SECONDS = 0
    page, topic = page
    compute, calls = counting(['old', 'new'])

    assert [page.get(compute), page.get(compute)] == ['old', 'old']
    pagecache.bump(topic)
    assert [page.get(compute), page.get(compute)] == ['new', 'new']
    assert len(calls) == 2


def test_a_young_stale_model_is_served_without_recomputing(page, settings):
    settings.HAMKOR_PAGE_CACHE_STALE_SECONDS = 60
    page, topic = page
    compute, calls = counting(['old', 'new'])
    page.get(compute)
    pagecache.bump(topic)

    assert page.get(compute) == 'old'  # computed less than 30 s ago
    assert len(calls) == 1


def test_while_another_process_recomputes_the_others_serve_the_previous_model_within_the_bound(page, settings):
    settings.HAMKOR_PAGE_CACHE_STALE_SECONDS = 60
    page, topic = page
    key = page.key([], '')
    cache.set(key, pagecache.Entry('', pagecache.topic_tokens([topic]), time.time() - 40, 'old'))
    pagecache.bump(topic)
    cache.add(f'{key}:lock', 'another process', 30)
    compute, calls = counting(['mine'])

    assert page.get(compute) == 'old'  # 40 s old: past half the bound, within it, and the lock is taken
    assert calls == []


def test_past_the_bound_a_reader_waits_for_the_recompute_in_progress(page, settings):
    settings.HAMKOR_PAGE_CACHE_STALE_SECONDS = 60
    page, topic = page
    key = page.key([], '')
    cache.set(key, pagecache.Entry('', pagecache.topic_tokens([topic]), time.time() - 120, 'old'))
    pagecache.bump(topic)
    cache.add(f'{key}:lock', 'another process', 30)
    tokens = pagecache.topic_tokens([topic])

    def other_process_finishes():
        time.sleep(0.2)
        cache.set(key, pagecache.Entry('', tokens, time.time(), 'theirs'))
        cache.delete(f'{key}:lock')

    other = threading.Thread(target=other_process_finishes)
    other.start()
    compute, calls = counting(['mine'])
    try:
        assert page.get(compute) == 'theirs'
    finally:
        other.join()
    assert calls == []


def test_a_changed_page_version_is_never_served_stale(page, settings):
    settings.HAMKOR_PAGE_CACHE_STALE_SECONDS = 3600
    page, _topic = page
    compute, calls = counting(['slices 1', 'slices 2'])

    assert page.get(compute, version='1') == 'slices 1'
    assert page.get(compute, version='2') == 'slices 2'
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_transaction_that_wrote_a_topic_computes_and_stores_nothing(page, settings):
    settings.HAMKOR_PAGE_CACHE_STALE_SECONDS = 3600
    page, topic = page
    compute, calls = counting(['committed', 'uncommitted', 'after'])
    page.get(compute)

    pagecache.bump_on_commit(topic)
    pagecache.bump_on_commit(topic)

    assert pagecache.pending_topics() >= {topic}
    assert page.get(compute) == 'uncommitted'
    assert cache.get(page.key([], '')).value == 'committed'
    assert sum(getattr(callback, 'pagecache_topic', None) == topic for _s, callback, _r in _pending()) == 1


def _pending():
    from django.db import transaction

    return transaction.get_connection().run_on_commit


def test_a_new_release_does_not_serve_the_pages_the_old_one_cached(tmp_path):
    template, manifest = tmp_path / 'src' / 'page.html', tmp_path / 'static' / 'staticfiles.json'
    template.parent.mkdir()
    manifest.parent.mkdir()
    template.write_text('<p>old</p>')
    manifest.write_text('{"paths": {"hamkor.css": "hamkor.1.css"}}')
    roots = [template.parent, manifest.parent]
    old = pagecache.release_fingerprint(roots)
    compiled = tmp_path / 'src' / 'module.pyc'  # not source: the same release
    compiled.write_bytes(b'\0')

    unchanged = pagecache.release_fingerprint(roots)
    template.write_text('<p>new text</p>')
    new_template = pagecache.release_fingerprint(roots)
    manifest.write_text('{"paths": {"hamkor.css": "hamkor.22.css"}}')  # sizes differ: mtimes may not

    assert len({old, new_template, pagecache.release_fingerprint(roots)}) == 3
    assert unchanged == old
    assert pagecache.release() in pagecache.Page('home').key([], '')
