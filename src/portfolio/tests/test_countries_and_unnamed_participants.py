"""A project's countries (IATI recipient countries) and participants a source describes without
naming them ("Uzbek contracting organizations"): recorded as what the source says, no more."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from core.models import Country
from hamkor.permissions import SYSTEM
from portfolio import services
from portfolio.models import Participant, Project

pytestmark = pytest.mark.django_db

CONTRACTORS = {'role': '4', 'kind': 'contractor'}


def test_organizations_not_named_are_recorded_by_type_and_country_never_both_or_neither(make_project, bank, uzbekistan):
    project = make_project('P-UNNAMED')

    unnamed = services.add_participant(actor=SYSTEM, project=project, country=uzbekistan, **CONTRACTORS)
    with pytest.raises(ValidationError) as both:
        services.add_participant(actor=SYSTEM, project=project, organization=bank, country=uzbekistan, **CONTRACTORS)
    with pytest.raises(ValidationError) as neither:
        services.add_participant(actor=SYSTEM, project=project, role='4')
    with pytest.raises(ValidationError) as again:
        services.add_participant(actor=SYSTEM, project=project, country=uzbekistan, **CONTRACTORS)

    message = (
        'Choose an organization, or, for organizations the source does not name, their type and country (not both).'
    )
    assert both.value.messages == neither.value.messages == [message]
    assert again.value.messages == ['Organizations of this type and country already have this role.']
    assert list(Participant.objects.values_list('organization', 'kind', 'country__iso3')) == [
        (None, 'contractor', 'UZB')
    ]
    assert unnamed.who == 'Contractor, Uzbekistan (not named)'


def test_the_api_records_them_and_the_side_filter_counts_them_by_their_country(
    make_project, api_with, bank, uzbekistan
):
    editor = api_with('change_project')
    with_contractors = make_project('P-SIDE')
    make_project('P-OTHER')

    added = editor.post(
        f'/api/projects/{with_contractors.pk}/participants/', {**CONTRACTORS, 'country': 'UZB'}, format='json'
    )
    neither = editor.post(f'/api/projects/{with_contractors.pk}/participants/', {'role': '4'}, format='json')
    uzbek_side = editor.get('/api/projects/?side=UZ').json()

    assert added.status_code == 201, added.content
    assert added.json() == {'id': added.json()['id'], 'organization': None, 'country': 'UZB', **CONTRACTORS}
    assert neither.status_code == 400
    assert [row['identifier'] for row in uzbek_side['results']] == ['P-SIDE']


def test_a_project_lists_its_countries_with_the_shares_stated_and_no_more_than_100_percent(make_project, china):
    project = make_project('P-COUNTRIES')
    kyrgyzstan = Country.objects.get(iso3='KGZ')

    services.add_country(actor=SYSTEM, project=project, country=china, percentage=Decimal('60'))
    services.add_country(actor=SYSTEM, project=project, country=kyrgyzstan)  # no share stated
    with pytest.raises(ValidationError) as over:
        services.add_country(
            actor=SYSTEM, project=project, country=Country.objects.get(iso3='UZB'), percentage=Decimal('40.01')
        )
    with pytest.raises(ValidationError) as twice:
        services.add_country(actor=SYSTEM, project=project, country=china)

    assert over.value.message_dict == {
        'percentage': ['The countries’ shares would add up to 100.01 %, more than 100 %.']
    }
    assert twice.value.messages == ['This country is already recorded for the project.']
    assert [(row.country.iso3, row.percentage) for row in project.countries.all()] == [
        ('CHN', Decimal('60.00')),
        ('KGZ', None),
    ]


def test_countries_are_added_and_removed_through_the_api_by_who_may_change_the_project(make_project, api_with):
    project = make_project('P-API-COUNTRIES')
    editor, reader = api_with('change_project'), api_with('add_project')

    added = editor.post(f'/api/projects/{project.pk}/countries/', {'country': 'KGZ', 'percentage': '50'}, format='json')
    refused = reader.post(f'/api/projects/{project.pk}/countries/', {'country': 'CHN'}, format='json')
    listed = editor.get(f'/api/projects/{project.pk}/').json()['countries']
    removed = editor.delete(f'/api/projects/{project.pk}/countries/{added.json()["id"]}/')

    assert (added.status_code, refused.status_code, removed.status_code) == (201, 403, 204)
    assert listed == [{'id': added.json()['id'], 'country': 'KGZ', 'percentage': '50.00'}]
    assert editor.get(f'/api/projects/{project.pk}/').json()['countries'] == []


def test_the_demo_railway_is_in_its_three_countries_with_uzbek_contractors_not_named(db):
    from portfolio.demo import load_demo_portfolio

    load_demo_portfolio()
    railway = Project.objects.get(identifier='UZ-KG-CN-RAILWAY')
    page = Client().get(railway.get_absolute_url()).content.decode()

    assert [row.country.iso3 for row in railway.countries.all()] == ['UZB', 'KGZ', 'CHN']
    assert [row.percentage for row in railway.countries.all()] == [None, None, None]
    assert list(railway.participants.values_list('organization', 'role', 'kind', 'country__iso3')) == [
        (None, '4', 'contractor', 'UZB')
    ]  # the report names no contractor: none is invented
    assert 'Contractor <span class="badge">not named in the source</span>' in page
    assert (railway.is_illustrative, railway.value_basis) == (False, 'none')
