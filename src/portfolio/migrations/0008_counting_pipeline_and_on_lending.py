"""How a project is counted becomes one column (`counting`): the registered total no longer holds
the pipeline (proposals and negotiations), which is shown beside it; an outgoing commitment can
name the incoming one it passes on (counted once)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Case, Exists, OuterRef, Q, Value, When


def fill_counting(apps, schema_editor):
    """The rule of portfolio.aggregation, as it stands when this migration is written."""
    Project = apps.get_model('portfolio', 'Project')
    has_parts = Exists(Project.objects.filter(parent_id=OuterRef('pk')))
    Project.objects.update(
        counting=Case(
            When(status='cancelled', then=Value('cancelled')),
            When(status='suspended', then=Value('suspended')),
            When(Q(is_umbrella=True) & has_parts, then=Value('framework')),
            When(status__in=('proposal', 'negotiation'), then=Value('pipeline')),
            default=Value('headline'),
        )
    )


def fill_in_aggregates(apps, schema_editor):
    """Back: the earlier rule counted the pipeline in the total."""
    Project = apps.get_model('portfolio', 'Project')
    Project.objects.update(in_aggregates=Q(counting__in=('headline', 'pipeline')))


class Migration(migrations.Migration):
    dependencies = [
        ('core', '0003_job'),
        ('organizations', '0002_organizationnamekey'),
        ('portfolio', '0007_amounts_in_hundredths'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='project',
            name='portfolio_project_agg_idx',
        ),
        migrations.RemoveIndex(
            model_name='project',
            name='portfolio_project_totals_idx',
        ),
        migrations.AddField(
            model_name='project',
            name='counting',
            field=models.CharField(
                choices=[
                    ('headline', 'Counted in the registered total'),
                    ('pipeline', 'Pipeline (pledged or proposed, not in the registered total)'),
                    ('framework', 'Umbrella agreement whose parts are recorded (its parts are counted)'),
                    ('suspended', 'Suspended (not counted)'),
                    ('cancelled', 'Cancelled (not counted)'),
                ],
                default='pipeline',
                editable=False,
                max_length=10,
                verbose_name='counted as',
            ),
        ),
        migrations.RunPython(fill_counting, fill_in_aggregates),
        migrations.RemoveField(
            model_name='project',
            name='in_aggregates',
        ),
        migrations.AddField(
            model_name='transaction',
            name='passes_on',
            field=models.ForeignKey(
                blank=True,
                help_text='An outgoing commitment that on-lends an incoming commitment of this project names it: the money is counted once, as the incoming commitment, and credited to its original financier.',
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name='passed_on_by',
                to='portfolio.transaction',
                verbose_name='passes on',
            ),
        ),
        migrations.AlterField(
            model_name='transaction',
            name='finance_type',
            field=models.CharField(
                blank=True,
                choices=[
                    ('110', 'Grant'),
                    ('421', 'Loan'),
                    ('510', 'Equity'),
                    ('432', 'Preferred equity'),
                    ('1100', 'Guarantee'),
                ],
                max_length=4,
                verbose_name='finance type',
            ),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['counting', 'stage'], name='portfolio_project_counting_idx'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(
                fields=[
                    'visibility',
                    'counting',
                    'stage',
                    'is_umbrella',
                    'is_illustrative',
                    'value_basis',
                    'unconverted_count',
                    'value_usd',
                ],
                name='portfolio_project_totals_idx',
            ),
        ),
        migrations.AddConstraint(
            model_name='transaction',
            constraint=models.CheckConstraint(
                condition=models.Q(('passes_on__isnull', True), ('type', '2'), _connector='OR'),
                name='portfolio_transaction_passes_on_outgoing',
                violation_error_message='Only an outgoing commitment passes on an incoming commitment.',
            ),
        ),
    ]
