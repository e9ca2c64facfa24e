"""Validation of trade records that does not write: the rules of a target and of a saved column
mapping of national customs files, and the check of a sample file against a mapping.

A mapping is read by trade.importers.customs, which builds SQL from the column headers and
flow codes: everything it relies on is checked here, before trade.services saves the mapping,
so that a mapping that can be saved is one the importer can use. The key names the source
("customs:<key>") of every slice imported with the mapping, so it is frozen once a run used it.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.models import Country
from hamkor.imports import FileProblem, check_workbook
from trade.importers.customs import FIELDS, REQUIRED_FIELDS
from trade.models import ColumnMapping, ImportRun, Target
from trade.schema import CLASSIFICATIONS, DELIMITERS, FLOWS

TARGET_FIELDS = ('kind', 'metric', 'reporter', 'partner', 'value_usd', 'year', 'claim', 'note')
MAPPING_FIELDS = (
    'key',
    'name',
    'reporter',
    'classification',
    'columns',
    'partner_codes',
    'flow_codes',
    'value_scale',
    'delimiter',
    'encoding',
)
VALUE_SCALES = (1, 1000, 1_000_000)
FIELD_LABELS = {
    'year': gettext_lazy('year'),
    'month': gettext_lazy('month'),
    'period': gettext_lazy('period'),
    'partner': gettext_lazy('partner country'),
    'flow': gettext_lazy('flow'),
    'product': gettext_lazy('product code'),
    'value': pgettext_lazy('field of a customs file', 'value'),
    'quantity': gettext_lazy('quantity'),
    'unit': gettext_lazy('unit'),
}


def apply_fields(record, values: dict, names, label: str) -> None:
    """Set the given fields on a record; a name that is not one of `names` is a programming error."""
    unknown = set(values) - set(names)
    if unknown:
        raise TypeError(f'not fields of a {label}: {", ".join(sorted(unknown))}')
    for name, value in values.items():
        setattr(record, name, value)


def validate_target(target: Target) -> None:
    """Raise ValidationError unless the target (its fields set) may be saved."""
    if target.metric != Target.Metric.BALANCE and target.value_usd is not None and target.value_usd <= 0:
        raise ValidationError({'value_usd': _('A target of turnover, exports or imports must be above zero.')})
    if target.kind == Target.Kind.ANNOUNCED and not target.year:
        raise ValidationError({'year': _('An announced figure for a past year needs its year.')})
    if target.reporter_id and target.reporter_id == target.partner_id:
        raise ValidationError({'partner': _('The partner must be another country.')})
    target.full_clean()


def used_by_runs(key: str) -> bool:
    """Whether an import run stored data under the mapping's source (its key is then frozen)."""
    return ImportRun.objects.filter(source=f'customs:{key}').exists()


def validate_mapping(mapping: ColumnMapping, *, stored_key: str | None, given_reporter) -> None:
    """Clean the mapping's fields in place (stripped headers and codes, Python's name of the
    encoding, an upper-case reporter) or raise ValidationError with every problem by field.

    `stored_key` is the key saved before (None for a new mapping); `given_reporter` the reporter
    as given, for the message."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field, error):
        errors.setdefault(field, []).append(error)

    if stored_key is not None and mapping.key != stored_key and used_by_runs(stored_key):
        add('key', ValidationError(
            _('The key cannot be changed: data was imported with this mapping under the source “%(source)s”, '
              'and the imported slices refer to it.'),
            code='key_locked', params={'source': f'customs:{stored_key}'},
        ))  # fmt: skip
    columns, problems = clean_columns(mapping.columns)
    mapping.columns = columns
    for problem in problems:
        add('columns', problem)
    flow_codes, problems = clean_flow_codes(mapping.flow_codes)
    mapping.flow_codes = flow_codes
    for problem in problems:
        add('flow_codes', problem)
    if mapping.delimiter not in DELIMITERS:
        add('delimiter', ValidationError(
            _('The delimiter must be a comma, a semicolon, a vertical bar or a tab.'), code='delimiter'
        ))  # fmt: skip
    try:
        mapping.encoding = clean_encoding(mapping.encoding)
    except ValidationError as error:
        add('encoding', error)
    mapping.reporter = (mapping.reporter or '').strip().upper() if isinstance(mapping.reporter, str) else ''
    if not Country.objects.filter(iso3=mapping.reporter).exists():
        add('reporter', ValidationError(
            _('“%(code)s” is not the ISO alpha-3 code of a country.'), code='reporter',
            params={'code': given_reporter},
        ))  # fmt: skip
    if mapping.classification not in CLASSIFICATIONS:
        add('classification', ValidationError(
            _('The classification must be one of %(choices)s.'), code='classification',
            params={'choices': ', '.join(CLASSIFICATIONS)},
        ))  # fmt: skip
    if mapping.value_scale not in VALUE_SCALES:
        add('value_scale', ValidationError(
            _('Values must be in USD (1), thousand USD (1000) or million USD (1000000).'), code='value_scale'
        ))  # fmt: skip
    try:
        mapping.full_clean(exclude=list(errors))
    except ValidationError as error:
        for field, messages in error.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def clean_columns(columns) -> tuple[dict, list[ValidationError]]:
    """The columns with headers stripped (as the importer strips the file's header), and the problems.

    Each problem names the customs field it is about in params['field'], so that a form can show
    it beside that field.
    """
    if not isinstance(columns, dict):
        return {}, [ValidationError(_('The columns must map fields to column headers.'), code='columns')]
    problems = []

    def problem(field, message, code, **params):
        problems.append(ValidationError(message, code=code, params={'field': field, **params}))

    cleaned = {}
    for field, header in columns.items():
        if field not in FIELDS:
            problem(field, _('“%(name)s” is not a field of a customs file.'), 'unknown_field', name=field)
            continue
        if not isinstance(header, str) or not header.strip():
            problem(field, _('The column header of the %(label)s is empty.'), 'empty', label=FIELD_LABELS[field])
            continue
        cleaned[field] = header.strip()
    seen = {}
    for field in FIELDS:
        header = cleaned.get(field)
        if header is None:
            continue
        if header in seen:
            problem(field, _('The column “%(header)s” is already the column of the %(other)s.'), 'twice',
                    header=header, other=FIELD_LABELS[seen[header]])  # fmt: skip
        else:
            seen[header] = field
    for field in REQUIRED_FIELDS:
        if field not in cleaned and field not in columns:
            problem(field, _('Name the column of the %(label)s.'), 'required', label=FIELD_LABELS[field])
    named = set(columns) & {'year', 'month', 'period'}
    if 'period' in named and named & {'year', 'month'}:
        problem('period', _('Give either the period or the year and month, not both.'), 'period_and_year')
    elif not named:
        problem('period', _('Name the columns of the year and the month, or the column of the period.'), 'period')
    elif named == {'year'}:
        problem('month', _('Name the column of the month too.'), 'month')
    elif named == {'month'}:
        problem('year', _('Name the column of the year too.'), 'year')
    return cleaned, problems


def clean_flow_codes(flow_codes) -> tuple[dict, list[ValidationError]]:
    """Flow codes with the file's values stripped (the importer compares trimmed cells)."""
    if not isinstance(flow_codes, dict):
        return {}, [ValidationError(_('The flow codes must map values in the file to flows.'), code='flow_codes')]
    cleaned, problems = {}, []
    for code, flow in flow_codes.items():
        code = code.strip() if isinstance(code, str) else ''
        if not code:
            problems.append(ValidationError(_('A value in the file is empty.'), code='empty_code'))
        elif code in cleaned:
            problems.append(ValidationError(_('“%(code)s” is given twice.'), code='twice', params={'code': code}))
        elif flow not in FLOWS:
            problems.append(ValidationError(
                _('“%(code)s” = “%(flow)s”: the flow must be X, M, RX or RM.'), code='flow',
                params={'code': code, 'flow': flow},
            ))  # fmt: skip
        else:
            cleaned[code] = flow
    return cleaned, problems


def clean_encoding(encoding) -> str:
    """Python's name of a text encoding (the importer decodes the file itself and gives DuckDB UTF-8)."""
    text = encoding.strip() if isinstance(encoding, str) else ''
    if not text:
        raise ValidationError(_('Give the encoding of the file, e.g. utf-8 or cp1251.'), code='encoding')
    try:
        info = codecs.lookup(text)
    except LookupError:
        raise ValidationError(
            _('“%(encoding)s” is not a known encoding.'), code='encoding', params={'encoding': text}
        ) from None
    # bytes-to-bytes codecs (base64, zlib…) are known to Python but do not decode a file to text
    if not getattr(info, '_is_text_encoding', True) or info.incrementaldecoder is None:
        raise ValidationError(_('“%(encoding)s” is not a text encoding.'), code='encoding', params={'encoding': text})
    return info.name


#
# Check of a sample file (nothing is saved)
#


@dataclass
class HeaderCheck:
    field: str
    label: str
    header: str
    found: bool


def sample_headers(upload, *, delimiter: str, encoding: str) -> list[str]:
    """The column headers of an uploaded sample (the first line of a CSV, the first row of an XLSX).

    Raises ValidationError when the sample cannot be read with the mapping's delimiter and encoding.
    """
    name = getattr(upload, 'name', '') or ''
    if name.lower().endswith('.xlsx'):
        return _xlsx_headers(upload)
    first = upload.read(1024 * 1024).split(b'\n', 1)[0]
    try:
        text = first.decode(clean_encoding(encoding))
    except UnicodeDecodeError:
        raise ValidationError(
            _('The first line of the sample is not %(encoding)s text.'), code='sample', params={'encoding': encoding}
        ) from None
    text = text.lstrip('\ufeff').rstrip('\r\n')
    if not text.strip():
        raise ValidationError(_('The sample file is empty.'), code='sample')
    return [header.strip() for header in next(csv.reader([text], delimiter=delimiter))]


def _xlsx_headers(upload) -> list[str]:
    from openpyxl import load_workbook  # heavy, and needed only for XLSX samples: imported when one comes

    data = upload.read()
    if zipfile.is_zipfile(io.BytesIO(data)):  # a file that is not one is refused below as not a workbook
        try:
            check_workbook(data)  # bounded before it is unpacked, as every import's workbook is
        except FileProblem as problem:
            raise ValidationError(problem.message, code='sample') from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        raise ValidationError(_('The sample is not an XLSX workbook.'), code='sample') from None
    try:
        row = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
    finally:
        workbook.close()
    return ['' if value is None else str(value).strip() for value in row]


def check_headers(columns: dict, headers: list[str]) -> list[HeaderCheck]:
    """Each mapped field with its header and whether the sample's header line has it."""
    return [
        HeaderCheck(field, str(FIELD_LABELS[field]), columns[field], columns[field] in headers)
        for field in FIELDS
        if columns.get(field)
    ]
