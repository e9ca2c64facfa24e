"""Pages of the saved column mappings of customs files: the list, and a form to create or edit one.

The form asks for each header in its own text field and for the flow codes as lines
"EK = X", so that the people who receive the monthly files can describe a new layout without
writing JSON. A sample file can be checked against the headers before saving.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Country
from hamkor.auth import permission_required
from trade.importers.customs import FIELDS
from trade.mappings import (
    DELIMITERS,
    MAPPING_FIELDS,
    VALUE_SCALES,
    check_headers,
    create_mapping,
    sample_headers,
    update_mapping,
    used_by_runs,
)
from trade.models import ColumnMapping, ImportRun
from trade.models.runs import CLASSIFICATION_CHOICES

TEMPLATE = 'trade/mapping_form.html'
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
        choices=list(DELIMITERS.items()),
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


@permission_required('trade.view_columnmapping')
def mapping_list(request):
    runs = ImportRun.objects.filter(source=Concat(Value('customs:'), OuterRef('key'))).values('source')
    mappings = list(
        ColumnMapping.objects.annotate(
            runs=Coalesce(Subquery(runs.annotate(n=Count('id')).values('n')), 0),
            last_run=Subquery(runs.annotate(last=Max('finished')).values('last')),
        ).order_by('key')
    )
    countries = Country.objects.in_bulk({mapping.reporter for mapping in mappings}, field_name='iso3')
    for mapping in mappings:
        mapping.reporter_country = countries.get(mapping.reporter)
        mapping.scale_label = SCALE_LABELS.get(mapping.value_scale, mapping.value_scale)
    return render(request, 'trade/mapping_list.html', {'mappings': mappings})


@permission_required('trade.add_columnmapping')
def mapping_create(request):
    form = MappingForm(request.POST or None, request.FILES or None, initial={'reporter': 'UZB'})
    return _form_page(request, form, None)


@permission_required('trade.change_columnmapping')
def mapping_edit(request, key: str):
    mapping = get_object_or_404(ColumnMapping, key=key)
    locked = used_by_runs(mapping.key)
    form = MappingForm(request.POST or None, request.FILES or None, initial=initial_of(mapping), key_locked=locked)
    return _form_page(request, form, mapping)


def _form_page(request, form: MappingForm, mapping: ColumnMapping | None):
    context = {'form': form, 'mapping': mapping, 'encodings': ENCODINGS}
    if request.method == 'POST' and form.is_valid():
        if request.POST.get('action') == 'check':
            context['checks'] = _check_sample(form)
        else:
            try:
                if mapping is None:
                    saved = create_mapping(**form.mapping_fields())
                else:
                    saved = update_mapping(mapping, **form.mapping_fields())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _('Column mapping “%(name)s” saved.') % {'name': saved.name})
                return redirect('trade:mapping_list')
    return render(request, TEMPLATE, context)


def _check_sample(form: MappingForm):
    data = form.cleaned_data
    if not data.get('sample'):
        form.add_error('sample', _('Choose a sample file to check.'))
        return None
    try:
        headers = sample_headers(data['sample'], delimiter=data['delimiter'], encoding=data['encoding'])
    except ValidationError as error:
        form.add_error('sample', error)
        return None
    columns = {field: data[column_field(field)] for field in FIELDS if data[column_field(field)]}
    return {'headers': headers, 'rows': check_headers(columns, headers)}
