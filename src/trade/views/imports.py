"""Web pages of the trade importers: upload → dry-run preview → apply, and the list of import runs.

The uploaded files are kept between preview and apply under MEDIA_ROOT/trade-imports/<token>/
(data file, optional country code file, options.json); the page carries only the token, checked
to be hex so that it can never name another path. Apply runs the import again from the stored
files (the store may have changed since the preview). Runs are public: they are the provenance
of official statistics shown to everyone; only the name of the person who ran an import is
kept to signed-in users.
"""

import json
import re
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hamkor.auth import permission_required
from trade import services
from trade.forms import TradeImportForm
from trade.importers import ImportRejected, build_importer
from trade.models import ColumnMapping, ImportRun

TEMPLATE = 'trade/import.html'
TOKEN = re.compile(r'[0-9a-f]{32}')
KEEP_SECONDS = 24 * 3600


def upload_root() -> Path:
    return Path(settings.MEDIA_ROOT) / 'trade-imports'


def store_uploads(form: TradeImportForm) -> str:
    """Save the uploads and options under a new token; remove uploads left for a day."""
    root = upload_root()
    root.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in root.iterdir():
        if old.is_dir() and old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)
    token = secrets.token_hex(16)
    directory = root / token
    directory.mkdir()
    data = form.cleaned_data
    options = {
        'kind': data['kind'],
        'name': base_name(data['file'].name),
        'edition': data.get('edition') or None,
        'mapping': data['mapping'].key if data.get('mapping') else None,
        'flow': data.get('flow') or None,
        'accept_unvalidated_edition': bool(data.get('accept_unvalidated_edition')),
        'countries_name': base_name(data['countries'].name) if data.get('countries') else None,
    }
    for role, upload in (('data', data['file']), ('countries', data.get('countries'))):
        if upload:
            suffix = Path(base_name(upload.name)).suffix.lower()[:8]
            with (directory / f'{role}{suffix}').open('wb') as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
    (directory / 'options.json').write_text(json.dumps(options))
    return token


def base_name(name: str) -> str:
    return Path(name.replace('\\', '/')).name[:200] or 'upload'


def importer_for(token: str):
    """The importer of a stored upload, or None for a token that is not ours (or has expired)."""
    if not TOKEN.fullmatch(token or ''):
        return None, None
    directory = upload_root() / token
    if not (directory / 'options.json').is_file():
        return None, None
    options = json.loads((directory / 'options.json').read_text())
    files = {path.stem: path for path in directory.iterdir() if path.stem in ('data', 'countries')}
    if 'data' not in files:
        return None, None
    mapping = ColumnMapping.objects.filter(key=options['mapping']).first() if options['mapping'] else None
    importer = build_importer(
        options['kind'],
        files['data'],
        name=options['name'],
        countries=files.get('countries'),
        countries_name=options['countries_name'],
        edition=options['edition'],
        mapping=mapping,
        flow=options['flow'],
        accept_unvalidated_edition=options['accept_unvalidated_edition'],
    )
    return importer, options


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
            token = store_uploads(form)
            try:
                importer, _options = importer_for(token)
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                context = {'report': preview(importer, request.user), 'token': token}
    return render(request, TEMPLATE, {'form': form, **context})


def trade_import_apply(request):
    token = request.POST.get('token', '')
    importer, _options = importer_for(token)
    if importer is None:
        context = {'form': TradeImportForm(), 'error': _('The uploaded file is no longer available: upload it again.')}
        return render(request, TEMPLATE, context, status=400)
    try:
        report = services.run_import(importer, actor=request.user)
    except ImportRejected as rejected:
        context = {
            'form': TradeImportForm(),
            'report': rejected.report,
            'error': _('Some rows are rejected: nothing was imported. Correct the file and upload it again.'),
        }
        return render(request, TEMPLATE, context)
    shutil.rmtree(upload_root() / token, ignore_errors=True)
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
