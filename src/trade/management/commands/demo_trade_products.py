"""`hamkor demo trade-products [--dry-run]`: generate the illustrative HS6 data set of UZ–CN trade."""

from django.core.management.base import BaseCommand, CommandError

from hamkor.permissions import SYSTEM
from trade.demo import OfficialTotalsMissing, generate_illustrative_products
from trade.importers import ImportRejected


class Command(BaseCommand):
    help = (
        'Generate an ILLUSTRATIVE HS6 data set of Uzbekistan–China trade (2017–2023, both flows) whose '
        'yearly totals equal the official totals to the cent, and store it as source "illustrative-hs6". '
        'Deterministic: running it again changes nothing. Needs the official tables (hamkor load-demo).'
    )

    def add_arguments(self, parser):
        parser.add_argument('--dry-run', action='store_true', help='show what would be stored; write nothing')

    def handle(self, *args, dry_run: bool = False, **options):
        try:
            report = generate_illustrative_products(actor=SYSTEM, dry_run=dry_run)
        except OfficialTotalsMissing as error:
            raise CommandError(str(error)) from error
        except ImportRejected as error:
            raise CommandError('\n'.join(str(rejection) for rejection in error.report.rejections)) from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write('illustrative data: labelled "illustrative" wherever shown; never part of official figures')
