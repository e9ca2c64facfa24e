"""The registry of organizations moves from the portfolio app to this one without moving a row.

The tables stay where the portfolio app created them (`db_table` = portfolio_organization,
portfolio_organizationalias), so this migration creates the models in the migration *state* only
and touches no table; portfolio 0005 and accounts 0003 then point their foreign keys at these
models and portfolio 0005 removes its own copies, again in the state only.

The content types of the two models move with them (`app_label` portfolio → organizations):
their ids stay, so the permissions (portfolio.view_organization becomes
organizations.view_organization, still held by the same groups and users), the change log
(core.ObjectChange) and the citations (sources.Citation), which point at a content type, keep
pointing at the same records.
"""

import django.db.models.deletion
from django.db import migrations, models

import hamkor.models

MOVED_MODELS = ('organization', 'organizationalias')


def move_content_types(source: str, target: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model('contenttypes', 'ContentType')
        db = schema_editor.connection.alias
        for model in MOVED_MODELS:
            old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
            if old is None:  # a new database: post_migrate creates the content types afterwards
                continue
            # A `migrate` stopped between this migration and portfolio 0005 may have created an
            # empty content type under the target label; the records point at the old one. (A
            # change-log row pointing at it would stop the deletion: PROTECT.)
            ContentType.objects.using(db).filter(app_label=target, model=model).delete()
            old.app_label = target
            old.save(update_fields=['app_label'])
        from django.contrib.contenttypes.models import ContentType as CurrentContentType

        CurrentContentType.objects.clear_cache()

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('core', '0001_initial'),
        # The tables were created, in their last shape, by the portfolio's migrations.
        ('portfolio', '0004_budgets_planned_disbursements_documents'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Organization',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('last_updated', models.DateTimeField(auto_now=True, verbose_name='last updated')),
                        ('name_en', models.CharField(max_length=300, verbose_name='name (English)')),
                        ('name_ru', models.CharField(blank=True, max_length=300, verbose_name='name (Russian)')),
                        ('name_zh', models.CharField(blank=True, max_length=300, verbose_name='name (Chinese)')),
                        ('name_uz', models.CharField(blank=True, max_length=300, verbose_name='name (Uzbek)')),
                        ('kind', models.CharField(choices=[('government', 'Government body'), ('agency', 'Public agency'), ('bank', 'Bank or financial institution'), ('state_company', 'State company'), ('private_company', 'Private company'), ('contractor', 'Contractor'), ('joint_center', 'Joint center'), ('certification_body', 'Certification body or laboratory'), ('other', 'Other')], max_length=20, verbose_name='type')),
                        ('status', models.CharField(choices=[('active', 'Active'), ('proposed', 'Proposed'), ('closed', 'Closed')], default='active', max_length=10, verbose_name='status')),
                        ('iati_identifier', models.CharField(blank=True, help_text='For example CN-USC-…', max_length=100, verbose_name='IATI organisation identifier')),
                        ('tax_id', models.CharField(blank=True, max_length=40, verbose_name='tax identifier')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('is_illustrative', models.BooleanField(default=False, help_text='Added for demonstration; not from a cited source.', verbose_name='illustrative')),
                        ('country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='organizations', to='core.country', verbose_name='country')),
                    ],
                    options={
                        'verbose_name': 'organization',
                        'verbose_name_plural': 'organizations',
                        'db_table': 'portfolio_organization',
                        'ordering': ['name_en'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('iati_identifier', ''), _negated=True), fields=('iati_identifier',), name='portfolio_organization_unique_iati_identifier', violation_error_message='Another organization already has this IATI identifier.')],
                    },
                    bases=(hamkor.models.ChangeLoggedMixin, models.Model),
                ),
                migrations.CreateModel(
                    name='OrganizationAlias',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=300, verbose_name='name')),
                        ('normalized', models.CharField(db_index=True, editable=False, max_length=300, verbose_name='normalized name')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='organizations.organization')),
                    ],
                    options={
                        'verbose_name': 'alias',
                        'verbose_name_plural': 'aliases',
                        'db_table': 'portfolio_organizationalias',
                        'ordering': ['name'],
                        'constraints': [models.UniqueConstraint(fields=('organization', 'normalized'), name='portfolio_alias_unique_per_org')],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            move_content_types('portfolio', 'organizations'), move_content_types('organizations', 'portfolio')
        ),
    ]
