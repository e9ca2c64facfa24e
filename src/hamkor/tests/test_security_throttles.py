"""API throttles: one count for every worker process, in the shared cache, per client address
read through the trusted proxies only."""

import multiprocessing

import pytest
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.test import RequestFactory
from rest_framework.test import APIClient

from hamkor.security import AnonRateThrottle, SharedRateThrottle

pytestmark = pytest.mark.django_db

URL = '/api/reference/currencies/'
NOW = 1_800_000_030.0  # 30 s into a minute (1_800_000_000 is a multiple of 60)


@pytest.fixture(autouse=True)
def three_a_minute(monkeypatch):
    """The anonymous rate at 3 requests a minute, and the clock stopped, for every test here."""
    monkeypatch.setattr(AnonRateThrottle, 'rate', '3/minute', raising=False)
    monkeypatch.setattr(SharedRateThrottle, 'timer', staticmethod(lambda: NOW))


def statuses(address: str, forwarded: list[str]) -> list[int]:
    api = APIClient(REMOTE_ADDR=address)
    return [api.get(URL, HTTP_X_FORWARDED_FOR=value).status_code for value in forwarded]


def test_a_forged_forwarded_for_does_not_give_a_fresh_budget():
    forged = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5, 192.0.2.6']

    assert statuses('203.0.113.10', forged) == [200, 200, 200, 429, 429]
    assert statuses('203.0.113.11', ['192.0.2.1']) == [200]  # another client has its own budget


def test_the_refusal_says_when_the_window_ends():
    api = APIClient(REMOTE_ADDR='203.0.113.12')
    for _ in range(3):
        api.get(URL)

    response = api.get(URL)

    assert (response.status_code, response['Retry-After']) == (429, '30')
    assert response.json()['error']['code'] == 'throttled'


def test_behind_a_trusted_proxy_the_budget_is_the_address_the_proxy_saw(settings):
    settings.HAMKOR_TRUSTED_PROXIES = 1
    proxy = '10.0.0.2'
    # The client prepends made-up addresses; the proxy appends the one it saw (203.0.113.13).
    forged = [f'192.0.2.{n}, 203.0.113.13' for n in range(4)]

    assert statuses(proxy, forged) == [200, 200, 200, 429]
    assert statuses(proxy, ['203.0.113.14']) == [200]


class WorkerThrottle(AnonRateThrottle):
    """The throttle of another worker process: its own cache object on the same directory."""

    def __init__(self):
        super().__init__()
        self.own_cache = FileBasedCache(settings.CACHES['default']['LOCATION'], {})

    @property
    def cache(self):
        return self.own_cache


def anonymous_request(address: str):
    request = RequestFactory().get(URL, REMOTE_ADDR=address)
    request.user = None  # AnonRateThrottle throttles requests without an authenticated user
    return request


def test_two_workers_count_against_one_budget():
    first, second = WorkerThrottle(), WorkerThrottle()
    assert first.cache is not second.cache
    request = anonymous_request('203.0.113.15')

    answers = [throttle.allow_request(request, None) for throttle in (first, second, first, second)]

    assert answers == [True, True, True, False]


def _count_requests(address: str, times: int, queue) -> None:
    throttle = WorkerThrottle()
    request = anonymous_request(address)
    queue.put(sum(throttle.allow_request(request, None) for _ in range(times)))


def test_concurrent_workers_lose_no_request_from_the_count(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, 'rate', '100/minute', raising=False)
    context = multiprocessing.get_context('fork')
    queue = context.Queue()
    workers = [context.Process(target=_count_requests, args=('203.0.113.16', 40, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    allowed = sum(queue.get(timeout=5) for _ in workers)

    # 160 requests at once from four processes: exactly the 100 of the budget pass.
    assert allowed == 100
    assert WorkerThrottle().cache.get(f'throttle_anon_203.0.113.16:{int(NOW // 60)}') == 100
