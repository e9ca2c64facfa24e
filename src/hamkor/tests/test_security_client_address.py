"""The client's address: REMOTE_ADDR, or the Nth address from the right of X-Forwarded-For
behind N trusted proxies; never an address further left, which the client wrote itself."""

import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from hamkor.security import client_address


def address(remote='203.0.113.1', forwarded=None, **kwargs):
    meta = {'REMOTE_ADDR': remote}
    if forwarded is not None:
        meta['HTTP_X_FORWARDED_FOR'] = forwarded
    return client_address(RequestFactory().get('/', **meta))


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.HAMKOR_TRUSTED_PROXIES = 0

    assert address(forwarded='198.51.100.7') == '203.0.113.1'


@pytest.mark.parametrize(
    ('proxies', 'forwarded', 'expected'),
    [
        (1, '198.51.100.7', '198.51.100.7'),
        (1, '192.0.2.66, 198.51.100.7', '198.51.100.7'),  # the client's own entry is ignored
        (2, '192.0.2.66, 198.51.100.7, 10.0.0.3', '198.51.100.7'),
        (1, '192.0.2.66,198.51.100.7 ', '198.51.100.7'),
        (1, '2001:db8::0:1', '2001:db8::1'),  # written the canonical way
        (2, '198.51.100.7', '10.0.0.2'),  # fewer hops than proxies: not through them
        (1, '', '10.0.0.2'),
        (1, None, '10.0.0.2'),
        (1, 'not-an-address', '10.0.0.2'),
        (1, '198.51.100.7, unknown', '10.0.0.2'),
    ],
)
def test_behind_proxies_the_nth_address_from_the_right(settings, proxies, forwarded, expected):
    settings.HAMKOR_TRUSTED_PROXIES = proxies

    assert address(remote='10.0.0.2', forwarded=forwarded) == expected


def test_a_drf_request_reads_the_same(settings):
    settings.HAMKOR_TRUSTED_PROXIES = 1
    request = Request(RequestFactory().get('/', REMOTE_ADDR='10.0.0.2', HTTP_X_FORWARDED_FOR='1.2.3.4, 198.51.100.7'))

    assert client_address(request) == '198.51.100.7'
