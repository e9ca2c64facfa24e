"""`hamkor trade-runs [--remove-orphans]`: the import runs of the trade store, newest first."""

from django.core.management.base import BaseCommand

from trade.models import ImportRun
from trade.store.catalogue import store_checksum


class Command(BaseCommand):
    help = 'List the import runs of the trade store (files, rows, slices); optionally remove orphaned files.'

    def add_arguments(self, parser):
        parser.add_argument('--limit', type=int, default=20)
        parser.add_argument(
            '--remove-orphans',
            action='store_true',
            help='remove Parquet directories no slice names (left by a killed import), older than a day',
        )

    def handle(self, *args, limit=20, remove_orphans=False, **options):
        for run in ImportRun.objects.prefetch_related('files')[:limit]:
            files = ', '.join(f'{file.name} (sha256 {file.sha256[:12]}…)' for file in run.files.all())
            self.stdout.write(
                f'#{run.pk} {run.finished:%Y-%m-%d %H:%M} {run.source:24} {run.rows_accepted:>12} flows  '
                f'{run.slices_new} new, {run.slices_replaced} replaced  {run.actor_name}  {files}'
            )
        rows, checksum = store_checksum()
        self.stdout.write(f'store: {rows} current rows, checksum {checksum}')
        if remove_orphans:
            removed = remove_orphans()
            self.stdout.write(f'removed {len(removed)} orphaned directories')
