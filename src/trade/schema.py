"""What the trade store holds, defined once: the flow schema, the slice key, the flows and
classifications, the sources' special codes and the pair the monitor shows by default.

Every other module of trade (the store, the importers, the analytics, the pages) takes these
names from here; nothing in this module reads or writes anything.
"""

import pyarrow as pa
from django.utils.translation import gettext_noop

# The pair the pages, the API and the downloads show unless told otherwise.
REPORTER, PARTNER = 'UZB', 'CHN'

FLOW_SCHEMA = pa.schema(
    [
        pa.field('source', pa.string(), nullable=False),
        pa.field('reporter', pa.string(), nullable=False),
        pa.field('partner', pa.string(), nullable=False),
        pa.field('flow', pa.string(), nullable=False),
        pa.field('year', pa.int16(), nullable=False),
        pa.field('month', pa.int8(), nullable=False),
        pa.field('classification', pa.string(), nullable=False),
        pa.field('product', pa.string(), nullable=False),
        pa.field('value_usd', pa.float64(), nullable=False),
        pa.field('quantity', pa.float64()),
        pa.field('unit', pa.string()),
        pa.field('run_id', pa.int64()),
        pa.field('illustrative', pa.bool_(), nullable=False),
    ]
)
COLUMNS = tuple(field.name for field in FLOW_SCHEMA)
# FLOW_SCHEMA in SQL (DuckDB's names of the same types).
SQL_TYPES = {
    'source': 'VARCHAR',
    'reporter': 'VARCHAR',
    'partner': 'VARCHAR',
    'flow': 'VARCHAR',
    'year': 'SMALLINT',
    'month': 'TINYINT',
    'classification': 'VARCHAR',
    'product': 'VARCHAR',
    'value_usd': 'DOUBLE',
    'quantity': 'DOUBLE',
    'unit': 'VARCHAR',
    'run_id': 'BIGINT',
    'illustrative': 'BOOLEAN',
}

# One slice: the rows of one source, reporter, flow, period and classification, stored and
# replaced together.
SLICE_KEY = ('source', 'reporter', 'flow', 'year', 'month', 'classification')
# The columns that identify one flow inside a slice (its duplicates are an error).
ROW_KEY = (*SLICE_KEY, 'partner', 'product')
# The registry's reporter of a slice that holds every reporter of a period (a BACI year).
ALL_REPORTERS = 'ALL'

EXPORTS, IMPORTS = 'X', 'M'
# Re-exports and re-imports are parts of exports and imports (general trade system).
FLOWS = (EXPORTS, IMPORTS, 'RX', 'RM')
DIRECTIONS = {EXPORTS: 'exports', IMPORTS: 'imports'}

TOTAL = 'TOTAL'  # the product (and classification) of a source's totals
EDITIONS = ('HS1992', 'HS1996', 'HS2002', 'HS2007', 'HS2012', 'HS2017', 'HS2022')
CLASSIFICATIONS = (*EDITIONS, TOTAL)
# BACI and national statistics name editions differently; the store uses HS<year>.
EDITION_ALIASES = {
    'HS92': 'HS1992',
    'HS96': 'HS1996',
    'HS02': 'HS2002',
    'HS07': 'HS2007',
    'HS12': 'HS2012',
    'HS17': 'HS2017',
    'HS22': 'HS2022',
    'H0': 'HS1992',
    'H1': 'HS1996',
    'H2': 'HS2002',
    'H3': 'HS2007',
    'H4': 'HS2012',
    'H5': 'HS2017',
    'H6': 'HS2022',
}

WORLD = 'WLD'
# The official tables' "other countries / areas not specified": a partner in sums, not a country.
OTHER_COUNTRIES = '_OT'

ILLUSTRATIVE_SOURCE = 'illustrative-hs6'
RECONCILED_SOURCES = ('baci',)
# The preferred series when several sources cover a pair: the reporter's own national statistics
# first, then national customs extracts, UN Comtrade, and BACI (reconciled, FOB both ways).
SOURCE_PRIORITY = ('uzstat', 'customs', 'comtrade', 'baci', ILLUSTRATIVE_SOURCE)
# Imports are valued CIF, exports FOB; IMF Direction of Trade Statistics divides imports by 1.06
# to compare them with the partner's exports (trade_methods.md §3).
CIF_FOB_FACTOR = 1.06

# Column delimiters of the text files the importers read, with their names (translated where a
# page shows them; the importers' messages are in English).
DELIMITERS = {
    ',': gettext_noop('comma'),
    ';': gettext_noop('semicolon'),
    '|': gettext_noop('vertical bar'),
    '\t': gettext_noop('tab'),
}
