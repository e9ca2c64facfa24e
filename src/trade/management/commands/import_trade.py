"""`hamkor import-trade KIND FILE [--dry-run] …`: check a trade file completely, then store it or refuse it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hamkor.context import change_context
from hamkor.permissions import SYSTEM
from trade.importers import KINDS, ImportRejected, build_importer
from trade.models import ColumnMapping
from trade.services import run_import


class Command(BaseCommand):
    help = (
        'Import trade flows: uzstat (official partner tables), baci (with --countries and --edition), '
        'comtrade (API CSV/JSON), customs (with --mapping). A file with any rejected row writes nothing; '
        'importing the same data again changes nothing.'
    )

    def add_arguments(self, parser):
        parser.add_argument('kind', choices=KINDS)
        parser.add_argument('file')
        parser.add_argument('--dry-run', action='store_true', help='report what would change; write nothing')
        parser.add_argument('--edition', help='HS edition of a BACI file: HS17, HS2022, …')
        parser.add_argument('--countries', help="BACI's country code file (country_codes_V….csv)")
        parser.add_argument('--mapping', help='key of the saved column mapping (customs)')
        parser.add_argument('--flow', choices=['X', 'M'], help='uzstat: exports or imports (default: from the name)')
        parser.add_argument(
            '--accept-unvalidated-edition',
            action='store_true',
            help='import codes of an HS edition whose nomenclature is not loaded (checked for form only)',
        )
        parser.add_argument('--all-slices', action='store_true', help='list unchanged slices too')

    def handle(self, *args, kind, file, dry_run=False, all_slices=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f'{file}: no such file')
        if options.get('countries') and not Path(options['countries']).is_file():
            raise CommandError(f'{options["countries"]}: no such file')
        if options.get('mapping'):
            try:
                options['mapping'] = ColumnMapping.objects.get(key=options['mapping'])
            except ColumnMapping.DoesNotExist:
                raise CommandError(f'no saved column mapping "{options["mapping"]}"') from None
        values = {
            name: options.get(name)
            for name in ('edition', 'countries', 'mapping', 'flow', 'accept_unvalidated_edition')
        }
        try:
            importer = build_importer(kind, path, **values)
        except (TypeError, ValueError) as error:
            raise CommandError(str(error)) from None
        try:
            with change_context(channel='import'):
                report = run_import(importer, actor=SYSTEM, dry_run=dry_run)
        except ImportRejected as rejected:
            for line in rejected.report.lines():
                self.stdout.write(line)
            raise CommandError(f'{rejected.report.rejected} problem(s): nothing was imported') from None
        for line in report.lines(all_slices=all_slices):
            self.stdout.write(line)
