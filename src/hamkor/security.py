"""Security mechanisms of the framework, each in one place.

- `client_address(request)`: the address of the client that sent the request, read through the
  number of trusted reverse proxies the deployment declares (`HAMKOR_TRUSTED_PROXIES`). The log-in
  lockout (django-axes) and the API throttles both identify a client by it, so a client cannot
  choose its own identity by sending an `X-Forwarded-For` header.
- `SecurityHeadersMiddleware`: the Content-Security-Policy and Permissions-Policy of every
  response (Django's SecurityMiddleware sends X-Content-Type-Options, Referrer-Policy and
  Cross-Origin-Opener-Policy).
- `OneLineForbidden`: a logging filter that logs a refused request (403) as one line, without
  the traceback of the PermissionDenied that produced it.
- `AnonRateThrottle`, `UserRateThrottle`, `ScopedRateThrottle`: the API's request rate limits,
  counted in the cache every worker shares, under `shared_lock(name)` — a lock every worker
  process of the machine honours (an advisory file lock under the data directory). (They live
  here, not in hamkor.api: DRF imports its throttle classes while it defines its views, which
  hamkor.api imports.)
"""

import base64
import fcntl
import hashlib
import ipaddress
import logging
import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from rest_framework import throttling


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR without trusted proxies; with N of them, the Nth address
    from the right of X-Forwarded-For (each proxy appends the address it received the request
    from, so the Nth from the right was written by the outermost trusted proxy; anything further
    left was sent by the client and is never believed).

    A request that carries fewer forwarded addresses than there are proxies, or a value that is
    not an address, did not come through the proxies as declared: it is identified by REMOTE_ADDR.
    `request` is a Django HttpRequest or a DRF Request."""
    meta = request.META
    remote = meta.get('REMOTE_ADDR') or ''
    hops = settings.HAMKOR_TRUSTED_PROXIES
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in meta.get('HTTP_X_FORWARDED_FOR', '').split(',')]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return remote


def csp_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline script or handler text."""
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def content_security_policy(directives: dict[str, list[str]]) -> str:
    """The header value of a policy given as {directive: [sources]} (an empty list: a directive
    without sources, such as upgrade-insecure-requests)."""
    return '; '.join(' '.join([name, *sources]) for name, sources in directives.items())


def script_sources(directives: dict[str, list[str]], inline_handlers: list[str]) -> dict[str, list[str]]:
    """The directives with the exact inline event handlers added to script-src ('unsafe-hashes'
    and the hash of each: only these texts run as handlers, nothing else inline). A script-src
    that allows every inline script already allows them."""
    scripts = directives.get('script-src', directives.get('default-src', []))
    if not inline_handlers or "'unsafe-inline'" in scripts:  # a hash would switch 'unsafe-inline' off
        return directives
    return {**directives, 'script-src': [*scripts, "'unsafe-hashes'", *map(csp_hash, inline_handlers)]}


class SecurityHeadersMiddleware:
    """Send the Content-Security-Policy (`HAMKOR_CONTENT_SECURITY_POLICY`, with the inline handlers
    of `HAMKOR_CSP_INLINE_HANDLERS`) and the Permissions-Policy (`HAMKOR_PERMISSIONS_POLICY`) with
    every response.

    A view that sets either header itself keeps its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        base = settings.HAMKOR_CONTENT_SECURITY_POLICY
        handlers = settings.HAMKOR_CSP_INLINE_HANDLERS
        self.policy = content_security_policy(script_sources(base, handlers))
        self.permissions_policy = ', '.join(
            f'{feature}=({" ".join(allowed)})' for feature, allowed in settings.HAMKOR_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault('Content-Security-Policy', self.policy)
        response.headers.setdefault('Permissions-Policy', self.permissions_policy)
        return response


class RequestSizeMiddleware:
    """Refuse (413) a request whose body is larger than `HAMKOR_MAX_REQUEST_BYTES` — or than the
    limit `HAMKOR_MAX_REQUEST_BYTES_PATHS` gives its path (the trade import takes large files) —
    from its Content-Length, before anything reads the body: an upload too large for its form is
    not written to disk first."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.limits = sorted(settings.HAMKOR_MAX_REQUEST_BYTES_PATHS.items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        return next(
            (limit for prefix, limit in self.limits if path.startswith(prefix)), settings.HAMKOR_MAX_REQUEST_BYTES
        )

    def __call__(self, request):
        try:
            length = int(request.META.get('CONTENT_LENGTH') or 0)
        except ValueError:
            return HttpResponseBadRequest(_('The request has an unreadable Content-Length.'))
        limit = self.limit_for(request.path)
        if length > limit:
            message = _('The request is larger than the %(size)s MB this address accepts.') % {
                'size': limit // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type='text/plain; charset=utf-8')
        return self.get_response(request)


class OneLineForbidden(logging.Filter):
    """Drop the traceback from the log record of a refused request (status 403).

    Django logs a PermissionDenied raised by a view with its traceback ("Forbidden (Permission
    denied): /path" and thirty lines of frames); a refusal is an expected answer, not a fault:
    one line with the path says all there is to say. Other records pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, 'status_code', None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True


LOCK_STRIPES = 16


@contextmanager
def shared_lock(name: str):
    """Hold an exclusive lock on `name` against every process of this machine that asks for the
    same name (names share one of LOCK_STRIPES lock files under the data directory)."""
    stripe = int(hashlib.sha256(name.encode()).hexdigest(), 16) % LOCK_STRIPES
    directory = Path(settings.DATA_DIR) / 'locks'
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(directory / f'lock-{stripe:02d}', os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock


class SharedRateThrottle(throttling.SimpleRateThrottle):
    """A rate limit counted in the shared cache, so that every gunicorn worker counts against one
    budget, per fixed window of the rate's period: at most N requests in each minute (or second,
    hour, day) that starts on a multiple of the period. The count is read and written under
    `shared_lock`, so requests that arrive at once in several workers are all counted.

    A client without an account is identified by `client_address`, never by an X-Forwarded-For
    it sent itself."""

    cache_alias = 'default'

    @property
    def cache(self):
        return caches[self.cache_alias]

    def get_ident(self, request) -> str:
        return client_address(request)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        self.key = f'{key}:{window}'
        with shared_lock(self.key):
            count = self.cache.get(self.key, 0)
            if count >= self.num_requests:
                return False
            self.cache.set(self.key, count + 1, self.duration)
        return True

    def wait(self) -> float:
        return max(self.window_ends - self.now, 0.0)


class AnonRateThrottle(throttling.AnonRateThrottle, SharedRateThrottle):
    """Requests without an account, per client address (rate "anon")."""


class UserRateThrottle(throttling.UserRateThrottle, SharedRateThrottle):
    """Requests of a user, per user; without an account, per client address (rate "user")."""


class ScopedRateThrottle(throttling.ScopedRateThrottle, SharedRateThrottle):
    """Requests to the views that name a `throttle_scope`, per user or client address."""
