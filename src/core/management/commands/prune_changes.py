import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import ObjectChange


class Command(BaseCommand):
    help = 'Delete change-log entries older than a number of days (for a deployment with a retention period).'

    def add_arguments(self, parser):
        parser.add_argument('--older-than', type=int, required=True, metavar='DAYS')
        parser.add_argument('--dry-run', action='store_true', help='count what would be deleted, delete nothing')

    def handle(self, *args, older_than, dry_run, **options):
        if older_than < 1:
            raise CommandError('--older-than must be at least 1 day')
        cutoff = timezone.now() - datetime.timedelta(days=older_than)
        expired = ObjectChange.objects.filter(time__lt=cutoff)
        count = expired.count()
        if not dry_run:
            expired.delete()
        verb = 'would delete' if dry_run else 'deleted'
        self.stdout.write(f'{verb} {count} change-log entries recorded before {cutoff:%Y-%m-%d %H:%M}')
