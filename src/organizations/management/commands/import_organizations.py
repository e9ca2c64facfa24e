"""`hamkor import-organizations FILE [--dry-run]`: plan an import of organizations, then apply it or refuse it."""

from pathlib import Path

from hamkor.permissions import SYSTEM
from hamkor.uploads import ImportCommand
from organizations.imports import INPUT_COLUMNS, apply_organization_import, plan_organization_import


class Command(ImportCommand):
    help = (
        f'Import organizations from a CSV (UTF-8) or XLSX file with the columns {", ".join(INPUT_COLUMNS)} '
        '(aliases separated by "|"). Duplicates of a name or alias, in the database or in the file, are '
        'rejected; a file with any rejected row writes nothing.'
    )

    def plan(self, path: Path):
        return plan_organization_import(path, path.name)

    def apply(self, plan):
        return apply_organization_import(plan, actor=SYSTEM)

    def describe(self, row) -> str:
        return row.name
