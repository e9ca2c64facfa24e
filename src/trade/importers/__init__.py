"""Importers of trade data into the store; each validates a whole file before anything is written."""

from trade.importers.baci import BaciImporter
from trade.importers.base import Importer
from trade.importers.comtrade import ComtradeImporter
from trade.importers.customs import CustomsImporter
from trade.importers.report import FileInfo, ImportRejected, ImportReport, Rejection
from trade.importers.uzstat import UzstatImporter

__all__ = ['FileInfo', 'ImportRejected', 'ImportReport', 'Importer', 'Rejection', 'build_importer']

KINDS = ('uzstat', 'baci', 'comtrade', 'customs')


def build_importer(kind: str, path, *, name: str | None = None, **options) -> Importer:
    """The importer of `kind` for one file; options are the importer's keyword arguments."""
    options = {key: value for key, value in options.items() if value not in (None, '', False)}
    if kind == 'uzstat':
        return UzstatImporter(path, name=name, **_only(options, 'flow'))
    if kind == 'baci':
        return BaciImporter(
            path, name=name, **_only(options, 'countries', 'countries_name', 'edition', 'accept_unvalidated_edition')
        )
    if kind == 'comtrade':
        return ComtradeImporter(path, name=name, **_only(options, 'accept_unvalidated_edition'))
    if kind == 'customs':
        return CustomsImporter(path, name=name, **_only(options, 'mapping', 'accept_unvalidated_edition'))
    raise ValueError(f'unknown importer "{kind}"; expected one of {", ".join(KINDS)}')


def _only(options: dict, *names: str) -> dict:
    unexpected = sorted(set(options) - set(names))
    if unexpected:
        raise ValueError(f'options not used by this importer: {", ".join(unexpected)}')
    return options
