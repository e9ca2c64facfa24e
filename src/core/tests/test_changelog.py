import getpass

import pytest

from accounts.services import set_roles
from core.models import ObjectChange
from hamkor.context import change_context
from hamkor.permissions import SYSTEM
from organizations.models import Organization
from organizations.services import create_organization, delete_organization, update_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank_values(china):
    return {'name_en': 'Export-Import Bank of China', 'name_zh': '中国进出口银行', 'kind': 'bank', 'country': china}


def test_create_update_delete_are_logged_with_actor_channel_and_values(make_user, bank_values, china):
    actor = make_user('secretariat')
    ObjectChange.objects.all().delete()

    with change_context(channel='api', actor=actor, request_id='req-1'):
        bank = create_organization(actor=SYSTEM, **bank_values)
        bank_id = bank.pk
        update_organization(actor=SYSTEM, organization=bank, name_ru='Экспортно-импортный банк Китая')
        delete_organization(actor=SYSTEM, organization=bank)

    changes = list(ObjectChange.objects.order_by('id'))
    assert [(c.action, c.channel, c.actor, c.actor_name, c.request_id) for c in changes] == [
        ('create', 'api', actor, actor.username, 'req-1'),
        ('update', 'api', actor, actor.username, 'req-1'),
        ('delete', 'api', actor, actor.username, 'req-1'),
    ]
    created, updated, deleted = changes
    assert created.before is None
    assert created.after == {
        'id': bank_id,
        'created': created.after['created'],
        'name_en': 'Export-Import Bank of China',
        'name_ru': '',
        'name_zh': '中国进出口银行',
        'name_uz': '',
        'kind': 'bank',
        'status': 'active',
        'country_id': china.pk,
        'iati_identifier': '',
        'tax_id': '',
        'website': '',
        'is_illustrative': False,
    }
    assert updated.changed_fields == [('name_ru', '', 'Экспортно-импортный банк Китая')]
    assert deleted.after is None and deleted.before['name_ru'] == 'Экспортно-импортный банк Китая'
    assert {c.object_id for c in changes} == {str(bank_id)}
    assert {c.object_repr for c in changes} == {'Export-Import Bank of China'}


def test_a_save_that_changes_nothing_is_not_logged(bank_values):
    bank = create_organization(actor=SYSTEM, **bank_values)
    count = ObjectChange.objects.count()

    update_organization(actor=SYSTEM, organization=bank, name_en='Export-Import Bank of China')

    assert ObjectChange.objects.count() == count


def test_writes_outside_any_request_are_logged_as_command_line(bank_values):
    bank = create_organization(actor=SYSTEM, **bank_values)

    change = ObjectChange.objects.for_record(bank).get()
    assert (change.channel, change.actor, change.actor_name, change.request_id) == (
        'cli',
        None,
        f'cli:{getpass.getuser()}',
        '',
    )


def test_jobs_and_imports_name_their_channel(bank_values):
    with change_context(channel='job', request_id='job-42'):
        bank = create_organization(actor=SYSTEM, **bank_values)
    with change_context(channel='import', request_id='import-7'):
        update_organization(actor=SYSTEM, organization=bank, status='closed')

    assert list(ObjectChange.objects.for_record(bank).order_by('id').values_list('channel', 'request_id')) == [
        ('job', 'job-42'),
        ('import', 'import-7'),
    ]


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError, match="unknown change channel 'email'"), change_context(channel='email'):
        pass


def test_role_changes_are_logged_and_passwords_only_as_a_fingerprint(make_user):
    with change_context(channel='cli', request_id='create'):
        user = make_user('applicant')
    secretariat_group = user.groups.model.objects.get(name='secretariat')
    applicant_group = user.groups.model.objects.get(name='applicant')

    with change_context(channel='web', request_id='roles'):
        set_roles(user=user, roles=['secretariat'], actor=SYSTEM)
    with change_context(channel='web', request_id='password'):
        user.set_password('Another-Password-77')
        user.save()

    changes = list(ObjectChange.objects.for_record(user).order_by('id'))
    # one entry per request: the roles given at creation are part of the create, and set()
    # (a remove then an add) is a single update
    assert [(c.action, c.request_id) for c in changes] == [
        ('create', 'create'),
        ('update', 'roles'),
        ('update', 'password'),
    ]
    assert changes[0].after['groups'] == [applicant_group.pk]
    assert changes[1].changed_fields == [('groups', [applicant_group.pk], [secretariat_group.pk])]
    ((field, before, after),) = changes[2].changed_fields
    assert field == 'password'
    assert before.startswith('redacted:') and after.startswith('redacted:') and before != after
    assert 'pbkdf2' not in str([c.before for c in changes] + [c.after for c in changes])


def test_reference_data_is_not_logged_row_by_row():
    assert ObjectChange.objects.count() == 0
    assert Organization.objects.count() == 0


def test_pruning_deletes_only_entries_older_than_the_retention_period(bank_values):
    import datetime
    import io

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    bank = create_organization(actor=SYSTEM, **bank_values)
    update_organization(actor=SYSTEM, organization=bank, status='closed')
    old = ObjectChange.objects.for_record(bank).get(action='create')
    ObjectChange.objects.filter(pk=old.pk).update(time=timezone.now() - datetime.timedelta(days=400))

    dry = io.StringIO()
    call_command('prune_changes', '--older-than', '365', '--dry-run', stdout=dry)
    assert dry.getvalue().startswith('would delete 1 change-log entries')
    assert ObjectChange.objects.for_record(bank).count() == 2

    call_command('prune_changes', '--older-than', '365', stdout=io.StringIO())
    assert list(ObjectChange.objects.for_record(bank).values_list('action', flat=True)) == ['update']

    with pytest.raises(CommandError, match='at least 1 day'):
        call_command('prune_changes', '--older-than', '0')
