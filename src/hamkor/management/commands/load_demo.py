from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import create_demo_accounts, demo_accounts
from portfolio.demo import load_demo_portfolio
from trade.demo import load_demo_targets
from trade.services import load_official_tables


class Command(BaseCommand):
    help = 'Load the demo scenario (the press report, its figures, the portfolio) and the demo accounts.'

    def handle(self, *args, **options):
        report = load_demo_portfolio()
        self.stdout.write(
            f'demo portfolio: {report.created} records created, {report.existing} already present '
            f'({report.illustrative} of the projects are illustrative)'
        )
        for trade in load_official_tables():
            self.stdout.write(
                f'official trade table {trade.files[0].name}: {trade.count("new")} years new, '
                f'{trade.count("replaced")} replaced, {trade.count("unchanged")} already present'
            )
        created, existing = load_demo_targets()
        self.stdout.write(f'trade targets from the report: {created} created, {existing} already present')
        credentials = settings.DATA_DIR / 'demo-credentials.txt'
        created, password = create_demo_accounts(credentials)
        accounts = demo_accounts()
        self.stdout.write(f'demo accounts: {len(created)} created, {len(accounts) - len(created)} already present')
        self.stdout.write(f'  users:    {", ".join(name for name, _, _ in accounts)}')
        self.stdout.write(f'  password: {password}   (kept in {credentials})')
