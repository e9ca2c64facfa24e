"""Pages of the saved column mappings of customs files: the list, and a form to create or edit one.

The form asks for each header in its own text field and for the flow codes as lines
"EK = X", so that the people who receive the monthly files can describe a new layout without
writing JSON. A sample file can be checked against the headers before saving.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.models import Country
from hamkor.auth import permission_required
from trade import services
from trade.forms import ENCODINGS, SCALE_LABELS, MappingForm, column_field, initial_of
from trade.importers.customs import FIELDS
from trade.models import ColumnMapping, ImportRun
from trade.schema import REPORTER
from trade.validation import check_headers, sample_headers, used_by_runs

TEMPLATE = 'trade/mapping_form.html'


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
    form = MappingForm(request.POST or None, request.FILES or None, initial={'reporter': REPORTER})
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
                    saved = services.create_mapping(actor=request.user, **form.mapping_fields())
                else:
                    saved = services.update_mapping(mapping=mapping, actor=request.user, **form.mapping_fields())
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
