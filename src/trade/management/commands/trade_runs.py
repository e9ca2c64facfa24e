"""`hamkor trade-runs [--remove-orphans]`: the import runs of the trade store, newest first, and
the files no current slice needs (trade.store.housekeeping)."""

from django.core.management.base import BaseCommand

from hamkor.numbers import byte_size
from trade.models import ImportRun
from trade.store import housekeeping
from trade.store.catalogue import store_checksum


class Command(BaseCommand):
    help = (
        'List the import runs of the trade store (files, rows, slices) and the files no current slice needs '
        '(left by killed imports); optionally remove those.'
    )

    def add_arguments(self, parser):
        parser.add_argument('--limit', type=int, default=20)
        parser.add_argument(
            '--remove-orphans',
            action='store_true',
            help='remove the directories and files no slice names (those of a running import are kept)',
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
        orphans = housekeeping.find_orphans()
        if not orphans:
            self.stdout.write('orphans: none')
            return
        size = sum(orphan.size for orphan in orphans)
        self.stdout.write(f'orphans: {len(orphans)} ({byte_size(size)}) no slice names:')
        for orphan in orphans:
            self.stdout.write(f'  {orphan}')
        if remove_orphans:
            removed = housekeeping.remove_orphans()
            self.stdout.write(f'removed {len(removed)} orphans')
        else:
            self.stdout.write('remove them with --remove-orphans')
