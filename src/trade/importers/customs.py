"""National customs statistics (CSV or XLSX) read through a saved ColumnMapping.

The mapping says which column holds each field, the file's delimiter and encoding, the unit of
the values (USD or thousand USD), the kind of partner codes, how flows are written, the
reporter and the HS edition. Product codes must be HS6: national 8- or 10-digit codes are
rejected rather than cut to six digits. Source: "customs:<mapping key>"; slices per month.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hamkor.imports import MAX_COLUMNS, FileProblem, check_cells, check_workbook, sheet_rows
from trade.importers.base import Importer
from trade.importers.checks import collect, duplicates
from trade.importers.reading import (
    header_problem,
    identifier,
    literal,
    load_countries,
    load_hs_codes,
    read_csv,
    transcode_lines,
    validated_editions,
)
from trade.importers.report import FileInfo, ImportReport, Rejection
from trade.store.layout import scratch_directory

FIELDS = ('year', 'month', 'period', 'partner', 'flow', 'product', 'value', 'quantity', 'unit')
REQUIRED_FIELDS = ('partner', 'flow', 'product', 'value')
NUMBER = r'-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?'


class CustomsImporter(Importer):
    kind = 'customs'

    def __init__(self, path: Path, *, mapping, name: str | None = None, accept_unvalidated_edition: bool = False):
        self.path = Path(path)
        self.mapping = mapping
        self.name = name or self.path.name
        self.accept_unvalidated_edition = accept_unvalidated_edition

    def prepare(self, con) -> ImportReport:
        mapping = self.mapping
        report = ImportReport(kind=self.kind, source=mapping.source, classification=mapping.classification)
        info = FileInfo.of(self.path, name=self.name)
        report.files.append(info)
        columns = dict(mapping.columns)
        missing_fields = [field for field in REQUIRED_FIELDS if field not in columns]
        if 'period' not in columns and not {'year', 'month'} <= set(columns):
            missing_fields.append('year and month, or period')
        if missing_fields:
            report.reject(Rejection(self.name, 0, '', f'the mapping names no column for: {", ".join(missing_fields)}'))
            return report
        validated = mapping.classification in validated_editions()
        if mapping.classification != 'TOTAL' and not validated and not self.accept_unvalidated_edition:
            report.reject(
                Rejection(
                    self.name,
                    0,
                    '',
                    f'{mapping.classification} codes cannot be checked: no nomenclature is '
                    'loaded; accept an unvalidated edition explicitly to import it',
                )
            )
            return report
        scratch = Path(tempfile.mkdtemp(dir=scratch_directory()))
        try:
            return self._prepare(con, report, info, columns, scratch, validated)
        finally:
            for leftover in scratch.iterdir():
                leftover.unlink()
            scratch.rmdir()

    def _prepare(self, con, report, info, columns, scratch: Path, validated: bool) -> ImportReport:
        mapping = self.mapping
        text = scratch / 'utf8.csv'
        delimiter = mapping.delimiter
        if self.path.suffix.lower() == '.xlsx':
            problem = xlsx_to_csv(self.path, self.name, text)
            delimiter = ','
        else:
            problem = transcode_lines(self.path, self.name, mapping.encoding, text)
        if problem:
            report.reject(problem)
            return report
        wanted = [column for field, column in columns.items() if field in FIELDS]
        header, problem = header_problem(text, self.name, delimiter=delimiter, encoding='utf-8', required=wanted)
        if problem:
            report.reject(problem)
            return report
        lines = read_csv(
            con, text, self.name, report, table='raw', header=header, types={}, delimiter=delimiter, info=info
        )
        if report.rejections:
            return report

        def column(field):
            return f'trim({identifier(columns[field])})' if field in columns else 'NULL'

        if 'period' in columns:
            year = f"TRY_CAST(regexp_extract({column('period')}, '^([0-9]{{4}})-?[0-9]{{2}}$', 1) AS INTEGER)"
            month = f"TRY_CAST(regexp_extract({column('period')}, '^[0-9]{{4}}-?([0-9]{{2}})$', 1) AS INTEGER)"
        else:
            year, month = f'TRY_CAST({column("year")} AS INTEGER)', f'TRY_CAST({column("month")} AS INTEGER)'
        key = {'iso3': 'iso3', 'iso2': 'iso2', 'm49': 'm49'}[mapping.partner_codes]
        partner_code = column('partner')
        if mapping.partner_codes == 'm49':
            partner_code = f"lpad({partner_code}, 3, '0')"
        flows = dict(mapping.flow_codes) or {flow: flow for flow in ('X', 'M', 'RX', 'RM')}
        flow_cases = ' '.join(f'WHEN {literal(code)} THEN {literal(flow)}' for code, flow in flows.items())
        load_countries(con)
        con.execute(
            'CREATE OR REPLACE TEMP TABLE coded AS SELECT r.rowid AS row_index, '
            f'{year} AS year, {month} AS month, {partner_code} AS partner_code, p.iso3 AS partner, '
            f'{column("flow")} AS flow_code, CASE {column("flow")} {flow_cases} END AS flow, '
            f'{column("product")} AS product, {column("value")} AS value_text, '
            f'{column("quantity")} AS quantity_text, {column("unit")} AS unit_text '
            f'FROM raw r LEFT JOIN countries p ON p.{key} = {partner_code} ORDER BY r.rowid'
        )
        if validated:
            load_hs_codes(con, mapping.classification)
        period_column = f'"{columns.get("period") or columns.get("year")}"'
        month_column = f'"{columns.get("period") or columns.get("month")}"'
        checks = [
            (period_column, 'year IS NULL', "'not a year'"),
            (period_column, 'year > year(current_date)', "'year ' || year || ' is in the future'"),
            (month_column, 'month IS NULL OR month NOT BETWEEN 1 AND 12', "'month is not 1–12'"),
            (f'"{columns["partner"]}"', 'partner IS NULL',
             f"'partner code \"' || coalesce(partner_code, '') || '\" is not a country ({mapping.partner_codes})'"),
            (f'"{columns["flow"]}"', 'flow IS NULL',
             "'unknown flow \"' || coalesce(flow_code, '') || '\"'"),
            (f'"{columns["product"]}"', "NOT regexp_full_match(coalesce(product, ''), '[0-9]{6}')",
             "'product code \"' || coalesce(product, '') || '\" is not six digits'"),
            (f'"{columns["value"]}"', f"NOT regexp_full_match(coalesce(value_text, ''), '{NUMBER}')",
             "'not a number: \"' || coalesce(value_text, '') || '\"'"),
            (f'"{columns["value"]}"', 'TRY_CAST(value_text AS DOUBLE) < 0', "'negative value ' || value_text"),
        ]  # fmt: skip
        if validated:
            checks.append(
                (f'"{columns["product"]}"',
                 "regexp_full_match(coalesce(product, ''), '[0-9]{6}') AND product NOT IN (SELECT code FROM hs_codes)",
                 f"'product code ' || product || ' is not in {mapping.classification}'")
            )  # fmt: skip
        if 'quantity' in columns:
            checks += [
                (f'"{columns["quantity"]}"',
                 f"coalesce(quantity_text, '') <> '' AND NOT regexp_full_match(quantity_text, '{NUMBER}')",
                 "'not a number: \"' || quantity_text || '\"'"),
                (f'"{columns["quantity"]}"', 'TRY_CAST(quantity_text AS DOUBLE) < 0',
                 "'negative quantity ' || quantity_text"),
            ]  # fmt: skip
        collect(con, report, self.name, lines, checks, table='coded', index='row_index')
        duplicates(
            con,
            report,
            self.name,
            lines,
            ['year', 'month', 'partner', 'flow', 'product'],
            table='coded',
            index='row_index',
        )
        if report.rejections:
            return report
        self.create_flows_table(
            con,
            f'SELECT {literal(mapping.source)} AS source, {literal(mapping.reporter)} AS reporter, partner, flow, '
            'CAST(year AS SMALLINT) AS year, CAST(month AS TINYINT) AS month, '
            f'{literal(mapping.classification)} AS classification, product, '
            f'round(CAST(value_text AS DOUBLE) * {mapping.value_scale}, 6) AS value_usd, '
            "CASE WHEN coalesce(quantity_text, '') = '' THEN NULL ELSE CAST(quantity_text AS DOUBLE) END AS quantity, "
            "CASE WHEN coalesce(quantity_text, '') = '' THEN NULL ELSE nullif(unit_text, '') END AS unit, "
            'CAST(NULL AS BIGINT) AS run_id, false AS illustrative FROM coded',
        )
        report.rows_accepted = con.execute('SELECT count(*) FROM flows_in').fetchall()[0][0]
        if mapping.value_scale != 1:
            report.notes_lines.append(f'values × {mapping.value_scale} → USD')
        return report


XLSX_MAX_UNPACKED_BYTES = 400 * 1024 * 1024


def xlsx_to_csv(path: Path, name: str, target: Path) -> Rejection | None:
    """The first sheet as UTF-8 CSV; row numbers stay those of the sheet (header in row 1).

    Bounded as every import's workbook is (hamkor.imports), with room for a year of tariff lines:
    a workbook unpacking to more than XLSX_MAX_UNPACKED_BYTES, a value beyond column
    MAX_COLUMNS or a cell longer than a spreadsheet cell may be is refused, never cut."""
    from openpyxl import load_workbook  # heavy, and needed only for XLSX files: imported when one comes

    try:
        check_workbook(path, XLSX_MAX_UNPACKED_BYTES)
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileProblem as problem:
        return Rejection(name, problem.line, problem.field_name, problem.message)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        return Rejection(name, 0, '', f'not an XLSX workbook ({type(error).__name__})')
    try:
        with open(target, 'w', encoding='utf-8', newline='') as handle:
            writer, written, width = csv.writer(handle), 0, 0
            for number, values in sheet_rows(workbook.worksheets[0]):
                last = max(values, default=0)
                if last > MAX_COLUMNS:
                    return Rejection(name, number, '', f'a value beyond column {MAX_COLUMNS}, the last an import reads')
                width = width or last  # the header's: every row as wide (a wider one is refused as such)
                cells = [_cell(values[column]) if column in values else '' for column in range(1, max(width, last) + 1)]
                check_cells(number, cells)
                writer.writerows([[]] * (number - written - 1))  # blank lines for rows the sheet skips: numbers stay
                writer.writerow(cells)
                written = number
    except FileProblem as problem:
        return Rejection(name, problem.line, problem.field_name, problem.message)
    finally:
        workbook.close()
    return None


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
