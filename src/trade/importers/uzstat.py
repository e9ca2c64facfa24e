"""The Statistics Agency's partner-country tables (open data sets 1105 exports, 1176 imports).

Wide layout: `Code` (UN M49; 0 = other countries), names in three languages, one column per year,
values in thousand USD. Each (year) column becomes one slice (uzstat, UZB, X|M, year, 0, TOTAL).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import timezone

from trade.importers.base import Importer
from trade.importers.checks import collect, duplicates
from trade.importers.reading import header_problem, load_countries, read_csv
from trade.importers.report import FileInfo, ImportReport, Rejection

SOURCE = 'uzstat'
REPORTER = 'UZB'
OTHER_COUNTRIES = '_OT'
# M49 codes withdrawn before or during the series, still used by the Statistics Agency's tables.
# Sudan (736) was split in 2011 into Sudan (729) and South Sudan (728); ISO kept SDN for Sudan.
# The Netherlands Antilles (530) were dissolved in 2010; ANT is the withdrawn ISO 3166 code,
# kept as such rather than spread over its successors.
HISTORICAL_M49 = {'736': 'SDN', '530': 'ANT'}
NUMBER = r'^\s*-?[0-9]+(\.[0-9]{1,10})?([eE][-+]?[0-9]{1,2})?\s*$'


class UzstatImporter(Importer):
    kind = 'uzstat'

    def __init__(self, path: Path, *, name: str | None = None, flow: str | None = None):
        self.path = Path(path)
        self.name = name or self.path.name
        self.flow = flow or flow_from_name(self.name)

    def prepare(self, con) -> ImportReport:
        report = ImportReport(kind=self.kind, source=SOURCE, classification='TOTAL')
        info = FileInfo.of(self.path, name=self.name)
        report.files.append(info)
        if self.flow not in ('X', 'M'):
            report.reject(
                Rejection(
                    self.name,
                    0,
                    '',
                    'say whether the table is of exports (X) or imports (M): the name does '
                    'not contain "export" or "import"',
                )
            )
            return report
        header, problem = header_problem(self.path, self.name, delimiter=',', encoding='utf-8', required=['Code'])
        if problem:
            report.reject(problem)
            return report
        years = [column for column in header if re.fullmatch(r'\d{4}', column)]
        if not years:
            report.reject(Rejection(self.name, 1, '', 'no year columns (four-digit headers such as 2023)'))
            return report
        lines = read_csv(con, self.path, self.name, report, table='raw', header=header, types={}, info=info)
        if report.rejections:
            return report
        for year in years:
            if int(year) > _current_year():
                report.reject(Rejection(self.name, 1, f'"{year}"', f'year {year} is in the future'))
        load_countries(con)
        historical = ', '.join(f"('{code}', '{iso3}')" for code, iso3 in HISTORICAL_M49.items())
        con.execute(
            'CREATE OR REPLACE TEMP TABLE partners AS '
            'SELECT DISTINCT m49, iso3 FROM countries '
            f'UNION ALL SELECT * FROM (VALUES {historical}) AS h(m49, iso3) '
            f"UNION ALL SELECT '000', '{OTHER_COUNTRIES}'"
        )
        con.execute(
            'CREATE OR REPLACE TEMP TABLE coded AS SELECT r.rowid AS row_index, r.*, p.iso3 AS partner_iso3 '
            "FROM raw r LEFT JOIN partners p ON p.m49 = lpad(trim(r.Code), 3, '0') ORDER BY r.rowid"
        )
        checks = [
            (
                '"Code"',
                "Code IS NULL OR NOT regexp_full_match(trim(Code), '[0-9]{1,3}')",
                "'not a UN M49 code: \"' || coalesce(Code, '') || '\"'",
            ),
            (
                '"Code"',
                "regexp_full_match(trim(Code), '[0-9]{1,3}') AND partner_iso3 IS NULL",
                "'M49 code ' || trim(Code) || ' is not a country'",
            ),
        ]
        for year in years:
            quoted = f'"{year}"'
            checks += [
                (quoted, f'{quoted} IS NULL', "'empty value'"),
                (
                    quoted,
                    f"{quoted} IS NOT NULL AND NOT regexp_full_match({quoted}, '{NUMBER}')",
                    f"'not a number: \"' || {quoted} || '\"'",
                ),
                (
                    quoted,
                    f"regexp_full_match({quoted}, '{NUMBER}') AND TRY_CAST({quoted} AS DECIMAL(30, 10)) < 0",
                    f"'negative value ' || trim({quoted})",
                ),
            ]
        collect(con, report, self.name, lines, checks, table='coded')
        duplicates(con, report, self.name, lines, ['Code'])
        if report.rejections:
            return report
        unpivoted = ', '.join(f'"{year}"' for year in years)
        self.create_flows_table(
            con,
            f"SELECT '{SOURCE}' AS source, '{REPORTER}' AS reporter, partner_iso3 AS partner, "
            f"'{self.flow}' AS flow, CAST(year AS SMALLINT) AS year, CAST(0 AS TINYINT) AS month, "
            "'TOTAL' AS classification, 'TOTAL' AS product, "
            'CAST(CAST(trim(value) AS DECIMAL(30, 10)) * 1000 AS DOUBLE) AS value_usd, '
            'CAST(NULL AS DOUBLE) AS quantity, CAST(NULL AS VARCHAR) AS unit, '
            'CAST(NULL AS BIGINT) AS run_id, false AS illustrative '
            f'FROM (UNPIVOT coded ON {unpivoted} INTO NAME year VALUE value)',
        )
        report.rows_accepted = con.execute('SELECT count(*) FROM flows_in').fetchall()[0][0]
        report.notes_lines.append(
            f'{len(years)} years ({years[0]}–{years[-1]}) × {info.row_count} partners; thousand USD → USD'
        )
        return report


def flow_from_name(name: str) -> str | None:
    lowered = name.lower()
    if 'export' in lowered or '_1105_' in lowered:
        return 'X'
    if 'import' in lowered or '_1176_' in lowered:
        return 'M'
    return None


def _current_year() -> int:
    return timezone.now().year
