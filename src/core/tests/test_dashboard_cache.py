"""The reference page reads a cached page model (hamkor.pagecache): warm, it runs no query; a
reference load (which saves its dataset's row) replaces it."""

import pytest
from django.db import transaction
from django.test import Client

from core.models import ReferenceDataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures('empty_page_cache')]


def test_a_warm_reference_page_runs_no_query(django_assert_num_queries):
    Client().get('/reference/')

    with django_assert_num_queries(0):
        response = Client().get('/reference/')

    assert response.status_code == 200 and 'data-chart="chart-cny"' in response.content.decode()


def test_a_reference_load_replaces_the_cached_counts(django_capture_on_commit_callbacks):
    dataset = ReferenceDataset.objects.order_by('pk').first()
    Client().get('/reference/')

    with django_capture_on_commit_callbacks(execute=True):
        ReferenceDataset.objects.filter(pk=dataset.pk).update(title='Renamed reference file')
        dataset.refresh_from_db()
        dataset.save(update_fields=['title'])
    transaction.get_connection().run_on_commit.clear()  # committed: nothing left pending

    titles = [each.title for each in Client().get('/reference/').context['summary'].datasets]
    assert 'Renamed reference file' in titles
