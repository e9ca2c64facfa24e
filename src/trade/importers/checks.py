"""Set-based checks of rows loaded in DuckDB: each rule is SQL over the whole table, and every
failing row becomes a Rejection with its line (or row) and column."""

from __future__ import annotations

from trade.importers.report import MAX_LISTED, ImportReport, Rejection
from trade.schema import CLASSIFICATIONS, FLOWS, ROW_KEY
from trade.store.layout import sql_literal


def collect(
    con,
    report: ImportReport,
    name: str,
    lines,
    checks,
    *,
    table: str = 'raw',
    index: str = 'rowid',
    unit: str = 'line',
    totals: list[int] | None = None,
) -> None:
    """Run each (column, SQL condition, SQL reason expression) check and reject the matching rows.

    One pass counts the rows failing each check; only checks that fail are run again to list rows.
    """
    if not checks:
        return
    if totals is None:
        counts = ', '.join(f'count(*) FILTER (WHERE coalesce({condition}, false))' for _, condition, _ in checks)
        totals = con.execute(f'SELECT {counts} FROM {table}').fetchall()[0]
    for (column, condition, reason), total in zip(checks, totals, strict=True):
        if not total:
            continue
        listed = con.execute(
            f'SELECT {index}, {reason} FROM {table} WHERE {condition} ORDER BY {index} LIMIT {MAX_LISTED}'
        ).fetchall()
        for row_index, text in listed:
            report.reject(Rejection(name, lines(row_index), column, text, unit))
        report.rejection_total = report.rejected + total - len(listed)


def duplicates(
    con, report: ImportReport, name: str, lines, key: list[str], *, table: str = 'raw', index='rowid', unit='line'
):
    """Reject every row that repeats the key of an earlier row in the same file."""
    columns = ', '.join(key)
    # Grouping by one 64-bit hash of the key is much faster than by the key; only when some hash
    # repeats (a duplicate, or rarely a collision) are the keys themselves compared.
    repeated = con.execute(
        f'SELECT count(*) FROM (SELECT hash({columns}) AS h FROM {table} GROUP BY h HAVING count(*) > 1)'
    ).fetchall()[0][0]
    if not repeated:
        return
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE duplicate_keys AS SELECT {columns} FROM {table} GROUP BY ALL HAVING count(*) > 1'
    )
    if con.execute('SELECT count(*) FROM duplicate_keys').fetchall()[0][0]:
        con.execute(
            'CREATE OR REPLACE TEMP TABLE duplicate_rows AS SELECT row_index, first_index FROM ('
            f'SELECT t.{index} AS row_index, min(t.{index}) OVER (PARTITION BY {", ".join(f"t.{c}" for c in key)}) '
            f'AS first_index FROM {table} t JOIN duplicate_keys USING ({columns})) WHERE row_index <> first_index'
        )
        total = con.execute('SELECT count(*) FROM duplicate_rows').fetchall()[0][0]
        listed = con.execute(
            f'SELECT row_index, first_index FROM duplicate_rows ORDER BY row_index LIMIT {MAX_LISTED}'
        ).fetchall()
        for row_index, first_index in listed:
            report.reject(
                Rejection(
                    name,
                    lines(row_index),
                    ', '.join(key),
                    f'duplicate of {unit} {lines(first_index)} (same {columns})',
                    unit,
                )
            )
        report.rejection_total = report.rejected + total - len(listed)
        con.execute('DROP TABLE duplicate_rows')
    con.execute('DROP TABLE duplicate_keys')


def check_flows(con, table: str, report, *, source: str, illustrative: bool) -> None:
    """Reject rows of a table in FLOW_SCHEMA that break the store's rules (used for tables built in Python)."""
    flows = ', '.join(sql_literal(flow) for flow in FLOWS)
    classifications = ', '.join(sql_literal(code) for code in CLASSIFICATIONS)
    rules = [
        ('source', f'source IS DISTINCT FROM {sql_literal(source)}', f'source is not "{source}"'),
        ('illustrative', f'illustrative IS DISTINCT FROM {str(illustrative).lower()}', 'wrong illustrative flag'),
        ('reporter', 'reporter IS NULL OR length(reporter) <> 3', 'reporter is not an ISO alpha-3 code'),
        ('partner', 'partner IS NULL OR length(partner) <> 3', 'partner is not an ISO alpha-3 code'),
        ('flow', f'flow IS NULL OR flow NOT IN ({flows})', 'flow is not X, M, RX or RM'),
        ('year', 'year IS NULL OR year > year(current_date)', 'year is missing or in the future'),
        ('month', 'month IS NULL OR month NOT BETWEEN 0 AND 12', 'month is not 0–12'),
        (
            'classification',
            f'classification IS NULL OR classification NOT IN ({classifications})',
            'unknown classification',
        ),
        (
            'product',
            "product IS NULL OR NOT (regexp_full_match(product, '[0-9]{6}') OR "
            "(product = 'TOTAL' AND classification = 'TOTAL'))",
            'product is not a 6-digit HS code (or TOTAL with classification TOTAL)',
        ),
        ('value_usd', 'value_usd IS NULL OR value_usd < 0 OR isnan(value_usd)', 'value is missing or negative'),
        ('quantity', 'quantity < 0', 'quantity is negative'),
    ]
    con.execute(f'CREATE OR REPLACE TEMP TABLE checked AS SELECT rowid AS row_index, * FROM {table}')
    for column, condition, reason in rules:
        for (row_index,) in con.execute(
            f'SELECT row_index FROM checked WHERE {condition} ORDER BY row_index LIMIT 1000'
        ).fetchall():
            report.rejections.append(Rejection('table', row_index + 1, column, reason, 'row'))
    key = ', '.join(ROW_KEY)
    duplicates = con.execute(
        f'SELECT row_index + 1 FROM (SELECT row_index, row_number() OVER (PARTITION BY {key} ORDER BY row_index) '
        'AS n FROM checked) WHERE n > 1 ORDER BY 1 LIMIT 1000'
    ).fetchall()
    for (row,) in duplicates:
        report.rejections.append(Rejection('table', row, ', '.join(ROW_KEY), 'duplicate flow', 'row'))
    report.rejections.sort(key=lambda rejection: rejection.line)
    con.execute('DROP TABLE checked')
