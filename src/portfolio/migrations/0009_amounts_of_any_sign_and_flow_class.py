"""Amounts of any sign (IATI reversals and corrections are negative, a zero amount records that
nothing was committed or paid) and the flow class of each amount (AidData, IATI FlowType). A
project's year of commitment now comes from its earliest converted, non-zero amount that makes
its value: the stored years are recomputed by that rule."""

import hamkor.fields
from django.db import migrations, models
from django.db.models import Min, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear


def recompute_value_years(apps, schema_editor):
    """The rule of portfolio.aggregation (value_year), as it stands when this migration is written."""
    Project = apps.get_model('portfolio', 'Project')
    Transaction = apps.get_model('portfolio', 'Transaction')
    adding = Transaction.objects.filter(project_id=OuterRef('pk'), counts_in_value=True).order_by()
    earliest = adding.values('project_id').annotate(
        year=Min(ExtractYear('value_date'), filter=Q(value_usd__isnull=False) & ~Q(value=0))
    )
    Project.objects.update(value_year=Subquery(earliest.values('year')))


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
        migrations.RunPython(recompute_value_years, migrations.RunPython.noop),
    ]
