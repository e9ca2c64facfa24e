"""Aggregates kept on disk: every exporter's exports by product and year (the input of RCA), a
fraction of the flows' size, written once per slice content and reused."""

import ibis

from trade.analytics import engine
from trade.analytics.expressions import exports_by_exporter_product
from trade.store import catalogue, integrity
from trade.store.layout import aggregates_directory


def exporter_products_file(key: str, paths):
    """The exporter × product × year export totals of the flows in `paths`, written once under
    `key` and reused.

    The key is a slice's content checksum, so a revised slice gets new totals and an unchanged
    one keeps its file.
    """
    target = aggregates_directory() / f'{key}.parquet'
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    totals = exports_by_exporter_product(engine.flows_from_paths(engine.connect(), paths))
    # a reporter's rows are found from the row groups' statistics
    return engine.write_parquet(totals, target, order='year, reporter, product')


def exporter_products(source: str, classification: str, year: int, *, missing=None) -> ibis.Table:
    """The exporter × product totals of the current slices of (source, classification, year),
    built from the slices on first use (see exporter_products_file). A slice whose files are
    missing is left out, as every reader leaves it out: `missing` is the Parquet globs of those
    (trade.store.integrity.StoreHealth.missing_globs; default: checked now)."""
    if missing is None:
        missing = integrity.store_health().missing_globs
    slices = [(checksum, glob) for checksum, glob in catalogue.export_slices(source, classification, year)
              if glob not in missing]  # fmt: skip
    files = [str(exporter_products_file(checksum, [glob])) for checksum, glob in slices]
    return engine.exporter_products_view(files)
