"""Amounts are kept as whole hundredths in integer columns (hamkor.fields.AmountField): SQLite
kept them as floats and lost digits past the fifteenth."""

from django.db import migrations

import hamkor.fields
from hamkor.fields import hundredths_of


class Migration(migrations.Migration):
    dependencies = [
        ('sources', '0002_citation_change_logged'),
    ]

    operations = [
        hundredths_of('sources', 'claim', 'value_usd'),
        migrations.AlterField(
            model_name='claim',
            name='value_usd',
            field=hamkor.fields.AmountField(verbose_name='value (USD)'),
        ),
    ]
