"""The size and SHA-256 of each file of a slice, recorded when it is written (trade.store.integrity).

Slices written before are given the digests of the files they have now, where those files are
there and hold the row count of the registry (read from the Parquet footers); the others keep
an empty record, which `hamkor check-store` reports.
"""

import hashlib
from pathlib import Path

import pyarrow.parquet as pq
from django.conf import settings
from django.db import migrations, models


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open('rb') as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def record_digests(apps, schema_editor):
    TradeSlice = apps.get_model('trade', 'TradeSlice')
    base = Path(settings.DATA_DIR) / 'trade'
    slices = TradeSlice.objects.using(schema_editor.connection.alias)
    for trade_slice in slices.iterator():
        if trade_slice.files:
            continue
        paths = sorted((base / trade_slice.path).glob('*.parquet'))
        try:
            rows = sum(pq.read_metadata(path).num_rows for path in paths)
        except (OSError, ValueError):
            continue
        if paths and rows == trade_slice.row_count:
            files = {path.name: {'size': path.stat().st_size, 'sha256': sha256_of(path)} for path in paths}
            slices.filter(pk=trade_slice.pk).update(files=files)  # not a change to log: a record of what is there


class Migration(migrations.Migration):
    dependencies = [
        ('trade', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='tradeslice',
            name='files',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='SHA-256'),
        ),
        migrations.RunPython(record_digests, migrations.RunPython.noop),
    ]
