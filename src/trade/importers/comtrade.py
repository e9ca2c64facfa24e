"""UN Comtrade API v1 results, as CSV or JSON (`{"data": [...]}` or a list of records).

Comtrade's "plus" breakdowns repeat the same trade under finer keys, so only the totals are
stored: customsCode C00, motCode 0, partner2Code 0 (see docs/research trade_methods §7). Flows
other than X, M, RX, RM (DX, FM, processing flows) overlap those four and HS2/HS4 aggregates are
sums of the HS6 rows: all of these are left out by rule and counted in the report, never
silently. Partner 0 (World) is stored as partner 'WLD', 899 (areas not elsewhere specified) as
'_OT'; rows flagged isAggregate are kept (they are the reporter's totals). Values are USD
(primaryValue); quantities keep Comtrade's unit abbreviation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from trade.importers.base import Importer
from trade.importers.checks import collect, duplicates
from trade.importers.reading import header_problem, load_countries, load_hs_codes, read_csv, validated_editions
from trade.importers.report import FileInfo, ImportReport, Rejection
from trade.schema import EDITION_ALIASES

SOURCE = 'comtrade'
REQUIRED = [
    'freqCode',
    'refYear',
    'refMonth',
    'reporterISO',
    'flowCode',
    'partnerCode',
    'partnerISO',
    'partner2Code',
    'classificationCode',
    'cmdCode',
    'customsCode',
    'motCode',
    'primaryValue',
]
OPTIONAL = ['qty', 'qtyUnitCode', 'qtyUnitAbbr', 'isAggregate']
NUMBER = r'-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?'
FILTERS = [
    ("coalesce(trim(customsCode), '') <> 'C00'", 'customs procedure breakdown (customsCode ≠ C00)'),
    ("coalesce(trim(motCode), '') <> '0'", 'mode of transport breakdown (motCode ≠ 0)'),
    ("coalesce(trim(partner2Code), '') <> '0'", 'second partner breakdown (partner2Code ≠ 0)'),
    (
        "trim(flowCode) NOT IN ('X', 'M', 'RX', 'RM')",
        'flows other than X, M, RX, RM (they overlap these: DX, FM, processing)',
    ),
    ('length(trim(cmdCode)) IN (2, 4)', 'HS2/HS4 aggregates (sums of the HS6 rows)'),
]


class ComtradeImporter(Importer):
    kind = 'comtrade'

    def __init__(self, path: Path, *, name: str | None = None, accept_unvalidated_edition: bool = False):
        self.path = Path(path)
        self.name = name or self.path.name
        self.accept_unvalidated_edition = accept_unvalidated_edition

    def prepare(self, con) -> ImportReport:
        report = ImportReport(kind=self.kind, source=SOURCE)
        info = FileInfo.of(self.path, name=self.name)
        report.files.append(info)
        if self.path.suffix.lower() == '.json':
            unit = 'record'
            if not self._read_json(con, report, info):
                return report
            lines = _record_number
        else:
            unit = 'line'
            header, problem = header_problem(self.path, self.name, delimiter=',', encoding='utf-8', required=REQUIRED)
            if problem:
                report.reject(problem)
                return report
            lines = read_csv(con, self.path, self.name, report, table='raw', header=header, types={}, info=info)
            if report.rejections:
                return report
            for column in OPTIONAL:
                if column not in header:
                    con.execute(f'ALTER TABLE raw ADD COLUMN "{column}" VARCHAR')
        kept = ' AND '.join(f'NOT coalesce({condition}, false)' for condition, _ in FILTERS)
        con.execute(f'CREATE OR REPLACE TEMP TABLE kept AS SELECT rowid AS row_index, * FROM raw WHERE {kept}')
        earlier = 'true'
        for condition, reason in FILTERS:
            count = con.execute(
                f'SELECT count(*) FROM raw WHERE coalesce({condition}, false) AND {earlier}'
            ).fetchall()[0][0]
            earlier += f' AND NOT coalesce({condition}, false)'
            if count:
                report.filtered[reason] = count
        report.rows_filtered = sum(report.filtered.values())

        load_countries(con)
        editions = ', '.join(f"('{code}', '{edition}')" for code, edition in EDITION_ALIASES.items() if len(code) == 2)
        con.execute(f'CREATE OR REPLACE TEMP TABLE editions AS SELECT * FROM (VALUES {editions}) AS e(code, edition)')
        con.execute(
            'CREATE OR REPLACE TEMP TABLE coded AS SELECT k.*, e.edition, '
            "CASE WHEN trim(k.partnerCode) = '0' THEN 'WLD' WHEN trim(k.partnerCode) = '899' THEN '_OT' "
            'ELSE p.iso3 END AS partner, r.iso3 AS reporter '
            'FROM kept k LEFT JOIN editions e ON e.code = trim(k.classificationCode) '
            'LEFT JOIN countries r ON r.iso3 = trim(k.reporterISO) '
            'LEFT JOIN countries p ON p.iso3 = trim(k.partnerISO)'
        )
        checked = validated_editions()
        used = [
            edition
            for (edition,) in con.execute('SELECT DISTINCT edition FROM coded WHERE edition IS NOT NULL').fetchall()
        ]
        unvalidated = sorted(set(used) - checked)
        if unvalidated and not self.accept_unvalidated_edition:
            report.reject(
                Rejection(
                    self.name,
                    0,
                    '',
                    f'{", ".join(unvalidated)} codes cannot be checked: no nomenclature is loaded; accept an '
                    'unvalidated edition explicitly to import it',
                )
            )
            return report
        if unvalidated:
            report.notes_lines.append(f'{", ".join(unvalidated)} codes checked for form only (no nomenclature loaded)')
        con.execute('CREATE OR REPLACE TEMP TABLE hs_all (edition VARCHAR, code VARCHAR)')
        for edition in sorted(set(used) & checked):
            load_hs_codes(con, edition)
            con.execute(f"INSERT INTO hs_all SELECT '{edition}', code FROM hs_codes")
        product_ok = (
            "trim(cmdCode) = 'TOTAL' OR (regexp_full_match(trim(cmdCode), '[0-9]{6}') AND (edition NOT IN "
            f'({", ".join(repr(e) for e in sorted(checked)) or "NULL"}) OR EXISTS (SELECT 1 FROM hs_all h '
            'WHERE h.edition = coded.edition AND h.code = trim(coded.cmdCode))))'
        )
        checks = [
            ('"refYear"', "NOT regexp_full_match(coalesce(refYear, ''), '[0-9]{4}')",
             "'not a year: \"' || coalesce(refYear, '') || '\"'"),
            ('"refYear"', "regexp_full_match(coalesce(refYear, ''), '[0-9]{4}') AND "
             'TRY_CAST(refYear AS INTEGER) > year(current_date)', "'year ' || refYear || ' is in the future'"),
            ('"freqCode"', "coalesce(freqCode, '') NOT IN ('A', 'M')", "'frequency is not A or M'"),
            ('"refMonth"', "freqCode = 'M' AND NOT coalesce(refMonth, '') IN "
             "('1','2','3','4','5','6','7','8','9','10','11','12')", "'month is not 1–12'"),
            ('"reporterISO"', 'reporter IS NULL',
             "'reporter \"' || coalesce(reporterISO, '') || '\" is not a country'"),
            ('"partnerISO"', 'partner IS NULL',
             "'partner ' || coalesce(partnerCode, '') || ' \"' || coalesce(partnerISO, '') || '\" is not a country'"),
            ('"classificationCode"', 'edition IS NULL',
             "'unknown classification \"' || coalesce(classificationCode, '') || '\" (expected H0–H6)'"),
            ('"cmdCode"',
             "edition IS NOT NULL AND NOT regexp_full_match(trim(coalesce(cmdCode, '')), '[0-9]{6}|TOTAL')",
             "'commodity code \"' || coalesce(cmdCode, '') || '\" is not six digits'"),
            ('"cmdCode"',
             f"edition IS NOT NULL AND regexp_full_match(trim(cmdCode), '[0-9]{{6}}') AND NOT ({product_ok})",
             "'commodity code ' || trim(cmdCode) || ' is not in ' || edition"),
            ('"primaryValue"', f"NOT regexp_full_match(trim(coalesce(primaryValue, '')), '{NUMBER}')",
             "'not a number: \"' || coalesce(primaryValue, '') || '\"'"),
            ('"primaryValue"',
             f"regexp_full_match(trim(primaryValue), '{NUMBER}') AND TRY_CAST(primaryValue AS DOUBLE) < 0",
             "'negative value ' || trim(primaryValue)"),
            ('"qty"', f"trim(coalesce(qty, '')) <> '' AND NOT regexp_full_match(trim(qty), '{NUMBER}')",
             "'not a number: \"' || qty || '\"'"),
            ('"qty"', f"regexp_full_match(trim(coalesce(qty, '')), '{NUMBER}') AND TRY_CAST(qty AS DOUBLE) < 0",
             "'negative quantity ' || trim(qty)"),
        ]  # fmt: skip
        collect(con, report, self.name, lines, checks, table='coded', index='row_index', unit=unit)
        con.execute(
            'CREATE OR REPLACE TEMP TABLE keyed AS SELECT row_index, reporter, partner, trim(flowCode) AS flow, '
            "refYear, CASE WHEN freqCode = 'M' THEN refMonth ELSE '0' END AS month, trim(cmdCode) AS product, "
            "CASE WHEN trim(cmdCode) = 'TOTAL' THEN 'TOTAL' ELSE edition END AS classification FROM coded"
        )
        duplicates(
            con,
            report,
            self.name,
            lines,
            ['reporter', 'partner', 'flow', 'refYear', 'month', 'classification', 'product'],
            table='keyed',
            index='row_index',
            unit=unit,
        )
        if report.rejections:
            return report
        self.create_flows_table(
            con,
            f"SELECT '{SOURCE}' AS source, reporter, partner, trim(flowCode) AS flow, "
            'CAST(refYear AS SMALLINT) AS year, '
            "CAST(CASE WHEN freqCode = 'M' THEN refMonth ELSE '0' END AS TINYINT) AS month, "
            "CASE WHEN trim(cmdCode) = 'TOTAL' THEN 'TOTAL' ELSE edition END AS classification, "
            'trim(cmdCode) AS product, CAST(primaryValue AS DOUBLE) AS value_usd, '
            "CASE WHEN trim(coalesce(qty, '')) = '' OR trim(coalesce(qtyUnitCode, '')) = '-1' THEN NULL "
            'ELSE CAST(qty AS DOUBLE) END AS quantity, '
            "CASE WHEN trim(coalesce(qty, '')) = '' OR trim(coalesce(qtyUnitCode, '')) = '-1' THEN NULL "
            "ELSE nullif(trim(qtyUnitAbbr), '') END AS unit, "
            'CAST(NULL AS BIGINT) AS run_id, false AS illustrative FROM coded',
        )
        report.rows_accepted = con.execute('SELECT count(*) FROM flows_in').fetchall()[0][0]
        classifications = [
            row[0] for row in con.execute('SELECT DISTINCT classification FROM flows_in ORDER BY 1').fetchall()
        ]
        report.classification = classifications[0] if len(classifications) == 1 else ''
        report.notes_lines.append('values in USD (primaryValue)')
        return report

    def _read_json(self, con, report: ImportReport, info: FileInfo) -> bool:
        try:
            document = json.loads(self.path.read_bytes().decode('utf-8'))
        except UnicodeDecodeError as error:
            report.reject(Rejection(self.name, 0, '', f'not UTF-8 text (byte {error.start + 1})'))
            return False
        except json.JSONDecodeError as error:
            report.reject(Rejection(self.name, error.lineno, '', f'not JSON: {error.msg} (column {error.colno})'))
            return False
        records = document.get('data') if isinstance(document, dict) else document
        if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
            report.reject(Rejection(self.name, 0, '', 'expected a list of records or an object with "data": [...]'))
            return False
        info.row_count = len(records)
        report.rows_read = len(records)
        present = set().union(*(record.keys() for record in records)) if records else set()
        missing = [column for column in REQUIRED if column not in present]
        if missing:
            report.reject(Rejection(self.name, 0, ', '.join(missing), 'missing field(s) in the records'))
            return False
        columns = {
            column: pa.array([_text(record.get(column)) for record in records], pa.string())
            for column in REQUIRED + OPTIONAL
        }
        con.register('json_arrow', pa.table(columns))
        con.execute('CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM json_arrow')
        con.unregister('json_arrow')
        return True


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value)) if not isinstance(value, bool) else str(value)
    return str(value)


def _record_number(row_index: int) -> int:
    return row_index + 1
