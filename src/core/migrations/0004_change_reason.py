"""Each change-log row records why the change was made, where the writer said it (corrections, removals)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('core', '0003_job'),
    ]

    operations = [
        migrations.AddField(
            model_name='objectchange',
            name='reason',
            field=models.CharField(blank=True, default='', max_length=500, verbose_name='reason'),
        ),
    ]
