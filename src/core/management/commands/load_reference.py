from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.reference.catalogue import all_datasets, load_dataset
from core.reference.loading import ReferenceDataError


class Command(BaseCommand):
    help = 'Load the reference data shipped in data/ (idempotent: loading twice changes nothing).'

    def add_arguments(self, parser):
        keys = [spec.key for spec in all_datasets()]
        parser.add_argument(
            '--only',
            nargs='+',
            choices=keys,
            metavar='KEY',
            help=f'load only these: {", ".join(keys)}',
        )

    def handle(self, *args, only=None, **options):
        specs = [spec for spec in all_datasets() if not only or spec.key in only]
        progress = tqdm(specs, desc='reference data', unit='dataset', disable=None)
        for spec in progress:
            progress.set_postfix_str(spec.key)
            try:
                result = load_dataset(spec)
            except ReferenceDataError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                f'{spec.key:16} {result.rows:>7} rows  ({result.created} new, {result.updated} already present)'
            )
            for note in result.notes:
                self.stdout.write(f'{"":16} note: {note}')
