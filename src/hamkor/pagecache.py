"""Cached page models: what a busy page shows, computed once and read by every worker.

A page model is the result of the expensive part of a page (its figures, its chart specs, the
rendered body) for one audience. It lives in the shared cache (settings.CACHES, shared by all
gunicorn workers), in one slot per page name, audience, language and variant, together with
the data version it was computed for.

The data version is made of

- topic tokens: each app names the models a topic depends on (`watch`, from its
  `AppConfig.ready()`); a save or delete of one of them replaces the topic's token in the
  shared cache when the transaction commits (a transaction that reads a page after writing what
  it depends on computes it, without storing figures not committed yet);
- an optional `version` string the page passes in (e.g. the trade store's current slices), read
  from the database on every request: a change there (an import switching slices) is never
  served stale.

Freshness and cost under concurrent writes (single flight, bounded staleness): when only topic
tokens changed, one process recomputes the slot under a lock in the shared cache while the
others keep serving the previous result, but never one whose data was read more than
`settings.HAMKOR_PAGE_CACHE_STALE_SECONDS` (STALE_SECONDS) ago; a stale result younger than half
that is served without recomputing, so a slot is recomputed at most about twice per bound
however many writes arrive. A write is therefore on every page within STALE_SECONDS after it
commits. With the bound set to 0 every read after a
write recomputes (tests).

The audience is whatever decides what the page may show to the reader (the visibility levels a
user may see, a permission that adds a button): two readers share a slot only when their
audiences are equal, never a broader one for a narrower one. Anything of one user (CSRF token,
user menu) stays out of a page model: the views render it around the cached body per request
(`render`), except for a reader who is not signed in and brings no session, no pending message
and no query string: such readers all see the same page but for the CSRF token, so the whole
page is cached and only the token is put in per request.
"""

import functools
import hashlib
import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render as render_page
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

STALE_SECONDS = 5.0  # the default bound; settings.HAMKOR_PAGE_CACHE_STALE_SECONDS overrides it
LOCK_SECONDS = 30  # a recompute that takes longer (or a process that died holding the lock) frees it
WAIT_SECONDS = 10.0  # how long a reader waits for another process's recompute before computing itself
POLL_SECONDS = 0.05
ENTRY_SECONDS = 24 * 3600

_PREFIX = 'pagecache'
RELEASE_FILES = {'.py', '.html', '.mo', '.css', '.js'}


def release_fingerprint(roots: Iterable) -> str:
    """What the pages of this process are made by: its code, templates, catalogues and static
    files under `roots` (names, sizes, modification times), and the static manifest. Part of
    every page's key, so a new release never serves a page the old one cached (its texts, its
    links to static files it replaced) however long the entry would live."""
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob('*')):
            if path.suffix in RELEASE_FILES or path.name == 'staticfiles.json':
                status = path.stat()
                digest.update(f'{path.relative_to(root)}\x1f{status.st_size}\x1f{status.st_mtime_ns}\n'.encode())
    return digest.hexdigest()[:12]


@functools.cache
def release() -> str:
    return release_fingerprint([settings.SRC_DIR, Path(settings.STATIC_ROOT)])


def stale_seconds() -> float:
    return float(getattr(settings, 'HAMKOR_PAGE_CACHE_STALE_SECONDS', STALE_SECONDS))


#
# Topics: tokens replaced by every write to the models they watch
#

_watched: dict[str, set[str]] = {}  # topic -> model labels


def _topic_key(topic: str) -> str:
    return f'{_PREFIX}:topic:{topic}'


def bump(topic: str) -> None:
    """Replace the topic's token. A random token rather than a counter: the file-based cache has no
    atomic increment, and a new random value differs from every value a result was stored under."""
    cache.set(_topic_key(topic), uuid.uuid4().hex, None)


def bump_on_commit(topic: str, using: str | None = None) -> None:
    """Bump the topic once the transaction commits, at once outside a transaction (writes that
    send no model signal, such as bulk_create and queryset updates, call this themselves).

    Not before the commit: a process that read the new token before the write was visible to it
    would store the old figures under it.
    """
    if topic in pending_topics(using):
        return  # one bump after the commit is enough for the whole transaction

    def after_commit():
        bump(topic)

    after_commit.pagecache_topic = topic
    transaction.on_commit(after_commit, using=using)


def pending_topics(using: str | None = None) -> set[str]:
    """The topics written in the current transaction, not committed yet."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return set()
    return {getattr(pending, 'pagecache_topic', None) for _savepoints, pending, _robust in connection.run_on_commit}


def topic_tokens(topics: Iterable[str]) -> str:
    topics = sorted(set(topics))
    if not topics:
        return ''
    keys = [_topic_key(topic) for topic in topics]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # Never written since the cache was emptied: any token will do, as long as every
            # process agrees on it from now on.
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key, '')
    return ','.join(found[key] for key in keys)


def watch(topic: str, *models: str) -> None:
    """Every save or delete of one of `models` ('app_label.ModelName') bumps `topic`."""
    from django.apps import apps

    labels = _watched.setdefault(topic, set())
    for label in models:
        if label in labels:
            continue
        labels.add(label)
        model = apps.get_model(label)
        receiver = _receiver(topic)
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f'pagecache:{topic}:{label}:save')
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f'pagecache:{topic}:{label}:delete')
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                receiver,
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f'pagecache:{topic}:{label}:{field.name}',
            )


_warmers: dict[str, list[Callable[[], None]]] = {}


def register_warmer(topic: str, warm_pages: Callable[[], None]) -> None:
    """`warm_pages()` computes the page models of `topic` that are worth having before the first
    reader asks (after an import commits, say)."""
    if warm_pages not in _warmers.setdefault(topic, []):
        _warmers[topic].append(warm_pages)


def warm(topic: str) -> None:
    for warm_pages in _warmers.get(topic, []):
        warm_pages()


def watched() -> dict[str, set[str]]:
    return {topic: set(labels) for topic, labels in _watched.items()}


def _receiver(topic: str) -> Callable:
    def changed(sender, using=None, action=None, **kwargs):
        if action is not None and not action.startswith('post_'):
            return  # m2m_changed: once, after the change
        bump_on_commit(topic, using=using)

    return changed


#
# Slots
#


@dataclass(frozen=True)
class Entry:
    version: str  # the page's own version (never served stale when it differs)
    tokens: str  # the topic tokens read before computing
    read_at: float  # when those were read: the data is at least this recent
    value: Any


@dataclass(frozen=True)
class Page:
    """A page model: `name` (unique), the topics it depends on. Declared once per page."""

    name: str
    topics: tuple[str, ...] = ()

    def key(self, audience: Iterable[str], variant: str) -> str:
        parts = '\x1f'.join([','.join(sorted(str(level) for level in audience)), get_language() or '', variant])
        return f'{_PREFIX}:page:{release()}:{self.name}:{hashlib.sha256(parts.encode()).hexdigest()[:32]}'

    def get(self, compute: Callable[[], Any], *, audience: Iterable[str] = (), variant: str = '', version: str = ''):
        """The page model of this audience, language and variant: cached, or `compute()`d."""
        return Slot(self, self.key(audience, variant), version).get(compute)

    def refresh(self, compute: Callable[[], Any], *, audience: Iterable[str] = (), variant: str = '', version=''):
        """Compute and store the page model now (warming after an import)."""
        slot = Slot(self, self.key(audience, variant), version)
        return slot.store(compute, slot.tokens(), time.time())


class Slot:
    def __init__(self, page: Page, key: str, version: str):
        self.page, self.key, self.version = page, key, version
        self.lock_key = f'{key}:lock'

    def tokens(self) -> str:
        return topic_tokens(self.page.topics)

    def get(self, compute: Callable[[], Any]):
        if pending_topics() & set(self.page.topics):
            # This transaction wrote what the page reads: it sees its own write, and its figures,
            # not committed yet, are kept out of the shared cache.
            return compute()
        started = time.time()
        tokens = self.tokens()
        entry = cache.get(self.key)
        if entry is not None and entry.version == self.version and entry.tokens == tokens:
            return entry.value
        bound = stale_seconds()
        servable = entry is not None and entry.version == self.version
        if servable and started - entry.read_at < bound / 2:
            return entry.value
        owner = self._lock()
        if owner:
            try:
                return self.store(compute, tokens, started)
            finally:
                self._unlock(owner)
        if servable and started - entry.read_at < bound:
            return entry.value
        return self._wait(compute, tokens, started)

    def store(self, compute: Callable[[], Any], tokens: str, read_at: float):
        value = compute()
        cache.set(self.key, Entry(self.version, tokens, read_at, value), ENTRY_SECONDS)
        return value

    def _wait(self, compute: Callable[[], Any], tokens: str, started: float):
        """Another process is computing the slot: take its result once it is fresh enough for this
        request (the tokens this request read, data read after it started, or data younger than
        the bound); take the lock over should it be freed first; compute alone only after
        WAIT_SECONDS (a process that hangs must not hold every reader)."""
        bound = stale_seconds()
        deadline = started + WAIT_SECONDS
        while time.time() < deadline:
            time.sleep(POLL_SECONDS)
            if cache.has_key(self.lock_key):
                continue  # still computing: the small lock is read, not the page model
            entry = cache.get(self.key)
            if entry is not None and self._fresh_enough(entry, tokens, started, bound):
                return entry.value
            owner = self._lock()
            if owner:
                try:
                    return self.store(compute, tokens, started)
                finally:
                    self._unlock(owner)
        logger.warning('page model %s computed without the lock after waiting', self.page.name)
        return self.store(compute, tokens, started)

    def _fresh_enough(self, entry: Entry, tokens: str, started: float, bound: float) -> bool:
        if entry.version != self.version:
            return False
        return entry.tokens == tokens or entry.read_at >= started or time.time() - entry.read_at < bound

    def _lock(self) -> str | None:
        """Take the slot's lock; the owner's token, or None when another process holds it.

        cache.add is not atomic on every backend (the file-based one checks, then writes), so the
        token is read back: of two processes that both added, only the last writer's reads its own.
        """
        owner = uuid.uuid4().hex
        if not cache.add(self.lock_key, owner, LOCK_SECONDS):
            return None
        return owner if cache.get(self.lock_key) == owner else None

    def _unlock(self, owner: str) -> None:
        if cache.get(self.lock_key) == owner:
            cache.delete(self.lock_key)


#
# Whole pages for readers without a session
#

# Stands for the CSRF token in a cached page; replaced by the reader's own token on every response.
CSRF_PLACEHOLDER = 'pagecache-csrf-token-' + 'f3c81e07d95a4b62' * 3


def shares_whole_page(request) -> bool:
    """The reader sees exactly what every other such reader sees, but for the CSRF token: not
    signed in, no session (nothing of theirs kept on the server), no messages waiting in a cookie
    and no query string (the page echoes its path, never anything a reader chose)."""
    user = getattr(request, 'user', None)
    return (
        user is not None
        and not user.is_authenticated
        and request.method in ('GET', 'HEAD')
        and not request.META.get('QUERY_STRING')
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def render(request, page: Page, template_name: str, context: Callable[[], dict], **slot) -> HttpResponse:
    """The page `template_name` with the context `context()` (built from the page model): for a
    reader who shares the whole page (`shares_whole_page`), the cached page with their own CSRF
    token put in; for anyone else rendered now around the cached model, their menu and token."""
    if not shares_whole_page(request):
        return render_page(request, template_name, context())
    built = {}

    def whole_page() -> str:
        built.update(context())
        return str(render_to_string(template_name, {**built, 'csrf_token': CSRF_PLACEHOLDER}, request))

    variant = f'{request.path}\x1f{slot.pop("variant", "")}'
    html = Page(f'{page.name}:page', page.topics).get(whole_page, variant=variant, **slot)
    _announce_rendering(request, template_name, built or context)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def _announce_rendering(request, template_name: str, context) -> None:
    """Tell the listeners of template rendering (the test client, which shows a response's
    context) which template and context a page served from the cache stands for."""
    signals = sys.modules.get('django.test.signals')  # never loaded outside the tests
    if signals is None or not signals.template_rendered.receivers:
        return
    template = get_template(template_name).template
    shown = {}
    for processor in template.engine.template_context_processors:
        shown.update(processor(request))
    shown.update(context() if callable(context) else context)
    signals.template_rendered.send(sender=template, template=template, context=Context(shown))
