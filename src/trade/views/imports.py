"""Web pages of the trade importers: upload → dry-run preview → apply, and the list of import runs.

The uploaded files are kept between preview and apply in hamkor.uploads' store, under
MEDIA_ROOT/trade-imports/<token>/ (data file, optional country code file, options.json); the page
carries only the token. Apply runs the import again from the stored files (the store may have
changed since the preview); DuckDB reads them where they are. Runs are public: they are the
provenance of official statistics shown to everyone; only the name of the person who ran an
import is kept to signed-in users.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hamkor.auth import permission_required
from hamkor.uploads import EXPIRED, StoredUpload, UploadStore, base_name
from trade import services
from trade.forms import TradeImportForm
from trade.importers import ImportRejected, build_importer
from trade.models import ColumnMapping, ImportRun

TEMPLATE = 'trade/import.html'
UPLOADS = UploadStore('trade-imports')


def store_uploads(form: TradeImportForm, owner) -> StoredUpload:
    """Save the uploads and the options of a valid form under a new token."""
    data = form.cleaned_data
    options = {
        'kind': data['kind'],
        'name': base_name(data['file'].name) or 'upload',
        'edition': data.get('edition') or None,
        'mapping': data['mapping'].key if data.get('mapping') else None,
        'flow': data.get('flow') or None,
        'accept_unvalidated_edition': bool(data.get('accept_unvalidated_edition')),
        'countries_name': (base_name(data['countries'].name) or 'upload') if data.get('countries') else None,
    }
    return UPLOADS.save({'data': data['file'], 'countries': data.get('countries')}, options, owner=owner)


def importer_for(stored: StoredUpload | None):
    """The importer of a stored upload, or None for a token that is not ours (or has expired)."""
    if stored is None or 'data' not in stored.files:
        return None
    options = stored.options
    mapping = ColumnMapping.objects.filter(key=options['mapping']).first() if options['mapping'] else None
    return build_importer(
        options['kind'],
        stored.files['data'],
        name=options['name'],
        countries=stored.files.get('countries'),
        countries_name=options['countries_name'],
        edition=options['edition'],
        mapping=mapping,
        flow=options['flow'],
        accept_unvalidated_edition=options['accept_unvalidated_edition'],
    )


def preview(importer, actor):
    try:
        return services.run_import(importer, actor=actor, dry_run=True)
    except ImportRejected as rejected:
        return rejected.report


@permission_required('trade.add_importrun')
def trade_import(request):
    """GET: the form. POST "preview": store the files and show the dry run. POST "apply": import them."""
    if request.method == 'POST' and request.POST.get('action') == 'apply':
        return trade_import_apply(request)
    form = TradeImportForm()
    context = {}
    if request.method == 'POST':
        form = TradeImportForm(request.POST, request.FILES)
        if form.is_valid():
            stored = store_uploads(form, request.user)
            try:
                importer = importer_for(stored)
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                context = {'report': preview(importer, request.user), 'token': stored.token}
    return render(request, TEMPLATE, {'form': form, **context})


def trade_import_apply(request):
    stored = UPLOADS.load(request.POST.get('token', ''), owner=request.user)
    importer = importer_for(stored)
    if importer is None:
        return render(request, TEMPLATE, {'form': TradeImportForm(), 'error': EXPIRED}, status=400)
    try:
        report = services.run_import(importer, actor=request.user)
    except ImportRejected as rejected:
        context = {
            'form': TradeImportForm(),
            'report': rejected.report,
            'error': _('Some rows are rejected: nothing was imported. Correct the file and upload it again.'),
        }
        return render(request, TEMPLATE, context)
    UPLOADS.discard(stored)
    if report.run is None:
        messages.info(request, _('Nothing new: every slice of the file is already in the store.'))
        return redirect('trade:run_list')
    messages.success(
        request,
        _('Imported %(rows)s flows: %(new)s new slices, %(replaced)s replaced, %(unchanged)s unchanged.')
        % {
            'rows': report.rows_accepted,
            'new': report.count('new'),
            'replaced': report.count('replaced'),
            'unchanged': report.count('unchanged'),
        },
    )
    return redirect(report.run.get_absolute_url())


def run_list(request):
    runs = ImportRun.objects.prefetch_related('files').order_by('-started', '-id')
    page = Paginator(runs, 50).get_page(request.GET.get('page'))
    return render(request, 'trade/run_list.html', {'page': page, 'runs': page.object_list})


def run_detail(request, pk: int):
    run = get_object_or_404(ImportRun.objects.prefetch_related('files'), pk=pk)
    return render(request, 'trade/run_detail.html', {'run': run, 'files': run.files.all()})
