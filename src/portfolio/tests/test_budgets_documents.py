"""Budgets, planned disbursements and document links of projects (IATI `budget`,
`planned-disbursement`, `document-link`): validation, conversion with the stored rate, the
project page and API, removal through the change log, and that budgets never reach the totals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import Country, Currency, ObjectChange
from hamkor.permissions import SYSTEM
from organizations import services as organization_services
from portfolio import selectors, services
from portfolio.models import Budget, DocumentLink, PlannedDisbursement

pytestmark = pytest.mark.django_db

COMMITMENT = '11'
DAY = datetime.date.fromisoformat


def budget_values(**overrides):
    values = {
        'type': '1',
        'status': '2',
        'period_start': DAY('2023-06-01'),
        'period_end': DAY('2023-12-31'),
        'value': Decimal('1000'),
        'currency': Currency.objects.get(code='CNY'),
        'value_date': DAY('2023-06-15'),
    }
    return values | overrides


def planned_values(**overrides):
    values = budget_values(**overrides)
    del values['status']
    return values


def document_values(**overrides):
    values = {
        'url': 'https://example.org/feasibility.pdf',
        'format': 'application/pdf',
        'title_en': 'Feasibility study',
        'title_zh': '可行性研究',
        'category': 'A01',
        'language': 'en',
        'document_date': DAY('2023-03-15'),
    }
    return values | overrides


#
# Conversion and aggregation
#


def test_a_budget_is_converted_at_its_value_date_with_the_rate_stored(make_project):
    project = make_project('B-1')

    budget = services.add_budget(actor=SYSTEM, project=project, **budget_values())

    budget.refresh_from_db()
    assert (budget.value_usd, budget.fx_rate) == (Decimal('139.64'), Decimal('7.1614'))
    assert budget.fx_note.startswith('7.1614 CNY per USD (monthly average 2023-06;')


def test_a_planned_disbursement_is_converted_like_a_budget_and_names_provider_and_receiver(make_project, bank, china):
    project = make_project('PD-1')
    receiver = organization_services.create_organization(
        actor=SYSTEM, name_en='Solar Operator LLC', kind='private_company', country=china
    )

    planned = services.add_planned_disbursement(
        actor=SYSTEM, project=project, **planned_values(type='', period_end=None), provider=bank, receiver=receiver
    )

    planned.refresh_from_db()
    assert (planned.value_usd, planned.fx_rate, planned.provider, planned.receiver) == (
        Decimal('139.64'),
        Decimal('7.1614'),
        bank,
        receiver,
    )


def test_an_amount_no_rate_covers_is_flagged_not_counted_as_zero(make_project):
    project = make_project('B-2')

    budget = services.add_budget(
        actor=SYSTEM,
        project=project,
        **budget_values(
            currency=Currency.objects.get(code='UZS'),
            period_start=DAY('2005-01-01'),
            period_end=DAY('2005-12-31'),
            value_date=DAY('2005-03-01'),
        ),
    )

    budget.refresh_from_db()
    assert (budget.value_usd, budget.fx_rate) == (None, None)
    assert budget.fx_note.startswith('No UZS per USD rate covers 2005-03-01')


def test_budgets_and_planned_disbursements_are_not_counted_in_the_portfolio_value(make_project):
    project = make_project('B-3', status='agreement_signed', money=[(COMMITMENT, '1000', 'USD', '2024-01-01')])
    before = selectors.summary(None).total_usd

    services.add_budget(actor=SYSTEM, project=project, **budget_values(value=Decimal('5000000')))
    services.add_planned_disbursement(actor=SYSTEM, project=project, **planned_values(value=Decimal('7000000')))

    project.refresh_from_db()
    assert project.value_usd == Decimal('1000.00')
    assert selectors.summary(None).total_usd == before == Decimal('1000.00')


#
# Validation: a clear message, nothing saved
#


@pytest.mark.parametrize(
    ('overrides', 'field', 'message'),
    [
        ({'period_end': DAY('2023-05-01')}, 'period_end', 'The period must end after it starts.'),
        ({'period_end': DAY('2023-06-01')}, 'period_end', 'The period must end after it starts.'),
        ({'period_start': DAY('2023-01-01'), 'period_end': DAY('2024-01-01')}, 'period_end',
         'A budget period may not be longer than one year (IATI rule: report a multi-year budget as one budget '
         'per year); this one runs from 2023-01-01 to 2024-01-01.'),
        ({'value': Decimal('-5')}, 'value', 'Ensure this value is greater than or equal to 0.01.'),
        ({'value': 'abc'}, 'value', '“abc” value must be a decimal number.'),
        ({'status': '3'}, 'status', "Value '3' is not a valid choice."),
        ({'value_date': DAY('2099-01-01')}, 'value_date', 'The value date is more than ten years ahead.'),
    ],
)  # fmt: skip
def test_bad_budgets_are_refused_and_nothing_is_saved(make_project, overrides, field, message):
    project = make_project('V-1')

    with pytest.raises(ValidationError) as raised:
        services.add_budget(actor=SYSTEM, project=project, **budget_values(**overrides))

    assert raised.value.message_dict == {field: [message]}
    assert Budget.objects.count() == 0


def test_a_budget_of_exactly_one_year_is_accepted(make_project):
    project = make_project('V-2')

    budget = services.add_budget(
        actor=SYSTEM, project=project, **budget_values(period_start=DAY('2024-02-29'), period_end=DAY('2025-02-27'))
    )

    assert budget.pk is not None


def test_a_planned_disbursement_may_be_longer_than_a_year_but_must_end_after_it_starts(make_project):
    project = make_project('V-3')

    services.add_planned_disbursement(actor=SYSTEM, project=project, **planned_values(period_end=DAY('2025-06-01')))
    with pytest.raises(ValidationError) as raised:
        services.add_planned_disbursement(actor=SYSTEM, project=project, **planned_values(period_end=DAY('2023-01-01')))

    assert raised.value.message_dict == {'period_end': ['The period must end after it starts.']}
    assert PlannedDisbursement.objects.count() == 1


@pytest.mark.parametrize(
    ('overrides', 'field', 'message'),
    [
        ({'url': 'ftp://example.org/study.pdf'}, 'url',
         'Only http:// and https:// links are accepted (this one starts with “ftp:”).'),
        ({'url': 'javascript:alert(1)'}, 'url',
         'Only http:// and https:// links are accepted (this one starts with “javascript:”).'),
        ({'url': 'https://'}, 'url', 'Enter a valid URL.'),
        ({'format': 'PDF'}, 'format', '“PDF” is not a MIME type; give one such as application/pdf or text/html.'),
        ({'category': 'Z99'}, 'category', 'Z99 is not an IATI document category.'),
        ({'category': 'B01'}, 'category', "B01 (Annual report) is a category for an organisation's own documents; "
                                          "a project's documents use the activity categories A01–A12."),
        ({'title_en': ''}, 'title_en', 'This field cannot be blank.'),
        ({'language': 'fr'}, 'language', "Value 'fr' is not a valid choice."),
    ],
)  # fmt: skip
def test_bad_document_links_are_refused_and_nothing_is_saved(make_project, overrides, field, message):
    project = make_project('D-1')

    with pytest.raises(ValidationError) as raised:
        services.add_document(actor=SYSTEM, project=project, **document_values(**overrides))

    assert raised.value.message_dict == {field: [message]}
    assert DocumentLink.objects.count() == 0


def test_the_same_document_twice_is_refused(make_project):
    project = make_project('D-2')
    services.add_document(actor=SYSTEM, project=project, **document_values())

    with pytest.raises(ValidationError) as raised:
        services.add_document(actor=SYSTEM, project=project, **document_values(title_en='Again'))

    assert raised.value.message_dict == {'__all__': ['This document is already linked to the project.']}


#
# Pages
#


def test_secretariat_adds_a_budget_and_the_page_shows_it_with_the_rate(client_as, make_project):
    project = make_project('W-1')
    client = client_as('secretariat')

    response = client.post(
        f'/portfolio/projects/{project.pk}/budgets/new/',
        {'type': '1', 'status': '2', 'period_start': '2023-06-01', 'period_end': '2023-12-31', 'value': '1000',
         'currency': 'CNY', 'value_date': '2023-06-15'},
    )  # fmt: skip

    assert response.status_code == 302 and response['Location'] == project.get_absolute_url()
    page = client.get(project.get_absolute_url()).content.decode()
    assert '$139.64' in page and '7.1614 CNY per USD' in page and 'not added to the portfolio value' in page
    change = ObjectChange.objects.filter(content_type__model='budget').get()
    assert (change.action, change.channel, change.after['value_usd']) == ('create', 'web', '139.64')


@pytest.mark.parametrize(
    ('data', 'errors'),
    [
        ({'currency': 'XYZ'}, {'currency': ['Unknown currency XYZ: not an ISO 4217 code in the reference data.']}),
        ({'period_end': '2023-05-31'}, {'period_end': ['The period must end after it starts.']}),
        ({'value': '-1'}, {'value': ['Ensure this value is greater than or equal to 0.01.']}),
    ],
)
def test_the_budget_form_shows_errors_on_their_fields_and_saves_nothing(client_as, make_project, data, errors):
    project = make_project('W-2')
    valid = {'type': '1', 'status': '1', 'period_start': '2023-06-01', 'period_end': '2023-12-31', 'value': '1000',
             'currency': 'CNY', 'value_date': '2023-06-15'}  # fmt: skip

    response = client_as('secretariat').post(f'/portfolio/projects/{project.pk}/budgets/new/', valid | data)

    assert response.status_code == 200
    assert response.context['form'].errors == errors
    assert Budget.objects.count() == 0


def test_secretariat_links_a_document_and_the_page_shows_it(client_as, make_project, settings):
    project = make_project('W-3')
    client = client_as('secretariat')

    client.post(
        f'/portfolio/projects/{project.pk}/documents/new/',
        {'url': 'https://example.org/study.pdf', 'format': 'application/pdf', 'title_en': 'Feasibility study',
         'title_ru': 'ТЭО', 'category': 'A01', 'language': 'ru', 'document_date': '2023-03-15'},
    )  # fmt: skip
    refused = client.post(
        f'/portfolio/projects/{project.pk}/documents/new/',
        {'url': 'file:///etc/passwd', 'format': 'text/plain', 'title_en': 'X', 'category': 'A01'},
    )

    assert refused.context['form'].errors == {
        'url': ['Only http:// and https:// links are accepted (this one starts with “file:”).']
    }
    document = DocumentLink.objects.get()
    assert (document.title_ru, document.language, document.category) == ('ТЭО', 'ru', 'A01')
    page = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE='en').content.decode()
    assert 'href="https://example.org/study.pdf"' in page
    assert 'Pre- and post-project impact appraisal' in page


def test_the_document_form_offers_only_activity_categories(client_as, make_project):
    project = make_project('W-4')

    form = client_as('secretariat').get(f'/portfolio/projects/{project.pk}/documents/new/').context['form']

    codes = [code for code, _ in form.fields['category'].choices if code]
    assert codes == [f'A{number:02d}' for number in range(1, 13)]


def test_the_project_page_runs_a_fixed_number_of_queries(client_as, make_project, bank, django_assert_num_queries):
    def fill(project, count):
        for number in range(count):
            year = 2010 + number
            services.add_budget(
                actor=SYSTEM,
                project=project,
                **budget_values(period_start=DAY(f'{year}-01-01'), period_end=DAY(f'{year}-12-31')),
            )
            services.add_planned_disbursement(actor=SYSTEM, project=project, **planned_values(), provider=bank)
            services.add_document(actor=SYSTEM, project=project, **document_values(url=f'https://example.org/{number}'))
            services.add_milestone(actor=SYSTEM, project=project, title=f'Step {number}')
            services.add_country(actor=SYSTEM, project=project, country=Country.objects.order_by('pk')[number])
        services.add_participant(actor=SYSTEM, project=project, organization=bank, role='1')
        services.add_participant(actor=SYSTEM, project=project, role='4', kind='contractor', country=bank.country)

    small, large = make_project('Q-1'), make_project('Q-2')
    fill(small, 1)
    fill(large, 6)
    client = client_as('secretariat')
    client.get(small.get_absolute_url())  # session and permission caches warm

    with django_assert_num_queries(18) as small_run:
        client.get(small.get_absolute_url())
    with django_assert_num_queries(len(small_run.captured_queries)):
        client.get(large.get_absolute_url())


#
# Permissions and visibility
#


def test_only_editors_add_and_remove(client_as, make_project):
    project = make_project('P-1')
    budget = services.add_budget(actor=SYSTEM, project=project, **budget_values())
    urls = [
        f'/portfolio/projects/{project.pk}/budgets/new/',
        f'/portfolio/projects/{project.pk}/documents/new/',
        f'/portfolio/projects/{project.pk}/planned-disbursements/new/',
        f'/portfolio/projects/{project.pk}/budgets/{budget.pk}/remove/',
    ]

    assert [client_as('anonymous').get(url).status_code for url in urls] == [302] * 4
    applicant = client_as('applicant')
    assert [applicant.get(url).status_code for url in urls] == [403] * 4
    assert applicant.post(urls[3]).status_code == 403
    assert Budget.objects.filter(pk=budget.pk).exists()


def test_records_of_a_project_the_user_may_not_see_answer_404(client_as, api_as, make_project):
    hidden = make_project('HIDDEN', visibility='side_cn')
    budget = services.add_budget(actor=SYSTEM, project=hidden, **budget_values())
    client, api = client_as('secretariat', side='UZ'), api_as('secretariat', side='UZ')

    assert client.get(f'/portfolio/projects/{hidden.pk}/budgets/new/').status_code == 404
    assert client.post(f'/portfolio/projects/{hidden.pk}/budgets/{budget.pk}/remove/').status_code == 404
    assert api.post(f'/api/projects/{hidden.pk}/documents/', document_values(), format='json').status_code == 404
    assert api.delete(f'/api/projects/{hidden.pk}/budgets/{budget.pk}/').status_code == 404
    assert Budget.objects.filter(pk=budget.pk).exists() and not DocumentLink.objects.exists()


def test_a_record_is_removed_only_from_its_own_project(client_as, make_project):
    one, other = make_project('R-1'), make_project('R-2')
    budget = services.add_budget(actor=SYSTEM, project=other, **budget_values())

    response = client_as('secretariat').post(f'/portfolio/projects/{one.pk}/budgets/{budget.pk}/remove/')

    assert response.status_code == 404
    assert Budget.objects.filter(pk=budget.pk).exists()


#
# Removal: confirmed, POST only, logged
#


@pytest.mark.parametrize('part', ['participants', 'milestones', 'budgets', 'planned-disbursements', 'documents'])
def test_removal_asks_for_confirmation_then_removes_and_logs(client_as, make_project, bank, part):
    project = make_project('X-1')
    record = {
        'participants': lambda: services.add_participant(actor=SYSTEM, project=project, organization=bank, role='1'),
        'milestones': lambda: services.add_milestone(actor=SYSTEM, project=project, title='Feasibility study'),
        'budgets': lambda: services.add_budget(actor=SYSTEM, project=project, **budget_values()),
        'planned-disbursements': lambda: services.add_planned_disbursement(
            actor=SYSTEM, project=project, **planned_values()
        ),
        'documents': lambda: services.add_document(actor=SYSTEM, project=project, **document_values()),
    }[part]()
    client = client_as('secretariat')
    url = f'/portfolio/projects/{project.pk}/{part}/{record.pk}/remove/'

    confirmation = client.get(url)
    stored = type(record).objects.get(pk=record.pk)
    assert confirmation.status_code == 200 and str(stored) in confirmation.content.decode()
    assert type(record).objects.filter(pk=record.pk).exists()  # a GET removes nothing

    response = client.post(url)

    assert response['Location'] == project.get_absolute_url()
    assert not type(record).objects.filter(pk=record.pk).exists()
    change = ObjectChange.objects.filter(action='delete', object_id=str(record.pk)).get()
    assert (change.content_type.model, change.channel, change.after) == (type(record)._meta.model_name, 'web', None)
    assert change.before['project_id'] == project.pk


def test_the_project_page_offers_removal_to_editors_only(client_as, make_project, bank):
    project = make_project('X-2')
    participant = services.add_participant(actor=SYSTEM, project=project, organization=bank, role='1')
    link = f'/portfolio/projects/{project.pk}/participants/{participant.pk}/remove/'

    assert link not in client_as('anonymous').get(project.get_absolute_url()).content.decode()
    assert link in client_as('secretariat').get(project.get_absolute_url()).content.decode()


#
# API
#


def test_api_creates_budgets_and_documents_with_the_services_validation(api_as, make_project):
    project = make_project('A-1')
    api = api_as('secretariat')
    budget = {'type': '1', 'status': '2', 'period_start': '2023-06-01', 'period_end': '2023-12-31', 'value': '1000',
              'currency': 'CNY', 'value_date': '2023-06-15'}  # fmt: skip

    created = api.post(f'/api/projects/{project.pk}/budgets/', budget, format='json')
    too_long = api.post(f'/api/projects/{project.pk}/budgets/', budget | {'period_end': '2024-06-01'}, format='json')
    unknown = api.post(f'/api/projects/{project.pk}/budgets/', budget | {'currency': 'XYZ'}, format='json')
    negative = api.post(f'/api/projects/{project.pk}/budgets/', budget | {'value': '-3'}, format='json')
    document = api.post(
        f'/api/projects/{project.pk}/documents/',
        {'url': 'https://example.org/s.pdf', 'format': 'application/pdf', 'title_en': 'Study', 'category': 'A01'},
        format='json',
    )
    bad_link = api.post(
        f'/api/projects/{project.pk}/documents/',
        {'url': 'ftp://example.org/s.pdf', 'format': 'application/pdf', 'title_en': 'Study', 'category': 'A01'},
        format='json',
    )

    assert created.status_code == 201
    assert {key: created.json()[key] for key in ('value', 'currency', 'value_usd', 'fx_rate')} == {
        'value': '1000.00',
        'currency': 'CNY',
        'value_usd': '139.64',
        'fx_rate': '7.161400000000000000000000',
    }
    assert too_long.status_code == 400 and too_long.json()['error']['fields'] == {
        'period_end': [
            'A budget period may not be longer than one year (IATI rule: report a multi-year budget as one budget '
            'per year); this one runs from 2023-06-01 to 2024-06-01.'
        ]
    }
    assert unknown.json()['error']['fields'] == {
        'currency': ['Unknown currency XYZ: not an ISO 4217 code in the reference data.']
    }
    assert negative.json()['error']['fields'] == {'value': ['Ensure this value is greater than or equal to 0.01.']}
    assert document.status_code == 201 and document.json()['titles']['en'] == 'Study'
    assert bad_link.json()['error']['fields'] == {
        'url': ['Only http:// and https:// links are accepted (this one starts with “ftp:”).']
    }
    assert Budget.objects.count() == 1 and DocumentLink.objects.count() == 1


def test_api_detail_nests_budgets_planned_disbursements_and_documents(api_as, make_project, bank):
    project = make_project('A-2')
    services.add_budget(actor=SYSTEM, project=project, **budget_values())
    services.add_planned_disbursement(actor=SYSTEM, project=project, **planned_values(), provider=bank)
    services.add_document(actor=SYSTEM, project=project, **document_values())

    body = api_as('anonymous').get(f'/api/projects/{project.pk}/').json()

    assert [(b['period_start'], b['period_end'], b['value_usd']) for b in body['budgets']] == [
        ('2023-06-01', '2023-12-31', '139.64')
    ]
    assert [(p['provider'], p['value_usd']) for p in body['planned_disbursements']] == [(bank.pk, '139.64')]
    assert [(d['url'], d['category'], d['titles']['zh']) for d in body['documents']] == [
        ('https://example.org/feasibility.pdf', 'A01', '可行性研究')
    ]
    assert 'budgets' not in api_as('anonymous').get('/api/projects/').json()['results'][0]


def test_api_removes_a_budget_and_logs_it(api_as, make_project):
    project = make_project('A-3')
    budget = services.add_budget(actor=SYSTEM, project=project, **budget_values())

    response = api_as('secretariat').delete(f'/api/projects/{project.pk}/budgets/{budget.pk}/')

    assert response.status_code == 204
    change = ObjectChange.objects.filter(content_type__model='budget', action='delete').get()
    assert (change.channel, change.object_id) == ('api', str(budget.pk))


#
# Demo
#


def test_the_demo_gives_budgets_and_documents_to_illustrative_projects_only(db):
    from portfolio.demo import load_demo_portfolio

    first = load_demo_portfolio()
    again = load_demo_portfolio()

    budgets = Budget.objects.select_related('project')
    assert sorted({budget.project.identifier for budget in budgets}) == ['ILL-GE-SOLAR-SAM', 'ILL-MIN-COPPER']
    assert all(budget.project.is_illustrative for budget in budgets)
    assert all(document.project.is_illustrative for document in DocumentLink.objects.select_related('project'))
    assert all('illustrative' in document.title_en for document in DocumentLink.objects.all())
    solar_2024 = budgets.get(project__identifier='ILL-GE-SOLAR-SAM', period_start=DAY('2024-01-01'))
    assert (solar_2024.value_usd, solar_2024.fx_rate) == (Decimal('125510759.06'), Decimal('7.1707'))
    assert (budgets.count(), PlannedDisbursement.objects.count(), DocumentLink.objects.count()) == (3, 1, 2)
    assert (again.created, again.existing) == (0, first.created + first.existing)


def test_the_conversion_note_is_stored_in_the_default_language_whatever_the_request_language(make_project):
    from django.utils import translation

    with translation.override('ru'):
        budget = services.add_budget(actor=SYSTEM, project=make_project('B-RU'), **budget_values())

    assert budget.fx_note.startswith('7.1614 CNY per USD (monthly average 2023-06;')
