"""Input of the trade pages, API and downloads, parsed and validated; no writes.

The query forms validate the parameters of a page, of its API endpoint and of its download with
the same rules: the page shows a form's errors beside the defaults it falls back to, the API
answers 400 (project error shape) and the download 400 with the errors as text.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Country
from trade.analytics.assessment import by_years
from trade.importers.customs import FIELDS
from trade.models import ColumnMapping, Target
from trade.models.runs import CLASSIFICATION_CHOICES
from trade.schema import DELIMITERS, DIRECTIONS, EDITIONS, IMPORTS
from trade.selectors import CachedMonitor
from trade.selectors.analysis import MIRROR_DIGITS
from trade.validation import MAPPING_FIELDS, TARGET_FIELDS, VALUE_SCALES

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024


#
# Query parameters (page, API, download)
#


class QueryForm(forms.Form):
    """The parameters of a page, its API endpoint and its download. `monitor` is the pair's read
    handle, for rules that depend on the data (which years exist)."""

    def __init__(self, data=None, *, monitor: CachedMonitor):
        super().__init__(data or {})
        self.monitor = monitor

    def values(self) -> dict:
        """The valid parameters, and the default of each invalid or missing one (for a page,
        which shows the errors and the defaults)."""
        self.is_valid()
        values = {name: field.clean(field.initial) if field.initial is not None else None
                  for name, field in self.fields.items()}  # fmt: skip
        values.update({name: value for name, value in self.cleaned_data.items() if name not in self.errors})
        return values

    def error_lines(self) -> list[str]:
        return [f'{name}: {message}' for name, messages in self.errors.items() for message in messages]


def _flow_field():
    return forms.TypedChoiceField(
        choices=[(direction, direction) for direction in DIRECTIONS], required=False, empty_value=IMPORTS,
        initial=IMPORTS, label=gettext_lazy('Flow'),
    )  # fmt: skip


def _year_field():
    return forms.IntegerField(required=False, label=gettext_lazy('Year'))


class DashboardForm(QueryForm):
    """`by`: the year to reach the targets by, after the latest year of the series and at most
    trade.analytics.assessment.PROJECT_YEARS later (the one rule of page, API and downloads);
    `flow`: the flow of the products download."""

    by = forms.IntegerField(required=False, label=gettext_lazy('Reach it by'))
    flow = _flow_field()

    def clean_by(self):
        by = self.cleaned_data['by']
        years = self.monitor.yearly().year
        if by is not None and not years.empty:
            allowed = by_years(int(years.iloc[-1]))
            if by not in allowed:
                raise ValidationError(
                    _('Choose a year from %(first)s to %(last)s.'), code='by',
                    params={'first': allowed[0], 'last': allowed[-1]},
                )  # fmt: skip
        return by


class ProductsForm(QueryForm):
    """A year that is not one of the product series' years gives the latest."""

    flow = _flow_field()
    year = _year_field()
    code = forms.RegexField(
        r'^(\d{2}|\d{4}|\d{6})$', required=False, empty_value='', label=gettext_lazy('HS code'),
        error_messages={'invalid': gettext_lazy('Give an HS code of 2, 4 or 6 digits.')},
    )  # fmt: skip
    section = forms.RegexField(
        r'^[IVX]{1,5}$', required=False, empty_value='', label=gettext_lazy('HS section'),
        error_messages={'invalid': gettext_lazy('Give an HS section as a Roman numeral (I to XXI).')},
    )  # fmt: skip


class PartnersForm(QueryForm):
    """`year` must be one of the years of the partner statistics (no year: the latest, or every
    year for the download)."""

    year = _year_field()

    def clean_year(self):
        year = self.cleaned_data['year']
        years = self.monitor.partner_years()
        if year is not None and year not in years:
            raise ValidationError(
                _('No partner statistics for %(year)s (years: %(years)s).'), code='year',
                params={'year': year, 'years': f'{years[0]}–{years[-1]}' if years else '—'},
            )  # fmt: skip
        return year


class AdvantageForm(QueryForm):
    """A year that is not one of the world data's years gives the latest."""

    year = _year_field()


class MirrorForm(QueryForm):
    """A year without both sides' reports gives the latest; an importer other than the pair's
    countries gives the reporter."""

    year = _year_field()
    digits = forms.TypedChoiceField(
        choices=[(digits, digits) for digits in MIRROR_DIGITS], coerce=int, required=False, empty_value=2, initial=2,
        label=gettext_lazy('HS digits'),
    )  # fmt: skip
    importer = forms.RegexField(
        r'^[A-Z]{3}$', required=False, empty_value=None, label=gettext_lazy('Importer'),
        error_messages={'invalid': gettext_lazy('Give the importer as an ISO alpha-3 code, such as CHN.')},
    )  # fmt: skip


#
# Targets
#


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = list(TARGET_FIELDS)
        widgets = {'note': forms.Textarea(attrs={'rows': 3})}


#
# Imports
#


KINDS = [
    ('uzstat', gettext_lazy('Official Uzbek partner-country table (Statistics Agency)')),
    ('baci', gettext_lazy('BACI (CEPII) yearly file')),
    ('comtrade', gettext_lazy('UN Comtrade API result (CSV or JSON)')),
    ('customs', gettext_lazy('Customs statistics with a saved column mapping (CSV or XLSX)')),
]


class TradeImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy('Format'), choices=KINDS)
    file = forms.FileField(
        label=gettext_lazy('File'),
        help_text=gettext_lazy(
            'Files of several hundred megabytes are better imported on the command line (hamkor import-trade).'
        ),
    )
    countries = forms.FileField(
        label=gettext_lazy('Country code file'),
        required=False,
        help_text=gettext_lazy('BACI only: country_codes_V….csv from the same BACI release.'),
    )
    edition = forms.ChoiceField(
        label=gettext_lazy('HS edition'),
        required=False,
        choices=[('', '—')] + [(edition, edition) for edition in EDITIONS],
        help_text=gettext_lazy('BACI only: the edition of the release (HS17 → HS2017).'),
    )
    mapping = forms.ModelChoiceField(
        label=gettext_lazy('Column mapping'),
        queryset=ColumnMapping.objects.all(),
        required=False,
        to_field_name='key',
        help_text=gettext_lazy('Customs only.'),
    )
    flow = forms.ChoiceField(
        label=gettext_lazy('Flow'),
        required=False,
        choices=[
            ('', gettext_lazy('from the file name')),
            ('X', gettext_lazy('exports')),
            ('M', gettext_lazy('imports')),
        ],
        help_text=gettext_lazy('Official tables only.'),
    )
    accept_unvalidated_edition = forms.BooleanField(
        label=gettext_lazy('Accept HS codes of an edition that cannot be checked (no nomenclature loaded)'),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data['file']
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _('The file is larger than %(size)s MB.') % {'size': MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self):
        data = super().clean()
        kind = data.get('kind')
        if kind == 'baci':
            if not data.get('countries'):
                self.add_error('countries', _('A BACI file needs its country code file.'))
            if not data.get('edition'):
                self.add_error('edition', _('Say which HS edition the BACI file uses.'))
        if kind == 'customs' and not data.get('mapping'):
            self.add_error('mapping', _('Choose the column mapping of the file.'))
        return data


#
# Column mappings of customs files
#


COLUMN_LABELS = {
    'year': gettext_lazy('Year'),
    'month': gettext_lazy('Month'),
    'period': gettext_lazy('Or instead: period (year and month in one column, e.g. 2024-01 or 202401)'),
    'partner': gettext_lazy('Partner country'),
    'flow': gettext_lazy('Flow (export or import)'),
    'product': gettext_lazy('Product code (HS, 6 digits)'),
    'value': gettext_lazy('Value'),
    'quantity': gettext_lazy('Quantity'),
    'unit': gettext_lazy('Unit of quantity'),
}
SCALE_LABELS = {1: gettext_lazy('USD'), 1000: gettext_lazy('thousand USD'), 1_000_000: gettext_lazy('million USD')}
ENCODINGS = ('utf-8', 'cp1251', 'cp866', 'koi8-r', 'gb18030', 'utf-16', 'cp1252')


def column_field(field: str) -> str:
    return f'column_{field}'


class MappingForm(forms.Form):
    key = forms.SlugField(
        label=gettext_lazy('Key'),
        max_length=64,
        help_text=gettext_lazy(
            'Letters, digits and hyphens, e.g. uz-customs-monthly. Imported data is stored under the source '
            '“customs:<key>”, so the key cannot be changed once data has been imported with the mapping.'
        ),
    )
    name = forms.CharField(label=gettext_lazy('Name'), max_length=200)
    reporter = forms.ModelChoiceField(
        label=gettext_lazy('Reporter'),
        queryset=Country.objects.all(),
        to_field_name='iso3',
        help_text=gettext_lazy('The country whose customs publish the file.'),
    )
    classification = forms.ChoiceField(
        label=gettext_lazy('Product classification'),
        choices=[('', '---------'), *CLASSIFICATION_CHOICES],
        help_text=gettext_lazy('The HS edition of the product codes in the file.'),
    )
    partner_codes = forms.ChoiceField(
        label=gettext_lazy('Partner countries are written as'), choices=ColumnMapping.PartnerCodes.choices
    )
    flow_codes = forms.CharField(
        label=gettext_lazy('Flow codes'),
        required=False,
        widget=forms.Textarea(attrs={'rows': 4, 'placeholder': 'EK = X\nIM = M'}),
        help_text=gettext_lazy(
            'One line for each value of the flow column: the value as written in the file, “=”, then X (exports), '
            'M (imports), RX (re-exports) or RM (re-imports), e.g. “EK = X”. Leave empty if the file writes X and M.'
        ),
    )
    value_scale = forms.TypedChoiceField(
        label=gettext_lazy('Values are in'),
        choices=[(scale, SCALE_LABELS[scale]) for scale in VALUE_SCALES],
        coerce=int,
        initial=1,
    )
    delimiter = forms.ChoiceField(
        label=gettext_lazy('Columns are separated by'),
        choices=[(delimiter, gettext_lazy(name)) for delimiter, name in DELIMITERS.items()],
        initial=',',
        help_text=gettext_lazy('CSV files only: an XLSX file needs no delimiter or encoding.'),
    )
    encoding = forms.CharField(
        label=gettext_lazy('Encoding'),
        max_length=40,
        initial='utf-8',
        widget=forms.TextInput(attrs={'list': 'encodings'}),
        help_text=gettext_lazy(
            'utf-8, or cp1251 for Cyrillic files saved by Windows, gb18030 for Chinese files; any encoding known '
            'to Python.'
        ),
    )
    sample = forms.FileField(
        label=gettext_lazy('Sample file'),
        required=False,
        help_text=gettext_lazy(
            'Optional: a CSV or XLSX file in this layout, to check that its header has the columns.'
        ),
    )

    def __init__(self, *args, key_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for field in FIELDS:
            self.fields[column_field(field)] = forms.CharField(
                label=COLUMN_LABELS[field], required=False, max_length=200
            )
        if key_locked:
            self.fields['key'].disabled = True
            self.fields['key'].help_text = _(
                'Data was imported with this mapping under the source “customs:<key>”: the imported slices refer '
                'to the key, so it cannot be changed.'
            )

    @property
    def settings_fields(self):
        return [self[name] for name in ('key', 'name', 'reporter', 'classification')]

    @property
    def column_fields(self):
        return [self[column_field(field)] for field in FIELDS]

    @property
    def code_fields(self):
        return [self[name] for name in ('partner_codes', 'flow_codes', 'value_scale', 'delimiter', 'encoding')]

    def clean_flow_codes(self) -> dict:
        codes, first_line = {}, {}
        lines = self.cleaned_data['flow_codes'].splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if '=' not in line:
                raise ValidationError(
                    _('Line %(number)s: write the value in the file, “=”, then the flow, e.g. “EK = X”.'),
                    params={'number': number},
                )
            code, flow = (part.strip() for part in line.rsplit('=', 1))
            if code in first_line:
                raise ValidationError(
                    _('Line %(number)s: “%(code)s” is already on line %(first)s.'),
                    params={'number': number, 'code': code, 'first': first_line[code]},
                )
            first_line[code] = number
            codes[code] = flow.upper()
        return codes

    def mapping_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in MAPPING_FIELDS if name in data}
        fields['reporter'] = data['reporter'].iso3
        fields['columns'] = {field: data[column_field(field)] for field in FIELDS if data[column_field(field)]}
        return fields

    def add_service_errors(self, error: ValidationError) -> None:
        """Errors of the service beside their fields: a column's problem beside that column's header."""
        for field, problems in error.error_dict.items():
            for problem in problems:
                target = field
                if field == 'columns' and (problem.params or {}).get('field') in FIELDS:
                    target = column_field(problem.params['field'])
                self.add_error(target if target in self.fields else None, problem)


def initial_of(mapping: ColumnMapping) -> dict:
    initial = {name: getattr(mapping, name) for name in MAPPING_FIELDS if name not in ('columns', 'flow_codes')}
    initial.update({column_field(field): header for field, header in (mapping.columns or {}).items()})
    initial['flow_codes'] = '\n'.join(f'{code} = {flow}' for code, flow in (mapping.flow_codes or {}).items())
    return initial
