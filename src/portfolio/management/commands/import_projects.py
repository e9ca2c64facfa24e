"""`hamkor import-projects FILE [--dry-run]`: plan an import of projects, then apply it or refuse it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portfolio.importers import Action, ImportRejected, apply_import, plan_import


class Command(BaseCommand):
    help = (
        'Import projects from a CSV (UTF-8) or XLSX file with the columns of the project export. '
        'Every row is checked first; a file with any rejected row writes nothing.'
    )

    def plan(self, path: Path):
        return plan_import(path, path.name)

    def apply(self, plan):
        return apply_import(plan)

    def describe(self, row) -> str:
        return row.identifier

    def add_arguments(self, parser):
        parser.add_argument('file', help='a .csv or .xlsx file')
        parser.add_argument('--dry-run', action='store_true', help='show what the import would do; write nothing')

    def handle(self, *args, file: str, dry_run: bool = False, verbosity: int = 1, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f'{file}: no such file')
        plan = self.plan(path)
        self.stdout.write(f'{plan.filename}: {plan.summary()}')
        if verbosity >= 2:
            for row in plan.rows:
                if row.action in (Action.CREATE, Action.UPDATE):
                    changes = f' ({", ".join(row.changes)})' if row.changes else ''
                    self.stdout.write(f'  {plan.unit} {row.line}: {row.action} {self.describe(row)}{changes}')
        for problem in plan.problems:
            self.stdout.write(f'  rejected: {problem}')
        if dry_run:
            self.stdout.write('dry run: nothing was written')
            return
        if not plan.is_valid:
            raise CommandError(f'{len(plan.problems)} problem(s) in {plan.filename}: nothing was written')
        try:
            result = self.apply(plan)
        except ImportRejected as rejected:
            raise CommandError(str(rejected)) from None
        self.stdout.write(
            f'imported: {result.created} created, {result.updated} updated, {result.unchanged} unchanged '
            f'(change log request {result.request_id})'
        )
