"""The change log's rows about projects, their parts and their citations get the visibility of the
project they are about (core.ObjectChange.visibility), so that history already recorded follows
the same rule as history recorded from now on. A row about a project that is gone gets the
strictest level."""

from django.db import migrations

PARTS = ('participant', 'milestone', 'transaction', 'budget', 'planneddisbursement', 'documentlink')
STRICTEST = 'restricted'
BATCH = 2000


def give_visibility(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ObjectChange = apps.get_model('core', 'ObjectChange')
    Project = apps.get_model('portfolio', 'Project')
    types = {content_type.model: content_type.pk for content_type in ContentType.objects.filter(app_label='portfolio')}
    citation_type = ContentType.objects.filter(app_label='sources', model='citation').first()
    if 'project' not in types:
        return  # a new database: nothing was recorded yet
    level_of = dict(Project.objects.values_list('pk', 'visibility'))
    project_type = types['project']
    part_types = {types[name] for name in PARTS if name in types}

    def level(change) -> str:
        values = change.after or change.before or {}
        if change.content_type_id == project_type:
            return level_of.get(int(change.object_id)) or values.get('visibility') or STRICTEST
        if change.content_type_id in part_types:
            return level_of.get(values.get('project_id')) or STRICTEST
        if values.get('content_type_id') == project_type:  # a citation of a project
            return level_of.get(int(values['object_id'])) or STRICTEST
        return ''

    changes = ObjectChange.objects.filter(
        content_type_id__in=[project_type, *part_types, citation_type and citation_type.pk]
    )
    batch = []
    for change in changes.only('pk', 'content_type_id', 'object_id', 'before', 'after').iterator(chunk_size=BATCH):
        change.visibility = level(change)
        batch.append(change)
        if len(batch) == BATCH:
            ObjectChange.objects.bulk_update(batch, ['visibility'])
            batch = []
    ObjectChange.objects.bulk_update(batch, ['visibility'])


class Migration(migrations.Migration):
    dependencies = [
        ('core', '0002_change_visibility'),
        ('portfolio', '0005_organizations_moved_to_their_app'),
        ('sources', '0002_citation_change_logged'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [migrations.RunPython(give_visibility, migrations.RunPython.noop)]
