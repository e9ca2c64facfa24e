"""`hamkor restore ARCHIVE`: a backup into the configured, empty deployment (hamkor.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from hamkor.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        'Restore an archive of `hamkor backup` into the data directory (HAMKOR_DATA_DIR) and database '
        '(DATABASE_URL) configured, which must be empty; every file is checked against the manifest first.'
    )

    def add_arguments(self, parser):
        parser.add_argument('archive')

    def handle(self, *args, archive, **options):
        try:
            restored = restore_backup(
                Path(archive),
                data_dir=Path(settings.DATA_DIR),
                media_root=Path(settings.MEDIA_ROOT),
                database=connections['default'].settings_dict,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        for line in restored.lines:
            self.stdout.write(line)
        if restored.problems:
            raise CommandError(f'restored, with {len(restored.problems)} problems (above)')
