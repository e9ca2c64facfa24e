"""Amounts keep every digit on SQLite and PostgreSQL (hamkor.fields.AmountField): they are
stored as whole hundredths in an integer column, added by the database as integers, and read
back as Decimals with two places."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum

from core.models import Currency
from hamkor.fields import AmountText
from hamkor.permissions import SYSTEM
from portfolio import services
from portfolio.models import Transaction

# Sixteen significant digits: SQLite's float kept fifteen and gave back ...234.60.
LONG_UZS = Decimal('12345678901234.57')
# The largest amount the field holds: 18 digits, two after the point.
LARGEST = Decimal('9999999999999999.99')


def raw_values(model, field: str) -> list:
    table, column = model._meta.db_table, model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {column} FROM {table} ORDER BY id')
        return [row[0] for row in cursor.fetchall()]


def add(project, value: Decimal, currency='UZS'):
    return services.add_transaction(
        actor=SYSTEM, project=project, type='2', value=value, currency=Currency.objects.get(code=currency),
        value_date=datetime.date(2024, 3, 1),
    )  # fmt: skip


@pytest.mark.django_db
def test_a_sixteen_digit_amount_comes_back_to_the_last_digit_and_is_summed_exactly(make_project):
    project = make_project('P-EXACT')
    add(project, LONG_UZS)
    add(project, LONG_UZS)

    assert [t.value for t in Transaction.objects.filter(project=project)] == [LONG_UZS, LONG_UZS]
    assert raw_values(Transaction, 'value') == [1234567890123457, 1234567890123457]
    assert Transaction.objects.filter(project=project).aggregate(total=Sum('value'))['total'] == Decimal(
        '24691357802469.14'
    )


@pytest.mark.django_db
def test_the_edge_of_the_allowed_precision_is_kept_and_one_more_digit_is_refused(make_project):
    project = make_project('P-EDGE')
    add(project, LARGEST)

    assert Transaction.objects.get(project=project).value == LARGEST
    with pytest.raises(ValidationError) as refused:
        add(project, LARGEST + Decimal('0.01'))  # 10,000,000,000,000,000.00: 19 digits
    assert 'value' in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        add(project, Decimal('1.005'))
    assert 'value' in refused.value.message_dict
    assert Transaction.objects.filter(project=project).count() == 1


BEFORE = [('portfolio', '0006_change_log_visibility'), ('sources', '0002_citation_change_logged')]


@pytest.mark.django_db(transaction=True)
def test_amounts_recorded_before_are_rewritten_as_hundredths_by_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    ContentType.objects.clear_cache()
    executor.loader.build_graph()
    old = executor.loader.project_state(BEFORE, at_end=True).apps
    Project, OldTransaction = old.get_model('portfolio', 'Project'), old.get_model('portfolio', 'Transaction')
    # a transactional test before this one may have emptied the reference tables
    old.get_model('core', 'Currency').objects.get_or_create(code='USD', defaults={'name_en': 'US Dollar'})
    # bulk_create: no change-log signal (the historical models keep the mixin, not its receivers)
    [project] = Project.objects.bulk_create([Project(identifier='P-OLD', title_en='Old', stage='proposal')])
    OldTransaction.objects.bulk_create([
        OldTransaction(project=project, type='2', value=Decimal('1234.56'), currency_id='USD',
                       value_date=datetime.date(2020, 1, 1), value_usd=Decimal('1234.56')),
        OldTransaction(project=project, type='1', value=Decimal('0.07'), currency_id='USD',
                       value_date=datetime.date(2020, 1, 1), value_usd=None),
    ])  # fmt: skip

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert raw_values(Transaction, 'value') == [123456, 7]
    assert raw_values(Transaction, 'value_usd') == [123456, None]
    assert [(t.value, t.value_usd) for t in Transaction.objects.order_by('id')] == [
        (Decimal('1234.56'), Decimal('1234.56')),
        (Decimal('0.07'), None),
    ]


@pytest.mark.django_db
def test_the_database_prints_amounts_with_their_sign_and_two_decimals(make_project):
    project = make_project('P-TEXT')
    for value in (LONG_UZS, Decimal('0.05'), Decimal('7.00')):
        add(project, value)
    Transaction.objects.filter(value=LONG_UZS).update(value_usd=None)
    Transaction.objects.filter(value=Decimal('0.05')).update(value_usd=Decimal('-0.05'))
    Transaction.objects.filter(value=Decimal('7.00')).update(value_usd=Decimal('-1234.50'))

    texts = Transaction.objects.order_by('id').annotate(
        value_text=AmountText('value'), usd_text=AmountText('value_usd')
    )

    assert [(t.value_text, t.usd_text) for t in texts] == [
        ('12345678901234.57', None),
        ('0.05', '-0.05'),
        ('7.00', '-1234.50'),
    ]
