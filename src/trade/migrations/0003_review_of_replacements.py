"""Imports that replace official statistics wait for a second person's approval: the run's
pending and rejected states, who reviewed it and when, and the permission to approve
(granted to the secretariat by accounts.roles, applied after every migration)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('trade', '0002_slice_file_digests'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='importrun',
            options={
                'ordering': ['-started', '-id'],
                'permissions': [
                    ('approve_replacement', 'May approve an import that replaces official trade statistics')
                ],
                'verbose_name': 'trade import run',
                'verbose_name_plural': 'trade import runs',
            },
        ),
        migrations.AddField(
            model_name='importrun',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reviewed'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='reviewed_by',
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name='trade_reviewed_runs',
                to=settings.AUTH_USER_MODEL,
                verbose_name='reviewed by',
            ),
        ),
        migrations.AddField(
            model_name='importrun',
            name='reviewed_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='reviewed by'),
        ),
        migrations.AlterField(
            model_name='importrun',
            name='status',
            field=models.CharField(
                choices=[('applied', 'applied'), ('pending', 'awaiting approval'), ('rejected', 'rejected')],
                max_length=10,
                verbose_name='status',
            ),
        ),
    ]
