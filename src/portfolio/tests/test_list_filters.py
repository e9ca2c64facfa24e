"""The project list's filters: empty choices that say what they mean, and values that cannot be
applied answered with a message (and nothing listed), never dropped silently."""

import re

import pytest

from portfolio.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(make_project):
    make_project('UZ-CN-A', status='implementation', money=[('11', '1000000', 'USD', '2024-01-10')])
    make_project('UZ-CN-B', status='proposal')


def first_option(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.search(r'<option value=""[^>]*>([^<]*)</option>', select).group(1)


def test_the_empty_choice_of_each_filter_says_what_it_selects(client, projects):
    page = client.get('/portfolio/projects/').content.decode()
    assert [first_option(page, name) for name in ('stage', 'sector', 'region', 'financier', 'side')] == [
        'All stages', 'All sectors', 'All regions', 'All financiers', 'Either side or none',
    ]  # fmt: skip
    client.cookies['django_language'] = 'ru'
    page = client.get('/portfolio/projects/').content.decode()
    assert first_option(page, 'stage') == 'Все стадии'


def test_a_filter_value_that_cannot_be_applied_is_named_and_nothing_is_listed(client, projects):
    assert Project.objects.count() == 2
    response = client.get('/portfolio/projects/?stage=finished&year=soon')
    page = response.content.decode()

    assert response.status_code == 200 and 'id="filter-errors"' in page
    assert 'Stage: Select a valid choice. finished is not one of the available choices.' in page
    assert 'Year: Enter a number.' in page
    assert response.context['page'].paginator.count == 0
    # the same filters as a download: refused, with the same messages, rather than all projects
    download = client.get('/portfolio/projects/export.csv?stage=finished')
    assert download.status_code == 400
    assert download.content.decode() == 'Stage: Select a valid choice. finished is not one of the available choices.'
    # valid filters list what they select, without a message
    response = client.get('/portfolio/projects/?stage=implementation')
    assert 'id="filter-errors"' not in response.content.decode()
    assert [project.identifier for project in response.context['page']] == ['UZ-CN-A']
