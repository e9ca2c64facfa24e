"""Amounts are kept as whole hundredths in integer columns (hamkor.fields.AmountField): SQLite
kept them as floats and lost digits past the fifteenth."""

from decimal import Decimal

import django.core.validators
from django.db import migrations

import hamkor.fields
from hamkor.fields import hundredths_of


class Migration(migrations.Migration):
    dependencies = [
        ('portfolio', '0006_change_log_visibility'),
    ]

    operations = [
        hundredths_of('portfolio', 'budget', 'value'),
        migrations.AlterField(
            model_name='budget',
            name='value',
            field=hamkor.fields.AmountField(
                validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='value'
            ),
        ),
        hundredths_of('portfolio', 'budget', 'value_usd'),
        migrations.AlterField(
            model_name='budget',
            name='value_usd',
            field=hamkor.fields.AmountField(editable=False, null=True, verbose_name='value (USD)'),
        ),
        hundredths_of('portfolio', 'planneddisbursement', 'value'),
        migrations.AlterField(
            model_name='planneddisbursement',
            name='value',
            field=hamkor.fields.AmountField(
                validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='value'
            ),
        ),
        hundredths_of('portfolio', 'planneddisbursement', 'value_usd'),
        migrations.AlterField(
            model_name='planneddisbursement',
            name='value_usd',
            field=hamkor.fields.AmountField(editable=False, null=True, verbose_name='value (USD)'),
        ),
        hundredths_of('portfolio', 'project', 'value_usd'),
        migrations.AlterField(
            model_name='project',
            name='value_usd',
            field=hamkor.fields.AmountField(editable=False, null=True, verbose_name='value (USD)'),
        ),
        hundredths_of('portfolio', 'projectsector', 'value_usd'),
        migrations.AlterField(
            model_name='projectsector',
            name='value_usd',
            field=hamkor.fields.AmountField(
                editable=False,
                help_text="The project's value allocated to this sector, in cents that add up to the project's value.",
                null=True,
                verbose_name='value (USD)',
            ),
        ),
        hundredths_of('portfolio', 'transaction', 'value'),
        migrations.AlterField(
            model_name='transaction',
            name='value',
            field=hamkor.fields.AmountField(
                validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='value'
            ),
        ),
        hundredths_of('portfolio', 'transaction', 'value_usd'),
        migrations.AlterField(
            model_name='transaction',
            name='value_usd',
            field=hamkor.fields.AmountField(editable=False, null=True, verbose_name='value (USD)'),
        ),
    ]
