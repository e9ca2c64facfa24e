"""Restricted and one-side projects never reach users who may not see them: not in lists,
counts, totals, breakdowns, drill-downs, charts, exports, search, or the API."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from hamkor.imports import ImportRejected
from hamkor.permissions import SYSTEM
from hamkor.testing.services import table_state
from portfolio import services
from portfolio.imports import apply_import, plan_import
from portfolio.models import Project, Transaction

pytestmark = pytest.mark.django_db

COMMITMENT = '11'
# visibility level -> (identifier, USD amount)
PROJECTS = {
    'public': ('VIS-PUBLIC', '1000000'),
    'partners': ('VIS-PARTNERS', '20000000'),
    'side_uz': ('VIS-UZ', '300000000'),
    'side_cn': ('VIS-CN', '4000000000'),
    'restricted': ('VIS-RESTRICTED', '50000000000'),
}
# role -> (side, levels it may see)
READERS = {
    'anonymous': (None, ['public']),
    'applicant': ('JOINT', ['public']),
    'uz-analyst': ('UZ', ['public', 'partners', 'side_uz']),
    'cn-analyst': ('CN', ['public', 'partners', 'side_cn']),
    'secretariat': ('JOINT', ['public', 'partners', 'side_uz', 'side_cn', 'restricted']),
}


@pytest.fixture
def projects(make_project):
    return {
        level: make_project(identifier, visibility=level, title_en=f'Secret plan {level}', split={'mining': 100},
                            money=[(COMMITMENT, amount, 'USD', '2024-01-01')], status='agreement_signed')
        for level, (identifier, amount) in PROJECTS.items()
    }  # fmt: skip


def expected(role):
    levels = READERS[role][1]
    return sorted(PROJECTS[level][0] for level in levels), sum(Decimal(PROJECTS[level][1]) for level in levels)


@pytest.fixture(params=list(READERS))
def reader(request, client_as, api_as):
    role = request.param
    side = READERS[role][0]
    extra = {'side': side} if side else {}
    return role, client_as(role, **extra), api_as(role, **extra)


def test_list_page_count_and_search(reader, projects):
    role, client, _ = reader
    identifiers, _ = expected(role)

    page = client.get('/portfolio/projects/', {'q': 'secret plan', 'page_size': 100}).context['page']

    assert sorted(project.identifier for project in page) == identifiers
    assert page.paginator.count == len(identifiers)


def test_detail_page_of_an_invisible_project_is_not_found(reader, projects):
    role, client, _ = reader
    for level, project in projects.items():
        status = client.get(project.get_absolute_url()).status_code
        assert status == (200 if level in READERS[role][1] else 404), (role, level)


def test_dashboard_totals_breakdowns_and_charts(reader, projects):
    role, client, _ = reader
    identifiers, total = expected(role)

    response = client.get('/portfolio/')

    assert response.context['summary'].total_usd == total
    assert response.context['summary'].projects_visible == len(identifiers)
    for groups in response.context['breakdowns'].values():
        assert sum(group.value_usd for group in groups) == total
    page = response.content.decode()
    for level, (identifier, _amount) in PROJECTS.items():
        if level not in READERS[role][1]:
            assert identifier not in page


def test_drill_down_page(reader, projects):
    role, client, _ = reader
    identifiers, total = expected(role)

    response = client.get('/portfolio/breakdown/sector/mining/')

    assert sorted(item.project.identifier for item in response.context['page']) == identifiers
    assert response.context['group'].value_usd == total


def test_api_list_detail_summary_breakdown_and_drill_down(reader, projects):
    role, _, api = reader
    identifiers, total = expected(role)

    listed = api.get('/api/projects/', {'page_size': 100}).json()
    assert sorted(item['identifier'] for item in listed['results']) == identifiers
    assert listed['count'] == len(identifiers)
    for level, project in projects.items():
        assert api.get(f'/api/projects/{project.pk}/').status_code == (200 if level in READERS[role][1] else 404)
    assert Decimal(api.get('/api/portfolio/summary/').json()['total_usd']) == total
    assert sum(Decimal(group['value_usd']) for group in api.get('/api/portfolio/breakdown/region/').json()) == total
    drilled = api.get('/api/portfolio/breakdown/stage/committed/').json()
    assert sorted(item['identifier'] for item in drilled) == identifiers


def test_csv_and_xlsx_exports(reader, projects):
    role, client, api = reader
    identifiers, _ = expected(role)

    for response in (client.get('/portfolio/projects/export.csv'), api.get('/api/projects/export.csv')):
        rows = list(csv.DictReader(io.StringIO(b''.join(response.streaming_content).decode('utf-8-sig'))))
        assert sorted(row['identifier'] for row in rows) == identifiers
    workbook = load_workbook(io.BytesIO(b''.join(client.get('/portfolio/projects/export.xlsx').streaming_content)))
    assert sorted(row[0] for row in workbook['projects'].iter_rows(min_row=2, values_only=True)) == identifiers


def test_an_editor_of_one_side_cannot_reach_the_other_sides_projects(client_as, api_as, projects):
    client = client_as('secretariat', side='UZ')
    api = api_as('secretariat', side='UZ')

    assert client.get(f'/portfolio/projects/{projects["side_cn"].pk}/edit/').status_code == 404
    assert client.get(f'/portfolio/projects/{projects["side_uz"].pk}/edit/').status_code == 200
    assert api.patch(f'/api/projects/{projects["side_cn"].pk}/', {'title_ru': 'x'}, format='json').status_code == 404


#
# A part names its whole only to those who may see the whole
#

WHOLE_TITLE = 'Secret umbrella agreement'


@pytest.fixture
def whole_and_part(make_project):
    """A restricted whole with a public part: the part is for everyone, the whole is not."""
    whole = make_project('VIS-WHOLE', visibility='restricted', title_en=WHOLE_TITLE, is_umbrella=True)
    return whole, make_project('VIS-PART', visibility='public', title_en='Public part', parent=whole)


def test_a_hidden_whole_is_named_nowhere_its_reader_may_not_see_it(reader, whole_and_part):
    role, client, api = reader
    whole, part = whole_and_part
    sees_whole = 'restricted' in READERS[role][1]
    named = 'VIS-WHOLE' if sees_whole else None

    page = client.get(f'/portfolio/projects/{part.pk}/').content.decode()
    assert (WHOLE_TITLE in page, 'VIS-WHOLE' in page) == (sees_whole, sees_whole)
    assert api.get(f'/api/projects/{part.pk}/').json()['parent'] == named
    listed = api.get('/api/projects/', {'q': 'public part'}).json()['results']
    assert [(item['identifier'], item['parent']) for item in listed] == [('VIS-PART', named)]
    for response in (client.get('/portfolio/projects/export.csv'), api.get('/api/projects/export.csv')):
        rows = csv.DictReader(io.StringIO(b''.join(response.streaming_content).decode('utf-8-sig')))
        assert {row['identifier']: row['parent'] for row in rows}['VIS-PART'] == (named or '')
    workbook = load_workbook(io.BytesIO(b''.join(client.get('/portfolio/projects/export.xlsx').streaming_content)))
    sheet = list(workbook['projects'].values)
    parent_column = sheet[0].index('parent')
    assert {row[0]: row[parent_column] for row in sheet[1:]}['VIS-PART'] == named


def test_the_parent_choices_hold_only_projects_the_editor_may_see(client_as, projects):
    client = client_as('secretariat', side='UZ')

    form = client.get('/portfolio/projects/new/').context['form']

    offered = sorted(project.identifier for project in form.fields['parent'].queryset)
    assert offered == sorted(PROJECTS[level][0] for level in READERS['uz-analyst'][1] + ['restricted'])


def test_a_hidden_parent_is_refused_as_if_it_did_not_exist(api_as, projects):
    api = api_as('secretariat', side='UZ')

    answers = [
        api.post('/api/projects/', {'identifier': f'NEW-{n}', 'title_en': 'New', 'parent': parent}, format='json')
        for n, parent in enumerate(['VIS-CN', 'NO-SUCH-PROJECT'])
    ]

    assert [answer.status_code for answer in answers] == [400, 400]
    hidden, missing = (answer.json()['error']['fields'] for answer in answers)
    assert hidden == {'parent': ['Object with identifier=VIS-CN does not exist.']}
    assert missing == {'parent': ['Object with identifier=NO-SUCH-PROJECT does not exist.']}


def test_saving_a_part_keeps_a_whole_the_editor_may_not_see(client_as, make_project):
    whole = make_project('VIS-CN-WHOLE', visibility='side_cn', title_en='Chinese whole')  # not an umbrella
    part = make_project('VIS-UZ-PART', visibility='side_uz', parent=whole)
    client = client_as('secretariat', side='UZ')

    form = client.get(f'/portfolio/projects/{part.pk}/edit/').context['form']
    assert 'parent' not in form.fields
    data = {name: value for name, value in form.initial.items() if value is not None and name != 'parent'}
    response = client.post(f'/portfolio/projects/{part.pk}/edit/', data | {'title_en': 'Renamed part'})

    assert response.status_code == 302
    part.refresh_from_db()
    assert (part.title_en, part.parent_id) == ('Renamed part', whole.pk)


def test_deleting_a_whole_is_refused_naming_only_the_kind_of_what_refers_to_it(api_as, whole_and_part):
    whole, part = whole_and_part
    transaction_count = Transaction.objects.count()

    response = api_as('secretariat').delete(f'/api/projects/{whole.pk}/')

    assert (response.status_code, response.json()['error']['code']) == (409, 'in_use')
    assert response.json()['error']['message'] == (
        'Other records still refer to this one (projects): remove those references first. Nothing was deleted.'
    )
    assert 'VIS-PART' not in response.content.decode()
    assert Project.objects.filter(pk__in=[whole.pk, part.pk]).count() == 2
    assert Transaction.objects.count() == transaction_count


#
# Imports plan and write only within what the importing user may see
#


def plan_as(user, tmp_path, text):
    path = tmp_path / 'projects.csv'
    path.write_text(text, encoding='utf-8')
    return plan_import(path, actor=user)


def test_an_import_cannot_reach_a_project_its_user_may_not_see(make_user, projects, tmp_path):
    uz_secretariat = make_user('secretariat', side='UZ')
    before = table_state(Project)

    plan = plan_as(uz_secretariat, tmp_path, 'identifier,title_en,visibility\nVIS-CN,Taken over,public\n')

    assert [(row.action, [problem.message for problem in row.problems]) for row in plan.rows] == [
        ('reject', ['identifier VIS-CN is taken by a project you may not see: choose another'])
    ]
    with pytest.raises(ImportRejected):
        apply_import(plan, actor=uz_secretariat)
    assert table_state(Project) == before


def test_a_hidden_parent_is_refused_in_the_words_of_one_that_does_not_exist(make_user, projects, tmp_path):
    plan = plan_as(make_user('secretariat', side='UZ'), tmp_path,
                   'identifier,title_en,parent\nNEW-1,One,VIS-CN\nNEW-2,Two,NO-SUCH\n')  # fmt: skip

    assert [problem.message for row in plan.rows for problem in row.problems] == [
        'parent VIS-CN is neither in the file nor among the projects you may see',
        'parent NO-SUCH is neither in the file nor among the projects you may see',
    ]


def test_an_import_keeps_a_whole_its_user_may_not_see(make_user, make_project, tmp_path):
    whole = make_project('CN-WHOLE', visibility='side_cn', title_en='Chinese whole')  # not an umbrella
    make_project('UZ-PART', visibility='side_uz', title_en='Part', parent=whole)
    make_project('UZ-OTHER', visibility='side_uz', is_umbrella=True)
    uz_secretariat = make_user('secretariat', side='UZ')
    header = 'identifier,title_en,parent\n'

    unchanged = plan_as(uz_secretariat, tmp_path, header + 'UZ-PART,Part,\n')  # as their export shows it
    renamed = plan_as(uz_secretariat, tmp_path, header + 'UZ-PART,Renamed part,\n')
    moved = plan_as(uz_secretariat, tmp_path, header + 'UZ-PART,Part,UZ-OTHER\n')

    assert [(row.action, row.changes) for row in unchanged.rows + renamed.rows] == [
        ('unchanged', []),
        ('update', ['title_en']),
    ]
    assert [problem.message for row in moved.rows for problem in row.problems] == [
        'this project is part of a project you may not see: its parent stays'
    ]
    apply_import(renamed, actor=uz_secretariat)
    part = Project.objects.get(identifier='UZ-PART')
    assert (part.title_en, part.parent_id) == ('Renamed part', whole.pk)


#
# Every reader of an umbrella agreement sees all its parts, so no reader's total loses it
#


@pytest.mark.parametrize(
    ('umbrella', 'part', 'allowed'),
    [
        ('public', 'partners', False),
        ('partners', 'public', True),
        ('partners', 'side_uz', False),
        ('side_uz', 'partners', True),
        ('side_uz', 'side_cn', False),
        ('restricted', 'public', True),
        ('restricted', 'partners', False),  # a reader of restricted projects may hold no partner view
        ('side_cn', 'restricted', False),
    ],
)
def test_a_part_of_an_umbrella_is_seen_by_every_reader_of_the_umbrella(make_project, umbrella, part, allowed):
    agreement = make_project('U-1', visibility=umbrella, is_umbrella=True)

    if allowed:
        assert make_project('U-1-A', visibility=part, parent=agreement).parent == agreement
        return
    with pytest.raises(ValidationError) as raised:
        make_project('U-1-A', visibility=part, parent=agreement)
    assert list(raised.value.message_dict) == ['visibility']
    assert not Project.objects.filter(identifier='U-1-A').exists()


def test_an_umbrella_cannot_be_hidden_further_than_its_parts_readers(make_project):
    agreement = make_project('U-2', visibility='partners', is_umbrella=True)
    make_project('U-2-A', visibility='partners', parent=agreement)

    with pytest.raises(ValidationError) as raised:
        services.update_project(project=agreement, visibility='restricted', actor=SYSTEM)

    assert raised.value.message_dict == {'visibility': [
        'A part of an umbrella agreement must be seen by every reader of the agreement: a part that is '
        '“Partners (signed-in users of both sides)” cannot belong to an agreement that is “Restricted (secretariat)”.'
    ]}  # fmt: skip
    assert Project.objects.get(identifier='U-2').visibility == 'partners'


def test_every_reader_of_an_umbrella_with_parts_counts_the_parts_instead(reader, make_project):
    """The umbrella's value is not counted once its parts are: for any reader, its total is the
    sum of the visible projects that count — none lost, none counted twice."""
    role, client, api = reader
    agreement = make_project('U-3', visibility='side_uz', is_umbrella=True, status='agreement_signed',
                             money=[(COMMITMENT, '900', 'USD', '2024-01-01')])  # fmt: skip
    make_project('U-3-A', visibility='partners', parent=agreement, status='agreement_signed',
                 money=[(COMMITMENT, '400', 'USD', '2024-01-01')])  # fmt: skip
    make_project('U-3-B', visibility='public', parent=agreement, status='agreement_signed',
                 money=[(COMMITMENT, '500', 'USD', '2024-01-01')])  # fmt: skip
    sees = READERS[role][1]
    expected = sum(Decimal(value) for level, value in (('partners', '400'), ('public', '500')) if level in sees)

    assert Decimal(api.get('/api/portfolio/summary/').json()['total_usd']) == expected


def test_a_project_hidden_between_plan_and_apply_is_refused_with_its_line(make_user, make_project, tmp_path):
    make_project('UZ-1', visibility='side_uz', title_en='One')
    uz_secretariat = make_user('secretariat', side='UZ')
    plan = plan_as(uz_secretariat, tmp_path, 'identifier,title_en\nUZ-1,Renamed\n')
    Project.objects.filter(identifier='UZ-1').update(visibility='side_cn')  # meanwhile, by someone else
    before = table_state(Project)

    with pytest.raises(ImportRejected) as raised:
        apply_import(plan, actor=uz_secretariat)

    assert [(problem.line, problem.field, problem.message) for problem in raised.value.problems] == [
        (2, 'identifier', 'a project this row names is no longer one you may see: plan the file again')
    ]
    assert table_state(Project) == before
