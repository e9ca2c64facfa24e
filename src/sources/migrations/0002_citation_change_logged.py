import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Citations become change-logged records with their own timestamps (existing ones get the
    time of the migration: when they were made is not known)."""

    dependencies = [
        ('sources', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='citation',
            name='created',
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now, verbose_name='created'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='citation',
            name='last_updated',
            field=models.DateTimeField(auto_now=True, verbose_name='last updated'),
        ),
    ]
