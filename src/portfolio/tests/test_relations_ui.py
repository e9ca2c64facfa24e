"""Relations between projects from the project page and the API (linked to, parent, parts),
with cycles and self-links refused, and the "side" filter of the project list."""

import pytest

from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from organizations import services as organization_services
from portfolio import services
from portfolio.models import Project

pytestmark = pytest.mark.django_db


def relate(client, project, relation, identifier):
    return client.post(
        f'/portfolio/projects/{project.pk}/relations/new/', {'relation': relation, 'identifier': identifier}
    )


def linked(project):
    return sorted(project.linked.values_list('identifier', flat=True))


def test_linking_from_the_page_shows_the_link_on_both_projects_and_logs_it(client_as, make_project):
    railway, station = make_project('RAIL'), make_project('STATION')
    client = client_as('secretariat')

    response = relate(client, railway, 'linked', ' STATION ')

    assert response['Location'] == railway.get_absolute_url()
    assert (linked(railway), linked(station)) == (['STATION'], ['RAIL'])
    assert str(station) in client.get(railway.get_absolute_url()).content.decode()
    assert str(railway) in client.get(station.get_absolute_url()).content.decode()
    change = ObjectChange.objects.filter(content_type__model='project', action='update').last()
    assert change.channel == 'web' and change.after['linked'] == [station.pk]


@pytest.mark.parametrize(
    ('relation', 'identifier', 'message'),
    [
        ('linked', 'RAIL', 'A project cannot be linked to itself.'),
        ('parent', 'RAIL', 'A project cannot be related to itself.'),
        ('child', 'RAIL', 'A project cannot be related to itself.'),
        ('linked', 'NOPE', 'No project with the identifier NOPE.'),
        ('linked', 'STATION', 'STATION is already linked to this project.'),
    ],
)
def test_self_links_unknown_projects_and_repeated_links_are_refused(client_as, make_project, relation, identifier,
                                                                    message):  # fmt: skip
    railway, station = make_project('RAIL'), make_project('STATION')
    services.link_projects(actor=SYSTEM, project=railway, other=station)

    response = relate(client_as('secretariat'), railway, relation, identifier)

    assert response.status_code == 200
    assert message in (
        response.context['form'].non_field_errors() + response.context['form'].errors.get('identifier', [])
    )
    assert (linked(railway), Project.objects.get(pk=railway.pk).parent_id) == (['STATION'], None)


def test_a_cycle_is_refused_with_a_clear_message(client_as, make_project):
    grandparent = make_project('G')
    parent = make_project('P', parent=grandparent)
    child = make_project('C', parent=parent)
    client = client_as('secretariat')

    as_parent = relate(client, grandparent, 'parent', 'C')
    as_child = relate(client, child, 'child', 'G')

    assert as_parent.context['form'].non_field_errors() == [
        'C is itself part of G (directly or through other parts): making G part of it would be a cycle.'
    ]
    assert as_child.context['form'].non_field_errors() == as_parent.context['form'].non_field_errors()
    assert Project.objects.get(pk=grandparent.pk).parent_id is None


def test_parent_and_parts_are_set_from_the_page_but_never_replace_an_existing_parent(client_as, make_project):
    framework, solar, wind = make_project('FRAME', is_umbrella=True), make_project('SOLAR'), make_project('WIND')
    other = make_project('OTHER')
    client = client_as('secretariat')

    relate(client, framework, 'child', 'SOLAR')
    relate(client, wind, 'parent', 'FRAME')
    replaced = relate(client, solar, 'parent', 'OTHER')

    assert sorted(framework.children.values_list('identifier', flat=True)) == ['SOLAR', 'WIND']
    assert replaced.context['form'].non_field_errors() == [
        'SOLAR is already part of FRAME; remove that relation first.'
    ]
    assert not other.children.exists()
    framework.refresh_from_db()
    assert framework.in_aggregates is False  # an umbrella stops counting once its parts are recorded


def test_a_project_the_user_may_not_see_is_unknown_to_the_form(client_as, make_project):
    mine = make_project('MINE', visibility='side_uz')
    make_project('THEIRS', visibility='side_cn')

    response = relate(client_as('secretariat', side='UZ'), mine, 'linked', 'THEIRS')

    assert response.context['form'].errors == {'identifier': ['No project with the identifier THEIRS.']}
    assert linked(mine) == []


@pytest.mark.parametrize(
    ('relation', 'part'),
    [('linked', 'linked'), ('parent', 'parent'), ('child', 'children')],
)
def test_removing_a_relation_asks_for_confirmation_then_removes_and_logs(client_as, make_project, relation, part):
    one, other = make_project('ONE'), make_project('TWO')
    services.relate_projects(actor=SYSTEM, project=one, other=other, relation=relation)
    client = client_as('secretariat')
    page = client.get(one.get_absolute_url()).content.decode()
    url = f'/portfolio/projects/{one.pk}/{part}/{other.pk}/remove/'
    assert url in page
    changes = ObjectChange.objects.count()

    assert client.get(url).status_code == 200
    response = client.post(url)

    assert response['Location'] == one.get_absolute_url()
    assert linked(one) == [] and not Project.objects.filter(parent__isnull=False).exists()
    assert ObjectChange.objects.count() == changes + 1
    assert ObjectChange.objects.latest('id').channel == 'web'
    assert client.get(url).status_code == 404  # nothing left to remove


def test_relations_to_projects_the_user_may_not_see_are_not_found(client_as, make_project):
    mine = make_project('MINE', visibility='side_uz')
    theirs = make_project('THEIRS', visibility='side_cn')
    services.link_projects(actor=SYSTEM, project=mine, other=theirs)
    client = client_as('secretariat', side='UZ')

    assert client.post(f'/portfolio/projects/{mine.pk}/linked/{theirs.pk}/remove/').status_code == 404
    assert client.post(f'/portfolio/projects/{theirs.pk}/linked/{mine.pk}/remove/').status_code == 404
    assert 'THEIRS' not in client.get(mine.get_absolute_url()).content.decode()
    assert linked(mine) == ['THEIRS']


def test_only_editors_relate_projects(client_as, make_project):
    one = make_project('ONE')
    make_project('TWO')

    assert relate(client_as('anonymous'), one, 'linked', 'TWO').status_code == 302
    assert relate(client_as('applicant'), one, 'linked', 'TWO').status_code == 403
    assert linked(one) == []


def test_api_relates_and_unrelates_with_the_same_rules(api_as, make_project):
    grandparent = make_project('G')
    parent = make_project('P', parent=grandparent)
    station = make_project('STATION')
    api = api_as('secretariat', side='UZ')
    url = f'/api/projects/{grandparent.pk}/relations/'

    created = api.post(url, {'relation': 'linked', 'identifier': 'STATION'}, format='json')
    cycle = api.post(url, {'relation': 'parent', 'identifier': 'P'}, format='json')
    self_link = api.post(url, {'relation': 'linked', 'identifier': 'G'}, format='json')
    removed = api.delete(f'/api/projects/{grandparent.pk}/relations/linked/STATION/')
    missing = api.delete(f'/api/projects/{grandparent.pk}/relations/linked/STATION/')

    assert (created.status_code, created.json()) == (201, {'relation': 'linked', 'identifier': 'STATION'})
    assert cycle.json()['error']['fields'] == {
        'other': ['P is itself part of G (directly or through other parts): making G part of it would be a cycle.']
    }
    assert self_link.json()['error']['fields'] == {'linked': ['A project cannot be linked to itself.']}
    assert removed.status_code == 204
    assert missing.json()['error']['fields'] == {'other': ['STATION is not linked to this project.']}
    assert linked(station) == [] and Project.objects.get(pk=parent.pk).parent_id == grandparent.pk


def test_api_detail_lists_only_the_linked_projects_the_caller_may_see(api_as, make_project):
    railway = make_project('RAIL')
    services.link_projects(actor=SYSTEM, project=railway, other=make_project('PUBLIC-STATION'))
    services.link_projects(actor=SYSTEM, project=railway, other=make_project('SECRET-DEPOT', visibility='restricted'))

    assert api_as('anonymous').get(f'/api/projects/{railway.pk}/').json()['linked'] == ['PUBLIC-STATION']
    assert api_as('secretariat').get(f'/api/projects/{railway.pk}/').json()['linked'] == [
        'PUBLIC-STATION',
        'SECRET-DEPOT',
    ]


#
# The "side" filter: projects in which an organization of that side takes part, as a participant or
# as the financier of an amount (an organization's side is its country)
#


@pytest.fixture
def sided(make_project, china, uzbekistan, bank):
    from core.models import Country

    kyrgyzstan = Country.objects.get(iso3='KGZ')
    organizations = {
        'uz': organization_services.create_organization(
            actor=SYSTEM, name_en='Uzbekistan Railways', kind='state_company', country=uzbekistan
        ),
        'cn': organization_services.create_organization(
            actor=SYSTEM, name_en='China Railway Group', kind='contractor', country=china
        ),
        'kg': organization_services.create_organization(
            actor=SYSTEM, name_en='Kyrgyz Temir Jolu', kind='state_company', country=kyrgyzstan
        ),
    }
    projects = {'S-UZ': ['uz'], 'S-CN': ['cn', 'kg'], 'S-BOTH': ['uz', 'cn'], 'S-KG': ['kg'], 'S-NONE': []}
    for identifier, sides in projects.items():
        project = make_project(identifier)
        for side in sides:
            services.add_participant(actor=SYSTEM, project=project, organization=organizations[side], role='4')
    # A financier takes part too, without being listed as a participant.
    make_project('S-FINANCED', money=[('11', '1000', 'USD', '2024-01-01')], provider=bank)


@pytest.mark.parametrize(
    ('side', 'expected'),
    [
        ('UZ', ['S-BOTH', 'S-UZ']),
        ('CN', ['S-BOTH', 'S-CN', 'S-FINANCED']),
        ('JOINT', ['S-BOTH']),
        ('', ['S-BOTH', 'S-CN', 'S-FINANCED', 'S-KG', 'S-NONE', 'S-UZ']),
    ],
)
def test_side_filter_on_the_list_page_and_the_api(client, api_as, sided, side, expected):
    page = client.get('/portfolio/projects/', {'side': side}).context['page']
    api = api_as('anonymous').get('/api/projects/', {'side': side}).json()['results']

    assert sorted(project.identifier for project in page) == expected
    assert sorted(project['identifier'] for project in api) == expected


def test_an_unknown_side_is_refused_by_the_api(api_as, sided):
    response = api_as('anonymous').get('/api/projects/', {'side': 'KG'})

    assert response.status_code == 400
    assert response.json()['error']['fields'] == {
        'side': ['Select a valid choice. KG is not one of the available choices.']
    }


def test_side_filter_keeps_the_list_page_and_api_query_counts(client, api_as, sided, django_assert_num_queries):
    with django_assert_num_queries(5):  # count, page, sectors; filter form choices (2)
        client.get('/portfolio/projects/', {'side': 'UZ'})
    with django_assert_num_queries(3):  # count, page, sectors
        api_as('anonymous').get('/api/projects/', {'side': 'JOINT'})
