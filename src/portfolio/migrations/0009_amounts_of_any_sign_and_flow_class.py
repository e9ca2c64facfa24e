"""Amounts of any sign (IATI reversals and corrections are negative, a zero amount records that
nothing was committed or paid) and the flow class of each amount (AidData, IATI FlowType)."""

import hamkor.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('portfolio', '0008_counting_pipeline_and_on_lending'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='transaction',
            name='portfolio_transaction_value_positive',
        ),
        migrations.AddField(
            model_name='transaction',
            name='flow_class',
            field=models.CharField(
                blank=True,
                choices=[
                    ('oda', 'Official development assistance (ODA-like)'),
                    ('oof', 'Other official flows (OOF-like)'),
                    ('vague', 'Vague official finance (ODA or OOF not decidable)'),
                    ('export_credit', 'Officially supported export credit'),
                    ('private', 'FDI and private finance'),
                ],
                help_text='Blank: not stated.',
                max_length=14,
                verbose_name='flow class',
            ),
        ),
        migrations.AlterField(
            model_name='transaction',
            name='value',
            field=hamkor.fields.AmountField(
                help_text='Negative for a reversal or a correction of earlier amounts of this type.',
                verbose_name='value',
            ),
        ),
    ]
