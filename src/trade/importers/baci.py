"""BACI (CEPII) yearly files `t,i,j,k,v,q` with their country code file.

BACI reconciles both partners' reports into one value per exporter, importer and product, so a
row is stored once, as the exporter's export (reporter = exporter, flow X). Values are thousand
USD (×1000 on import), quantities tonnes (unit "t"). A BACI file is a whole year of world trade,
and a revised release replaces whole years: one slice per year, (baci, ALL, X, year, 0, edition).

HS codes are checked against the declared edition when its nomenclature is loaded (HS2017,
HS2022). For the other editions the codes can only be checked for form (six digits); such an
import is refused unless the user accepts it explicitly (`accept_unvalidated_edition`), and the
run's notes say that the codes were not checked against a nomenclature.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy
from django.utils import timezone

from trade.importers.base import Importer
from trade.importers.checks import collect, duplicates
from trade.importers.reading import (
    header_problem,
    load_countries,
    load_hs_codes,
    normalize_edition,
    read_csv,
    validated_editions,
)
from trade.importers.report import FileInfo, ImportReport, Rejection
from trade.schema import ALL_REPORTERS
from trade.store.writer import checksum_of

SOURCE = 'baci'
COLUMNS = ['t', 'i', 'j', 'k', 'v', 'q']
TYPES = {'t': 'SMALLINT', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'DOUBLE'}
COUNTRY_COLUMNS = ['country_code', 'country_iso3']


class BaciImporter(Importer):
    kind = 'baci'

    def __init__(
        self,
        path: Path,
        *,
        countries: Path,
        edition: str,
        name: str | None = None,
        countries_name: str | None = None,
        accept_unvalidated_edition: bool = False,
    ):
        self.path = Path(path)
        self.countries = Path(countries)
        self.name = name or self.path.name
        self.countries_name = countries_name or self.countries.name
        self.edition = normalize_edition(edition)
        self.accept_unvalidated_edition = accept_unvalidated_edition

    def prepare(self, con) -> ImportReport:
        report = ImportReport(kind=self.kind, source=SOURCE, classification=self.edition, all_reporters=True)
        validated = self.edition in validated_editions()
        if not validated and not self.accept_unvalidated_edition:
            report.reject(
                Rejection(
                    self.name,
                    0,
                    '',
                    f'{self.edition} codes cannot be checked: no {self.edition} nomenclature is loaded; '
                    'accept an unvalidated edition explicitly to import it',
                )
            )
            return report
        if not self._load_country_file(con, report):
            return report
        header, problem = header_problem(self.path, self.name, delimiter=',', encoding='utf-8', required=COLUMNS)
        if problem:
            report.files.insert(0, FileInfo.of(self.path, name=self.name))
            report.reject(problem)
            return report
        # SHA-256 of a large file takes as long as a good part of the reading: do both at once.
        with ThreadPoolExecutor(max_workers=1) as pool:
            info = pool.submit(FileInfo.of, self.path, name=self.name)
            lines = read_csv(con, self.path, self.name, report, table='raw', header=header, types=TYPES, info=info)
            report.files.insert(0, info.result())
        if report.rejections:
            return report
        load_countries(con)
        con.execute(
            'CREATE OR REPLACE TEMP TABLE baci_countries AS SELECT b.code, b.iso3, c.iso3 IS NOT NULL AS known '
            'FROM baci_country_file b LEFT JOIN countries c ON c.iso3 = b.iso3'
        )
        if validated:
            load_hs_codes(con, self.edition)
        else:
            report.notes_lines.append(f'{self.edition} codes checked for form only (no nomenclature loaded)')
        # One pass of hash joins against the small lookup tables gives every check its facts.
        hs_join = 'LEFT JOIN hs_codes h ON h.code = r.k' if validated else ''
        hs_known = 'h.code IS NOT NULL' if validated else "regexp_full_match(r.k, '[0-9]{6}')"
        con.execute(
            'CREATE OR REPLACE TEMP VIEW checked AS SELECT r.rowid AS row_index, r.*, '
            'e.code IS NOT NULL AS i_listed, e.known AS i_known, e.iso3 AS i_iso3, '
            f'm.code IS NOT NULL AS j_listed, m.known AS j_known, m.iso3 AS j_iso3, {hs_known} AS k_known '
            'FROM raw r LEFT JOIN baci_countries e ON e.code = r.i LEFT JOIN baci_countries m ON m.code = r.j '
            f'{hs_join}'
        )
        checks = [
            ('"t"', 't IS NULL', "'empty year'"),
            ('"t"', 't > year(current_date)', "'year ' || t || ' is in the future'"),
            ('"t"', 't < 1988', "'year ' || t || ' is before the Harmonized System'"),
            ('"i"', 'i IS NULL', "'empty exporter code'"),
            ('"j"', 'j IS NULL', "'empty importer code'"),
            ('"i"', 'i IS NOT NULL AND NOT i_listed', "'exporter code ' || i || ' is not in the country file'"),
            ('"j"', 'j IS NOT NULL AND NOT j_listed', "'importer code ' || j || ' is not in the country file'"),
            ('"i"', 'i_listed AND NOT i_known', "'exporter code ' || i || ' (' || i_iso3 || ') is not a country'"),
            ('"j"', 'j_listed AND NOT j_known', "'importer code ' || j || ' (' || j_iso3 || ') is not a country'"),
            ('"k"', 'k IS NULL', "'empty product code'"),
            (
                '"k"',
                "k IS NOT NULL AND NOT k_known AND NOT regexp_full_match(k, '[0-9]{6}')",
                "'product code \"' || k || '\" is not six digits'",
            ),
            (
                '"k"',
                "NOT k_known AND regexp_full_match(k, '[0-9]{6}')",
                f"'product code ' || k || ' is not in {self.edition}'",
            ),
            ('"v"', 'v IS NULL', "'empty value'"),
            ('"v"', 'v < 0', "'negative value ' || v"),
            ('"v"', 'v = 0', "'zero value (BACI stores only positive flows)'"),
            ('"q"', 'q < 0', "'negative quantity ' || q"),
        ]
        if self._may_have_problems(con, validated):
            collect(con, report, self.name, lines, checks, table='checked', index='row_index')
        # The slice checksum of each year: the sum of the raw rows' content hashes, tied below to
        # the country mapping and edition that convert them (the same file with the same country
        # file gives the same checksum).
        years = con.execute(
            'SELECT t, count(*)::BIGINT, sum(hash(i, j, k, v, q))::HUGEINT::VARCHAR FROM raw GROUP BY t'
        ).fetchall()
        if report.rejections or self._keys_may_repeat(con):
            duplicates(con, report, self.name, lines, ['t', 'i', 'j', 'k'])
        if report.rejections:
            return report
        mapping = hashlib.sha256(
            repr(con.execute('SELECT code, iso3 FROM baci_country_file ORDER BY code').fetchall()).encode()
        ).hexdigest()
        report.checksums = {
            (SOURCE, ALL_REPORTERS, 'X', year, 0, self.edition): checksum_of(
                rows, f'baci:{self.edition}:{mapping}:{digest}'
            )
            for year, rows, digest in years
        }
        # Codes as DuckDB enums: the Parquet writer then takes their dictionary as it is instead
        # of building one from ten million strings (the files still hold plain strings).
        products = 'SELECT code FROM hs_codes' if validated else 'SELECT DISTINCT k FROM raw'
        con.execute('CREATE TYPE country_code AS ENUM (SELECT DISTINCT iso3 FROM baci_countries ORDER BY 1)')
        con.execute(f'CREATE TYPE product_code AS ENUM ({products} ORDER BY 1)')
        con.execute("CREATE TYPE quantity_unit AS ENUM ('t')")
        con.execute(
            'CREATE OR REPLACE TEMP TABLE baci_enum_countries AS '
            'SELECT code, CAST(iso3 AS country_code) AS iso3 FROM baci_countries'
        )
        self.create_flows_table(
            con,
            f"SELECT '{SOURCE}' AS source, e.iso3 AS reporter, m.iso3 AS partner, 'X' AS flow, "
            'CAST(r.t AS SMALLINT) AS year, CAST(0 AS TINYINT) AS month, '
            f"'{self.edition}' AS classification, CAST(r.k AS product_code) AS product, "
            'round(r.v * 1000, 6) AS value_usd, r.q AS quantity, '
            "CASE WHEN r.q IS NULL THEN NULL ELSE CAST('t' AS quantity_unit) END AS unit, "
            'CAST(NULL AS BIGINT) AS run_id, false AS illustrative '
            'FROM raw r JOIN baci_enum_countries e ON e.code = r.i JOIN baci_enum_countries m ON m.code = r.j',
        )
        report.rows_accepted = report.rows_read
        report.notes_lines.append('values thousand USD → USD; quantities in tonnes')
        return report

    @staticmethod
    def _may_have_problems(con, validated: bool) -> bool:
        """Whether the row-by-row checks can find anything, from a few cheap set-level facts.

        A BACI year is some 10 million rows but only about 250 country codes and 5,000 products:
        the codes are checked as distinct values, the numbers by their minimum and maximum, and
        the detailed checks that name every line run only when one of these shows a problem.
        """
        low_year, high_year, nulls, low_value, low_quantity = con.execute(
            'SELECT min(t), max(t), count(*) FILTER (WHERE t IS NULL OR i IS NULL OR j IS NULL OR k IS NULL '
            'OR v IS NULL), min(v), min(q) FROM raw'
        ).fetchall()[0]
        if nulls or (low_value is not None and low_value <= 0) or (low_quantity is not None and low_quantity < 0):
            return True
        if low_year is not None and (low_year < 1988 or high_year > _current_year()):
            return True
        unknown_codes = con.execute(
            'SELECT count(*) FROM (SELECT i AS code FROM raw UNION SELECT j FROM raw) c '
            'WHERE c.code NOT IN (SELECT code FROM baci_countries WHERE known)'
        ).fetchall()[0][0]
        if unknown_codes:
            return True
        products = 'k NOT IN (SELECT code FROM hs_codes)' if validated else "NOT regexp_full_match(k, '[0-9]{6}')"
        return bool(con.execute(f'SELECT count(*) FROM (SELECT DISTINCT k FROM raw) WHERE {products}').fetchall()[0][0])

    @staticmethod
    def _keys_may_repeat(con) -> bool:
        """Whether a row key (t, i, j, k) may occur twice, for a file that passed every other check.

        BACI writes its files sorted by year, exporter, importer and product: the key packed into
        one integer then strictly increases in file order, which proves there is no duplicate in
        one pass (a third of the cost of grouping ten million keys). A file in any other order, or
        with codes that do not pack, takes the exact test.
        """
        low_i, high_i, low_j, high_j = con.execute('SELECT min(i), max(i), min(j), max(j) FROM raw').fetchall()[0]
        if low_i is None:
            return False
        if min(low_i, low_j) < 0 or max(high_i, high_j) > 999:
            return True
        # rows come back in file order: DuckDB keeps insertion order unless told otherwise
        keys = con.execute(
            'SELECT ((t - 1988)::BIGINT * 1000 + i) * 1000000000 + j * 1000000 + CAST(k AS INTEGER) AS key FROM raw'
        ).fetchnumpy()['key']
        return not bool((numpy.diff(keys) > 0).all())

    def _load_country_file(self, con, report: ImportReport) -> bool:
        info = FileInfo.of(self.countries, name=self.countries_name, role='countries')
        report.files.append(info)
        header, problem = header_problem(
            self.countries, self.countries_name, delimiter=',', encoding='utf-8', required=COUNTRY_COLUMNS
        )
        if problem:
            report.reject(problem)
            return False
        lines = read_csv(
            con,
            self.countries,
            self.countries_name,
            report,
            table='country_raw',
            header=header,
            types={'country_code': 'INTEGER'},
            info=info,
        )
        report.rows_read -= info.row_count  # the report counts data rows; the country file has its own count
        if report.rejections:
            return False
        checks = [
            ('"country_code"', 'country_code IS NULL', "'empty country code'"),
            (
                '"country_iso3"',
                "country_iso3 IS NULL OR NOT regexp_full_match(trim(country_iso3), '[A-Z][A-Z0-9]{2}')",
                "'not an ISO alpha-3 code: \"' || coalesce(country_iso3, '') || '\"'",
            ),
        ]
        collect(con, report, self.countries_name, lines, checks, table='country_raw')
        duplicates(con, report, self.countries_name, lines, ['country_code'], table='country_raw')
        con.execute(
            'CREATE OR REPLACE TEMP TABLE baci_country_file AS '
            'SELECT country_code AS code, trim(country_iso3) AS iso3 FROM country_raw'
        )
        return not report.rejections


def _current_year() -> int:
    return timezone.now().year
