"""A request body larger than its address accepts is refused (413) before anything reads it."""

import pytest
from django.conf import settings

from hamkor.testing.services import table_state

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.mark.parametrize(
    ('path', 'length', 'status'),
    [
        ('/portfolio/projects/import/', 25 * MB + 1, 413),
        ('/portfolio/organizations/import/', 25 * MB + 1, 413),
        ('/trade/import/', 1024 * MB + 10 * MB + 1, 413),
        ('/api/projects/', 25 * MB + 1, 413),
    ],
)
def test_a_body_larger_than_its_address_accepts_is_refused_unread(client_as, path, length, status):
    client = client_as('secretariat')
    before = table_state('portfolio.Project', 'core.ObjectChange')

    response = client.post(path, b'x' * 10, content_type='application/octet-stream', CONTENT_LENGTH=str(length))

    limit = settings.HAMKOR_MAX_REQUEST_BYTES_PATHS.get(path, settings.HAMKOR_MAX_REQUEST_BYTES) // MB
    assert (response.status_code, response.content.decode()) == (
        status,
        f'The request is larger than the {limit} MB this address accepts.',
    )
    assert table_state('portfolio.Project', 'core.ObjectChange') == before


def test_the_trade_import_takes_more_than_other_addresses(client_as):
    response = client_as('secretariat').post(
        '/trade/import/', b'x' * 10, content_type='application/octet-stream', CONTENT_LENGTH=str(25 * MB + 1)
    )

    assert response.status_code != 413
