"""`hamkor backup OUT [--allow-damaged]`: one archive of a consistent state (hamkor.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hamkor.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        'Write one archive (tar.gz) of a consistent state while the system runs: the database (online backup '
        'or pg_dump), the files it names (the trade store), media and the secret key, with a manifest of sizes '
        'and SHA-256. OUT is a new file, or a directory to write a dated file into.'
    )

    def add_arguments(self, parser):
        parser.add_argument('out')
        parser.add_argument(
            '--allow-damaged',
            action='store_true',
            help='write the archive even if files the database names are missing or damaged (listed in it)',
        )

    def handle(self, *args, out, allow_damaged=False, **options):
        try:
            backup = create_backup(Path(out), allow_damaged=allow_damaged)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for line in backup.lines:
            self.stdout.write(line)
