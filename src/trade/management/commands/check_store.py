"""`hamkor check-store [--quick]`: whether every current slice's files are there and match the
size and SHA-256 recorded when they were written (trade.store.integrity)."""

from django.core.management.base import BaseCommand, CommandError

from trade.models import TradeSlice
from trade.store.integrity import check_store


class Command(BaseCommand):
    help = (
        'Verify that every current slice of the trade store has its files, as they were written (size and '
        'SHA-256); print what is wrong and exit non-zero if anything is.'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            '--quick', action='store_true', help='compare presence and sizes only, without reading the files'
        )

    def handle(self, *args, quick=False, **options):
        slices = TradeSlice.objects.count()
        problems = check_store(deep=not quick)
        for problem in problems:
            self.stdout.write(str(problem))
        if not problems:
            found = 'with its size (contents not read)' if quick else 'and matches its SHA-256'
            self.stdout.write(f'{slices} slices checked: every file is there {found}')
            return
        damaged = len({problem.path for problem in problems})
        raise CommandError(
            f'{damaged} of {slices} slices have problems: import their source again to rewrite them, '
            'or restore the store from a backup (docs/deployment.md)'
        )
