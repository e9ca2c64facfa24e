"""Amounts and participants through the API alone: recorded, listed, corrected and removed with
the services, validation and permissions of the forms; the totals follow the counting rules
(docs/portfolio-aggregation.md), computed here from the amounts sent."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.models import ObjectChange
from portfolio.models import Project, Transaction

pytestmark = pytest.mark.django_db

M = Decimal('1000000')


@pytest.fixture
def editor(api_with):
    return api_with('add_project', 'change_project', 'view_partner_project', 'view_restricted_project')


def amount(kind, value, day='2024-03-01', **extra):
    return {'type': kind, 'value': str(value), 'currency': 'USD', 'value_date': day, **extra}


def project_through_the_api(api, identifier, status):
    created = api.post('/api/projects/', {'identifier': identifier, 'title_en': identifier}, format='json')
    assert created.status_code == 201, created.content
    pk = created.json()['id']
    if status != 'proposal':
        moved = api.post(f'/api/projects/{pk}/status/', {'status': status, 'reason': 'signed'}, format='json')
        assert moved.status_code == 200, moved.content
    return pk


def test_the_scenario_recorded_through_the_api_gives_the_totals_of_the_rules(editor, bank):
    on_lent = project_through_the_api(editor, 'API-ONLEND', 'agreement_signed')
    incoming = editor.post(
        f'/api/projects/{on_lent}/transactions/', amount('11', 200 * M, provider=bank.pk), format='json'
    )
    assert incoming.status_code == 201, incoming.content
    passed = editor.post(
        f'/api/projects/{on_lent}/transactions/', amount('2', 200 * M, passes_on=incoming.json()['id']), format='json'
    )
    revised = project_through_the_api(editor, 'API-REV', 'agreement_signed')
    pledge = editor.post(f'/api/projects/{revised}/transactions/', amount('13', 1000 * M, '2022-05-01'), format='json')
    revision = editor.post(
        f'/api/projects/{revised}/transactions/',
        amount('11', 1200 * M, '2023-02-01', supersedes=pledge.json()['id']),
        format='json',
    )
    editor.post(f'/api/projects/{revised}/transactions/', amount('11', -5 * M, '2023-06-01'), format='json')
    pipeline = project_through_the_api(editor, 'API-PIPE', 'negotiation')
    editor.post(f'/api/projects/{pipeline}/transactions/', amount('13', 800 * M), format='json')

    assert (passed.status_code, revision.status_code) == (201, 201)
    summary = editor.get('/api/portfolio/summary/').json()
    assert Decimal(summary['total_usd']) == 200 * M + 1200 * M - 5 * M
    assert (summary['pipeline']['projects'], Decimal(summary['pipeline']['value_usd'])) == (1, 800 * M)
    financiers = {
        row['label']: Decimal(row['value_usd']) for row in editor.get('/api/portfolio/breakdown/financier/').json()
    }
    assert financiers == {'China Development Bank': 200 * M, 'Not stated': 1200 * M - 5 * M}
    listed = editor.get(f'/api/projects/{revised}/transactions/').json()
    assert [(row['type'], row['value'], row['counts_in_value']) for row in listed] == [
        ('13', '1000000000.00', False),
        ('11', '1200000000.00', True),
        ('11', '-5000000.00', True),
    ]
    detail = editor.get(f'/api/projects/{on_lent}/').json()
    assert [(row['type'], row['passes_on'], row['counts_in_value']) for row in detail['transactions']] == [
        ('11', None, True),
        ('2', incoming.json()['id'], False),
    ]


def test_a_correction_and_a_removal_say_why_and_the_change_log_keeps_it(editor):
    pk = project_through_the_api(editor, 'API-FIX', 'agreement_signed')
    first = editor.post(f'/api/projects/{pk}/transactions/', amount('11', 10 * M), format='json').json()
    url = f'/api/projects/{pk}/transactions/{first["id"]}/'

    unexplained = editor.patch(url, {'value': '12000000'}, format='json')
    corrected = editor.patch(url, {'value': '12000000', 'reason': 'the agreement says 12 million'}, format='json')
    no_reason = editor.delete(url)
    removed = editor.delete(url, {'reason': 'entered twice'}, format='json')

    assert unexplained.status_code == 400
    assert unexplained.json()['error']['fields'] == {
        'reason': ['Say why: a correction or a removal of an amount is logged with its reason.']
    }
    assert (corrected.status_code, corrected.json()['value'], corrected.json()['value_usd']) == (
        200, '12000000.00', '12000000.00'
    )  # fmt: skip
    assert (no_reason.status_code, removed.status_code) == (400, 204)
    assert not Transaction.objects.filter(pk=first['id']).exists()
    changes = ObjectChange.objects.filter(content_type__model='transaction', object_id=str(first['id']))
    assert sorted(changes.values_list('action', 'reason')) == [
        ('create', ''),
        ('delete', 'entered twice'),
        ('update', 'the agreement says 12 million'),
    ]
    assert Decimal(editor.get('/api/portfolio/summary/').json()['total_usd']) == 0


def test_who_may_not_change_a_project_may_not_touch_its_amounts_and_a_hidden_one_is_not_found(
    editor, api_with, make_project
):
    public = make_project('API-PUB', status='agreement_signed')
    hidden = make_project('API-HID', status='agreement_signed', visibility='restricted')
    reader = api_with('add_project')
    anonymous = APIClient()

    assert anonymous.get(f'/api/projects/{public.pk}/transactions/').status_code == 200
    assert anonymous.post(f'/api/projects/{public.pk}/transactions/', amount('11', 1), format='json').status_code in (
        401,
        403,
    )
    assert reader.post(f'/api/projects/{public.pk}/transactions/', amount('11', 1), format='json').status_code == 403
    assert reader.get(f'/api/projects/{hidden.pk}/transactions/').status_code == 404
    own = editor.post(f'/api/projects/{public.pk}/transactions/', amount('11', 1 * M), format='json').json()
    assert reader.delete(f'/api/projects/{public.pk}/transactions/{own["id"]}/?reason=x').status_code == 403
    # an amount of another project cannot be named, as if it did not exist
    other = editor.post(f'/api/projects/{hidden.pk}/transactions/', amount('11', 2 * M), format='json').json()
    named = editor.post(
        f'/api/projects/{public.pk}/transactions/', amount('2', 1, passes_on=other['id']), format='json'
    )
    missing = editor.post(f'/api/projects/{public.pk}/transactions/', amount('2', 1, passes_on=999999), format='json')
    assert named.status_code == missing.status_code == 400
    assert named.json()['error']['fields'] == {'passes_on': [f'Invalid pk "{other["id"]}" - object does not exist.']}
    assert Transaction.objects.filter(project=public).count() == 1


def test_participants_are_added_and_removed_through_the_api(editor, bank):
    pk = project_through_the_api(editor, 'API-PART', 'agreement_signed')

    added = editor.post(f'/api/projects/{pk}/participants/', {'organization': bank.pk, 'role': '1'}, format='json')
    again = editor.post(f'/api/projects/{pk}/participants/', {'organization': bank.pk, 'role': '1'}, format='json')
    listed = editor.get(f'/api/projects/{pk}/').json()['participants']
    removed = editor.delete(f'/api/projects/{pk}/participants/{added.json()["id"]}/')

    assert (added.status_code, again.status_code, removed.status_code) == (201, 400, 204)
    assert listed == [{'id': added.json()['id'], 'organization': bank.pk, 'role': '1', 'kind': '', 'country': None}]
    assert editor.get(f'/api/projects/{pk}/').json()['participants'] == []


def test_a_project_created_at_a_later_status_records_it_as_its_first_change_with_the_reason(editor):
    skipped = {'identifier': 'API-LATE', 'title_en': 'Late', 'status': 'implementation'}

    unexplained = editor.post('/api/projects/', skipped, format='json')
    created = editor.post('/api/projects/', {**skipped, 'status_reason': 'signed in 2019, entered now'}, format='json')

    assert unexplained.status_code == 400
    assert created.status_code == 201, created.content
    project = Project.objects.get(identifier='API-LATE')
    assert list(project.status_changes.values_list('previous', 'new', 'reason')) == [
        ('proposal', 'implementation', 'signed in 2019, entered now')
    ]
    assert (project.status, project.counting) == ('implementation', 'headline')


def test_an_incoming_commitment_that_is_passed_on_keeps_its_type_and_stays_until_its_on_lent_amount_goes(editor):
    pk = project_through_the_api(editor, 'API-KEEP', 'agreement_signed')
    incoming = editor.post(f'/api/projects/{pk}/transactions/', amount('11', 50 * M), format='json').json()
    editor.post(f'/api/projects/{pk}/transactions/', amount('2', 50 * M, passes_on=incoming['id']), format='json')
    url = f'/api/projects/{pk}/transactions/{incoming["id"]}/'

    retyped = editor.patch(url, {'type': '13', 'reason': 'it was a pledge'}, format='json')
    removed = editor.delete(url, {'reason': 'entered by mistake'}, format='json')

    message = 'An on-lent amount passes this commitment on: remove or correct that amount first.'
    assert (retyped.status_code, retyped.json()['error']['fields']) == (400, {'type': [message]})
    assert (removed.status_code, Transaction.objects.get(pk=incoming['id']).type) == (400, '11')
