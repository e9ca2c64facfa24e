"""The base of the trade importers.

An importer's `prepare(con)` validates its files completely and leaves the converted rows in
the DuckDB table `flows_in` (FLOW_SCHEMA); trade.services stores them. The pieces it is built
from: trade.importers.report (the report, rejections), trade.importers.reading (DuckDB's CSV
reader, header checks, reference tables) and trade.importers.checks (set-based row checks).
"""

from __future__ import annotations

from trade.importers.report import ImportReport


class Importer:
    """Base of the importers: `prepare(con)` fills `flows_in` and returns the report."""

    kind = ''

    def prepare(self, con) -> ImportReport:
        raise NotImplementedError

    @staticmethod
    def create_flows_table(con, select_sql: str) -> None:
        # A view: the rows are computed again by each of the two passes (checksums, writing),
        # which is cheaper than materialising a converted copy of a large file.
        con.execute(f'CREATE OR REPLACE TEMP VIEW flows_in AS {select_sql}')
