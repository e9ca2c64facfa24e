"""The normalized key of every name and alias, so that duplicate detection is one indexed query;
filled here for the organizations that exist, kept by organizations.services afterwards."""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

NAME_FIELDS = ('name_en', 'name_ru', 'name_zh', 'name_uz')


def fill_name_keys(apps, schema_editor):
    from organizations.names import normalize_name

    db = schema_editor.connection.alias
    Organization = apps.get_model('organizations', 'Organization')
    OrganizationAlias = apps.get_model('organizations', 'OrganizationAlias')
    OrganizationNameKey = apps.get_model('organizations', 'OrganizationNameKey')
    aliases = defaultdict(list)
    for organization_id, name in OrganizationAlias.objects.using(db).values_list('organization_id', 'name'):
        aliases[organization_id].append(name)
    keys = []
    for row in Organization.objects.using(db).values('id', *NAME_FIELDS).iterator():
        names = [row[column] for column in NAME_FIELDS] + aliases[row['id']]
        keys += [
            OrganizationNameKey(organization_id=row['id'], key=key)
            for key in sorted({normalize_name(name) for name in names if name})
        ]
    OrganizationNameKey.objects.using(db).bulk_create(keys, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ('organizations', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='OrganizationNameKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.TextField(db_index=True, verbose_name='normalized name')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='name_keys', to='organizations.organization')),
            ],
            options={
                'verbose_name': 'name key',
                'verbose_name_plural': 'name keys',
                'constraints': [models.UniqueConstraint(fields=('organization', 'key'), name='organizations_namekey_unique_per_org')],
            },
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
    ]
