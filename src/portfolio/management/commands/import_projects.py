"""`hamkor import-projects FILE [--dry-run]`: plan an import of projects, then apply it or refuse it."""

from pathlib import Path

from hamkor.permissions import SYSTEM
from hamkor.uploads import ImportCommand
from portfolio.imports import apply_import, plan_import


class Command(ImportCommand):
    help = (
        'Import projects from a CSV (UTF-8) or XLSX file with the columns of the project export. '
        'Every row is checked first; a file with any rejected row writes nothing.'
    )

    def plan(self, path: Path):
        return plan_import(path, path.name, actor=SYSTEM)

    def apply(self, plan):
        return apply_import(plan, actor=SYSTEM)

    def describe(self, row) -> str:
        return row.identifier
