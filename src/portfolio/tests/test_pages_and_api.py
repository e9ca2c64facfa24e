import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command

from core.models import ObjectChange
from portfolio.models import Project
from sources.models import Claim

pytestmark = pytest.mark.django_db

COMMITMENT = '11'


@pytest.fixture
def demo(db):
    call_command('load_demo', stdout=io.StringIO())


def test_demo_dashboard_shows_the_announced_figure_beside_the_registered_total(client, demo):
    response = client.get('/portfolio/')
    summary = response.context['summary']
    page = response.content.decode()

    # Counted: the completed, committed and in-implementation projects with amounts (the gasification
    # pledge, in negotiation, is the pipeline; the green-energy framework's part counts, not it).
    drip, solar, copper, signalling = (Decimal(v) for v in ('17397103.38', '400836029.43', '450000000', '107277816.47'))
    assert summary.total_usd == drip + solar + copper + signalling
    assert [(claim.comparator, claim.value_usd) for claim, _ in summary.coverage] == [('gt', Decimal('60000000000.00'))]
    assert [round(ratio, 4) for _, ratio in summary.coverage] == [Decimal('0.0163')]
    assert (summary.projects_counted, summary.projects_with_value, summary.projects_without_amount) == (5, 4, 1)
    # the gasification pledge, and the ten sector lines of the report's proposal package without figures
    assert (summary.pipeline.projects, summary.pipeline.value_usd, summary.pipeline.without_amount) == (
        11, Decimal('350000000.00'), 10
    )  # fmt: skip
    assert '10 of them record no amount yet' in page
    placeholders = client.get('/api/projects/?counting=pipeline&value_basis=none').json()
    assert sorted(project['identifier'] for project in placeholders['results']) == [
        *(f'UZ-CN-PROPOSAL-{number:02d}' for number in range(1, 10)), 'UZ-CN-PROPOSAL-AI'
    ]  # fmt: skip
    assert (summary.unconverted_amounts, summary.excluded) == (1, {'umbrellas': 1, 'cancelled': 1, 'suspended': 0})
    assert summary.not_counted['unallocated'].value_usd == Decimal('5000000000') - solar
    assert 'more than $60 billion' in page and 'Coverage 1.6%' in page
    assert 'An upper bound' in page and 'now exceeds $60 billion' in page  # its quote
    assert 'id="independent-count"' in page and '$18.21 billion' in page and 'never added to it' in page
    assert summary.illustrative_usd == summary.total_usd  # every amount of the demo is illustrative
    without_amount = '/portfolio/projects/?counting=headline&amp;value_basis=none'
    assert without_amount in page
    listed = client.get('/api/projects/?counting=headline&value_basis=none').json()
    assert [project['identifier'] for project in listed['results']] == ['UZ-KG-CN-RAILWAY']
    assert 'comes from illustrative records' in page
    # the coverage of what cited sources hold: none of the demo's money
    assert (summary.cited_usd, [ratio for _, ratio in summary.cited_coverage]) == (Decimal(0), [Decimal(0)])
    assert 'Of it, from cited sources: $0, coverage 0.0%; the rest is illustrative.' in page


def test_demo_records_the_report_and_its_figures_as_cited_claims(demo):
    claims = {claim.metric: (claim.comparator, claim.value_usd) for claim in Claim.objects.all()}

    with (settings.REFERENCE_DATA_DIR / 'portfolio/aiddata_gcdf3_uzbekistan.csv').open() as file:
        aiddata = sum(Decimal(row[name]) for row in csv.DictReader(file) for name in ('oda_amt', 'oof_amt', 'vof_amt'))
    assert claims == {
        'portfolio_value': ('gt', Decimal('60000000000.00')),
        'trade_turnover': ('approx', Decimal('14000000000.00')),
        'trade_target': ('target', Decimal('20000000000.00')),
        'official_finance': ('eq', aiddata.quantize(Decimal('0.01'))),
    }
    assert f'{aiddata:,.0f}'.startswith('18,209,028,002')  # AidData's own count: $18.21 billion
    railway = Project.objects.get(identifier='UZ-KG-CN-RAILWAY')
    assert (railway.status, railway.is_illustrative, railway.value_basis) == ('implementation', False, 'none')
    assert Project.objects.filter(identifier__startswith='UZ-CN-PROPOSAL', status='proposal').count() == 10
    assert Project.objects.filter(is_illustrative=True, identifier__startswith='ILL-').count() == 7


def test_loading_the_demo_twice_changes_nothing(demo):
    counts = (Project.objects.count(), ObjectChange.objects.count())
    out = io.StringIO()

    call_command('load_demo', stdout=out)

    assert (Project.objects.count(), ObjectChange.objects.count()) == counts
    assert out.getvalue().startswith('demo portfolio: 0 records created')


def test_drill_down_page_lists_what_makes_the_group(client, demo):
    response = client.get('/portfolio/breakdown/financier/-/')

    # the signalling project's amount without a financier has no rate (2005 UZS): listed, not converted
    assert [(item.project.identifier, item.unconverted) for item in response.context['page']] == [
        ('ILL-AGR-DRIP', 0),
        ('ILL-TR-SIGNALLING', 1),
    ]
    assert (response.context['group'].value_usd, response.context['group'].unconverted) == (Decimal('17397103.38'), 1)
    assert response.content.decode().count('amount not converted') == 1
    assert client.get('/portfolio/breakdown/financier/999999/').status_code == 404
    assert client.get('/portfolio/breakdown/colour/red/').status_code == 404


def test_project_list_filters_and_sorts(client, demo):
    def identifiers(**params):
        return [project.identifier for project in client.get('/portfolio/projects/', params).context['page']]

    assert identifiers(stage='committed', sort='-value') == ['ILL-GE-FRAMEWORK', 'ILL-MIN-COPPER', 'ILL-TR-SIGNALLING']
    assert identifiers(sector='agrivoltaics') == ['ILL-GE-SOLAR-SAM', 'UZ-CN-PROPOSAL-09']
    assert identifiers(q='railway') == ['UZ-KG-CN-RAILWAY']
    # the railway, and the signalling line, whose Chinese title (数字化铁路信号系统) names railways too
    assert identifiers(q='铁路') == ['ILL-TR-SIGNALLING', 'UZ-KG-CN-RAILWAY']
    assert identifiers(min_value='400000000') == ['ILL-GE-FRAMEWORK', 'ILL-GE-SOLAR-SAM', 'ILL-MIN-COPPER']


@pytest.mark.parametrize('page_size', [5, 50])
def test_list_page_and_api_run_a_fixed_number_of_queries(client, make_project, page_size, django_assert_num_queries):
    for number in range(12):
        make_project(
            f'Q-{number:02d}', split={'mining': 50, 'geology': 50}, money=[(COMMITMENT, '1000', 'USD', '2024-01-01')]
        )

    with django_assert_num_queries(5):  # session-less: count, page, sectors; filter form choices (2)
        client.get('/portfolio/projects/', {'page_size': page_size})
    with django_assert_num_queries(3):  # count, page, sectors
        client.get('/api/projects/', {'page_size': page_size})


def test_csv_export_has_codes_names_and_marks_illustrative_rows(client, demo):
    response = client.get('/portfolio/projects/export.csv', {'stage': 'committed'})
    rows = list(csv.DictReader(io.StringIO(b''.join(response.streaming_content).decode('utf-8-sig'))))

    assert [row['identifier'] for row in rows] == ['ILL-GE-FRAMEWORK', 'ILL-MIN-COPPER', 'ILL-TR-SIGNALLING']
    copper = rows[1]
    assert (
        copper['data_status'],
        copper['status'],
        copper['status_name'],
        copper['region'],
        copper['region_name'],
    ) == (
        'illustrative',
        'agreement_signed',
        'Agreement signed',
        'UZ-NW',
        'Navoiy',
    )
    assert (copper['sectors'], copper['value_usd'], copper['counted_in_aggregates']) == (
        'mining 60%; geology 40%',
        '450000000.00',
        'yes',
    )
    assert rows[0]['counted_in_aggregates'] == 'no'  # an umbrella whose part is recorded


def test_csv_export_is_one_query_whatever_the_number_of_rows(client, demo, django_assert_num_queries):
    # Captured queries are formatted with their parameters (as with DEBUG on): the SQL the
    # database formats amounts and percentages with must survive that too.
    for params, expected_rows in (({'stage': 'committed'}, 3), ({}, 18)):
        with django_assert_num_queries(1):
            response = client.get('/portfolio/projects/export.csv', params)
            body = b''.join(response.streaming_content).decode('utf-8-sig')
        assert len(list(csv.DictReader(io.StringIO(body)))) == expected_rows


def test_secretariat_creates_a_project_through_the_form(client_as, sectors):
    client = client_as('secretariat')

    response = client.post(
        '/portfolio/projects/new/',
        {
            'identifier': 'NEW-1',
            'title_en': 'Seed laboratory',
            'visibility': 'public',
            'sector_1': 'seed_production',
            'share_1': '100',
        },
    )

    project = Project.objects.get(identifier='NEW-1')
    assert response['Location'] == project.get_absolute_url()
    assert [(share.sector.code, share.percentage) for share in project.sectors.all()] == [
        ('seed_production', Decimal('100'))
    ]


def test_the_form_shows_service_errors_on_their_fields(client_as):
    client = client_as('secretariat')

    rows = {'sector_1': 'mining', 'share_1': '60', 'sector_2': 'geology', 'share_2': '30'}
    response = client.post(
        '/portfolio/projects/new/', {'identifier': 'NEW-2', 'title_en': 'X', 'visibility': 'public', **rows}
    )

    assert response.context['form'].errors == {'__all__': ['Sector shares add up to 90 %, not 100 %.']}
    assert not Project.objects.filter(identifier='NEW-2').exists()


def test_a_form_with_errors_lists_them_at_the_top_with_links_to_their_fields(client_as):
    client = client_as('secretariat')
    rows = {'sector_1': 'mining', 'share_1': '60', 'sector_2': 'mining', 'share_2': '40', 'share_3': '5'}

    response = client.post(
        '/portfolio/projects/new/', {'identifier': '', 'title_en': 'X', 'visibility': 'public', **rows}
    )
    page = response.content.decode()
    summary = page[page.index('id="error-summary"') : page.index('</div>', page.index('id="error-summary"'))]

    assert response.context['form'].errors == {
        'identifier': ['This field is required.'],
        'sector_2': ['Mining is already chosen above.'],
        'sector_3': ['Choose the sector this share is of.'],
    }
    assert 'Nothing was saved: 3 problems to correct.' in summary
    assert [link in summary for link in ('href="#id_identifier"', 'href="#id_sector_2"', 'href="#id_sector_3"')] == [
        True, True, True
    ]  # fmt: skip
    assert page.index('id="error-summary"') < page.index('id="id_identifier"')  # at the top, before the fields


def test_a_form_builds_no_more_sector_rows_than_there_are_sectors(client_as, sectors):
    response = client_as('secretariat').post('/portfolio/projects/new/', {'identifier': 'ROWS', 'sector_100000': ''})

    assert response.context['form'].sector_rows == len(sectors) + 3


def test_sector_rows_offer_the_sectors_by_name_in_the_readers_language(client_as, make_project):
    project = make_project('S-ROWS', split={'green_energy': 80, 'agrivoltaics': 20})
    client = client_as('secretariat')

    form = client.get(f'/portfolio/projects/{project.pk}/edit/', HTTP_ACCEPT_LANGUAGE='ru').context['form']

    assert [(form[f'sector_{n}'].value(), form[f'share_{n}'].value()) for n in range(1, form.sector_rows + 1)] == [
        ('green_energy', '80'), ('agrivoltaics', '20'), (None, None), (None, None), (None, None)
    ]  # fmt: skip
    choices = dict(form.fields['sector_1'].choices)
    assert str(choices['green_energy']) == 'Зелёная энергетика'


def test_status_change_needs_a_reason_off_the_path(client_as, make_project):
    project = make_project('S-1')
    client = client_as('secretariat')

    refused = client.post(f'/portfolio/projects/{project.pk}/status/', {'status': 'implementation', 'reason': ''})
    assert 'leaves the normal lifecycle: give a reason' in refused.content.decode()

    client.post(f'/portfolio/projects/{project.pk}/status/', {'status': 'implementation', 'reason': 'Signed abroad.'})
    assert Project.objects.get(pk=project.pk).status == 'implementation'


def test_recording_an_amount_converts_it_and_updates_the_value(client_as, make_project):
    project = make_project('T-1', status='agreement_signed')
    client = client_as('secretariat')

    client.post(
        f'/portfolio/projects/{project.pk}/transactions/new/',
        {'type': COMMITMENT, 'value': '1000', 'currency': 'CNY', 'value_date': '2023-06-15'},
    )

    project.refresh_from_db()
    assert project.value_usd == Decimal('139.64')
    change = ObjectChange.objects.filter(content_type__model='transaction').get()
    assert (change.channel, change.action) == ('web', 'create')


def test_api_creates_a_project_and_changes_its_status(api_as):
    api = api_as('secretariat')

    created = api.post(
        '/api/projects/',
        {
            'identifier': 'API-1',
            'title_en': 'Rare earth refinery',
            'sectors': [{'sector': 'rare_earths', 'percentage': '100'}],
        },
        format='json',
    )
    assert created.status_code == 201
    body = created.json()
    assert (body['status'], body['data_status'], body['titles']['en']) == (
        'proposal',
        'recorded',
        'Rare earth refinery',
    )

    refused = api.post(f'/api/projects/{body["id"]}/status/', {'status': 'completed'}, format='json')
    assert refused.status_code == 400
    assert refused.json()['error']['fields'] == {
        'reason': ['Moving from Proposal to Completed / operational leaves the normal lifecycle: give a reason.']
    }
    moved = api.post(f'/api/projects/{body["id"]}/status/', {'status': 'negotiation'}, format='json')
    assert moved.json()['stage'] == 'pipeline'


def test_api_rejects_bad_sector_splits(api_as):
    response = api_as('secretariat').post(
        '/api/projects/',
        {'identifier': 'API-2', 'title_en': 'X', 'sectors': [{'sector': 'mining', 'percentage': '50'}]},
        format='json',
    )

    assert response.status_code == 400
    assert response.json()['error']['fields'] == {'sectors': ['Sector shares add up to 50.00 %, not 100 %.']}


def test_participants_and_milestones_are_added_from_the_project_page(client_as, make_project, bank):
    project = make_project('PM-1')
    client = client_as('secretariat')

    client.post(f'/portfolio/projects/{project.pk}/participant/new/', {'organization': bank.pk, 'role': '1'})
    duplicate = client.post(
        f'/portfolio/projects/{project.pk}/participant/new/', {'organization': bank.pk, 'role': '1'}
    )
    client.post(
        f'/portfolio/projects/{project.pk}/milestone/new/', {'title': 'Feasibility study', 'planned_date': '2026-03-01'}
    )

    assert duplicate.context['form'].errors == {'__all__': ['This organization already has this role in the project.']}
    assert [(p.organization.name_en, p.role) for p in project.participants.all()] == [('China Development Bank', '1')]
    assert [(m.title, str(m.planned_date)) for m in project.milestones.all()] == [('Feasibility study', '2026-03-01')]
    assert client.get(f'/portfolio/projects/{project.pk}/budget/new/').status_code == 404


def test_no_organization_page_shows_an_illustrative_amount_without_the_badge(client, demo):
    from organizations.models import Organization

    financiers = Organization.objects.filter(provided_transactions__counts_in_value=True).distinct()
    pages = 0
    for organization in financiers:
        page = client.get(organization.get_absolute_url()).content.decode()
        table = page[page.index('id="organization-projects"') :].split('</table>')[0]
        rows = [row for row in table.split('<tr>')[2:] if '$' in row]  # the rows that show an amount
        for project in Project.objects.filter(transactions__provider=organization, transactions__counts_in_value=True):
            row = next(row for row in rows if f'>{project.identifier}</a>' in row)
            badged = row.count('badge-amber') == 2  # the project and its amount
            assert badged is project.is_illustrative, (organization.name_en, project.identifier)
        pages += 1
    # Bank of China, China Development Bank, the Export-Import Bank, ICBC: real banks, invented loans
    assert pages == 4


def test_the_demo_projects_are_titled_in_each_language(client, demo):
    for language, title in (('zh-hans', '绿色能源框架协议'), ('ru', 'Рамочное соглашение о зелёной энергетике'),
                            ('uz', 'Yashil energetika boʻyicha ramkaviy kelishuv')):  # fmt: skip
        client.cookies['django_language'] = language
        assert title in client.get('/portfolio/projects/').content.decode(), language
    assert not Project.objects.filter(is_illustrative=True).filter(title_zh='').exists()
